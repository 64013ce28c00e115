//! Warranty review pages for staff: the queue of claims with thumbnails, filtered by status,
//! and one claim with its photos (full size on click), its order, the customer's earlier
//! claims and the three decisions.

use super::claims::{
    claim_for_staff, list_claims, ApproveClaim, AskAboutClaim, ClaimQueue, DeclineClaim, StaffClaim,
};
use super::pages::{Pager, StaffFrame};
use crate::forms::{query_value, FormFailure, FormState, TextArea};
use crate::local_time::format_time;
use crate::page::{when_loaded, Loading, TableScroll};
use crate::photos::photo_url;
use crate::photos::picker::PhotoGallery;
use crate::support::pages::Messages;
use crate::support::MESSAGE_MAX;
use crate::warranty::pages::ClaimHistory;
use crate::warranty::{ClaimStatus, Exclusion};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ClaimsPage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Signal::derive(move || {
        let query = query.read();
        let page = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        // The queue opens on what waits for a decision.
        let status = query
            .get("status")
            .unwrap_or_else(|| ClaimStatus::Submitted.slug().into());
        (status, page)
    });
    let claims = wire::resource(
        move || wanted.get(),
        |(status, page)| list_claims(status, page),
    );
    view! {
        <StaffFrame title="Warranty claims" heading_id="claims-title" body=move |_| view! {
            <form method="get" action="/admin/claims" class="panel form order-filter" role="search">
                <div class="field">
                    <label for="claims-status">"Status"</label>
                    <select id="claims-status" name="status">
                        <option value="any" selected=move || wanted.get().0 == "any">"Any status"</option>
                        {ClaimStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.slug() selected=move || wanted.get().0 == s.slug()>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="button">"Show"</button>
            </form>
            <Suspense fallback=Loading>
                {when_loaded(claims, move |queue| view! { <ClaimTable queue status=wanted.get_untracked().0/> })}
            </Suspense>
        }.into_any()/>
    }
}

