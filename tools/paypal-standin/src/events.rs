//! Webhook events as PayPal sends them (the body and its transmission headers), and PayPal's
//! check of one (`POST /v1/notifications/verify-webhook-signature`): `SUCCESS` only for an
//! event this stand-in sent, unchanged, to the webhook id asked about.

use super::{now, StandIn};
use crate::contract::Document;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use serde_json::{json, Value};

/// One event sent: its headers and body.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Delivery {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn event_type(&self) -> &str {
        self.body["event_type"].as_str().unwrap_or_default()
    }
}

pub(crate) fn delivery(
    webhook_id: &str,
    event_id: &str,
    transmission: &str,
    kind: &str,
    resource_type: &str,
    resource: Value,
) -> Delivery {
    use base64::Engine;
    let time = now();
    let signature = base64::engine::general_purpose::STANDARD
        .encode(format!("{webhook_id}|{transmission}|{event_id}|{time}"));
    let body = json!({
        "id": event_id,
        "create_time": time,
        "resource_type": resource_type,
        "event_type": kind,
        "event_version": "1.0",
        "resource_version": "2.0",
        "summary": format!("{kind} (PayPal stand-in)"),
        "resource": resource,
        "links": [{
            "href": format!("https://api-m.sandbox.paypal.com/v1/notifications/webhooks-events/{event_id}"),
            "rel": "self",
            "method": "GET",
        }],
    });
    let headers = [
        ("PAYPAL-TRANSMISSION-ID", transmission.to_owned()),
        ("PAYPAL-TRANSMISSION-TIME", time),
        ("PAYPAL-TRANSMISSION-SIG", signature),
        (
            "PAYPAL-CERT-URL",
            "https://api-m.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-standin".to_owned(),
        ),
        ("PAYPAL-AUTH-ALGO", "SHA256withRSA".to_owned()),
    ]
    .map(|(n, v)| (n.to_owned(), v))
    .into();
    Delivery { headers, body }
}

pub(crate) async fn verify(
    State(s): State<StandIn>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refused) = s.refusal(
        &headers,
        "POST /v1/notifications/verify-webhook-signature".into(),
    ) {
        return refused;
    }
    let problems = s
        .contract
        .problems(Document::Webhooks, "verify_webhook_signature", &body);
    if !problems.is_empty() {
        return s.refused_request(Document::Webhooks, problems);
    }
    let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
    let sent = s.outbox().into_iter().any(|d| {
        d.header("PAYPAL-TRANSMISSION-ID") == Some(&field("transmission_id"))
            && d.header("PAYPAL-TRANSMISSION-SIG") == Some(&field("transmission_sig"))
            && d.header("PAYPAL-TRANSMISSION-TIME") == Some(&field("transmission_time"))
            && d.header("PAYPAL-CERT-URL") == Some(&field("cert_url"))
            && d.body == body["webhook_event"]
    });
    let status = if sent && field("webhook_id") == s.settings.webhook_id {
        "SUCCESS"
    } else {
        "FAILURE"
    };
    s.answer(
        Document::Webhooks,
        "verify_webhook_signature_response",
        StatusCode::OK,
        json!({ "verification_status": status }),
    )
}
