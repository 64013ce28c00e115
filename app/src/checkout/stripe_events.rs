//! Stripe's webhook (server only): the events that settle a card payment whose shopper left
//! before the answer, record a refund made in Stripe's dashboard, or flag a disputed payment.
//!
//! Each event is checked by its signature (`payments::stripe::signature`), then handled once
//! (`webhook_events`).

use super::service;
pub use super::webhook_events::Answer;
use super::webhook_events::EventLog;
use crate::money::Money;
use crate::orders::{disputes, refunding};
use crate::payments::stripe::gateway::StripeGateway;
use crate::payments::stripe::signature::{self, Event, EventKind, SignatureError};
use crate::shop::ServerState;

/// Where Stripe posts its events (its dashboard's webhook endpoint: the shop's address and
/// this path).
pub const WEBHOOK_PATH: &str = "/webhooks/stripe";

/// Receives one delivery; `signature` is its `Stripe-Signature` header, which must be from the
/// last five minutes by the real time (the shop's clock may run ahead in tests).
pub async fn receive(state: &ServerState, signature: Option<&str>, body: &[u8]) -> Answer {
    let wall = time::OffsetDateTime::now_utc().unix_timestamp();
    let Some(stripe) = state.payments.stripe_events() else {
        return Answer::NotConfigured;
    };
    let secret = stripe.settings().webhook_secret.expose();
    if let Err(err) = signature::verify(signature.unwrap_or_default(), body, secret, wall) {
        tracing::warn!(error = %err, "a Stripe webhook delivery was refused");
        return Answer::Refused(match err {
            SignatureError::Malformed => "missing or malformed signature",
            SignatureError::Mismatch => "bad signature",
            SignatureError::Stale => "stale signature",
        });
    }
    let Ok(event) = serde_json::from_slice::<Event>(body) else {
        return Answer::Refused("not an event");
    };
    let at = state.clock.now();
    EventLog::Stripe
        .handle_once(
            &state.db.pool,
            (&event.id, &event.kind),
            at.unix_timestamp(),
            handle(state, stripe, &event, at),
        )
        .await
}

/// Why an event could not be handled now.
#[derive(Debug, thiserror::Error)]
enum EventError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Checkout(#[from] service::CheckoutError),
    #[error(transparent)]
    Stripe(#[from] crate::payments::stripe::api::StripeError),
}

async fn handle(
    state: &ServerState,
    stripe: &StripeGateway,
    event: &Event,
    at: time::OffsetDateTime,
) -> Result<(), EventError> {
    let now = at.unix_timestamp();
    let kind = EventKind::of(&event.kind);
    if kind == EventKind::Other {
        return Ok(());
    }
    let Some(object) = event.object() else {
        tracing::warn!(event = %event.id, kind = %event.kind, "a Stripe event without the fields the shop reads; ignored");
        return Ok(());
    };
    let intent = match kind {
        EventKind::PaymentSettled => Some(object.id.as_str()),
        _ => object.payment_intent.as_deref(),
    };
    // Events of payments the shop did not start (another integration on the same account).
    let number = match intent {
        Some(intent) => stripe.order_paid_by(intent).await?,
        None => None,
    };
    let Some(number) = number else {
        return Ok(());
    };
    match kind {
        // The PaymentIntent is read back from Stripe: its state now decides, not the event's.
        EventKind::PaymentSettled => service::settle_decided_payment(state, &number, at).await?,
        EventKind::ChargeRefunded => {
            for refund in stripe.api().refunds_of_charge(&object.id).await? {
                // The shop's own refunds carry its key and are recorded when made.
                let made_here = refund.metadata.contains_key("refund_key");
                if made_here || refund.status.as_deref() == Some("failed") {
                    continue;
                }
                let amount = Money::from_cents(refund.amount);
                refunding::record_external(state, &number, &refund.id, amount, now).await?;
            }
        }
        EventKind::DisputeOpened => {
            let reason = object.reason.as_deref().unwrap_or("general");
            let amount = Money::from_cents(object.amount.unwrap_or_default());
            disputes::flag(&state.db.pool, &number, reason, amount, now).await?;
        }
        EventKind::Other => {}
    }
    Ok(())
}