#[component]
fn ClaimTable(queue: ClaimQueue, status: String) -> impl IntoView {
    let link =
        move |page: u32| format!("/admin/claims?status={}&page={page}", query_value(&status));
    let previous = (queue.page > 1).then(|| link(queue.page - 1));
    let next = (queue.page < queue.pages).then(|| link(queue.page + 1));
    if queue.rows.is_empty() {
        return view! { <p data-testid="claims-empty">"No claim here."</p> }.into_any();
    }
    view! {
        <p role="status">{format!("{} · page {} of {}", crate::words::counted(u64::from(queue.count), "claim", "claims"), queue.page, queue.pages)}</p>
        <TableScroll label="Warranty claims">
            <table class="staff-table">
                <caption>"Claims, longest waiting first"</caption>
                <thead>
                    <tr><th scope="col">"Photo"</th><th scope="col">"Claim"</th><th scope="col">"Item"</th><th scope="col">"Order"</th><th scope="col">"Status"</th><th scope="col">"Sent"</th></tr>
                </thead>
                <tbody>
                    {queue.rows.into_iter().map(|c| view! {
                        <tr data-testid="claim-row">
                            <td>{c.first_photo.map(|id| view! {
                                <img class="thumb" src=photo_url(&id, true, None) alt=format!("First photo of {}", c.number) width="64" height="64" loading="lazy"/>
                            })}</td>
                            <td><a href=format!("/admin/claims/{}", c.number)>{c.number.clone()}</a><br/><small>{c.email}</small></td>
                            <td>{c.item}</td>
                            <td><a href=format!("/admin/orders/{}", c.order)>{c.order.clone()}</a></td>
                            <td class=format!("status status--{}", c.status.slug())>{c.status.label()}</td>
                            <td>{format_time(c.created_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
        <Pager label="Claim pages" previous next/>
    }
    .into_any()
}

#[component]
pub fn StaffClaimPage() -> impl IntoView {
    let params = use_params_map();
    let approve = ServerAction::<ApproveClaim>::new();
    let ask = ServerAction::<AskAboutClaim>::new();
    let decline = ServerAction::<DeclineClaim>::new();
    let claim = wire::resource(
        move || {
            (
                params.read().get("number").unwrap_or_default(),
                approve.version().get() + ask.version().get() + decline.version().get(),
            )
        },
        |(number, _)| claim_for_staff(number),
    );
    view! {
        <StaffFrame title="Warranty claim" heading_id="claim-staff-title" body=move |_| view! {
            <p><a href="/admin/claims">"All claims"</a></p>
            <Transition fallback=Loading>
                {when_loaded(claim, move |claim| view! { <ClaimDesk claim approve ask decline/> })}
            </Transition>
        }.into_any()/>
    }
}

#[component]
fn ClaimDesk(
    claim: StaffClaim,
    approve: ServerAction<ApproveClaim>,
    ask: ServerAction<AskAboutClaim>,
    decline: ServerAction<DeclineClaim>,
) -> impl IntoView {
    let c = claim.claim;
    let status = c.status;
    let number = c.number.clone();
    view! {
        <h2 data-testid="claim-number">{c.number.clone()}</h2>
        <dl class="facts">
            <div><dt>"Status"</dt><dd class=format!("status status--{}", status.slug()) data-testid="staff-claim-status">{status.label()}</dd></div>
            <div><dt>"About"</dt><dd>{c.kind.label()}</dd></div>
            <div><dt>"Item"</dt><dd>{c.item.clone()}</dd></div>
            <div><dt>"Order"</dt><dd><a href=format!("/admin/orders/{}", c.order)>{c.order.clone()}</a></dd></div>
            <div><dt>"Customer"</dt><dd>{c.email.clone()}</dd></div>
            {c.replacement.clone().map(|order| view! {
                <div><dt>"Replacement"</dt><dd><a href=format!("/admin/orders/{order}") data-testid="staff-claim-replacement">{order.clone()}</a></dd></div>
            })}
            {c.decline_reason.map(|reason| view! { <div><dt>"Declined for"</dt><dd>{reason.label()}</dd></div> })}
            <div><dt>"Sent"</dt><dd>{format_time(c.created_at)}</dd></div>
        </dl>
        <h3>"Photos"</h3>
        <PhotoGallery photos=c.photos key=None/>
        <h3>"Messages"</h3>
        <Messages messages=c.messages/>
        {status.is_open().then(|| view! {
            <Decisions number choices=claim.choices approve ask decline/>
        })}
        {(!claim.earlier.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="earlier-claims-title">
                <h3 id="earlier-claims-title">"This customer's other claims"</h3>
                <ClaimHistory claims=claim.earlier href_base="/admin/claims/"/>
            </section>
        })}
    }
}

#[component]
fn Decisions(
    number: String,
    choices: Vec<(String, String)>,
    approve: ServerAction<ApproveClaim>,
    ask: ServerAction<AskAboutClaim>,
    decline: ServerAction<DeclineClaim>,
) -> impl IntoView {
    let approve_form = FormState::new(move || approve.value().get());
    let ask_form = FormState::new(move || ask.value().get());
    let decline_form = FormState::new(move || decline.value().get());
    let no_stock = choices.is_empty();
    let (for_approve, for_ask, for_decline) = (number.clone(), number.clone(), number);
    view! {
        <section class="panel" aria-labelledby="approve-title">
            <h3 id="approve-title">"Approve: send a free replacement"</h3>
            <ActionForm action=approve attr:class="form">
                <input type="hidden" name="number" value=for_approve/>
                <div class="field">
                    <label for="approve-sku">"Replacement"</label>
                    <select id="approve-sku" name="sku" required>
                        {choices.into_iter().enumerate().map(|(n, (sku, options))| view! {
                            <option value=sku.clone() selected=n == 0>{format!("{options} ({sku})")}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{move || approve_form.errors.read().get("sku")}</p>
                    {no_stock.then(|| view! { <p class="notice">"No variant of this product is in stock: restock it first."</p> })}
                </div>
                <FormFailure form=approve_form/>
                <button type="submit" class="button" disabled=move || no_stock || approve.pending().get()>"Approve and send replacement"</button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="ask-title">
            <h3 id="ask-title">"Ask for more photos or details"</h3>
            <ActionForm action=ask attr:class="form" attr:novalidate=true>
                <input type="hidden" name="number" value=for_ask/>
                <TextArea id="ask-message" name="message" label="Your question (e-mailed to the customer)" rows=4 max=MESSAGE_MAX form=ask_form/>
                <FormFailure form=ask_form/>
                <button type="submit" class="button button--ghost" disabled=move || ask.pending().get()>"Ask the customer"</button>
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="decline-title">
            <h3 id="decline-title">"Decline"</h3>
            <ActionForm action=decline attr:class="form" attr:novalidate=true>
                <input type="hidden" name="number" value=for_decline/>
                <div class="field">
                    <label for="decline-reason">"Not covered because of"</label>
                    <select id="decline-reason" name="reason" required>
                        <option value="">"Choose the exclusion"</option>
                        {Exclusion::ALL.into_iter().map(|e| view! { <option value=e.slug()>{e.label()}</option> }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{move || decline_form.errors.read().get("reason")}</p>
                </div>
                <div class="field">
                    <label for="decline-message">"Explanation for the customer (optional)"</label>
                    <textarea id="decline-message" name="message" rows="3" maxlength="2000"></textarea>
                </div>
                <FormFailure form=decline_form/>
                <button type="submit" class="button button--ghost" disabled=move || decline.pending().get()>"Decline the claim"</button>
            </ActionForm>
        </section>
    }
}
