//! Ticket server functions for shoppers: write to us, read and answer a ticket (as its
//! account, or with the private key from its e-mail), list one's tickets, and report a
//! problem with a delivery from the order's page.

use super::{TicketSummary, TicketView};
use crate::error::AppError;
use crate::forms::FormResult;
use crate::wire::Postcard;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{
        check_message, email, parse_ticket_number, repo, DeliveryProblem, NewTicket, TicketStatus,
    },
    crate::client::client_address,
    crate::conversations::{self, Thread},
    crate::forms::{needs_correcting, FieldErrors},
    crate::identity::session::{caller, require_customer},
    crate::mail::queue,
    crate::orders::{
        access, model::parse_order_number, repo as orders, status::OrderStatus, windows,
    },
    crate::photos::uploads::DraftKey,
    crate::shop::{server_state, ServerState},
    crate::throttle::{self, Limit},
};

/// Counts one use of `limit` by `subject`; the refusal says how long to wait.
#[cfg(feature = "ssr")]
async fn within_limit(
    state: &ServerState,
    limit: &Limit,
    subject: &str,
) -> Result<Result<(), String>, AppError> {
    Ok(
        throttle::store::take_or_explain(&state.db.pool, limit, subject, |minutes| {
            format!("You have sent us several messages just now. Try again in {minutes} minutes, or call us.")
        })
        .await?,
    )
}

/// Stores a ticket with its first message and the photos of `photos` (a delivery-problem
/// report's), and queues the e-mail with its private link, in one transaction. Returns the ticket's number and that link's key.
#[cfg(feature = "ssr")]
async fn open_ticket(
    state: &ServerState,
    draft: &repo::TicketDraft<'_>,
    photos: Option<&DraftKey>,
) -> Result<(String, String), AppError> {
    let now = state.clock.unix();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let created = repo::create(&mut tx, draft, now).await?;
    if let Some(photos) = photos {
        conversations::attach_photos(&mut tx, Thread::Ticket, created.id, photos).await?;
    }
    let key = conversations::issue_key(&mut tx, Thread::Ticket, created.id, now).await?;
    let link = email::ticket_link(&state.store, &created.number, &key);
    let mail = email::received(
        draft.email,
        draft.name,
        &created.number,
        &link,
        &state.store,
    );
    queue::enqueue(&mut tx, &mail, now).await?;
    tx.commit().await?;
    Ok((created.number, key))
}

/// Anyone writes to the shop. A named order is linked only when it is the writer's own (their
/// account's, or placed with their e-mail address); otherwise it is kept as typed, for staff.
#[server(output = Postcard)]
pub async fn submit_ticket(
    name: String,
    email: String,
    topic: String,
    order: String,
    message: String,
) -> Result<FormResult, AppError> {
    let typed = [
        ("name", name.as_str()),
        ("email", email.as_str()),
        ("topic", topic.as_str()),
        ("order", order.as_str()),
        ("message", message.as_str()),
    ];
    let ticket = match NewTicket::validate(&name, &email, &topic, &order, &message) {
        Ok(ticket) => ticket,
        Err(errors) => return needs_correcting(errors, &typed),
    };
    let state = server_state()?;
    let me = caller().await?;
    for (limit, subject) in [
        (&throttle::TICKETS_PER_CLIENT, client_address().subject()),
        (&throttle::TICKETS_PER_EMAIL, ticket.email.to_string()),
    ] {
        if let Err(message) = within_limit(&state, limit, &subject).await? {
            return needs_correcting(FieldErrors::single("message", &message), &typed);
        }
    }
    let mut mine = false;
    if let Some(number) = &ticket.order_number {
        let mut conn = state.db.pool.acquire().await?;
        if let Some(order) = orders::find_by_number(&mut conn, number).await? {
            mine = match (order.customer_id, &me) {
                (Some(owner), Some(me)) => owner == me.id,
                (Some(_), None) => false,
                (None, _) => order.email == ticket.email.as_str(),
            };
        }
    }
    let (order, order_given) = match ticket.order_number.as_deref() {
        Some(number) if mine => (Some(number), None),
        given => (None, given),
    };
    let draft = repo::TicketDraft {
        customer_id: me.as_ref().map(|c| c.id),
        name: &ticket.name,
        email: ticket.email.as_str(),
        topic: ticket.topic,
        order,
        order_given,
        problem: None,
        message: &ticket.message,
    };
    let (number, key) = open_ticket(&state, &draft, None).await?;
    leptos_axum::redirect(&if me.is_some() {
        format!("/support/tickets/{number}?sent=1")
    } else {
        format!("/support/tickets/{number}?key={key}&sent=1")
    });
    Ok(FormResult::Done)
}

