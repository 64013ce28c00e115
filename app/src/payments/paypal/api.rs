//! A thin typed client of the parts of PayPal's REST API the shop uses: an OAuth2 access token
//! (client credentials, kept until shortly before it expires and renewed once when PayPal
//! answers 401), Orders v2 (create, read, capture, track), Payments v2 refunds, and the
//! verification of a webhook event. Answers are read into the few fields the shop needs.

use super::settings::PayPalSettings;
use crate::payments::secrets::Secret;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A token is renewed this long before PayPal says it expires, so none expires in flight.
const TOKEN_MARGIN: Duration = Duration::from_secs(120);

pub struct PayPalApi {
    http: reqwest::Client,
    base: String,
    client_id: String,
    secret: Secret,
    token: Mutex<Option<AccessToken>>,
}

impl std::fmt::Debug for PayPalApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayPalApi")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
struct AccessToken {
    value: Secret,
    renew_at: Instant,
}

/// What went wrong with a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PayPalError {
    /// PayPal understood the request and refused it for a business reason (HTTP 422): its
    /// first `issue` (`INSTRUMENT_DECLINED`, `ORDER_NOT_APPROVED`, `REFUND_AMOUNT_EXCEEDED`…).
    #[error("PayPal refused: {issue} ({description})")]
    Unprocessable { issue: String, description: String },
    /// No such resource (HTTP 404): an order PayPal no longer knows (expired).
    #[error("PayPal does not know this resource")]
    NotFound,
    /// Any other refusal: the request was wrong, or the credentials are.
    #[error("PayPal refused the request (HTTP {status}): {message}")]
    Refused { status: u16, message: String },
    /// No answer, or one that is not PayPal's: the request's fate is unknown.
    #[error("PayPal did not answer: {0}")]
    Unreachable(String),
}

/// PayPal's error body (`error_4xx` in its documents).
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    details: Vec<ErrorDetail>,
}

