//! Support queue pages for staff: the tickets, filtered by status and searchable, and one
//! ticket with its conversation, its order, the customer's other tickets, and the answer form.

use super::pages::{FilterField, Pager, StaffFrame};
use super::tickets::{
    list_tickets, ticket_for_staff, AnswerTicket, SetTicketStatus, StaffTicket, TicketQueue,
};
use crate::forms::query_value;
use crate::forms::{FormFailure, FormState, TextArea};
use crate::local_time::format_time;
use crate::page::{when_loaded, Loading, TableScroll};
use crate::support::pages::{Messages, TicketHistory, TicketPhotos};
use crate::support::{TicketStatus, MESSAGE_MAX};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Options for a status `<select>`, with `selected` chosen.
fn status_options(selected: TicketStatus) -> impl IntoView {
    TicketStatus::ALL
        .into_iter()
        .map(|s| view! { <option value=s.slug() selected=s == selected>{s.label()}</option> })
        .collect_view()
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Signal::derive(move || {
        let query = query.read();
        let page = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        // The queue opens on what waits for support.
        let status = query.get("status").unwrap_or_else(|| "open".into());
        (status, query.get("q").unwrap_or_default(), page)
    });
    let tickets = wire::resource(
        move || wanted.get(),
        |(status, search, page)| list_tickets(status, search, page),
    );
    view! {
        <StaffFrame title="Tickets" heading_id="tickets-title" body=move |_| view! {
            <TicketFilter wanted/>
            <Suspense fallback=Loading>
                {when_loaded(tickets, move |queue| view! { <TicketTable queue wanted=wanted.get_untracked()/> })}
            </Suspense>
        }.into_any()/>
    }
}