/// The photos a form sent (`raw`: its draft key, empty when it has none or scripts are off);
/// a key that is not one is a correction to ask for.
#[cfg(feature = "ssr")]
fn photo_draft(raw: &str, errors: &mut FieldErrors) -> Option<DraftKey> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let key = DraftKey::parse(raw);
    if key.is_none() {
        errors.add("photos", "Reload the page and add the photos again.");
    }
    key
}

/// Ticket `number` if the asker may read it (its account, or its private key); anyone else is
/// told it does not exist.
#[cfg(feature = "ssr")]
async fn readable(
    state: &ServerState,
    number: &str,
    key: Option<&str>,
) -> Result<repo::Found, AppError> {
    let number = parse_ticket_number(number).ok_or(AppError::NotFound)?;
    let found = repo::find(&mut *state.db.pool.acquire().await?, &number).await?;
    let ids = |found: &repo::Found| (found.id, found.customer_id);
    conversations::if_readable(&state.db.pool, Thread::Ticket, found, ids, key).await
}

#[server(output = Postcard)]
pub async fn get_ticket(number: String, key: Option<String>) -> Result<TicketView, AppError> {
    let state = server_state()?;
    Ok(readable(&state, &number, key.as_deref()).await?.view)
}

/// The shopper answers on their ticket, with photos if staff asked for them, which opens it
/// again for support.
#[server(output = Postcard)]
pub async fn reply_to_ticket(
    number: String,
    key: Option<String>,
    message: String,
    // The form's photo draft: empty when no photo was added, or scripts are off.
    #[server(default)] draft: String,
) -> Result<FormResult, AppError> {
    let typed = [("message", message.as_str())];
    let mut errors = FieldErrors::default();
    let body = check_message(&message)
        .map_err(|why| errors.add("message", &why))
        .ok();
    let photos = photo_draft(&draft, &mut errors);
    let (Some(body), true) = (body, errors.is_empty()) else {
        return needs_correcting(errors, &typed);
    };
    let state = server_state()?;
    let found = readable(&state, &number, key.as_deref()).await?;
    let limit = &throttle::TICKET_REPLIES_PER_CLIENT;
    if let Err(why) = within_limit(&state, limit, &client_address().subject()).await? {
        return needs_correcting(FieldErrors::single("message", &why), &typed);
    }
    let now = state.clock.unix();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    conversations::add_message(
        &mut tx,
        Thread::Ticket,
        found.id,
        None,
        &found.view.name,
        &body,
        now,
    )
    .await?;
    if let Some(photos) = &photos {
        conversations::attach_photos(&mut tx, Thread::Ticket, found.id, photos).await?;
    }
    repo::set_status(&mut tx, found.id, TicketStatus::Open, now).await?;
    tx.commit().await?;
    Ok(FormResult::Done)
}

/// The signed-in shopper's tickets.
#[server(output = Postcard)]
pub async fn my_tickets() -> Result<Vec<TicketSummary>, AppError> {
    let me = require_customer().await?;
    Ok(repo::for_buyer(
        &server_state()?.db.pool,
        crate::accounts::model::BuyerRef::Account(me.id),
    )
    .await?)
}

