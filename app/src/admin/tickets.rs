//! The support queue for staff (`/api/staff/`): tickets by status, one ticket with its order,
//! answering (e-mailed to the shopper with a fresh private link) and changing the status.

use crate::error::AppError;
use crate::forms::FormResult;
use crate::support::{TicketSummary, TicketView};
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    crate::audit::{self, Change},
    crate::conversations::{self, Thread},
    crate::forms::{needs_correcting, FieldErrors},
    crate::identity::{session::require_role, Role},
    crate::mail::queue,
    crate::shop::server_state,
    crate::support::{check_message, email, parse_ticket_number, repo, TicketStatus},
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketQueue {
    pub rows: Vec<TicketSummary>,
    /// 1-based.
    pub page: u32,
    pub pages: u32,
    pub count: u32,
}

/// A ticket as staff see it: the conversation, and the customer's other tickets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffTicket {
    pub ticket: TicketView,
    pub customer_id: Option<i64>,
    pub earlier: Vec<TicketSummary>,
}

#[server(prefix = "/api/staff", output = Postcard)]
pub async fn list_tickets(
    status: String,
    search: String,
    page: u32,
) -> Result<TicketQueue, AppError> {
    require_role(Role::Support).await?;
    let pool = &server_state()?.db.pool;
    let status = TicketStatus::from_slug(status.trim());
    let (rows, count) = repo::staff_list(pool, status, search.trim(), page).await?;
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    let pages = count.div_ceil(repo::TICKETS_PAGE).max(1);
    Ok(TicketQueue {
        rows,
        page: page.clamp(1, pages),
        pages,
        count,
    })
}

#[server(prefix = "/api/staff", output = Postcard)]
pub async fn ticket_for_staff(number: String) -> Result<StaffTicket, AppError> {
    require_role(Role::Support).await?;
    let state = server_state()?;
    let number = parse_ticket_number(&number).ok_or(AppError::NotFound)?;
    let found = repo::find(&mut *state.db.pool.acquire().await?, &number)
        .await?
        .ok_or(AppError::NotFound)?;
    let earlier = match found.customer_id {
        Some(id) => repo::for_buyer(
            &state.db.pool,
            crate::accounts::model::BuyerRef::Account(id),
        )
        .await?
        .into_iter()
        .filter(|t| t.number != number)
        .collect(),
        None => Vec::new(),
    };
    Ok(StaffTicket {
        ticket: found.view,
        customer_id: found.customer_id,
        earlier,
    })
}

/// Sets ticket `number`'s status for `staff`, with `answer` added and e-mailed to the shopper
/// (with a fresh private link) when there is one, in one transaction with its audit entry.
#[cfg(feature = "ssr")]
async fn update_ticket(
    staff: &crate::accounts::model::Customer,
    number: &str,
    status: TicketStatus,
    answer: Option<&str>,
) -> Result<(), AppError> {
    let state = server_state()?;
    let number = parse_ticket_number(number).ok_or(AppError::NotFound)?;
    let now = state.clock.unix();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let found = repo::find(&mut tx, &number)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(body) = answer {
        conversations::add_message(
            &mut tx,
            Thread::Ticket,
            found.id,
            Some(staff.id),
            &staff.name,
            body,
            now,
        )
        .await?;
        let key = conversations::issue_key(&mut tx, Thread::Ticket, found.id, now).await?;
        let link = email::ticket_link(&state.store, &number, &key);
        let mail = email::answered(
            &found.view.email,
            &number,
            &staff.name,
            body,
            &link,
            &state.store,
        );
        queue::enqueue(&mut tx, &mail, now).await?;
    }
    let before = repo::set_status(&mut tx, found.id, status, now).await?;
    let action = if answer.is_some() {
        "answer ticket"
    } else {
        "change ticket status"
    };
    let change = Change::new(action, format!("ticket {number}"))
        .before(before.map_or("", TicketStatus::slug))
        .after(status.slug());
    audit::record(&mut tx, staff, change, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Answers ticket `number` and sets its status (waiting on the customer unless staff choose
/// otherwise); the shopper is e-mailed the answer with a fresh private link.
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn answer_ticket(
    number: String,
    message: String,
    status: String,
) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Support).await?;
    let typed = [("message", message.as_str()), ("status", status.as_str())];
    let mut errors = FieldErrors::default();
    let body = check_message(&message)
        .map_err(|why| errors.add("message", &why))
        .ok();
    let status = TicketStatus::from_slug(&status)
        .ok_or(())
        .map_err(|_| errors.add("status", "Choose the ticket's status."))
        .ok();
    let (Some(body), Some(status)) = (body, status) else {
        return needs_correcting(errors, &typed);
    };
    update_ticket(&staff, &number, status, Some(&body)).await?;
    Ok(FormResult::Done)
}

/// Changes ticket `number`'s status without answering.
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn set_ticket_status(number: String, status: String) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Support).await?;
    let Some(status) = TicketStatus::from_slug(&status) else {
        return needs_correcting(
            FieldErrors::single("status", "Choose the ticket's status."),
            &[("status", status.as_str())],
        );
    };
    update_ticket(&staff, &number, status, None).await?;
    Ok(FormResult::Done)
}