#[derive(Deserialize)]
struct ErrorDetail {
    issue: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Link {
    pub href: String,
    pub rel: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Order {
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub purchase_units: Vec<PurchaseUnit>,
    #[serde(default)]
    pub links: Vec<Link>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PurchaseUnit {
    pub invoice_id: Option<String>,
    pub payments: Option<Payments>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Payments {
    #[serde(default)]
    pub captures: Vec<Capture>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Capture {
    pub id: String,
    pub status: String,
}

impl Order {
    /// Where the buyer approves the order.
    pub fn payer_action(&self) -> Option<&str> {
        self.links
            .iter()
            .find(|l| l.rel == "payer-action" || l.rel == "approve")
            .map(|l| l.href.as_str())
    }

    /// The order's capture, once there is one.
    pub fn capture(&self) -> Option<&Capture> {
        self.purchase_units
            .iter()
            .filter_map(|u| u.payments.as_ref())
            .flat_map(|p| p.captures.iter())
            .next()
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct Refund {
    pub id: String,
    pub status: String,
}

#[derive(Deserialize)]
struct Verification {
    verification_status: String,
}

/// The transmission headers PayPal sends with a webhook event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transmission {
    pub id: String,
    pub time: String,
    pub signature: String,
    pub cert_url: String,
    pub auth_algo: String,
}

/// An amount as PayPal writes money.
pub fn amount(cents: i64) -> Value {
    json!({
        "currency_code": crate::money::CURRENCY.to_ascii_uppercase(),
        "value": format!("{}{}.{:02}", if cents < 0 { "-" } else { "" }, cents.abs() / 100, cents.abs() % 100),
    })
}

/// The cents of an amount as PayPal writes it (`{"value": "12.34", ...}`).
pub fn cents_of(amount: &Value) -> Option<i64> {
    let text = amount["value"].as_str()?;
    let (units, fraction) = text.split_once('.').unwrap_or((text, "00"));
    if fraction.len() != 2 || units.starts_with('-') {
        return None;
    }
    units
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(fraction.parse::<i64>().ok()?)
}

impl PayPalApi {
    pub fn new(settings: &PayPalSettings) -> Result<PayPalApi, PayPalError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // Below the shop's own request limit, so a checkout answers even when PayPal does not.
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| PayPalError::Unreachable(e.to_string()))?;
        Ok(PayPalApi {
            http,
            base: settings.api_url.trim_end_matches('/').to_owned(),
            client_id: settings.client_id.clone(),
            secret: settings.client_secret.clone(),
            token: Mutex::new(None),
        })
    }

    /// The access token, asked for when there is none or it is about to expire.
    async fn token(&self, renew: bool) -> Result<Secret, PayPalError> {
        let mut held = self.token.lock().await;
        if let Some(token) = held
            .as_ref()
            .filter(|t| !renew && t.renew_at > Instant::now())
        {
            return Ok(token.value.clone());
        }
        let response = self
            .http
            .post(format!("{}/v1/oauth2/token", self.base))
            .basic_auth(&self.client_id, Some(self.secret.expose()))
            .form(&[("grant_type", "client_credentials")])
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        if !status.is_success() {
            return Err(PayPalError::Refused {
                status: status.as_u16(),
                message: "PayPal refused the client id and secret".into(),
            });
        }
        let answer: TokenAnswer = response.json().await.map_err(unreachable)?;
        let lifetime = Duration::from_secs(answer.expires_in).saturating_sub(TOKEN_MARGIN);
        let token = AccessToken {
            value: Secret::new(answer.access_token),
            renew_at: Instant::now() + lifetime,
        };
        *held = Some(token.clone());
        Ok(token.value)
    }

    /// Sends a request with the access token; on a 401 (the token expired or was revoked)
    /// renews it once and sends the request again.
    async fn send<T: DeserializeOwned>(
        &self,
        build: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<T, PayPalError> {
        let mut renew = false;
        loop {
            let token = self.token(renew).await?;
            let response = build(token.expose()).send().await.map_err(unreachable)?;
            let status = response.status();
            if status.as_u16() == 401 && !renew {
                renew = true;
                continue;
            }
            let body = response.bytes().await.map_err(unreachable)?;
            if status.is_success() {
                return serde_json::from_slice(&body).map_err(|e| {
                    PayPalError::Unreachable(format!("an answer the shop cannot read: {e}"))
                });
            }
            return Err(refusal(status.as_u16(), &body));
        }
    }

    fn post(
        &self,
        path: &str,
        request_id: &str,
        body: &Value,
    ) -> impl Fn(&str) -> reqwest::RequestBuilder {
        let (http, url, request_id, body) = (
            self.http.clone(),
            format!("{}{path}", self.base),
            request_id.to_owned(),
            body.clone(),
        );
        move |token| {
            http.post(&url)
                .bearer_auth(token)
                .header("PayPal-Request-Id", &request_id)
                .header("Prefer", "return=representation")
                .json(&body)
        }
    }

    fn get(&self, path: &str) -> impl Fn(&str) -> reqwest::RequestBuilder {
        let (http, url) = (self.http.clone(), format!("{}{path}", self.base));
        move |token| http.get(&url).bearer_auth(token)
    }

    pub async fn create_order(&self, body: &Value, request_id: &str) -> Result<Order, PayPalError> {
        self.send(self.post("/v2/checkout/orders", request_id, body))
            .await
    }

    pub async fn order(&self, id: &str) -> Result<Order, PayPalError> {
        self.send(self.get(&format!("/v2/checkout/orders/{}", path_segment(id)?)))
            .await
    }

    pub async fn capture(&self, id: &str, request_id: &str) -> Result<Order, PayPalError> {
        let path = format!("/v2/checkout/orders/{}/capture", path_segment(id)?);
        self.send(self.post(&path, request_id, &json!({}))).await
    }

    /// Adds a shipment's tracking number to the order, for PayPal's seller protection.
    pub async fn track(
        &self,
        id: &str,
        capture_id: &str,
        carrier: &str,
        number: &str,
        request_id: &str,
    ) -> Result<Order, PayPalError> {
        let path = format!("/v2/checkout/orders/{}/track", path_segment(id)?);
        let body = json!({
            "capture_id": capture_id,
            "transaction_id": capture_id,
            "status": "SHIPPED",
            "tracking_number": number,
            "carrier": carrier,
            "notify_payer": false,
        });
        self.send(self.post(&path, request_id, &body)).await
    }

    pub async fn refund(
        &self,
        capture_id: &str,
        cents: i64,
        invoice: &str,
        request_id: &str,
    ) -> Result<Refund, PayPalError> {
        let path = format!("/v2/payments/captures/{}/refund", path_segment(capture_id)?);
        // The shop's own key comes back in the refund's webhook event, which tells it apart
        // from a refund made in PayPal's dashboard even before PayPal's answer is recorded.
        let body = json!({
            "amount": amount(cents),
            "invoice_id": invoice,
            "custom_id": request_id,
            "note_to_payer": format!("Refund for order {invoice}"),
        });
        self.send(self.post(&path, request_id, &body)).await
    }

    /// Whether PayPal says `event` (as received, parsed) came from it for `webhook_id`.
    pub async fn verify_event(
        &self,
        transmission: &Transmission,
        webhook_id: &str,
        event: &Value,
    ) -> Result<bool, PayPalError> {
        let body = json!({
            "auth_algo": transmission.auth_algo,
            "cert_url": transmission.cert_url,
            "transmission_id": transmission.id,
            "transmission_sig": transmission.signature,
            "transmission_time": transmission.time,
            "webhook_id": webhook_id,
            "webhook_event": event,
        });
        let (http, url) = (
            self.http.clone(),
            format!("{}/v1/notifications/verify-webhook-signature", self.base),
        );
        let answer: Verification = self
            .send(move |token| http.post(&url).bearer_auth(token).json(&body))
            .await?;
        Ok(answer.verification_status == "SUCCESS")
    }
}

fn unreachable(e: reqwest::Error) -> PayPalError {
    PayPalError::Unreachable(e.without_url().to_string())
}

fn refusal(status: u16, body: &[u8]) -> PayPalError {
    let error = serde_json::from_slice::<ErrorBody>(body).ok();
    if status == 404 {
        return PayPalError::NotFound;
    }
    if status >= 500 || status == 429 || error.is_none() {
        return PayPalError::Unreachable(format!("HTTP {status}"));
    }
    let error = error.unwrap_or_else(|| unreachable!("checked above"));
    match error.details.into_iter().next() {
        Some(detail) if status == 422 => PayPalError::Unprocessable {
            issue: detail.issue,
            description: detail.description,
        },
        _ => PayPalError::Refused {
            status,
            message: format!("{}: {}", error.name, error.message),
        },
    }
}

/// An id as PayPal makes them, safe in a path.
fn path_segment(id: &str) -> Result<&str, PayPalError> {
    if !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        Ok(id)
    } else {
        Err(PayPalError::Refused {
            status: 400,
            message: "not a PayPal id".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_as_paypal_means_them() {
        let declined = br#"{"name":"UNPROCESSABLE_ENTITY","message":"m","details":[{"issue":"INSTRUMENT_DECLINED","description":"d"}]}"#;
        assert_eq!(
            refusal(422, declined),
            PayPalError::Unprocessable {
                issue: "INSTRUMENT_DECLINED".into(),
                description: "d".into()
            }
        );
        assert_eq!(refusal(404, b"{}"), PayPalError::NotFound);
        assert!(matches!(refusal(503, b""), PayPalError::Unreachable(_)));
        assert!(matches!(
            refusal(400, b"<html>"),
            PayPalError::Unreachable(_)
        ));
        assert!(matches!(
            refusal(400, br#"{"name":"INVALID_REQUEST","message":"m"}"#),
            PayPalError::Refused { status: 400, .. }
        ));
    }

    #[test]
    fn amounts_read_back_in_cents() {
        assert_eq!(cents_of(&amount(4677)), Some(4677));
        assert_eq!(cents_of(&json!({ "value": "12" })), Some(1200));
        assert_eq!(cents_of(&json!({ "value": "1.5" })), None);
        assert_eq!(cents_of(&json!({ "value": "-1.00" })), None);
        assert_eq!(cents_of(&json!({})), None);
    }

    #[test]
    fn only_paypal_shaped_ids_reach_a_path() {
        assert!(path_segment("5O190127TN364715T").is_ok());
        assert!(path_segment("../v1/oauth2").is_err());
        assert!(path_segment("").is_err());
    }
}
