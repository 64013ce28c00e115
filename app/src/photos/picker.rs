//! The photo picker every form with photos shows (a claim, a delivery-problem report, a
//! ticket reply), and the gallery of a claim's or ticket's photos. Each photo uploads on its
//! own as it is chosen, with its progress, into the form's draft (`uploads`).

use super::photo_url;
use super::rules::MAX_PHOTOS;
use leptos::prelude::*;

/// A draft key for this form's photos, made in the browser once the page is live (the server
/// renders the form without one, so hydration sees the same page).
pub fn new_draft() -> RwSignal<String> {
    let draft = RwSignal::new(String::new());
    Effect::new(move |_| {
        if draft.get_untracked().is_empty() {
            draft.set(crate::forms::submission_key());
        }
    });
    draft
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
