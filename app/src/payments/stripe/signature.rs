//! The webhook's `Stripe-Signature` check and the envelope of the events Stripe sends.
//!
//! Stripe signs `{t}.{body}` with HMAC-SHA256 under the endpoint's secret and sends
//! `t=<unix time>,v1=<hex>[,v1=<hex>…]` (several `v1` while a secret is being rolled).
//! An event is taken if one `v1` matches (compared in constant time) and `t` is within five
//! minutes of now, so a captured request cannot be replayed later.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// How far an event's signing time may be from now.
pub const TOLERANCE_SECS: i64 = 5 * 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing or malformed")]
    Malformed,
    #[error("no signature matches the webhook secret")]
    Mismatch,
    #[error("the signature is more than five minutes from now")]
    Stale,
}

/// Checks `header` against `body` and `secret` at `now` (Unix seconds).
pub fn verify(header: &str, body: &[u8], secret: &str, now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", hex)) => signatures.extend(hex::decode(hex).ok()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    let matches = signatures.iter().any(|signature| {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
            .expect("HMAC takes a key of any length");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        // `verify_slice` compares in constant time.
        mac.verify_slice(signature).is_ok()
    });
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    Ok(())
}

/// An event as Stripe sends it; its object is read by type.
#[derive(Clone, Debug, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
}

#[derive(Clone, Debug, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}

/// The few fields of an event's object the shop acts on: a PaymentIntent's id, a charge's or
/// a dispute's PaymentIntent and charge, a dispute's reason and amount.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EventObject {
    pub id: String,
    pub payment_intent: Option<String>,
    pub charge: Option<String>,
    pub amount: Option<i64>,
    pub reason: Option<String>,
}

impl Event {
    pub fn object(&self) -> Option<EventObject> {
        serde_json::from_value(self.data.object.clone()).ok()
    }
}

/// What the shop does with each kind of event it subscribes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// `payment_intent.succeeded` / `payment_intent.payment_failed`: settle the order.
    PaymentSettled,
    /// `charge.refunded`: record refunds made in Stripe's dashboard.
    ChargeRefunded,
    /// `charge.dispute.created`: flag the order for staff.
    DisputeOpened,
    /// Anything else: acknowledged and ignored.
    Other,
}

impl EventKind {
    pub fn of(kind: &str) -> EventKind {
        match kind {
            "payment_intent.succeeded" | "payment_intent.payment_failed" => {
                EventKind::PaymentSettled
            }
            "charge.refunded" => EventKind::ChargeRefunded,
            "charge.dispute.created" => EventKind::DisputeOpened,
            _ => EventKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, t: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    const BODY: &[u8] =
        br#"{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}"#;

    #[test]
    fn a_signature_by_the_secret_within_five_minutes_is_taken() {
        let now = 1_800_000_000;
        let header = format!("t={now},v1={}", sign("whsec_a", now, BODY));
        assert_eq!(verify(&header, BODY, "whsec_a", now + 299), Ok(()));
        assert_eq!(verify(&header, BODY, "whsec_a", now - 299), Ok(()));
    }

    #[test]
    fn a_wrong_secret_a_changed_body_or_an_old_signature_is_refused() {
        let now = 1_800_000_000;
        let header = format!("t={now},v1={}", sign("whsec_a", now, BODY));
        assert_eq!(
            verify(&header, BODY, "whsec_b", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&header, b"{}", "whsec_a", now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&header, BODY, "whsec_a", now + 301),
            Err(SignatureError::Stale)
        );
        // The time is signed too: moving it forward breaks the signature.
        let moved = header.replace(&format!("t={now}"), &format!("t={}", now + 400));
        assert_eq!(
            verify(&moved, BODY, "whsec_a", now + 400),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn any_of_several_v1_signatures_may_match_and_other_schemes_are_ignored() {
        let now = 1_800_000_000;
        let header = format!(
            "t={now},v0={},v1={},v1={}",
            sign("whsec_a", now, BODY),
            sign("whsec_old", now, BODY),
            sign("whsec_a", now, BODY)
        );
        assert_eq!(verify(&header, BODY, "whsec_a", now), Ok(()));
        let only_v0 = format!("t={now},v0={}", sign("whsec_a", now, BODY));
        assert_eq!(
            verify(&only_v0, BODY, "whsec_a", now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify("", BODY, "whsec_a", now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify("v1=zz,t=x", BODY, "whsec_a", now),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn events_read_with_or_without_the_fields_only_stripe_sends() {
        // localstripe's events lack `pending_webhooks`, `request` and `livemode`.
        let local: Event = serde_json::from_slice(BODY).unwrap();
        assert_eq!(EventKind::of(&local.kind), EventKind::PaymentSettled);
        assert_eq!(local.object().unwrap().id, "pi_1");
        let real = r#"{"id":"evt_2","object":"event","api_version":"2024-06-20","created":1,
            "livemode":true,"pending_webhooks":1,"request":{"id":null},"type":"charge.dispute.created",
            "data":{"object":{"id":"dp_1","object":"dispute","charge":"ch_1","payment_intent":"pi_1",
            "amount":2599,"reason":"fraudulent","status":"needs_response"}}}"#;
        let real: Event = serde_json::from_str(real).unwrap();
        assert_eq!(EventKind::of(&real.kind), EventKind::DisputeOpened);
        let dispute = real.object().unwrap();
        assert_eq!(dispute.payment_intent.as_deref(), Some("pi_1"));
        assert_eq!(dispute.reason.as_deref(), Some("fraudulent"));
        assert_eq!(EventKind::of("customer.created"), EventKind::Other);
    }
}
