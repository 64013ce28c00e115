//! The help center's pages: the index of answers by topic, and one answer at its own address.
//! Both show how to reach customer care and how to send a ticket.

use super::{help_index, read_help_answer, HelpArticle, HelpBlock, HelpEntry, HelpTopic};
use crate::page::{when_loaded, ContactDetails, Loading, PageTitle};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The search box of the help center: the site's search, which finds answers and products.
#[component]
fn HelpSearch() -> impl IntoView {
    view! {
        <form method="get" action="/search" class="panel form help-search" role="search">
            <div class="field">
                <label for="help-q">"Search the help center and the shop"</label>
                <input id="help-q" name="q" type="search" maxlength="100" placeholder="e.g. shipping cost"/>
            </div>
            <button type="submit" class="button">"Search"</button>
        </form>
    }
}

#[component]
fn ContactPanel() -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="help-contact">
            <h2 id="help-contact">"Contact us"</h2>
            <ContactDetails/>
            <p><a class="button" href="/support/new">"Send us a ticket"</a></p>
        </section>
    }
}

#[component]
pub fn HelpPage() -> impl IntoView {
    let entries = wire::resource(|| (), |_| help_index());
    view! {
        <PageTitle text="Help center" description="Answers about paying, promo codes, shipping, changing or cancelling an order, refunds, tracking, delivery problems, the warranty and affiliates."/>
        <section class="page narrow" aria-labelledby="help-title">
            <h1 id="help-title">"Help center"</h1>
            <HelpSearch/>
            <Suspense fallback=Loading>
                {when_loaded(entries, |entries| view! { <HelpTopics entries/> })}
            </Suspense>
            <ContactPanel/>
        </section>
    }
}

#[component]
fn HelpTopics(entries: Vec<HelpEntry>) -> impl IntoView {
    HelpTopic::ALL
        .into_iter()
        .map(|topic| {
            let heading = format!("topic-{}", topic.slug());
            let answers: Vec<_> = entries
                .iter()
                .filter(|e| e.topic == topic)
                .cloned()
                .collect();
            view! {
                <section class="panel help-topic" aria-labelledby=heading.clone() id=topic.slug()>
                    <h2 id=heading.clone()>{topic.label()}</h2>
                    <ul class="help-list">
                        {answers.into_iter().map(|e| view! {
                            <li><a href=format!("/help/{}", e.slug)>{e.question}</a></li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
        .collect_view()
}

#[component]
pub fn HelpAnswerPage() -> impl IntoView {
    let params = use_params_map();
    let article = wire::resource(
        move || params.read().get("slug").unwrap_or_default(),
        read_help_answer,
    );
    view! {
        <section class="page narrow" aria-labelledby="answer-title">
            <p class="breadcrumbs"><a href="/help">"Help center"</a></p>
            <Suspense fallback=Loading>
                {when_loaded(article, |article| view! { <Article article/> })}
            </Suspense>
            <ContactPanel/>
        </section>
    }
}

#[component]
fn Article(article: HelpArticle) -> impl IntoView {
    let answer = article.answer;
    let topic_link = format!("/help#{}", answer.topic.slug());
    view! {
        <PageTitle text=answer.question.clone() description=answer.summary.clone()/>
        <article class="help-answer">
            <p class="help-answer__topic"><a href=topic_link>{answer.topic.label()}</a></p>
            <h1 id="answer-title">{answer.question}</h1>
            {answer.blocks.into_iter().map(|block| match block {
                HelpBlock::Paragraph(text) => view! { <p>{text}</p> }.into_any(),
                HelpBlock::List { numbered: true, items } => view! {
                    <ol>{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ol>
                }.into_any(),
                HelpBlock::List { numbered: false, items } => view! {
                    <ul>{items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
                }.into_any(),
            }).collect_view()}
            <p class="help-actions">
                {answer.actions.into_iter().map(|a| {
                    // The checkout loads as a page of its own: its security policy is the one
                    // that lets the card provider's script in.
                    let external = (a.href == "/checkout").then_some("external");
                    view! { <a class="button button--ghost" href=a.href rel=external>{a.label}</a> }
                }).collect_view()}
            </p>
        </article>
        {(!article.related.is_empty()).then(|| view! {
            <nav class="panel" aria-labelledby="related-title">
                <h2 id="related-title">"More on this topic"</h2>
                <ul class="help-list">
                    {article.related.into_iter().map(|e| view! {
                        <li><a href=format!("/help/{}", e.slug)>{e.question}</a></li>
                    }).collect_view()}
                </ul>
            </nav>
        })}
    }
}
