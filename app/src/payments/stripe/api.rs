//! A thin typed client of the parts of Stripe's API the shop uses: tokens, customers,
//! PaymentIntents and refunds. Requests are form-encoded with the secret key as a bearer
//! token; answers are read into the few fields the shop needs, so the lighter payloads of a
//! test server (localstripe) read as well as Stripe's.

use crate::payments::secrets::Secret;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Duration;

/// Stripe's API version the shop was written against: answers keep this shape whatever the
/// account's default.
const API_VERSION: &str = "2024-06-20";

#[derive(Clone)]
pub struct StripeApi {
    http: reqwest::Client,
    base: String,
    secret: Secret,
}

impl std::fmt::Debug for StripeApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeApi")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// What went wrong with a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StripeError {
    /// Stripe refused the card (HTTP 402): its `code` and `decline_code`, and the
    /// PaymentIntent the refusal was for, if it says.
    #[error("the card was refused ({code:?}, {decline_code:?})")]
    Card {
        code: Option<String>,
        decline_code: Option<String>,
    },
    /// Stripe answered the request with an error of another kind.
    #[error("Stripe refused the request (HTTP {status}, {code:?}): {message}")]
    Refused {
        status: u16,
        code: Option<String>,
        message: String,
    },
    /// No answer, or one that is not Stripe's: the request's fate is unknown.
    #[error("Stripe did not answer: {0}")]
    Unreachable(String),
}

/// Stripe's error body.
#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    code: Option<String>,
    decline_code: Option<String>,
    #[serde(default)]
    message: String,
}

/// An id, or the object it names when Stripe (or a test server) expands it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Expandable {
    Id(String),
    Object { id: String },
}

impl Expandable {
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) | Expandable::Object { id } => id,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct Token {
    pub id: String,
    pub card: TokenCard,
}

