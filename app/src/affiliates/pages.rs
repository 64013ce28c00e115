//! The program's pages: `/affiliates` (what partners get, the terms, the application) and a
//! partner's dashboard, `/affiliates/dashboard` (results, referred orders, payouts, links,
//! QR code and banners).

use super::api::{my_partnership, ApplyToProgram};
use super::banners::{Banner, BANNERS, BANNER_PATH};
use super::rules::{DEFAULT_RATE, PAYOUT_THRESHOLD, PERSONAL_CODE_PERCENT};
use super::{PartnerDashboard, Partnership, AUDIENCE_SIZES, PERIODS, QR_PATH};
use crate::accounts::pages::AuthState;
use crate::charts::BarChart;
use crate::forms::{query_value, Field, FormFailure, FormResult, FormState, TextArea};
use crate::local_time::format_day;
use crate::money::Money;
use crate::page::{when_loaded, Loading, PageTitle, TableScroll};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProgramPage() -> impl IntoView {
    let apply = ServerAction::<ApplyToProgram>::new();
    let form = FormState::new(move || apply.value().get());
    let query = use_query_map();
    let received = move || {
        query.read().get("applied").is_some()
            || matches!(apply.value().get(), Some(Ok(FormResult::Done)))
    };
    let auth = AuthState::expect();
    view! {
        <PageTitle text="Partner program" description="Earn a commission on the phone cases and accessories you recommend: free for approved partners."/>
        <section class="page narrow" aria-labelledby="program-title">
            <h1 id="program-title">"Partner program"</h1>
            <p class="lead">"Recommend our cases, screen protectors and accessories, and earn on every order you bring. Free to join for approved partners; set up in 10 minutes."</p>
            <section class="panel" aria-labelledby="program-get">
                <h2 id="program-get">"What you get"</h2>
                <ul>
                    <li>{format!("{DEFAULT_RATE} commission on the merchandise of every order you refer, after discounts (shipping excluded).")}</li>
                    <li>"A 30-day window: an order counts if your link was the last one clicked in the 30 days before it."</li>
                    <li>{format!("A personal promo code that gives your audience {PERSONAL_CODE_PERCENT}% off and credits you even without a click.")}</li>
                    <li>{format!("Monthly payouts by PayPal once your approved commission reaches ${}.", PAYOUT_THRESHOLD.amount())}</li>
                    <li>"Ready links to any page, a QR code, and our banners in four sizes with the code to embed them."</li>
                    <li>"A dashboard with your clicks, orders and commission, day by day."</li>
                </ul>
            </section>
            <section class="panel" aria-labelledby="program-terms">
                <h2 id="program-terms">"Terms"</h2>
                <ul>
                    <li>"We review every application and answer by e-mail within three business days."</li>
                    <li>"A commission is pending until 30 days after its order is delivered, then approved. A cancelled order earns nothing; a refund takes back its share of the commission."</li>
                    <li>"One partner is credited per order: your personal code, or else the last partner link clicked."</li>
                    <li>"You earn nothing on your own orders (same account or same e-mail address)."</li>
                    <li>"We may suspend a partner who misleads shoppers or bids on our name; links and codes then stop crediting."</li>
                </ul>
            </section>
            <section class="panel" aria-labelledby="program-apply">
                <h2 id="program-apply">"Apply"</h2>
                <Show
                    when=received
                    fallback=move || view! {
                        <ActionForm action=apply attr:class="form" attr:novalidate=true>
                            <Field id="apply-name" name="name" label="Your name or brand" autocomplete="name" form/>
                            <Transition fallback=|| ()>
                                {move || match auth.signed_in() {
                                    Some(me) => view! {
                                        <p>"You apply as "<strong>{me.email.clone()}</strong>"."</p>
                                        <input type="hidden" name="email" value=me.email/>
                                    }.into_any(),
                                    None => view! {
                                        <Field id="apply-email" name="email" label="E-mail" kind="email" autocomplete="email" form/>
                                    }.into_any(),
                                }}
                            </Transition>
                            <Field id="apply-channel" name="channel" label="Website or social channel" autocomplete="url" form/>
                            <div class="field">
                                <label for="apply-audience">"Audience size"</label>
                                <select id="apply-audience" name="audience" required>
                                    <option value="">"Choose one"</option>
                                    {AUDIENCE_SIZES.into_iter().map(|size| view! { <option value=size>{size}</option> }).collect_view()}
                                </select>
                                <p class="field-error" role="alert">{move || form.errors.read().get("audience")}</p>
                            </div>
                            <TextArea id="apply-promotion" name="promotion" label="How will you promote us?" rows=4 max=2000 form/>
                            <Field id="apply-paypal" name="paypal_email" label="PayPal address for payouts" kind="email" autocomplete="email" form/>
                            <FormFailure form/>
                            <button type="submit" class="button" disabled=move || apply.pending().get()>"Send my application"</button>
                        </ActionForm>
                    }
                >
                    <div class="notice" role="status" data-testid="application-received">
                        <p><strong>"Thank you: we received your application."</strong></p>
                        <p>"We answer by e-mail within three business days. Once approved, sign in with the address you gave to open your partner dashboard; if you have no account yet, "<a href="/account/sign-up?next=/affiliates/dashboard">"create one with that address"</a>"."</p>
                    </div>
                </Show>
            </section>
        </section>
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let days = move || {
        query
            .read()
            .get("days")
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|d| PERIODS.contains(d))
            .unwrap_or(30)
    };
    let partnership = wire::resource(days, my_partnership);
    view! {
        <PageTitle text="Partner dashboard"/>
        <section class="page" aria-labelledby="dashboard-title">
            <h1 id="dashboard-title">"Partner dashboard"</h1>
            <Suspense fallback=Loading>
                {when_loaded(partnership, move |partnership| match partnership {
                    Partnership::NotApplied => view! {
                        <p>"You are not a partner yet. "<a href="/affiliates">"See the partner program and apply"</a>"."</p>
                    }.into_any(),
                    Partnership::Waiting => view! {
                        <p role="status">"We received your application and answer by e-mail within three business days."</p>
                    }.into_any(),
                    Partnership::Declined { reason } => view! {
                        <p>"We could not approve your application: "{reason}</p>
                        <p><a href="/affiliates">"Apply again"</a>" when that has changed."</p>
                    }.into_any(),
                    Partnership::Suspended => view! {
                        <p role="status">"Your partnership is suspended: your links and code credit nothing for now. Write to us to talk about it."</p>
                    }.into_any(),
                    Partnership::Approved(dashboard) => view! { <Dashboard dashboard=*dashboard days=days()/> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

fn money(cents: i64) -> String {
    Money::from_cents(cents).to_string()
}

fn count(n: i64) -> String {
    n.to_string()
}

#[component]
fn Dashboard(dashboard: PartnerDashboard, days: u32) -> impl IntoView {
    let clicks: u32 = dashboard.days.iter().map(|d| d.clicks).sum();
    let orders: u32 = dashboard.days.iter().map(|d| d.orders).sum();
    let conversion = if clicks == 0 {
        "–".to_owned()
    } else {
        format!("{:.1}%", f64::from(orders) * 100.0 / f64::from(clicks))
    };
    let labels: Vec<String> = dashboard
        .days
        .iter()
        .map(|d| crate::local_time::format_utc_day(d.day))
        .collect();
    let click_values: Vec<i64> = dashboard.days.iter().map(|d| i64::from(d.clicks)).collect();
    let commission_values: Vec<i64> = dashboard
        .days
        .iter()
        .map(|d| d.commission.cents())
        .collect();
    let earned: Money = dashboard.days.iter().map(|d| d.commission).sum();
    let balances = dashboard.balances;
    view! {
        <p>{format!("Welcome, {}. You earn {} on the orders you refer.", dashboard.name, dashboard.rate)}</p>
        <nav class="period" aria-label="Period">
            {PERIODS.into_iter().map(|d| view! {
                <a href=format!("/affiliates/dashboard?days={d}") aria-current=(d == days).then_some("page")>{format!("{d} days")}</a>
            }).collect_view()}
        </nav>
        <dl class="figures" data-testid="partner-figures">
            <div><dt>"Clicks"</dt><dd data-testid="clicks">{clicks}</dd></div>
            <div><dt>"Orders"</dt><dd data-testid="orders">{orders}</dd></div>
            <div><dt>"Conversion"</dt><dd>{conversion}</dd></div>
            <div><dt>"Pending"</dt><dd data-testid="pending">{balances.pending.to_string()}</dd></div>
            <div><dt>"Approved"</dt><dd data-testid="approved">{balances.approved.to_string()}</dd></div>
            <div><dt>"Paid"</dt><dd data-testid="paid">{balances.paid.to_string()}</dd></div>
        </dl>
        <BarChart
            id="partner-clicks"
            caption=format!("Clicks per day, last {days} days")
            summary=format!("{} and {} in {days} days.", crate::words::counted(u64::from(clicks), "click", "clicks"), crate::words::counted(u64::from(orders), "order", "orders"))
            label_heading="Day"
            value_heading="Clicks"
            labels=labels.clone()
            values=click_values
            format=count
        />
        <BarChart
            id="partner-commission"
            caption=format!("Commission per day, last {days} days")
            summary=format!("{earned} earned in {days} days, less refunds.")
            label_heading="Day"
            value_heading="Commission"
            labels
            values=commission_values
            format=money
        />
        <LinkBuilder dashboard=dashboard.clone()/>
        <Banners dashboard=dashboard.clone()/>
        <section class="panel" aria-labelledby="referred-title">
            <h2 id="referred-title">"Your orders"</h2>
            {if dashboard.orders.is_empty() {
                view! { <p>"No orders yet: share your link to get started."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label="Your orders">
                        <table class="staff-table" data-testid="referred-orders">
                            <thead><tr><th scope="col">"Order"</th><th scope="col">"Date"</th><th scope="col">"Total"</th><th scope="col">"Commission"</th><th scope="col">"Status"</th></tr></thead>
                            <tbody>
                                {dashboard.orders.into_iter().map(|o| view! {
                                    <tr>
                                        <td>{o.number}</td>
                                        <td>{format_day(o.placed_at)}</td>
                                        <td>{o.total.to_string()}</td>
                                        <td>{o.commission.to_string()}</td>
                                        <td>{o.state.label()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="payouts-title">
            <h2 id="payouts-title">"Payouts"</h2>
            {if dashboard.payouts.is_empty() {
                view! { <p>{format!("No payout yet: we pay monthly by PayPal once your approved commission reaches ${}.", PAYOUT_THRESHOLD.amount())}</p> }.into_any()
            } else {
                view! {
                    <ul data-testid="payouts">
                        {dashboard.payouts.into_iter().map(|p| view! {
                            <li>{format!("{} on {} to {}", p.amount, format_day(p.paid_at), p.paypal_email)}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// Copies `text` to the clipboard, then says so (a browser may refuse the page).
fn copy(text: String, done: WriteSignal<bool>) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let promise = window().navigator().clipboard().write_text(&text);
        if wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() {
            done.set(true);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (text, done);
}

#[component]
fn LinkBuilder(dashboard: PartnerDashboard) -> impl IntoView {
    let (page, set_page) = signal("/".to_owned());
    let code = dashboard.referral_code.clone();
    let link = {
        let dashboard = dashboard.clone();
        move || dashboard.link(&page.get())
    };
    let qr = {
        let shop = dashboard.shop_url.clone();
        move || {
            let path = page.get();
            let path = path.trim();
            let path = path
                .strip_prefix(shop.trim_end_matches('/'))
                .unwrap_or(path);
            format!(
                "{QR_PATH}?path={}&code={code}",
                query_value(if path.is_empty() { "/" } else { path })
            )
        }
    };
    let (copied, set_copied) = signal(false);
    let to_copy = link.clone();
    view! {
        <section class="panel" aria-labelledby="links-title">
            <h2 id="links-title">"Your links"</h2>
            <p>"Add "<code>{format!("?ref={}", dashboard.referral_code)}</code>" to any address on the shop, or build a link here."</p>
            {dashboard.promo_code.map(|promo| view! {
                <p>"Your personal promo code: "<strong data-testid="promo-code">{promo}</strong>{format!(" ({PERSONAL_CODE_PERCENT}% off for your audience; it credits you without a click)")}</p>
            })}
            <div class="field">
                <label for="link-page">"Page on the shop (a path such as /shop?category=cases, or its whole address)"</label>
                <input id="link-page" type="text" prop:value=move || page.get() on:input=move |ev| { set_page.set(event_target_value(&ev)); set_copied.set(false); }/>
            </div>
            <div class="field">
                <label for="link-result">"Your link"</label>
                <input id="link-result" type="text" readonly data-testid="partner-link" prop:value=link/>
            </div>
            <button type="button" class="button" on:click=move |_| copy(to_copy(), set_copied)>"Copy link"</button>
            <p role="status">{move || copied.get().then_some("Copied.")}</p>
            <img src=qr width="200" height="200" alt="QR code of your link" data-testid="partner-qr"/>
        </section>
    }
}

#[component]
fn Banners(dashboard: PartnerDashboard) -> impl IntoView {
    let home = dashboard.link("/");
    let shop = dashboard.shop_url.trim_end_matches('/').to_owned();
    view! {
        <section class="panel" aria-labelledby="banners-title">
            <h2 id="banners-title">"Banners"</h2>
            <p>"Paste a banner's code into your site: the image is served by the shop and links through your code."</p>
            {BANNERS.into_iter().map(|banner: Banner| {
                let id = format!("banner-{}", banner.file());
                view! {
                    <figure class="banner">
                        <figcaption>{format!("{} ({} × {})", banner.name, banner.width, banner.height)}</figcaption>
                        <img class="banner__preview" src=format!("{BANNER_PATH}/{}", banner.file()) width=banner.width height=banner.height alt=super::banners::ALT loading="lazy"/>
                        <label for=id.clone()>"Code to embed"</label>
                        <textarea id=id readonly rows="3">{banner.snippet(&shop, &home)}</textarea>
                    </figure>
                }
            }).collect_view()}
        </section>
    }
}
