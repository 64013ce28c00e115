//! Orders for staff: the searchable list, one order with its notes, moving it along the
//! status machine, and notes. Support and admins alike (`/api/staff/`).

use crate::error::AppError;
use crate::forms::FormResult;
use crate::orders::model::{OrderDetail, OrderFilter, OrderNote, StaffOrderList, StaffStep};
use crate::orders::refunds::RefundOptions;
use crate::orders::status::OrderAction;
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    crate::audit::{self, Change},
    crate::forms::{needs_correcting, FieldErrors},
    crate::identity::{session::require_role, Role},
    crate::orders::refunds::RefundScope,
    crate::orders::status::OrderStatus,
    crate::orders::{fulfilment, refunding, repo, staff_list, tracking::Tracking},
    crate::shop::server_state,
};

/// One order as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOrder {
    pub detail: OrderDetail,
    /// Placed by a signed-in account (not a guest).
    pub by_account: bool,
    pub notes: Vec<OrderNote>,
    /// What the status machine allows next.
    pub actions: Vec<OrderAction>,
    /// What can be refunded now, if anything.
    pub refund: Option<RefundOptions>,
    /// Tickets and problem reports about the order.
    pub tickets: Vec<crate::support::TicketSummary>,
    /// The bank's reason, if the card holder disputed the payment.
    pub dispute: Option<String>,
    /// The partner the order credits, if any.
    pub referral: Option<crate::affiliates::OrderReferral>,
    /// The timeline in staff's words, with who took each step.
    pub timeline: Vec<StaffStep>,
    /// What can be done about a package lost in the post (shipped orders only).
    pub lost: Option<LostPackage>,
}

/// A shipped order's package, if it is lost: replace it for free, once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LostPackage {
    /// Nothing sent again yet.
    NotReplaced,
    /// Replaced by the order with this number.
    ReplacedBy(String),
}

pub const MAX_NOTE_LEN: usize = 2000;

#[server(prefix = "/api/staff", output = Postcard)]
pub async fn list_orders(filter: OrderFilter, page: u32) -> Result<StaffOrderList, AppError> {
    require_role(Role::Support).await?;
    let query = staff_list::StaffQuery::from_filter(&filter)
        .map_err(|m| AppError::InvalidInput(m.into()))?;
    Ok(staff_list::staff_list(&server_state()?.db.pool, &query, page).await?)
}

#[server(prefix = "/api/staff", output = Postcard)]
pub async fn order_for_staff(number: String) -> Result<StaffOrder, AppError> {
    require_role(Role::Support).await?;
    let pool = &server_state()?.db.pool;
    let (detail, customer_id, notes) = repo::staff_detail(pool, &number)
        .await?
        .ok_or(AppError::NotFound)?;
    let actions = OrderAction::allowed(detail.status);
    let refund = refunding::options(pool, &number).await?;
    let mut conn = pool.acquire().await?;
    let lost = match detail.status {
        OrderStatus::Shipped => Some(
            match crate::orders::lost::replaced_by(&mut conn, &number).await? {
                Some(new) => LostPackage::ReplacedBy(new),
                None => LostPackage::NotReplaced,
            },
        ),
        _ => None,
    };
    Ok(StaffOrder {
        detail,
        by_account: customer_id.is_some(),
        notes,
        actions,
        refund,
        tickets: crate::support::repo::for_order(pool, &number).await?,
        dispute: crate::orders::disputes::reason(pool, &number).await?,
        referral: crate::affiliates::ledger::of_order(&mut conn, &number).await?,
        timeline: repo::staff_timeline(pool, &number).await?,
        lost,
    })
}

