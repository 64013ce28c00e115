//! The search results page: products and help answers, grouped. Typing in its box updates the
//! address (and so the results) as you type; without scripts the form is submitted.

use super::{search, SearchResults, QUERY_MAX};
use crate::catalog::pages::ProductGrid;
use crate::forms::query_value;
use crate::page::{when_loaded, Loading, PageTitle};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let typed = move || query.read().get("q").unwrap_or_default();
    let results = wire::resource(typed, search);
    let navigate = use_navigate();
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        navigate(
            &format!("/search?q={}", query_value(&value)),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    view! {
        <PageTitle text="Search" description="Search our products and the help center."/>
        <section class="page" aria-labelledby="search-title">
            <h1 id="search-title">"Search"</h1>
            <form method="get" action="/search" class="panel form help-search" role="search">
                <div class="field">
                    <label for="search-q">"Products and help"</label>
                    <input id="search-q" name="q" type="search" maxlength=QUERY_MAX value=typed() on:input=on_input/>
                </div>
                <button type="submit" class="button">"Search"</button>
            </form>
            <Transition fallback=Loading>
                {when_loaded(results, move |results| view! { <Results results query=typed()/> })}
            </Transition>
        </section>
    }
}

#[component]
fn Results(results: SearchResults, query: String) -> impl IntoView {
    if query.trim().is_empty() {
        return view! { <p>"Type what you are looking for: a phone, a colour, a question."</p> }
            .into_any();
    }
    let SearchResults { products, answers } = results;
    let nothing = products.is_empty() && answers.is_empty();
    view! {
        <p role="status" data-testid="search-summary">
            {if nothing {
                format!("Nothing matches “{query}”. Try fewer or other words, or send us a message.")
            } else {
                format!(
                    "{} and {} match “{query}”.",
                    crate::words::counted(products.len() as u64, "product", "products"),
                    crate::words::counted(answers.len() as u64, "help answer", "help answers")
                )
            }}
        </p>
        {(!answers.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="search-help">
                <h2 id="search-help">"Help answers"</h2>
                <ul class="help-list" data-testid="search-answers">
                    {answers.into_iter().map(|a| view! {
                        <li>
                            <a href=format!("/help/{}", a.slug)>{a.question}</a>
                            <p class="help-list__summary">{a.summary}</p>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!products.is_empty()).then(|| view! {
            <section aria-labelledby="search-products" data-testid="search-products">
                <h2 id="search-products">"Products"</h2>
                <ProductGrid products/>
            </section>
        })}
        {nothing.then(|| view! { <p><a class="button" href="/support/new">"Send us a message"</a></p> })}
    }
    .into_any()
}
