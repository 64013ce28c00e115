//! Ticket pages for shoppers: writing to us, one ticket's conversation (with a reply form),
//! and the list of a signed-in shopper's tickets.

use super::api::{get_ticket, my_tickets, ReplyToTicket, SubmitTicket};
use super::{TicketStatus, TicketSummary, TicketTopic, TicketView, MESSAGE_MAX};
use crate::accounts::pages::AuthState;
use crate::forms::{Field, FormFailure, FormState, TextArea};
use crate::local_time::{format_day, format_time};
use crate::page::{when_loaded, ContactDetails, Loading, PageTitle};
use crate::photos::picker::{new_draft, OptionalPhotos, PhotoGallery};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let submit = ServerAction::<SubmitTicket>::new();
    let form = FormState::new(move || submit.value().get());
    let query = use_query_map();
    let wanted_topic = query.read_untracked().get("topic").unwrap_or_default();
    let order = query.read_untracked().get("order");
    let auth = AuthState::expect();
    view! {
        <PageTitle text="Contact us" description="Send our customer care team a message; we answer by e-mail, usually within one business day."/>
        <section class="page narrow" aria-labelledby="ticket-new-title">
            <h1 id="ticket-new-title">"Send us a message"</h1>
            <p>"We answer by e-mail, usually within one business day. You can follow the conversation in your account, or through the private link we e-mail you."</p>
            <ActionForm action=submit attr:class="panel form" attr:novalidate=true>
                <Transition fallback=|| ()>
                    {move || {
                        let me = auth.signed_in();
                        view! {
                            <Field id="ticket-name" name="name" label="Your name" autocomplete="name" value=me.as_ref().map(|c| c.name.clone()) form/>
                            <Field id="ticket-email" name="email" label="E-mail" kind="email" autocomplete="email" value=me.map(|c| c.email) form/>
                        }
                    }}
                </Transition>
                <div class="field">
                    <label for="ticket-topic">"About"</label>
                    <select id="ticket-topic" name="topic" required>
                        <option value="" selected=wanted_topic.is_empty()>"Choose a topic"</option>
                        {TicketTopic::ALL.into_iter().map(|topic| view! {
                            <option value=topic.slug() selected=wanted_topic == topic.slug()>{topic.label()}</option>
                        }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{move || form.errors.read().get("topic")}</p>
                </div>
                <Field id="ticket-order" name="order" label="Order number (optional)" autocomplete="off" value=order required=false form/>
                <TextArea id="ticket-message" name="message" label="Your message" rows=6 max=MESSAGE_MAX form/>
                <FormFailure form/>
                <button type="submit" class="button" disabled=move || submit.pending().get()>"Send"</button>
            </ActionForm>
            <section class="panel" aria-labelledby="ticket-contact">
                <h2 id="ticket-contact">"Or reach us directly"</h2>
                <ContactDetails/>
            </section>
        </section>
    }
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let reply = ServerAction::<ReplyToTicket>::new();
    let wanted = move || {
        (
            params.read().get("number").unwrap_or_default(),
            query.read().get("key"),
        )
    };
    let sent = move || query.read().get("sent").as_deref() == Some("1");
    let ticket = wire::resource(
        move || (wanted(), reply.version().get()),
        |((number, key), _)| get_ticket(number, key),
    );
    view! {
        <PageTitle text="Your ticket"/>
        <section class="page narrow" aria-labelledby="ticket-title">
            <Suspense fallback=Loading>
                {when_loaded(ticket, move |ticket| view! {
                    <Received sent=sent() email=ticket.email.clone() what="message"/>
                    <Conversation ticket reply key=wanted().1/>
                })}
            </Suspense>
        </section>
    }
}

/// Said once a ticket or claim was just sent (`sent`): it is received, and where the e-mail
/// about it went.
#[component]
pub fn Received(sent: bool, email: String, what: &'static str) -> impl IntoView {
    sent.then(|| view! {
        <p class="notice notice--info" role="status" data-testid="received">
            {format!("Thank you: we've received your {what}. We've e-mailed a confirmation, with a private link to this page, to {email}.")}
        </p>
    })
}

/// A ticket's messages, oldest first, for the shopper or for staff.
#[component]
pub fn Messages(messages: Vec<super::TicketMessage>) -> impl IntoView {
    view! {
        <ol class="conversation" data-testid="conversation">
            {messages.into_iter().map(|m| {
                let class = if m.from_staff { "message message--staff" } else { "message" };
                view! {
                    <li class=class>
                        <p class="message__meta"><strong>{m.author}</strong>" · "{format_time(m.at)}</p>
                        <p class="message__body">{m.body}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// The photos sent with a ticket's report, if any.
#[component]
pub fn TicketPhotos(photos: Vec<String>, key: Option<String>) -> impl IntoView {
    (!photos.is_empty()).then(|| {
        view! {
            <h2>"Photos"</h2>
            <PhotoGallery photos key/>
        }
    })
}

#[component]
fn Conversation(
    ticket: TicketView,
    reply: ServerAction<ReplyToTicket>,
    key: Option<String>,
) -> impl IntoView {
    let form = FormState::new(move || reply.value().get());
    let number = ticket.number.clone();
    let status = ticket.status;
    view! {
        <h1 id="ticket-title">{format!("Ticket {}", ticket.number)}</h1>
        <dl class="facts">
            <div><dt>"About"</dt><dd>{ticket.topic.label()}</dd></div>
            <div><dt>"Status"</dt><dd class=format!("status status--{}", status.slug()) data-testid="ticket-status">{status.label()}</dd></div>
            {ticket.order.map(|order| view! {
                <div><dt>"Order"</dt><dd><a href=format!("/orders/{order}")>{order.clone()}</a></dd></div>
            })}
            <div><dt>"Opened"</dt><dd>{format_day(ticket.created_at)}</dd></div>
        </dl>
        <Messages messages=ticket.messages/>
        <TicketPhotos photos=ticket.photos key=key.clone()/>
        <section class="panel" aria-labelledby="reply-title">
            <h2 id="reply-title">{if status == TicketStatus::Resolved { "Write again" } else { "Reply" }}</h2>
            {move || {
                // Drawn afresh after each reply, so the box is empty again (and its photos,
                // which the reply took, gone).
                reply.version().get();
                let (number, key) = (number.clone(), key.clone());
                let draft = new_draft();
                let photos_wanted = RwSignal::new(false);
                let error = Signal::derive(move || form.errors.read().get("photos"));
                view! {
                    <ActionForm action=reply attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="number" value=number/>
                        {key.map(|key| view! { <input type="hidden" name="key" value=key/> })}
                        <TextArea id="reply-message" name="message" label="Your message" rows=4 max=MESSAGE_MAX form/>
                        <input type="hidden" name="draft" prop:value=move || draft.get()/>
                        // Only once the page is live (it has its draft key): photos need scripts.
                        <Show when=move || !draft.get().is_empty() && !photos_wanted.get()>
                            <button type="button" class="button button--ghost button--small" on:click=move |_| photos_wanted.set(true)>"Add photos"</button>
                        </Show>
                        <OptionalPhotos draft error wanted=photos_wanted.into()/>
                        <FormFailure form/>
                        <button type="submit" class="button" disabled=move || reply.pending().get()>"Send reply"</button>
                    </ActionForm>
                }
            }}
        </section>
    }
}

#[component]
pub fn MyTicketsPage() -> impl IntoView {
    let tickets = wire::resource(|| (), |_| my_tickets());
    view! {
        <PageTitle text="Your messages"/>
        <section class="page narrow" aria-labelledby="my-tickets-title">
            <h1 id="my-tickets-title">"Your messages to us"</h1>
            <p><a class="button" href="/support/new">"Send us a message"</a></p>
            <Suspense fallback=Loading>
                {when_loaded(tickets, |tickets| if tickets.is_empty() {
                    view! { <p>"No messages yet."</p> }.into_any()
                } else {
                    view! { <TicketHistory tickets href_base="/support/tickets/"/> }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// Tickets as a list: the number (a link to `href_base` followed by it), the topic, the status
/// and the last activity. For the shopper's own list and the staff pages alike.
#[component]
pub fn TicketHistory(tickets: Vec<TicketSummary>, href_base: &'static str) -> impl IntoView {
    view! {
        <ul class="history" data-testid="ticket-history">
            {tickets.into_iter().map(|t| view! {
                <li class="history__order">
                    <a href=format!("{href_base}{}", t.number)><strong>{t.number.clone()}</strong></a>
                    <span>{t.topic.label()}</span>
                    <span class=format!("status status--{}", t.status.slug())>{t.status.label()}</span>
                    <span>{format_day(t.updated_at)}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}
