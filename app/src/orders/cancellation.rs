//! Cancelling an order (server only): by its shopper, as the policy allows until it is being
//! prepared for shipping, or by staff, also while it is being prepared. In one transaction the
//! order becomes Cancelled, its stock and promo code use are given back, a full refund is
//! reserved and the shopper is e-mailed that the order is cancelled; then the refund is made
//! back to the payment that paid (a refund without the gateway's answer is asked again later,
//! so a cancelled order is always refunded, once). A second click finds the order cancelled
//! and does nothing more.

use super::refunding::{self, RefundError};
use super::refunds::RefundScope;
use super::repo::{self, ActionError};
use super::status::{OrderAction, OrderStatus};
use crate::accounts::model::Customer;
use crate::audit::{self, Change};
use crate::money::Money;
use crate::shop::ServerState;

/// What became of a cancellation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cancelled {
    /// Cancelled, and this much was refunded.
    Refunded(Money),
    /// Cancelled; the refund is on its way but the payment provider has not confirmed it yet.
    RefundPending(Money),
    /// Cancelled; the provider refused the refund, so staff make it by hand.
    RefundFailed,
    /// It was cancelled already (a second click, or another tab).
    Already,
}

/// Why a shopper cannot cancel an order that is `status`.
pub fn refusal(status: OrderStatus) -> Option<&'static str> {
    match status {
        OrderStatus::Paid => None,
        OrderStatus::Processing | OrderStatus::Shipped | OrderStatus::Delivered => Some(
            "This order is already being prepared for shipping, so it can no longer be cancelled. \
             Contact us if something is wrong with it.",
        ),
        _ => Some("This order can't be cancelled."),
    }
}

/// Who cancels: the order's shopper (who may ask is checked by the caller), or staff.
#[derive(Clone, Copy, Debug)]
pub enum CancelledBy<'a> {
    Shopper,
    Staff(&'a Customer),
}

impl CancelledBy<'_> {
    /// Why this canceller cannot cancel an order that is `status`, if they cannot.
    fn refusal(self, status: OrderStatus) -> Option<String> {
        match self {
            CancelledBy::Shopper => refusal(status).map(str::to_owned),
            CancelledBy::Staff(_) => OrderAction::Cancel.refusal(status),
        }
    }

    /// The timeline's note for the shopper, and for staff.
    fn notes(self) -> (&'static str, &'static str) {
        match self {
            CancelledBy::Shopper => BY_SHOPPER,
            CancelledBy::Staff(_) => BY_STAFF,
        }
    }
}

/// The timeline's notes (the shopper's, then staff's) of a cancellation by its shopper.
const BY_SHOPPER: (&str, &str) = (
    "Cancelled at your request; the stock and any promo code use were given back.",
    "Cancelled by the shopper: stock and promo code use given back, full refund started.",
);

/// The same, of a cancellation by staff.
pub(crate) const BY_STAFF: (&str, &str) = (
    "Cancelled by the shop; a full refund is on its way to your payment method.",
    "Cancelled by staff: stock and promo code use given back, full refund started.",
);

/// Cancels order `number` with a full refund.
pub async fn cancel(
    state: &ServerState,
    by: CancelledBy<'_>,
    number: &str,
    now: i64,
) -> Result<Cancelled, ActionError> {
    let mut tx = crate::db::begin(&state.db.pool).await?;
    // Taken first, so that of two clicks the second waits and then finds the order cancelled.
    if !repo::lock(&mut tx, number).await? {
        return Err(ActionError::NotFound);
    }
    let order = repo::find_by_number(&mut tx, number)
        .await?
        .ok_or(ActionError::NotFound)?;
    if matches!(order.status, OrderStatus::Cancelled | OrderStatus::Refunded) {
        return Ok(Cancelled::Already);
    }
    if let Some(why) = by.refusal(order.status) {
        return Err(ActionError::Refused(why));
    }
    let (note, staff_note) = by.notes();
    let staff = match by {
        CancelledBy::Staff(staff) => Some(staff),
        CancelledBy::Shopper => None,
    };
    let step = repo::Step::new(note)
        .for_staff(staff_note)
        .by(staff.map(|s| s.id));
    let changed = repo::change_status(
        &mut tx,
        order.id,
        order.status,
        OrderStatus::Cancelled,
        step,
        now,
    )
    .await
    .map_err(ActionError::from)?;
    if !changed {
        return Ok(Cancelled::Already);
    }
    super::holds::release(
        &mut tx,
        order.id,
        number,
        super::holds::Release::Cancelled,
        now,
    )
    .await?;
    let pending = match refunding::reserve(
        &mut tx,
        staff,
        number,
        &RefundScope::Full,
        "Order cancelled",
        now,
    )
    .await
    {
        Ok(pending) => Some(pending),
        // Nothing was paid (a free order): nothing to give back.
        Err(RefundError::Refused(_)) => None,
        Err(RefundError::Database(err)) => return Err(err.into()),
        Err(err @ (RefundError::NotFound | RefundError::Pending(_))) => {
            return Err(ActionError::Refused(err.to_string()))
        }
    };
    if let Some(staff) = staff {
        let change = Change::new("cancel order", format!("order {number}"))
            .before(order.status.slug())
            .after(OrderStatus::Cancelled.slug());
        audit::record(&mut tx, staff, change, now).await?;
    }
    let refund = pending.as_ref().map(|p| p.amount());
    super::notify::queue_for_shopper(&mut tx, &state.store, number, now, |detail, store, url| {
        super::email::cancelled(detail, refund, store, url)
    })
    .await?;
    tx.commit().await?;
    let Some(pending) = pending else {
        return Ok(Cancelled::Refunded(Money::ZERO));
    };
    match refunding::complete(state, &pending, now).await {
        Ok(amount) => Ok(Cancelled::Refunded(amount)),
        Err(RefundError::Pending(amount)) => Ok(Cancelled::RefundPending(amount)),
        Err(RefundError::Refused(why)) => {
            tracing::error!(number, why, "the refund of a cancelled order was refused");
            Ok(Cancelled::RefundFailed)
        }
        Err(RefundError::NotFound) => Err(ActionError::NotFound),
        Err(RefundError::Database(err)) => Err(err.into()),
    }
}
