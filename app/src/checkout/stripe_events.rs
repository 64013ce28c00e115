//! Stripe's webhook (server only): the events that settle a card payment whose shopper left
//! before the answer, record a refund made in Stripe's dashboard, or flag a disputed payment.
//!
//! Each event is checked by its signature (`payments::stripe::signature`), then claimed by its
//! id in `stripe_events` and marked processed once handled: Stripe delivers an event at least
//! once, and a repeat, or one sent while the first is still being handled, changes nothing
//! (every step below is itself idempotent). A failure answers 500, so Stripe sends it again.

use super::service;
use crate::money::Money;
use crate::orders::{disputes, refunding};
use crate::payments::stripe::gateway::StripeGateway;
use crate::payments::stripe::signature::{self, Event, EventKind, SignatureError};
use crate::shop::ServerState;
use sqlx::{AnyPool, Row};

/// Where Stripe posts its events (its dashboard's webhook endpoint: the shop's address and
/// this path).
pub const WEBHOOK_PATH: &str = "/webhooks/stripe";

/// The webhook's answer, as Stripe reads it.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// Handled, or a repeat of one handled, or of a kind the shop ignores (200).
    Received,
    /// Not signed by Stripe with the shop's secret, or not an event (400): nothing changed.
    Refused(&'static str),
    /// Stripe does not take the shop's cards (404).
    NotConfigured,
    /// Handling failed; Stripe sends it again later (500).
    Failed,
}

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
    match handle_once(state, stripe, &event, state.clock.now()).await {
        Ok(()) => Answer::Received,
        Err(err) => {
            tracing::error!(event = %event.id, kind = %event.kind, error = %err, "a Stripe event could not be handled yet");
            Answer::Failed
        }
    }
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

async fn handle_once(
    state: &ServerState,
    stripe: &StripeGateway,
    event: &Event,
    at: time::OffsetDateTime,
) -> Result<(), EventError> {
    let pool = &state.db.pool;
    let now = at.unix_timestamp();
    if already_processed(pool, event, now).await? {
        return Ok(());
    }
    handle(state, stripe, event, at).await?;
    sqlx::query("UPDATE stripe_events SET processed_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&event.id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Stores the event by its id; true if it was processed before.
async fn already_processed(pool: &AnyPool, event: &Event, now: i64) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "INSERT INTO stripe_events (id, kind, received_at) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&event.id)
    .bind(&event.kind)
    .bind(now)
    .execute(pool)
    .await?;
    let processed: Option<i64> =
        sqlx::query("SELECT processed_at FROM stripe_events WHERE id = $1")
            .bind(&event.id)
            .fetch_one(pool)
            .await?
            .try_get("processed_at")?;
    Ok(processed.is_some())
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
        EventKind::PaymentSettled => service::settle_card_payment(state, &number, at).await?,
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