/// Reports a problem with order `number` from its page: after delivery (damaged, wrong or
/// missing items, not received) within the report window, or a lost or late package on a
/// shipped order. It becomes a ticket linked to the order, with the photos added to the form,
/// in the staff queue.
#[server(output = Postcard)]
pub async fn report_delivery_problem(
    number: String,
    problem: String,
    description: String,
    // The form's photo draft: empty when scripts are off.
    #[server(default)] draft: String,
) -> Result<FormResult, AppError> {
    let typed = [
        ("problem", problem.as_str()),
        ("description", description.as_str()),
    ];
    let number = parse_order_number(&number).ok_or(AppError::NotFound)?;
    let state = server_state()?;
    let Some((order, owner)) =
        orders::detail(&mut *state.db.pool.acquire().await?, &number).await?
    else {
        return Err(AppError::NotFound);
    };
    let me = caller().await?.map(|c| c.id);
    if !access::may_view(&state, &number, owner, me).await? {
        return Err(AppError::NotFound);
    }
    let mut errors = FieldErrors::default();
    let kind = DeliveryProblem::from_slug(&problem);
    if kind.is_none() {
        errors.add("problem", "Choose what went wrong.");
    }
    let body = check_message(&description)
        .map_err(|why| errors.add("description", &why))
        .ok();
    let photos = photo_draft(&draft, &mut errors);
    let (Some(kind), Some(body), true) = (kind, body, errors.is_empty()) else {
        return needs_correcting(errors, &typed);
    };
    let deadline = match order.delivered_at() {
        Some(delivered) => Some(windows::report_deadline(&state, delivered).await?),
        None => None,
    };
    if let Some(why) = report_refusal(&order, kind, state.clock.unix(), deadline) {
        return needs_correcting(FieldErrors::single("problem", &why), &typed);
    }
    if let Err(why) = within_limit(
        &state,
        &throttle::TICKETS_PER_CLIENT,
        &client_address().subject(),
    )
    .await?
    {
        return needs_correcting(FieldErrors::single("description", &why), &typed);
    }
    let message = format!("{}\n\n{body}", kind.label());
    let draft = repo::TicketDraft {
        customer_id: owner,
        name: &order.address.name,
        email: &order.email,
        topic: kind.topic(),
        order: Some(&number),
        order_given: None,
        problem: Some(kind),
        message: &message,
    };
    let (ticket, key) = open_ticket(&state, &draft, photos.as_ref()).await?;
    leptos_axum::redirect(&if owner.is_some() {
        format!("/support/tickets/{ticket}?sent=1")
    } else {
        format!("/support/tickets/{ticket}?key={key}&sent=1")
    });
    Ok(FormResult::Done)
}

/// Why `kind` cannot be reported on `order` at `now`, if it cannot.
#[cfg(feature = "ssr")]
fn report_refusal(
    order: &crate::orders::model::OrderDetail,
    kind: DeliveryProblem,
    now: i64,
    deadline: Option<i64>,
) -> Option<String> {
    if !kind.after_delivery() {
        return (order.status != OrderStatus::Shipped).then(|| {
            "A lost or late package can be reported while the order is on its way. For anything else, send us a ticket.".into()
        });
    }
    let (Some(delivered), Some(deadline)) = (
        order
            .delivered_at()
            .filter(|_| order.status == OrderStatus::Delivered),
        deadline,
    ) else {
        return Some(
            "This order has not been delivered yet. If it is late, report it as lost or late."
                .into(),
        );
    };
    (!windows::is_open(deadline, now)).then(|| {
        format!(
            "Problems must be reported within {} business days of delivery, and this order was delivered on {}. A defect that shows later is covered by the warranty: send us a ticket about it.",
            windows::PROBLEM_REPORT_BUSINESS_DAYS,
            crate::local_time::format_day(delivered)
        )
    })
}
