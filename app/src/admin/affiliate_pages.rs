//! The affiliate program's staff page (`/admin/affiliates`, admins): applications to decide,
//! partners with their results and changes, and payout runs.

use super::affiliates::{affiliates_for_staff, ChangePartner, DecideApplication, PayoutAction};
use super::pages::StaffFrame;
use crate::affiliates::rules::PartnerStatus;
use crate::affiliates::{PayoutRun, StaffAffiliates, StaffPartnerRow, PAYOUT_CSV_PATH};
use crate::forms::{FormFailure, FormState};
use crate::local_time::{format_day, format_time};
use crate::page::{when_loaded, Loading};
use crate::wire;
use leptos::prelude::*;

#[component]
pub fn AffiliatesPage() -> impl IntoView {
    let decide = ServerAction::<DecideApplication>::new();
    let change = ServerAction::<ChangePartner>::new();
    let payout = ServerAction::<PayoutAction>::new();
    let program = wire::resource(
        move || {
            (
                decide.version().get(),
                change.version().get(),
                payout.version().get(),
            )
        },
        |_| affiliates_for_staff(),
    );
    let actions = Actions {
        decide,
        change,
        payout,
    };
    view! {
        <StaffFrame title="Affiliates" heading_id="affiliates-title" body=move |_| view! {
            <Suspense fallback=Loading>
                {when_loaded(program, move |program| view! { <Program program actions/> })}
            </Suspense>
        }.into_any()/>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    decide: ServerAction<DecideApplication>,
    change: ServerAction<ChangePartner>,
    payout: ServerAction<PayoutAction>,
}

#[component]
fn Program(program: StaffAffiliates, actions: Actions) -> impl IntoView {
    let decided = FormState::new(move || actions.decide.value().get());
    let changed = FormState::new(move || actions.change.value().get());
    let paid = FormState::new(move || actions.payout.value().get());
    view! {
        <section class="panel" aria-labelledby="applications-title">
            <h2 id="applications-title">{format!("Applications ({})", program.applications.len())}</h2>
            <FormFailure form=decided/>
            {if program.applications.is_empty() {
                view! { <p>"No application is waiting."</p> }.into_any()
            } else {
                program.applications.into_iter().map(|a| view! { <Application row=a decide=actions.decide form=decided/> }).collect_view().into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="partners-title">
            <h2 id="partners-title">{format!("Partners ({})", program.partners.len())}</h2>
            <FormFailure form=changed/>
            {if program.partners.is_empty() {
                view! { <p>"No partner yet."</p> }.into_any()
            } else {
                program.partners.into_iter().map(|p| view! { <Partner row=p change=actions.change form=changed/> }).collect_view().into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="payout-runs-title">
            <h2 id="payout-runs-title">"Payouts"</h2>
            <p>"A run pays every approved partner whose approved commission is at least USD 50. Download its file, upload it to PayPal's mass payments, then mark it paid."</p>
            <ActionForm action=actions.payout>
                <input type="hidden" name="action" value="prepare"/>
                <button type="submit" class="button">"Prepare a payout run"</button>
            </ActionForm>
            <FormFailure form=paid/>
            {program.runs.into_iter().map(|run| view! { <Run run payout=actions.payout/> }).collect_view()}
        </section>
    }
}

#[component]
fn Application(
    row: StaffPartnerRow,
    decide: ServerAction<DecideApplication>,
    form: FormState,
) -> impl IntoView {
    let reason_id = format!("decline-reason-{}", row.id);
    view! {
        <article class="staff-card" data-testid="application">
            <h3>{row.name.clone()}</h3>
            <dl>
                <dt>"E-mail"</dt><dd>{row.email.clone()}</dd>
                <dt>"Channel"</dt><dd>{row.channel.clone()}</dd>
                <dt>"Audience"</dt><dd>{row.audience.clone()}</dd>
                <dt>"How they will promote"</dt><dd>{row.promotion.clone()}</dd>
                <dt>"PayPal"</dt><dd>{row.paypal_email.clone()}</dd>
                <dt>"Applied"</dt><dd>{format_time(row.applied_at)}</dd>
            </dl>
            <ActionForm action=decide>
                <input type="hidden" name="partner_id" value=row.id/>
                <input type="hidden" name="decision" value="approve"/>
                <input type="hidden" name="reason" value=""/>
                <button type="submit" class="button">"Approve"</button>
            </ActionForm>
            <ActionForm action=decide attr:class="form">
                <input type="hidden" name="partner_id" value=row.id/>
                <input type="hidden" name="decision" value="decline"/>
                <div class="field">
                    <label for=reason_id.clone()>"Reason (sent to the applicant)"</label>
                    <input id=reason_id type="text" name="reason" required/>
                    <p class="field-error" role="alert">{move || form.errors.read().get("reason")}</p>
                </div>
                <button type="submit" class="button button--danger">"Decline"</button>
            </ActionForm>
        </article>
    }
}

#[component]
fn Partner(
    row: StaffPartnerRow,
    change: ServerAction<ChangePartner>,
    form: FormState,
) -> impl IntoView {
    let suspended = row.status == PartnerStatus::Suspended;
    let rate_id = format!("partner-rate-{}", row.id);
    let rate_value = if row.custom_rate {
        row.rate.to_string().trim_end_matches('%').to_owned()
    } else {
        String::new()
    };
    view! {
        <article class="staff-card" data-testid="partner">
            <h3>{row.name.clone()}{suspended.then_some(" (suspended)")}</h3>
            <dl>
                <dt>"E-mail"</dt><dd>{row.email.clone()}</dd>
                <dt>"Referral code"</dt><dd>{row.referral_code.clone().unwrap_or_default()}</dd>
                <dt>"Promo code"</dt><dd data-testid="partner-promo">{row.promo_code.clone().unwrap_or_else(|| "none".into())}</dd>
                <dt>"Rate"</dt><dd>{format!("{}{}", row.rate, if row.custom_rate { " (their own)" } else { "" })}</dd>
                <dt>"Clicks · orders"</dt><dd>{format!("{} · {}", row.clicks, row.orders)}</dd>
                <dt>"Commission"</dt><dd>{format!("{} pending, {} approved, {} paid", row.balances.pending, row.balances.approved, row.balances.paid)}</dd>
            </dl>
            <ActionForm action=change attr:class="form form--inline">
                <input type="hidden" name="partner_id" value=row.id/>
                <input type="hidden" name="change" value="rate"/>
                <div class="field">
                    <label for=rate_id.clone()>"Their rate, % (blank: the program's)"</label>
                    <input id=rate_id type="text" name="rate" inputmode="decimal" value=rate_value/>
                    <p class="field-error" role="alert">{move || form.errors.read().get("rate")}</p>
                </div>
                <button type="submit" class="button">"Save rate"</button>
            </ActionForm>
            <ActionForm action=change>
                <input type="hidden" name="partner_id" value=row.id/>
                <input type="hidden" name="change" value=if suspended { "reinstate" } else { "suspend" }/>
                <input type="hidden" name="rate" value=""/>
                <button type="submit" class=if suspended { "button" } else { "button button--danger" }>
                    {if suspended { "Reinstate" } else { "Suspend" }}
                </button>
            </ActionForm>
            {(!suspended).then(|| view! {
                <ActionForm action=change>
                    <input type="hidden" name="partner_id" value=row.id/>
                    <input type="hidden" name="change" value="new_code"/>
                    <input type="hidden" name="rate" value=""/>
                    <button type="submit" class="button button--secondary">"Retire promo code and issue a new one"</button>
                </ActionForm>
            })}
        </article>
    }
}

#[component]
fn Run(run: PayoutRun, payout: ServerAction<PayoutAction>) -> impl IntoView {
    let total = run.total();
    let open = run.paid_at.is_none();
    view! {
        <article class="staff-card" data-testid="payout-run">
            <h3>{format!("Run {} of {}", run.id, format_day(run.created_at))}</h3>
            <p>{match run.paid_at {
                Some(at) => format!("Paid on {}: {total} to {} partners.", format_day(at), run.lines.len()),
                None => format!("Prepared, not paid yet: {total} to {} partners.", run.lines.len()),
            }}</p>
            <ul>
                {run.lines.into_iter().map(|l| view! { <li>{format!("{}: {} to {}", l.partner_name, l.amount, l.paypal_email)}</li> }).collect_view()}
            </ul>
            <p><a href=format!("{PAYOUT_CSV_PATH}?run={}", run.id) download>"Download the PayPal file (CSV)"</a></p>
            {open.then(|| view! {
                <ActionForm action=payout>
                    <input type="hidden" name="action" value="paid"/>
                    <input type="hidden" name="run" value=run.id/>
                    <button type="submit" class="button">"Mark paid"</button>
                </ActionForm>
                <ActionForm action=payout>
                    <input type="hidden" name="action" value="discard"/>
                    <input type="hidden" name="run" value=run.id/>
                    <button type="submit" class="button button--secondary">"Discard run"</button>
                </ActionForm>
            })}
        </article>
    }
}
