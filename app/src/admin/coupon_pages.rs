//! Promo-code pages for admins: every code with its use, a form for a new one, and one code's
//! rules with the orders that used it.

use super::coupons::{coupon_for_staff, list_coupons, CouponForm, SaveCoupon, StaffCoupon};
use super::pages::StaffFrame;
use crate::catalog::model::Category;
use crate::clock::{day_text, DAY_SECONDS};
use crate::coupons::StaffCouponRow;
use crate::forms::{FormFailure, FormResult, FormState};
use crate::local_time::format_time;
use crate::page::{when_loaded, Loading, TableScroll};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CouponsPage() -> impl IntoView {
    let create = ServerAction::<SaveCoupon>::new();
    let coupons = wire::resource(move || create.version().get(), |_| list_coupons());
    view! {
        <StaffFrame title="Promo codes" heading_id="coupons-title" body=move |_| view! {
            <Suspense fallback=Loading>
                {when_loaded(coupons, |rows| view! { <CouponTable rows/> })}
            </Suspense>
            <section class="panel" aria-labelledby="new-coupon-title">
                <h2 id="new-coupon-title">"New promo code"</h2>
                <CouponEditor original=String::new() form=CouponForm { kind: "percent".into(), ..Default::default() } active=true save=create/>
            </section>
        }.into_any()/>
    }
}