/// Moves the order along: `action` is an `OrderAction` slug; shipping needs `carrier` and
/// `tracking`.
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn move_order(
    number: String,
    action: String,
    carrier: Option<String>,
    tracking: Option<String>,
) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Support).await?;
    let typed = [("tracking", tracking.as_deref().unwrap_or_default())];
    let Some(action) = OrderAction::from_slug(&action) else {
        return Err(AppError::InvalidInput(
            "Choose what to do with the order.".into(),
        ));
    };
    let tracking = match action {
        OrderAction::Ship => match Tracking::parse(
            carrier.as_deref().unwrap_or_default(),
            tracking.as_deref().unwrap_or_default(),
        ) {
            Ok(tracking) => Some(tracking),
            Err((field, message)) => {
                return needs_correcting(FieldErrors::single(field, message), &typed)
            }
        },
        _ => None,
    };
    let state = server_state()?;
    match fulfilment::act(
        &state,
        &staff,
        &number,
        action,
        tracking,
        state.clock.unix(),
    )
    .await
    {
        Ok(()) => Ok(FormResult::Done),
        Err(refused) => refused.into_answer("action", &typed),
    }
}

/// Sends the items of shipped order `number` again, for free, once its package is confirmed
/// lost (the policy's review of a lost or delayed package).
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn replace_lost_order(number: String) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Support).await?;
    let state = server_state()?;
    match crate::orders::lost::replace(&state, &staff, &number, state.clock.unix()).await {
        Ok(_) => Ok(FormResult::Done),
        Err(refused) => refused.into_answer("lost", &[]),
    }
}

pub const MAX_REFUND_REASON_LEN: usize = 500;

/// Refunds order `number` back to the payment that paid: `scope` is "full" (all that is left)
/// or "items" (`quantities[i]` more units of line `i`, and the shipping if `shipping` is set).
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn refund_order(
    number: String,
    scope: String,
    #[server(default)] quantities: Vec<String>,
    shipping: Option<String>,
    reason: String,
) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Support).await?;
    let typed = [("reason", reason.as_str())];
    let reason = reason.trim();
    if reason.is_empty() {
        return needs_correcting(
            FieldErrors::single("reason", "Say why the order is refunded."),
            &typed,
        );
    }
    if reason.chars().count() > MAX_REFUND_REASON_LEN {
        return needs_correcting(
            FieldErrors::single("reason", "Keep the reason under 500 characters."),
            &typed,
        );
    }
    let scope = match scope.as_str() {
        "full" => RefundScope::Full,
        "items" => {
            let mut parsed = Vec::with_capacity(quantities.len());
            for (index, text) in quantities.iter().enumerate() {
                match text.trim() {
                    "" => parsed.push(0),
                    text => match text.parse::<u32>() {
                        Ok(quantity) => parsed.push(quantity),
                        Err(_) => {
                            return needs_correcting(
                                FieldErrors::single(
                                    "refund",
                                    &format!(
                                        "Enter a whole number of units for item {}.",
                                        index + 1
                                    ),
                                ),
                                &typed,
                            )
                        }
                    },
                }
            }
            RefundScope::Items {
                quantities: parsed,
                shipping: shipping.is_some(),
            }
        }
        _ => {
            return Err(AppError::InvalidInput(
                "Choose a full refund or the items to refund.".into(),
            ))
        }
    };
    let state = server_state()?;
    match refunding::refund(&state, &staff, &number, &scope, reason, state.clock.unix()).await {
        Ok(_) => Ok(FormResult::Done),
        Err(refunding::RefundError::NotFound) => Err(AppError::NotFound),
        Err(refunding::RefundError::Database(err)) => Err(err.into()),
        Err(why @ (refunding::RefundError::Refused(_) | refunding::RefundError::Pending(_))) => {
            needs_correcting(FieldErrors::single("refund", &why.to_string()), &typed)
        }
    }
}

#[server(prefix = "/api/staff", output = Postcard)]
pub async fn add_order_note(number: String, body: String) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Support).await?;
    let typed = [("body", body.as_str())];
    let text = body.trim();
    if text.is_empty() {
        return needs_correcting(FieldErrors::single("body", "Write the note first."), &typed);
    }
    if text.chars().count() > MAX_NOTE_LEN {
        return needs_correcting(
            FieldErrors::single("body", "Keep a note under 2,000 characters."),
            &typed,
        );
    }
    let state = server_state()?;
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let order = repo::find_by_number(&mut tx, &number)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.unix();
    repo::add_note(&mut tx, order.id, &staff, text, now).await?;
    audit::record(
        &mut tx,
        &staff,
        Change::new("add order note", format!("order {}", order.number)).after(text),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(FormResult::Done)
}
