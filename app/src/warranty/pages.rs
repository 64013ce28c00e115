//! Warranty pages for shoppers: the claim form (find the order, choose the item, describe the
//! defect, confirm the exclusions, add photos), one claim with its photos and conversation,
//! and a signed-in shopper's claims. The photo list is shared with the staff review.

use super::api::{claimable_order, get_claim, my_claims, AddToClaim, FileClaim, OrderToClaim};
use super::photos::{MAX_PHOTOS, MIN_PHOTOS};
use super::{photo_url, ClaimKind, ClaimStatus, ClaimSummary, ClaimView, Exclusion};
use crate::accounts::pages::AuthState;
use crate::forms::{FormFailure, FormState, TextArea};
use crate::layout::{when_loaded, Loading, PageTitle};
use crate::orders::model::format_day;
use crate::support::pages::Messages;
use crate::support::MESSAGE_MAX;
use crate::wire;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A draft key for this form's photos, made in the browser once the page is live (the server
/// renders the form without one, so hydration sees the same page).
pub fn new_draft() -> RwSignal<String> {
    let draft = RwSignal::new(String::new());
    Effect::new(move |_| {
        if draft.get_untracked().is_empty() {
            draft.set(crate::checkout::draft::new_submission_key());
        }
    });
    draft
}

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

/// One photo in the form: its preview, how far its upload got, and what the shop said.
#[derive(Clone)]
struct Slot {
    local: u32,
    name: String,
    preview: String,
    progress: RwSignal<u32>,
    state: RwSignal<SlotState>,
}

// Photos are only ever added in the browser.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq, Eq)]
enum SlotState {
    Sending,
    Kept(String),
    Refused(String),
}

/// Chooses photos from the camera or the gallery and uploads each as soon as it is chosen,
/// with its preview and progress; one can be removed or tried again without touching the
/// others or anything typed. `min` is how many the form needs (none: photos are optional).
#[component]
pub fn PhotoPicker(
    draft: RwSignal<String>,
    min: usize,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let hint = if min == 0 {
        format!("If they help, up to {MAX_PHOTOS}")
    } else {
        format!("At least {min}, at most {MAX_PHOTOS}")
    };
    let slots = RwSignal::new(Vec::<Slot>::new());
    let on_files = move |event: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        for file in super::upload_client::chosen_files(&event) {
            add_photo(slots, draft, file);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = event;
    };
    view! {
        <fieldset class="field photos" aria-describedby="photos-hint">
            <legend>"Photos of the problem"</legend>
            <p id="photos-hint" class="hint">{format!("{hint}: JPEG, PNG or WebP, up to 10 MB each. Show the whole item and the problem up close.")}</p>
            <div class="photo-inputs">
                <div class="field">
                    <label for="photos-camera">"Take a photo"</label>
                    <input id="photos-camera" type="file" accept="image/*" capture="environment" on:change=on_files/>
                </div>
                <div class="field">
                    <label for="photos-gallery">"Choose photos"</label>
                    <input id="photos-gallery" type="file" accept="image/*" multiple on:change=on_files/>
                </div>
            </div>
            <noscript><p class="notice">"Adding photos needs JavaScript. If you cannot turn it on, send us a message and we will help."</p></noscript>
            <ul class="photo-list" data-testid="photo-list">
                <For
                    each=move || slots.get()
                    key=|slot| slot.local
                    children=move |photo| view! { <PhotoItem photo slots draft/> }
                />
            </ul>
            <p class="field-error" role="alert" data-testid="photos-error">{move || error.get()}</p>
        </fieldset>
    }
}

/// The photo picker of a form where photos are optional (a delivery-problem report, a reply
/// on a ticket), shown once `wanted` turns true. Its code loads only then: most visits to
/// those pages add no photo, and the picker is the largest part of their code.
#[component]
pub fn OptionalPhotos(
    draft: RwSignal<String>,
    error: Signal<Option<String>>,
    wanted: Signal<bool>,
) -> impl IntoView {
    move || {
        wanted.get().then(|| {
            view! {
                <Suspense fallback=|| view! { <p class="hint">"Getting the photo upload ready…"</p> }>
                    {Suspend::new(optional_photo_picker(draft, error))}
                </Suspense>
            }
        })
    }
}

#[cfg(feature = "split")]
#[lazy]
fn optional_photo_picker(draft: RwSignal<String>, error: Signal<Option<String>>) -> AnyView {
    view! { <PhotoPicker draft min=0 error/> }.into_any()
}

/// Without split points (the islands' bundle, which never shows it) the picker is a plain call.
#[cfg(not(feature = "split"))]
async fn optional_photo_picker(draft: RwSignal<String>, error: Signal<Option<String>>) -> AnyView {
    view! { <PhotoPicker draft min=0 error/> }.into_any()
}