#[component]
fn CouponTable(rows: Vec<StaffCouponRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No promo codes yet."</p> }.into_any();
    }
    view! {
        <TableScroll label="Promo codes">
            <table class="staff-table">
                <caption>"Promo codes, newest first"</caption>
                <thead>
                    <tr><th scope="col">"Code"</th><th scope="col">"Gives"</th><th scope="col">"Works"</th><th scope="col">"Used"</th><th scope="col">"State"</th></tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| {
                        let dates = match (row.starts_at, row.expires_at) {
                            (None, None) => "Any day".to_owned(),
                            (Some(s), None) => format!("From {}", day_text(s)),
                            (None, Some(e)) => format!("Until {}", day_text(e - DAY_SECONDS)),
                            (Some(s), Some(e)) => format!("{} to {}", day_text(s), day_text(e - DAY_SECONDS)),
                        };
                        let used = match row.usage_limit {
                            Some(limit) => format!("{} of {limit}", row.redemptions),
                            None => row.redemptions.to_string(),
                        };
                        view! {
                            <tr data-testid="coupon-row">
                                <td><a href=format!("/admin/coupons/{}", row.code)>{row.code.clone()}</a></td>
                                <td>{row.offer}</td>
                                <td>{dates}</td>
                                <td>{used}</td>
                                <td>{if row.active { "Enabled" } else { "Disabled" }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

/// A code's rules; `original` empty for a new code (whose text can then be chosen).
#[component]
fn CouponEditor(
    original: String,
    form: CouponForm,
    active: bool,
    save: ServerAction<SaveCoupon>,
) -> impl IntoView {
    let state = FormState::new(move || save.value().get());
    let new = original.is_empty();
    let prefix = if new { "new-coupon" } else { "coupon" };
    let saved = move || !new && matches!(save.value().get(), Some(Ok(FormResult::Done)));
    let text = move |name: &'static str, label: &'static str, kind: &'static str, value: String| {
        let id = format!("{prefix}-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id name=format!("form[{name}]") type=kind value=value autocomplete="off"/>
                <p class="field-error" role="alert">{move || state.errors.read().get(name)}</p>
            </div>
        }
    };
    let kind_id = format!("{prefix}-kind");
    let kind = form.kind.clone();
    let chosen = [
        (Category::Case, form.cases.is_some()),
        (Category::ScreenProtector, form.screen_protectors.is_some()),
        (Category::Accessory, form.accessories.is_some()),
    ];
    view! {
        <ActionForm action=save attr:class="form" attr:novalidate=true>
            <input type="hidden" name="original" value=original.clone()/>
            {if new {
                text("code", "Code", "text", form.code.clone()).into_any()
            } else {
                view! { <input type="hidden" name="form[code]" value=form.code.clone()/> }.into_any()
            }}
            <div class="field">
                <label for=kind_id.clone()>"Gives"</label>
                <select id=kind_id name="form[kind]">
                    {[("percent", "A percentage off"), ("amount", "An amount off"), ("free_shipping", "Free standard shipping")]
                        .into_iter()
                        .map(|(value, label)| view! { <option value=value selected=kind == value>{label}</option> })
                        .collect_view()}
                </select>
                <p class="field-error" role="alert">{move || state.errors.read().get("kind")}</p>
            </div>
            {text("value", "Percent or dollars off (blank for free shipping)", "text", form.value.clone())}
            {text("min_spend", "Minimum spend in dollars (optional)", "text", form.min_spend.clone())}
            <div class="field-row">
                {text("starts", "First day (optional)", "date", form.starts.clone())}
                {text("ends", "Last day (optional)", "date", form.ends.clone())}
            </div>
            <div class="field-row">
                {text("usage_limit", "Uses in all (optional)", "text", form.usage_limit.clone())}
                {text("per_customer_limit", "Uses per customer (optional)", "text", form.per_customer_limit.clone())}
            </div>
            <fieldset class="refund-lines">
                <legend>"Only for (none ticked: every product)"</legend>
                {chosen.into_iter().map(|(category, on)| {
                    let id = format!("{prefix}-{}", category.slug());
                    view! {
                        <div class="field field--check">
                            <input id=id.clone() name=format!("form[{}]", category.slug()) type="checkbox" checked=on/>
                            <label for=id>{category.label()}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            {(!new).then(|| view! {
                <div class="field field--check">
                    <input id="coupon-enabled" name="enabled" type="checkbox" checked=active/>
                    <label for="coupon-enabled">"Enabled (shoppers can use it)"</label>
                </div>
            })}
            <FormFailure form=state/>
            <p role="status">{move || saved().then_some("Saved.")}</p>
            <button type="submit" class="button" disabled=move || save.pending().get()>
                {if new { "Create promo code" } else { "Save promo code" }}
            </button>
        </ActionForm>
    }
}

#[component]
pub fn CouponPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let save = ServerAction::<SaveCoupon>::new();
    let coupon = wire::resource(
        move || (code(), save.version().get()),
        |(code, _)| coupon_for_staff(code),
    );
    view! {
        <StaffFrame title="Promo code" heading_id="coupon-title" body=move |_| view! {
            <p><a href="/admin/coupons">"All promo codes"</a></p>
            <Suspense fallback=Loading>
                {when_loaded(coupon, move |coupon| view! { <CouponView coupon save/> })}
            </Suspense>
        }.into_any()/>
    }
}

#[component]
fn CouponView(coupon: StaffCoupon, save: ServerAction<SaveCoupon>) -> impl IntoView {
    let code = coupon.form.code.clone();
    view! {
        <h2 data-testid="coupon-code">{code.clone()}</h2>
        <section class="panel" aria-labelledby="coupon-rules-title">
            <h2 id="coupon-rules-title">"Rules"</h2>
            <CouponEditor original=code form=coupon.form active=coupon.active save/>
        </section>
        <section class="panel" aria-labelledby="redemptions-title">
            <h2 id="redemptions-title">{format!("Used {}", crate::words::counted(coupon.redemptions.len() as u64, "time", "times"))}</h2>
            {if coupon.redemptions.is_empty() {
                view! { <p>"No order has used this code yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="notes" data-testid="redemptions">
                        {coupon.redemptions.into_iter().map(|r| view! {
                            <li>
                                <a href=format!("/admin/orders/{}", r.order_number)>{r.order_number.clone()}</a>
                                " · "{r.email}" · "{format_time(r.at)}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}
