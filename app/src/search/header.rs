//! The header's search box. Without scripts it is a GET form to the results page; with them,
//! the first few products and help answers appear under it as the shopper types, each a link,
//! with a link to every result. Escape, or moving focus out of the box and its list, hides
//! them. On a page served as islands the box is an island of its own.

use super::{search, SearchResults, QUERY_MAX};
use crate::forms::query_value;
use leptos::prelude::*;

/// Characters typed before anything is suggested.
const SUGGEST_FROM: usize = 2;
const PRODUCTS_SHOWN: usize = 5;
const ANSWERS_SHOWN: usize = 3;

#[cfg(any(feature = "ssr", not(feature = "split")))]
#[island]
pub fn SiteSearchIsland() -> impl IntoView {
    view! { <SiteSearch/> }
}

#[component]
pub fn SiteSearch() -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let open = RwSignal::new(false);
    let found = LocalResource::new(move || {
        let query = typed.get();
        async move {
            if query.trim().chars().count() < SUGGEST_FROM {
                return None;
            }
            search(query).await.ok()
        }
    });
    let shown = move || {
        open.get()
            .then(|| found.get().flatten())
            .flatten()
            .filter(|_| typed.with(|q| q.trim().chars().count() >= SUGGEST_FROM))
    };
    let summary = move || {
        shown().map(|r| match (r.products.len(), r.answers.len()) {
            (0, 0) => "Nothing matches yet.".to_owned(),
            (products, answers) => format!(
                "{} and {} match.",
                crate::words::counted(products as u64, "product", "products"),
                crate::words::counted(answers as u64, "help answer", "help answers")
            ),
        })
    };
    view! {
        <form class="site-search" method="get" action="/search" role="search"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    open.set(false);
                }
            }
            on:focusin=move |_| open.set(true)
            on:focusout=move |ev| {
                if !focus_stays_within(&ev) {
                    open.set(false);
                }
            }>
            <label for="site-q" class="visually-hidden">"Search products and help"</label>
            <input id="site-q" name="q" type="search" maxlength=QUERY_MAX placeholder="Search the shop"
                autocomplete="off" aria-controls="site-suggestions"
                on:input=move |ev| {
                    typed.set(event_target_value(&ev));
                    open.set(true);
                }/>
            <button type="submit" class="button button--ghost">"Search"</button>
            <p role="status" class="visually-hidden">{summary}</p>
            // A link followed by the app's router leaves the header in place: close behind it.
            <div id="site-suggestions" class="site-suggestions" data-testid="site-suggestions" hidden=move || shown().is_none()
                on:click=move |_| open.set(false)>
                {move || shown().map(|results| view! { <Suggestions results query=typed.get_untracked()/> })}
            </div>
        </form>
    }
}

#[component]
fn Suggestions(results: SearchResults, query: String) -> impl IntoView {
    let SearchResults { products, answers } = results;
    view! {
        {(!products.is_empty()).then(|| view! {
            <ul aria-label="Products">
                {products.into_iter().take(PRODUCTS_SHOWN).map(|p| view! {
                    <li><a href=format!("/products/{}", p.slug)>{p.name}</a></li>
                }).collect_view()}
            </ul>
        })}
        {(!answers.is_empty()).then(|| view! {
            <ul aria-label="Help answers">
                {answers.into_iter().take(ANSWERS_SHOWN).map(|a| view! {
                    <li><a href=format!("/help/{}", a.slug)>{a.question}</a></li>
                }).collect_view()}
            </ul>
        })}
        <a class="site-suggestions__all" href=format!("/search?q={}", query_value(&query))>"See all results"</a>
    }
}

/// Whether the focus leaving by `event` moves to another part of the same form.
fn focus_stays_within(event: &leptos::ev::FocusEvent) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let node = |target: Option<web_sys::EventTarget>| {
            target.and_then(|t| t.dyn_into::<web_sys::Node>().ok())
        };
        match (node(event.current_target()), node(event.related_target())) {
            (Some(form), Some(next)) => form.contains(Some(&next)),
            _ => false,
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = event;
        false
    }
}