#[component]
fn TicketFilter(wanted: Signal<(String, String, u32)>) -> impl IntoView {
    let status = move || wanted.get().0;
    view! {
        <form method="get" action="/admin/tickets" class="panel form order-filter" role="search">
            <div class="field">
                <label for="tickets-status">"Status"</label>
                <select id="tickets-status" name="status">
                    <option value="any" selected=move || status() == "any">"Any status"</option>
                    {TicketStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.slug() selected=move || status() == s.slug()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <FilterField id="tickets-q" name="q" label="Number, name, e-mail or order" value=Signal::derive(move || wanted.get().1)/>
            <button type="submit" class="button">"Search"</button>
        </form>
    }
}

#[component]
fn TicketTable(queue: TicketQueue, wanted: (String, String, u32)) -> impl IntoView {
    let (status, search, _) = wanted;
    let link = move |page: u32| {
        format!(
            "/admin/tickets?status={}&q={}&page={page}",
            query_value(&status),
            query_value(&search)
        )
    };
    let previous = (queue.page > 1).then(|| link(queue.page - 1));
    let next = (queue.page < queue.pages).then(|| link(queue.page + 1));
    if queue.rows.is_empty() {
        return view! { <p data-testid="tickets-empty">"No ticket here."</p> }.into_any();
    }
    view! {
        <p role="status">{format!("{} · page {} of {}", crate::words::counted(u64::from(queue.count), "ticket", "tickets"), queue.page, queue.pages)}</p>
        <TableScroll label="Tickets">
            <table class="staff-table">
                <caption>"Tickets, longest waiting first"</caption>
                <thead>
                    <tr><th scope="col">"Ticket"</th><th scope="col">"From"</th><th scope="col">"About"</th><th scope="col">"Order"</th><th scope="col">"Status"</th><th scope="col">"Last activity"</th></tr>
                </thead>
                <tbody>
                    {queue.rows.into_iter().map(|t| view! {
                        <tr data-testid="ticket-row">
                            <td><a href=format!("/admin/tickets/{}", t.number)>{t.number.clone()}</a></td>
                            <td>{t.name}<br/><small>{t.email}</small></td>
                            <td>{t.topic.label()}</td>
                            <td>{t.order.map(|o| view! { <a href=format!("/admin/orders/{o}")>{o.clone()}</a> })}</td>
                            <td class=format!("status status--{}", t.status.slug())>{t.status.label()}</td>
                            <td>{format_time(t.updated_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
        <Pager label="Ticket pages" previous next/>
    }
    .into_any()
}

#[component]
pub fn StaffTicketPage() -> impl IntoView {
    let params = use_params_map();
    let answer = ServerAction::<AnswerTicket>::new();
    let set_status = ServerAction::<SetTicketStatus>::new();
    let ticket = wire::resource(
        move || {
            (
                params.read().get("number").unwrap_or_default(),
                answer.version().get(),
                set_status.version().get(),
            )
        },
        |(number, _, _)| ticket_for_staff(number),
    );
    view! {
        <StaffFrame title="Ticket" heading_id="ticket-staff-title" body=move |_| view! {
            <p><a href="/admin/tickets">"All tickets"</a></p>
            <Suspense fallback=Loading>
                {when_loaded(ticket, move |ticket| view! { <TicketDesk ticket answer set_status/> })}
            </Suspense>
        }.into_any()/>
    }
}

#[component]
fn TicketDesk(
    ticket: StaffTicket,
    answer: ServerAction<AnswerTicket>,
    set_status: ServerAction<SetTicketStatus>,
) -> impl IntoView {
    let answer_form = FormState::new(move || answer.value().get());
    let status_form = FormState::new(move || set_status.value().get());
    let t = ticket.ticket;
    let number = t.number.clone();
    let number_again = t.number.clone();
    let status = t.status;
    view! {
        <h2 data-testid="ticket-number">{t.number.clone()}</h2>
        <dl class="facts">
            <div><dt>"From"</dt><dd>{format!("{} <{}>", t.name, t.email)}</dd></div>
            <div><dt>"About"</dt><dd>{t.topic.label()}{t.problem.map(|p| format!(": {}", p.label()))}</dd></div>
            <div><dt>"Status"</dt><dd class=format!("status status--{}", status.slug()) data-testid="staff-ticket-status">{status.label()}</dd></div>
            {t.order.map(|o| view! {
                <div><dt>"Order"</dt><dd><a href=format!("/admin/orders/{o}") data-testid="ticket-order">{o.clone()}</a></dd></div>
            })}
            {t.order_given.map(|o| view! {
                <div><dt>"Order number given"</dt><dd>{format!("{o} (not this shopper's order)")}</dd></div>
            })}
            {ticket.customer_id.map(|id| view! {
                <div><dt>"Account"</dt><dd><a href=format!("/admin/customers/{id}")>"Customer's account"</a></dd></div>
            })}
            <div><dt>"Opened"</dt><dd>{format_time(t.created_at)}</dd></div>
        </dl>
        <Messages messages=t.messages/>
        <TicketPhotos photos=t.photos key=None/>
        <section class="panel" aria-labelledby="answer-title">
            <h2 id="answer-title">"Answer"</h2>
            {move || {
                answer.version().get();
                let number = number.clone();
                view! {
                    <ActionForm action=answer attr:class="form" attr:novalidate=true>
                        <input type="hidden" name="number" value=number/>
                        <TextArea id="answer-message" name="message" label="Your answer (e-mailed to the customer)" rows=5 max=MESSAGE_MAX form=answer_form/>
                        <div class="field">
                            <label for="answer-status">"Then the ticket is"</label>
                            <select id="answer-status" name="status">{status_options(TicketStatus::WaitingOnCustomer)}</select>
                        </div>
                        <FormFailure form=answer_form/>
                        <button type="submit" class="button" disabled=move || answer.pending().get()>"Send answer"</button>
                    </ActionForm>
                }
            }}
        </section>
        <section class="panel" aria-labelledby="status-title">
            <h2 id="status-title">"Status only"</h2>
            <ActionForm action=set_status attr:class="form staff-row__form">
                <input type="hidden" name="number" value=number_again/>
                <label for="ticket-status">"Status"</label>
                <select id="ticket-status" name="status">{status_options(status)}</select>
                <FormFailure form=status_form/>
                <button type="submit" class="button button--ghost">"Change status"</button>
            </ActionForm>
        </section>
        {(!ticket.earlier.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="earlier-title">
                <h2 id="earlier-title">"This customer's other tickets"</h2>
                <TicketHistory tickets=ticket.earlier href_base="/admin/tickets/"/>
            </section>
        })}
    }
}
