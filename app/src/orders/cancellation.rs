//! A shopper cancels their own order (server only), as the policy allows until it is being
//! prepared for shipping: in one transaction the order becomes Cancelled, its stock and promo
//! code use are given back and a full refund is reserved; then the refund is made back to the
//! payment that paid (a refund without the gateway's answer is asked again later, so a
//! cancelled order is always refunded, once). A second click finds the order cancelled and
//! does nothing more.

use super::refunding::{self, RefundError};
use super::refunds::RefundScope;
use super::repo::{self, ActionError};
use super::status::OrderStatus;
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

/// Cancels order `number` at its shopper's request (who may ask is checked by the caller).
pub async fn cancel_by_shopper(
    state: &ServerState,
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
    if let Some(why) = refusal(order.status) {
        return Err(ActionError::Refused(why.to_owned()));
    }
    let changed = repo::change_status(
        &mut tx,
        order.id,
        order.status,
        OrderStatus::Cancelled,
        "Cancelled at your request; the stock and any promo code use were given back.",
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
        None,
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
