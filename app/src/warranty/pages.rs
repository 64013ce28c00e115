//! Warranty pages for shoppers: the claim form (find the order, choose the item, describe the
//! defect, confirm the exclusions, add photos), one claim with its photos and conversation,
//! and a signed-in shopper's claims. The photo picker and gallery are the `photos` service's.

use super::api::{claimable_order, get_claim, my_claims, AddToClaim, FileClaim, OrderToClaim};
use super::{ClaimKind, ClaimStatus, ClaimSummary, ClaimView, Exclusion};
use crate::accounts::pages::AuthState;
use crate::forms::{FormFailure, FormState, TextArea};
use crate::local_time::format_day;
use crate::page::{when_loaded, Loading, PageTitle};
use crate::photos::picker::{new_draft, PhotoGallery, PhotoPicker};
use crate::photos::rules::MIN_PHOTOS;
use crate::support::pages::{Messages, Received};
use crate::support::MESSAGE_MAX;
use crate::wire;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ClaimFormPage() -> impl IntoView {
    let query = use_query_map();
    let auth = AuthState::expect();
    let wanted = move || {
        let query = query.read();
        (
            query.get("order").unwrap_or_default(),
            query.get("email").unwrap_or_default(),
        )
    };
    let order = wire::resource(wanted, |(order, email)| async move {
        if order.trim().is_empty() {
            Ok(None)
        } else {
            claimable_order(order, email).await.map(Some)
        }
    });
    let (typed_order, typed_email) = wanted();
    view! {
        <PageTitle text="Warranty claim" description="Claim under our limited lifetime warranty, or tell us about a quality problem with a new delivery, with photos from your phone or computer."/>
        <section class="page narrow" aria-labelledby="claim-title">
            <h1 id="claim-title">"Claim under the warranty"</h1>
            <p>"Our cases, screen protectors and accessories are covered for life against defects in material or workmanship. A quality concern about a new delivery is accepted within 30 days of receiving it. Please keep the item: nothing is accepted back without an approved claim."</p>
            <Form method="get" action="/warranty/claim" attr:class="panel form" attr:aria-labelledby="claim-order-title">
                <h2 id="claim-order-title">"1. Your order"</h2>
                <div class="field">
                    <label for="claim-find-order">"Order number"</label>
                    <input id="claim-find-order" name="order" autocomplete="off" required value=typed_order/>
                </div>
                <Transition fallback=|| ()>
                    {move || (auth.signed_in().is_none()).then(|| {
                        let typed_email = typed_email.clone();
                        view! {
                            <div class="field">
                                <label for="claim-find-email">"E-mail used for the order"</label>
                                <input id="claim-find-email" name="email" type="email" autocomplete="email" value=typed_email/>
                            </div>
                        }
                    })}
                </Transition>
                <button type="submit" class="button button--ghost">"Find my order"</button>
            </Form>
            <Suspense fallback=Loading>
                {move || Suspend::new(async move {
                    match order.await {
                        Ok(Some(found)) => view! { <ClaimForm found email=wanted().1/> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(error) => view! {
                            <p class="notice notice--error" role="alert" data-testid="claim-order-error">{error.to_string()}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ClaimForm(found: OrderToClaim, email: String) -> impl IntoView {
    let submit = ServerAction::<FileClaim>::new();
    let form = FormState::new(move || submit.value().get());
    let draft = new_draft();
    let error = move |field: &'static str| move || form.errors.read().get(field);
    let only_item = found.items.len() == 1;
    view! {
        <ActionForm action=submit attr:class="panel form" attr:novalidate=true attr:aria-labelledby="claim-details-title">
            <h2 id="claim-details-title">{format!("2. Your claim about order {}", found.order)}</h2>
            <input type="hidden" name="order" value=found.order.clone()/>
            <input type="hidden" name="email" value=email/>
            <input type="hidden" name="draft" prop:value=move || draft.get()/>
            <p class="field-error" role="alert">{error("order")}{error("email")}</p>
            <div class="field">
                <label for="claim-line">"Item"</label>
                <select id="claim-line" name="line" required>
                    {(!only_item).then(|| view! { <option value="">"Choose the item"</option> })}
                    {found.items.into_iter().map(|item| view! {
                        <option value=item.line_id.to_string() selected=only_item>{item.item}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" role="alert">{error("line")}</p>
            </div>
            <fieldset class="field choices">
                <legend>"What is it about?"</legend>
                {ClaimKind::ALL.into_iter().map(|kind| {
                    let id = format!("claim-kind-{}", kind.slug());
                    view! {
                        <div class="choice">
                            <input type="radio" id=id.clone() name="kind" value=kind.slug() checked=kind == ClaimKind::Defect/>
                            <label for=id>{kind.label()}</label>
                        </div>
                    }
                }).collect_view()}
                <p class="field-error" role="alert">{error("kind")}</p>
            </fieldset>
            <TextArea id="claim-description" name="description" label="What is wrong, and when did it start?" rows=5 max=MESSAGE_MAX form/>
            <fieldset class="field exclusions">
                <legend>"What the warranty does not cover"</legend>
                <ul>
                    {Exclusion::ALL.into_iter().map(|e| view! { <li>{capitalised(e.label())}</li> }).collect_view()}
                </ul>
                <div class="choice">
                    <input type="checkbox" id="claim-confirm" name="confirm" value="yes" required/>
                    <label for="claim-confirm">"The problem is none of these"</label>
                </div>
                <p class="field-error" role="alert">{error("confirm")}</p>
            </fieldset>
            <PhotoPicker draft min=MIN_PHOTOS error=Signal::derive(error("photos"))/>
            <FormFailure form/>
            <button type="submit" class="button" disabled=move || submit.pending().get()>"Send claim"</button>
        </ActionForm>
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[component]
pub fn ClaimPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let add = ServerAction::<AddToClaim>::new();
    let wanted = move || {
        (
            params.read().get("number").unwrap_or_default(),
            query.read().get("key"),
        )
    };
    let sent = move || query.read().get("sent").as_deref() == Some("1");
    let claim = wire::resource(
        move || (wanted(), add.version().get()),
        |((number, key), _)| get_claim(number, key),
    );
    view! {
        <PageTitle text="Your warranty claim"/>
        <section class="page narrow" aria-labelledby="claim-view-title">
            <Suspense fallback=Loading>
                {when_loaded(claim, move |claim| view! {
                    <Received sent=sent() email=claim.email.clone() what="claim"/>
                    <ClaimDetail claim add key=wanted().1/>
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ClaimDetail(
    claim: ClaimView,
    add: ServerAction<AddToClaim>,
    key: Option<String>,
) -> impl IntoView {
    let status = claim.status;
    let number = claim.number.clone();
    let photos_key = key.clone();
    view! {
        <h1 id="claim-view-title">{format!("Warranty claim {}", claim.number)}</h1>
        <dl class="facts">
            <div><dt>"Status"</dt><dd class=format!("status status--{}", status.slug()) data-testid="claim-status">{status.label()}</dd></div>
            <div><dt>"Item"</dt><dd>{claim.item.clone()}</dd></div>
            <div><dt>"About"</dt><dd>{claim.kind.label()}</dd></div>
            <div><dt>"Order"</dt><dd><a href=format!("/orders/{}", claim.order)>{claim.order.clone()}</a></dd></div>
            {claim.replacement.clone().map(|order| view! {
                <div><dt>"Free replacement"</dt><dd><a href=format!("/orders/{order}") data-testid="claim-replacement">{order.clone()}</a></dd></div>
            })}
            {claim.decline_reason.map(|reason| view! {
                <div><dt>"Not covered"</dt><dd>{capitalised(reason.label())}</dd></div>
            })}
            <div><dt>"Sent"</dt><dd>{format_day(claim.created_at)}</dd></div>
        </dl>
        <h2>"Photos"</h2>
        <PhotoGallery photos=claim.photos key=photos_key/>
        <h2>"Messages"</h2>
        <Messages messages=claim.messages/>
        {status.is_open().then(|| view! { <AddInformation number key add asked=status == ClaimStatus::NeedsInfo/> })}
    }
}

#[component]
fn AddInformation(
    number: String,
    key: Option<String>,
    add: ServerAction<AddToClaim>,
    asked: bool,
) -> impl IntoView {
    let form = FormState::new(move || add.value().get());
    let draft = new_draft();
    view! {
        <section class="panel" aria-labelledby="claim-add-title">
            <h2 id="claim-add-title">{if asked { "Answer our question" } else { "Add photos or details" }}</h2>
            <ActionForm action=add attr:class="form" attr:novalidate=true>
                <input type="hidden" name="number" value=number/>
                {key.map(|key| view! { <input type="hidden" name="key" value=key/> })}
                <input type="hidden" name="draft" prop:value=move || draft.get()/>
                <TextArea id="claim-add-message" name="message" label="Your message" rows=4 max=MESSAGE_MAX form/>
                <PhotoPicker draft min=0 error=Signal::derive(move || form.errors.read().get("photos"))/>
                <FormFailure form/>
                <button type="submit" class="button" disabled=move || add.pending().get()>"Send"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn MyClaimsPage() -> impl IntoView {
    let claims = wire::resource(|| (), |_| my_claims());
    view! {
        <PageTitle text="Your warranty claims"/>
        <section class="page narrow" aria-labelledby="my-claims-title">
            <h1 id="my-claims-title">"Your warranty claims"</h1>
            <p><a class="button" href="/warranty/claim">"Make a claim"</a></p>
            <Suspense fallback=Loading>
                {when_loaded(claims, |claims| if claims.is_empty() {
                    view! { <p>"No claims yet."</p> }.into_any()
                } else {
                    view! { <ClaimHistory claims href_base="/warranty/claims/"/> }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// Claims as a list: the number (a link to `href_base` followed by it), the item, the status
/// and the day it was sent. For the shopper's list and the staff pages alike.
#[component]
pub fn ClaimHistory(claims: Vec<ClaimSummary>, href_base: &'static str) -> impl IntoView {
    view! {
        <ul class="history" data-testid="claim-history">
            {claims.into_iter().map(|c| view! {
                <li class="history__order">
                    <a href=format!("{href_base}{}", c.number)><strong>{c.number.clone()}</strong></a>
                    <span>{c.item}</span>
                    <span class=format!("status status--{}", c.status.slug())>{c.status.label()}</span>
                    <span>{format_day(c.created_at)}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}