#[cfg(feature = "hydrate")]
thread_local! {
    /// The files behind the form's photos, by slot, so a refused one can be sent again.
    static FILES: std::cell::RefCell<std::collections::HashMap<u32, web_sys::File>> =
        Default::default();
}

#[cfg(feature = "hydrate")]
fn add_photo(slots: RwSignal<Vec<Slot>>, draft: RwSignal<String>, file: web_sys::File) {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let local = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let slot = Slot {
        local,
        name: file.name(),
        preview: super::upload_client::preview(&file),
        progress: RwSignal::new(0),
        state: RwSignal::new(SlotState::Sending),
    };
    FILES.with(|files| files.borrow_mut().insert(local, file));
    slots.update(|all| all.push(slot.clone()));
    upload(&slot, draft);
}

#[cfg(feature = "hydrate")]
fn upload(slot: &Slot, draft: RwSignal<String>) {
    let Some(file) = FILES.with(|files| files.borrow().get(&slot.local).cloned()) else {
        return;
    };
    let (progress, state) = (slot.progress, slot.state);
    progress.set(0);
    state.set(SlotState::Sending);
    super::upload_client::send(
        &file,
        &draft.get_untracked(),
        move |percent| progress.set(percent.min(100)),
        move |outcome| {
            match &outcome {
                Ok(_) => progress.set(100),
                Err(_) => progress.set(0),
            }
            state.set(match outcome {
                Ok(id) => SlotState::Kept(id),
                Err(why) => SlotState::Refused(why),
            });
        },
    );
}

#[component]
fn PhotoItem(photo: Slot, slots: RwSignal<Vec<Slot>>, draft: RwSignal<String>) -> impl IntoView {
    let slot = photo;
    let Slot {
        local,
        name,
        preview,
        progress,
        state,
    } = slot.clone();
    let remove = move |_| {
        #[cfg(feature = "hydrate")]
        {
            if let SlotState::Kept(id) = state.get_untracked() {
                super::upload_client::discard(&id, &draft.get_untracked());
            }
            FILES.with(|files| files.borrow_mut().remove(&local));
            super::upload_client::forget_preview(&preview);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &preview;
        slots.update(|all| all.retain(|s| s.local != local));
    };
    let retry = {
        let slot = slot.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            upload(&slot, draft);
            #[cfg(not(feature = "hydrate"))]
            let _ = (&slot, draft);
        }
    };
    let status = move || match state.get() {
        SlotState::Sending => format!("Sending… {}%", progress.get()),
        SlotState::Kept(_) => "Added".to_owned(),
        SlotState::Refused(why) => why,
    };
    let label = format!("Upload of {name}");
    view! {
        <li class="photo-item" data-testid="photo-item">
            <img src=slot.preview.clone() alt=format!("Preview of {name}") width="96" height="96"/>
            <div class="photo-item__body">
                <p class="photo-item__name">{name.clone()}</p>
                <progress max="100" prop:value=move || progress.get() aria-label=label></progress>
                <p class="photo-item__status" role="status" class:field-error=move || matches!(state.get(), SlotState::Refused(_))>{status}</p>
                <div class="photo-item__actions">
                    {move || matches!(state.get(), SlotState::Refused(_)).then(|| {
                        let retry = retry.clone();
                        view! {
                            <button type="button" class="button button--ghost" on:click=retry>{format!("Try {name} again")}</button>
                        }
                    })}
                    <button type="button" class="button button--ghost" on:click=remove>{format!("Remove {}", slot.name)}</button>
                </div>
            </div>
        </li>
    }
}

/// A claim's or a ticket's photos as thumbnails, each opening the full photo.
#[component]
pub fn PhotoGallery(photos: Vec<String>, key: Option<String>) -> impl IntoView {
    let count = photos.len();
    view! {
        <ul class="photo-gallery" data-testid="photos">
            {photos.into_iter().enumerate().map(|(n, id)| {
                let key = key.as_deref();
                view! {
                    <li>
                        <a href=photo_url(&id, false, key) target="_blank" rel="noopener">
                            <img src=photo_url(&id, true, key) alt=format!("Photo {} of {count}", n + 1) width="160" height="160" loading="lazy"/>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
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
    let claim = wire::resource(
        move || (wanted(), add.version().get()),
        |((number, key), _)| get_claim(number, key),
    );
    view! {
        <PageTitle text="Your warranty claim"/>
        <section class="page narrow" aria-labelledby="claim-view-title">
            <Suspense fallback=Loading>
                {when_loaded(claim, move |claim| view! { <ClaimDetail claim add key=wanted().1/> })}
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