#[derive(Clone, Debug, Deserialize)]
pub struct TokenCard {
    pub brand: String,
    pub last4: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Customer {
    pub id: String,
    /// The card the token became.
    pub default_source: Option<Expandable>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    pub status: IntentStatus,
    pub amount: i64,
    pub client_secret: Option<String>,
    pub last_payment_error: Option<PaymentError>,
    pub latest_charge: Option<Expandable>,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntentStatus {
    RequiresPaymentMethod,
    RequiresConfirmation,
    RequiresAction,
    Processing,
    RequiresCapture,
    Canceled,
    Succeeded,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct PaymentError {
    pub code: Option<String>,
    pub decline_code: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Refund {
    pub id: String,
    pub amount: i64,
    pub status: Option<String>,
    #[serde(default)]
    pub metadata: HashMap<String, String>,
}

#[derive(Deserialize)]
struct List<T> {
    data: Vec<T>,
}

impl StripeApi {
    pub fn new(base: &str, secret: Secret) -> Result<StripeApi, StripeError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // Below the shop's own request limit, so a checkout answers even when Stripe does not.
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| StripeError::Unreachable(e.to_string()))?;
        Ok(StripeApi {
            http,
            base: base.trim_end_matches('/').to_owned(),
            secret,
        })
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, StripeError> {
        let unreachable = |e: reqwest::Error| StripeError::Unreachable(e.without_url().to_string());
        let response = request
            .bearer_auth(self.secret.expose())
            .header("Stripe-Version", API_VERSION)
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        let body = response.bytes().await.map_err(unreachable)?;
        if status.is_success() {
            return serde_json::from_slice(&body).map_err(|e| {
                StripeError::Unreachable(format!("an answer the shop cannot read: {e}"))
            });
        }
        let Ok(ErrorBody { error }) = serde_json::from_slice::<ErrorBody>(&body) else {
            return Err(StripeError::Unreachable(format!(
                "HTTP {status} without Stripe's error"
            )));
        };
        if status.as_u16() == 402 {
            return Err(StripeError::Card {
                code: error.code,
                decline_code: error.decline_code,
            });
        }
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(StripeError::Unreachable(format!(
                "HTTP {status}: {}",
                error.message
            )));
        }
        Err(StripeError::Refused {
            status: status.as_u16(),
            code: error.code,
            message: error.message,
        })
    }

    fn post(
        &self,
        path: &str,
        idempotency_key: &str,
        form: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        self.http
            .post(format!("{}{path}", self.base))
            .header("Idempotency-Key", idempotency_key)
            .form(form)
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http.get(format!("{}{path}", self.base))
    }

    pub async fn token(&self, id: &str) -> Result<Token, StripeError> {
        self.send(self.get(&format!("/v1/tokens/{}", path_segment(id)?)))
            .await
    }

    /// A Customer whose card is the one `token` stands for; a card refused here is a decline.
    pub async fn create_customer(
        &self,
        token: &str,
        order: &str,
        idempotency_key: &str,
    ) -> Result<Customer, StripeError> {
        let form = [("source", token), ("metadata[order]", order)];
        self.send(self.post("/v1/customers", idempotency_key, &form))
            .await
    }

    /// A PaymentIntent for `cents` from `customer`'s `card`, not yet confirmed: its id is kept
    /// before any money can move.
    pub async fn create_intent(
        &self,
        cents: i64,
        customer: &str,
        card: &str,
        order: &str,
        idempotency_key: &str,
    ) -> Result<PaymentIntent, StripeError> {
        let amount = cents.to_string();
        let form = [
            ("amount", amount.as_str()),
            ("currency", crate::money::CURRENCY),
            ("customer", customer),
            ("payment_method", card),
            ("metadata[order]", order),
        ];
        self.send(self.post("/v1/payment_intents", idempotency_key, &form))
            .await
    }

    pub async fn confirm_intent(
        &self,
        id: &str,
        idempotency_key: &str,
    ) -> Result<PaymentIntent, StripeError> {
        let path = format!("/v1/payment_intents/{}/confirm", path_segment(id)?);
        self.send(self.post(&path, idempotency_key, &[])).await
    }

    pub async fn intent(&self, id: &str) -> Result<PaymentIntent, StripeError> {
        self.send(self.get(&format!("/v1/payment_intents/{}", path_segment(id)?)))
            .await
    }

    pub async fn cancel_intent(
        &self,
        id: &str,
        idempotency_key: &str,
    ) -> Result<PaymentIntent, StripeError> {
        let path = format!("/v1/payment_intents/{}/cancel", path_segment(id)?);
        self.send(self.post(&path, idempotency_key, &[])).await
    }

    /// Refunds `cents` of the PaymentIntent's charge; `refund_key` is the shop's own record of
    /// the refund, kept in Stripe's metadata so a webhook can tell it from a dashboard refund.
    pub async fn refund(
        &self,
        intent: &str,
        cents: i64,
        order: &str,
        refund_key: &str,
    ) -> Result<Refund, StripeError> {
        let amount = cents.to_string();
        let form = [
            ("payment_intent", intent),
            ("amount", amount.as_str()),
            ("metadata[order]", order),
            ("metadata[refund_key]", refund_key),
        ];
        self.send(self.post("/v1/refunds", refund_key, &form)).await
    }

    /// The refunds of a charge, newest first (one page: far more than an order ever has).
    pub async fn refunds_of_charge(&self, charge: &str) -> Result<Vec<Refund>, StripeError> {
        let request = self.get(&format!(
            "/v1/refunds?charge={}&limit=100",
            path_segment(charge)?
        ));
        let list: List<Refund> = self.send(request).await?;
        Ok(list.data)
    }
}

/// An id from a browser or an event, put in a path only if it is shaped like Stripe's ids
/// (letters, digits and underscores), so it can never name another resource.
fn path_segment(id: &str) -> Result<&str, StripeError> {
    if !id.is_empty()
        && id.len() <= 255
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Ok(id)
    } else {
        Err(StripeError::Refused {
            status: 400,
            code: Some("resource_missing".into()),
            message: "not a Stripe id".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_intents_read_from_stripe_and_from_a_test_server() {
        // Stripe names the latest charge by id; localstripe puts the whole charge there.
        let stripe = r#"{"id":"pi_1","object":"payment_intent","status":"requires_action",
            "amount":2599,"client_secret":"pi_1_secret_x","last_payment_error":null,
            "latest_charge":"ch_1","metadata":{"order":"CF-1"},"livemode":false}"#;
        let local = r#"{"id":"pi_2","status":"requires_payment_method","amount":100,
            "client_secret":"pi_2_secret_y","latest_charge":{"id":"ch_2","object":"charge"},
            "last_payment_error":{"code":"card_declined","message":"Your card was declined.",
            "charge":"ch_2"},"metadata":{}}"#;
        let a: PaymentIntent = serde_json::from_str(stripe).unwrap();
        assert_eq!(a.status, IntentStatus::RequiresAction);
        assert_eq!(a.latest_charge.unwrap().id(), "ch_1");
        assert_eq!(a.metadata["order"], "CF-1");
        let b: PaymentIntent = serde_json::from_str(local).unwrap();
        assert_eq!(b.latest_charge.unwrap().id(), "ch_2");
        assert_eq!(
            b.last_payment_error,
            Some(PaymentError {
                code: Some("card_declined".into()),
                decline_code: None
            })
        );
    }

    #[test]
    fn ids_from_outside_cannot_change_the_path() {
        assert_eq!(path_segment("tok_123"), Ok("tok_123"));
        assert!(path_segment("../v1/charges").is_err());
        assert!(path_segment("").is_err());
    }
}
