//! The mail queue page for staff: what the shop sent, what is waiting for a retry, and what
//! could not be sent, with a button to send that again.

use super::outgoing_mail::{mail_queue, OutgoingMail, SendMailAgain};
use super::pages::{Pager, StaffFrame};
use crate::error::AppError;
use crate::forms::query_value;
use crate::forms::{FormFailure, FormState};
use crate::local_time::format_time;
use crate::mail::{MailState, QueuedMail};
use crate::page::{when_loaded, Loading, TableScroll};
use crate::wire;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MailQueuePage() -> impl IntoView {
    let query = use_query_map();
    let wanted = Signal::derive(move || {
        let query = query.read();
        let page = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        (query.get("state").unwrap_or_default(), page)
    });
    let again = ServerAction::<SendMailAgain>::new();
    let mail = wire::resource(
        move || (wanted.get(), again.version().get()),
        |((state, page), _)| mail_queue(state, page),
    );
    view! {
        <StaffFrame title="E-mail" heading_id="mail-title" body=move |_| view! {
            <MailList wanted mail again/>
        }.into_any()/>
    }
}

#[component]
fn MailList(
    wanted: Signal<(String, u32)>,
    mail: wire::WireResource<Result<OutgoingMail, AppError>>,
    again: ServerAction<SendMailAgain>,
) -> impl IntoView {
    let chosen = move || wanted.get().0;
    let form = FormState::new(move || again.value().get());
    view! {
        <form method="get" action="/admin/mail" class="panel form order-filter">
            <div class="field">
                <label for="mail-state">"Show"</label>
                <select id="mail-state" name="state">
                    <option value="" selected=move || chosen().is_empty()>"All messages"</option>
                    {MailState::ALL.into_iter().map(|state| view! {
                        <option value=state.slug() selected=move || chosen() == state.slug()>{state.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">"Show"</button>
        </form>
        <FormFailure form/>
        <Suspense fallback=Loading>
            {when_loaded(mail, move |page| view! { <MailTable page state=chosen() again/> })}
        </Suspense>
    }
}

#[component]
fn MailTable(
    page: OutgoingMail,
    state: String,
    again: ServerAction<SendMailAgain>,
) -> impl IntoView {
    let failed = (page.failed > 0).then(|| {
        view! {
            <p class="notice notice--error" data-testid="mail-failed">
                {format!("{} message(s) could not be sent after every retry. Check the mail settings, then send them again.", page.failed)}
            </p>
        }
    });
    let link = move |to: u32| format!("/admin/mail?state={}&page={to}", query_value(&state));
    let previous = (page.page > 1).then(|| link(page.page - 1));
    let next = (page.page < page.pages).then(|| link(page.page + 1));
    if page.rows.is_empty() {
        return view! { {failed}<p>"No message here."</p> }.into_any();
    }
    view! {
        {failed}
        <p role="status">{format!("{} messages · page {} of {}", page.count, page.page, page.pages)}</p>
        <TableScroll label="Mail">
            <table class="staff-table">
                <caption>"Messages, newest first"</caption>
                <thead>
                    <tr><th scope="col">"Queued"</th><th scope="col">"To"</th><th scope="col">"Subject"</th><th scope="col">"State"</th><th scope="col">"Tries"</th><th scope="col">"Last error"</th></tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|mail| view! { <MailRow mail again/> }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
        <Pager label="Message pages" previous next/>
    }
    .into_any()
}

#[component]
fn MailRow(mail: QueuedMail, again: ServerAction<SendMailAgain>) -> impl IntoView {
    let state = match (mail.state, mail.sent_at) {
        (MailState::Sent, Some(at)) => format!("Sent {}", format_time(at)),
        (MailState::Pending, _) if mail.attempts > 0 => {
            format!("Retrying at {}", format_time(mail.next_attempt_at))
        }
        (state, _) => state.label().to_owned(),
    };
    let id = mail.id;
    let send_again = (mail.state == MailState::Failed).then(|| {
        view! {
            <ActionForm action=again>
                <input type="hidden" name="id" value=id.to_string()/>
                <button type="submit" class="button button--ghost">"Send again"</button>
            </ActionForm>
        }
    });
    view! {
        <tr data-testid="mail-row">
            <td>{format_time(mail.created_at)}</td>
            <td>{mail.to}</td>
            <td>{mail.subject}</td>
            <td class=format!("mail-state mail-state--{}", mail.state.slug())>{state}{send_again}</td>
            <td>{mail.attempts}</td>
            <td>{mail.last_error.unwrap_or_default()}</td>
        </tr>
    }
}
