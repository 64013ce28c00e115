//! PayPal's webhook (server only): the events that capture an approval whose shopper never
//! came back, settle a capture PayPal cleared or denied later, record a refund made in PayPal's
//! dashboard, and flag a reversed or disputed payment for staff.
//!
//! PayPal itself vouches for each event (`POST /v1/notifications/verify-webhook-signature`
//! with the transmission headers and the shop's webhook id; anything but `SUCCESS` is
//! refused), then it is handled once (`webhook_events`). What PayPal's API says now decides a
//! payment, never the event's copy of it.

use super::service;
pub use super::webhook_events::Answer;
use super::webhook_events::EventLog;
use crate::money::Money;
use crate::orders::{disputes, refunding};
use crate::payments::paypal::api::{cents_of, Transmission};
use crate::payments::paypal::gateway::{PayPalGateway, PayPalPayment};
use crate::shop::ServerState;
use serde::Deserialize;
use serde_json::Value;

/// Where PayPal posts its events (the webhook set up in PayPal's developer dashboard: the
/// shop's address and this path; its id is `PAYPAL_WEBHOOK_ID`).
pub const WEBHOOK_PATH: &str = "/webhooks/paypal";

#[derive(Deserialize)]
struct Event {
    id: String,
    event_type: String,
    #[serde(default)]
    resource: Value,
}

/// Receives one delivery with its transmission headers.
pub async fn receive(state: &ServerState, transmission: &Transmission, body: &[u8]) -> Answer {
    let Some(paypal) = state.payments.paypal_api() else {
        return Answer::NotConfigured;
    };
    let Ok(raw) = serde_json::from_slice::<Value>(body) else {
        return Answer::Refused("not an event");
    };
    let Ok(event) = serde_json::from_value::<Event>(raw.clone()) else {
        return Answer::Refused("not an event");
    };
    match paypal.verify_event(transmission, &raw).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(event = %event.id, "PayPal did not vouch for a webhook delivery; refused");
            return Answer::Refused("not verified by PayPal");
        }
        Err(err) => {
            tracing::error!(error = %err, "PayPal could not verify a webhook delivery yet");
            return Answer::Failed;
        }
    }
    let at = state.clock.now();
    EventLog::PayPal
        .handle_once(
            &state.db.pool,
            (&event.id, &event.event_type),
            at.unix_timestamp(),
            handle(state, paypal, &event, at),
        )
        .await
}

#[derive(Debug, thiserror::Error)]
enum EventError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Checkout(#[from] service::CheckoutError),
}

/// The capture a refund belongs to: the last part of its `up` link.
fn refunded_capture(refund: &Value) -> Option<&str> {
    refund["links"]
        .as_array()?
        .iter()
        .find(|l| l["rel"] == "up")?["href"]
        .as_str()?
        .rsplit('/')
        .next()
}

async fn handle(
    state: &ServerState,
    paypal: &PayPalGateway,
    event: &Event,
    at: time::OffsetDateTime,
) -> Result<(), EventError> {
    let now = at.unix_timestamp();
    let resource = &event.resource;
    let text = |v: &Value| v.as_str().map(str::to_owned);
    // Events of payments the shop did not start (another integration on the same account)
    // find no payment of the shop's and are acknowledged.
    let by_capture = |id: Option<String>| async move {
        match id {
            Some(id) => paypal.payment_captured_by(&id).await,
            None => Ok(None),
        }
    };
    let payment: Option<PayPalPayment> = match event.event_type.as_str() {
        "CHECKOUT.ORDER.APPROVED" => match text(&resource["id"]) {
            Some(id) => paypal.payment_of(&id).await?,
            None => None,
        },
        "PAYMENT.CAPTURE.COMPLETED" | "PAYMENT.CAPTURE.DENIED" | "PAYMENT.CAPTURE.PENDING" => {
            match text(&resource["supplementary_data"]["related_ids"]["order_id"]) {
                Some(order) => paypal.payment_of(&order).await?,
                None => by_capture(text(&resource["id"])).await?,
            }
        }
        "PAYMENT.CAPTURE.REFUNDED" => {
            by_capture(refunded_capture(resource).map(str::to_owned)).await?
        }
        "PAYMENT.CAPTURE.REVERSED" => by_capture(text(&resource["id"])).await?,
        "CUSTOMER.DISPUTE.CREATED" => {
            let captures = resource["disputed_transactions"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut found = None;
            for capture in captures {
                found = by_capture(text(&capture["seller_transaction_id"])).await?;
                if found.is_some() {
                    break;
                }
            }
            found
        }
        _ => None,
    };
    let Some(payment) = payment else {
        return Ok(());
    };
    let number = &payment.order;
    match event.event_type.as_str() {
        "PAYMENT.CAPTURE.REFUNDED" => {
            // The shop's own refunds carry its key, and are recorded when made.
            let made_here = resource["custom_id"]
                .as_str()
                .is_some_and(|k| !k.is_empty());
            if let (false, Some(id), Some(cents)) = (
                made_here,
                text(&resource["id"]),
                cents_of(&resource["amount"]),
            ) {
                refunding::record_external(state, number, &id, Money::from_cents(cents), now)
                    .await?;
            }
        }
        "PAYMENT.CAPTURE.REVERSED" => {
            let cents = cents_of(&resource["amount"]).unwrap_or_default();
            disputes::flag(
                &state.db.pool,
                number,
                "reversed",
                Money::from_cents(cents),
                now,
            )
            .await?;
        }
        "CUSTOMER.DISPUTE.CREATED" => {
            let reason = resource["reason"]
                .as_str()
                .unwrap_or("general")
                .to_ascii_lowercase();
            let cents = cents_of(&resource["dispute_amount"]).unwrap_or_default();
            disputes::flag(
                &state.db.pool,
                number,
                &reason,
                Money::from_cents(cents),
                now,
            )
            .await?;
        }
        // Approved, captured or denied: PayPal's API now decides.
        _ => service::settle_decided_payment(state, number, at).await?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_refund_names_its_capture_by_its_up_link() {
        let refund = json!({ "links": [
            { "rel": "self", "href": "https://api-m.paypal.com/v2/payments/refunds/1JU08902781691411" },
            { "rel": "up", "href": "https://api-m.paypal.com/v2/payments/captures/2GG279541U471931P" },
        ]});
        assert_eq!(refunded_capture(&refund), Some("2GG279541U471931P"));
        assert_eq!(refunded_capture(&json!({})), None);
    }
}
