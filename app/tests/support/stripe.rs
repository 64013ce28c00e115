//! Stripe for the integration tests: a shop whose cards go to localstripe (started by
//! `scripts/test.sh`, which names it in `LOCALSTRIPE_URL`), card tokens made as Stripe.js
//! makes them, the 3-D Secure answer, and webhook events signed as Stripe signs them.
#![allow(dead_code)]

use super::shop::{new_outbox, shop_paying};
use app::db::Db;
use app::payments::card::CardBrand;
use app::payments::providers::Providers;
use app::payments::secrets::Secret;
use app::payments::stripe::gateway::StripeGateway;
use app::payments::stripe::settings::StripeSettings;
use app::shop::ServerState;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;

pub const PUBLISHABLE_KEY: &str = "pk_test_casefront";
pub const WEBHOOK_SECRET: &str = "whsec_casefront";

/// Cards localstripe knows: charged, declined when charged, declined when the Customer is
/// created, and asking for 3-D Secure.
pub const SUCCEEDS: &str = "4242424242424242";
pub const DECLINED_WHEN_CHARGED: &str = "4000000000000341";
pub const DECLINED_AT_CUSTOMER: &str = "4000000000000002";
pub const NEEDS_3DS: &str = "4000002500003155";

pub fn localstripe() -> String {
    std::env::var("LOCALSTRIPE_URL").expect(
        "LOCALSTRIPE_URL names a running localstripe (scripts/test.sh starts one): \
         the Stripe tests pay through it",
    )
}

pub fn settings() -> StripeSettings {
    StripeSettings {
        secret_key: Secret::new("sk_test_casefront".into()),
        publishable_key: PUBLISHABLE_KEY.into(),
        webhook_secret: Secret::new(WEBHOOK_SECRET.into()),
        api_url: localstripe(),
        js_url: format!("{}/js.stripe.com/v3/", localstripe()),
    }
}

/// The demo shop with Stripe taking cards of `brands`.
pub async fn stripe_shop(db: &Db, brands: &[CardBrand]) -> ServerState {
    let stripe = Arc::new(StripeGateway::new(settings(), db.pool.clone()).unwrap());
    let payments = Providers::stripe(stripe, None).accepting(brands.to_vec());
    shop_paying(db, new_outbox(), payments).await
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// A token for card `number`, made with the publishable key as Stripe.js makes one.
pub async fn token(number: &str) -> String {
    let answer: serde_json::Value = http()
        .post(format!("{}/v1/tokens", localstripe()))
        .form(&[
            ("card[number]", number),
            ("card[exp_month]", "12"),
            ("card[exp_year]", "2035"),
            ("card[cvc]", "123"),
            ("key", PUBLISHABLE_KEY),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["id"].as_str().expect("a token").to_owned()
}

/// GETs `path` of Stripe's API with the secret key.
pub async fn api_get(path: &str) -> serde_json::Value {
    http()
        .get(format!("{}{path}", localstripe()))
        .bearer_auth("sk_test_casefront")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// POSTs `form` to `path` of Stripe's API with the secret key, as the dashboard would.
pub async fn api_post(path: &str, form: &[(&str, &str)]) -> serde_json::Value {
    http()
        .post(format!("{}{path}", localstripe()))
        .bearer_auth("sk_test_casefront")
        .form(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// The shopper's answer to their bank's 3-D Secure challenge, as localstripe's Stripe.js
/// sends it.
pub async fn authenticate(client_secret: &str, success: bool) {
    let intent = client_secret.split("_secret_").next().unwrap();
    let status = http()
        .post(format!(
            "{}/v1/payment_intents/{intent}/_authenticate?success={success}",
            localstripe()
        ))
        .form(&[("key", PUBLISHABLE_KEY), ("client_secret", client_secret)])
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
}

/// The PaymentIntent recorded for order `number`.
pub async fn intent_of(db: &Db, number: &str) -> Option<String> {
    use sqlx::Row;
    sqlx::query("SELECT payment_intent FROM stripe_payments WHERE order_key = $1")
        .bind(number)
        .fetch_optional(&db.pool)
        .await
        .unwrap()
        .map(|r| r.try_get("payment_intent").unwrap())
}

/// A `Stripe-Signature` header for `body` signed at `t` with `secret`.
pub fn signature(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// An event as Stripe sends it, with a fresh id unless `id` is given.
pub fn event(kind: &str, object: serde_json::Value, id: Option<&str>) -> String {
    let id = id.map_or_else(
        || format!("evt_{}", app::tokens::random_hex(8)),
        str::to_owned,
    );
    serde_json::json!({
        "id": id, "object": "event", "type": kind, "created": now(),
        "livemode": false, "pending_webhooks": 1, "api_version": "2024-06-20",
        "data": { "object": object },
    })
    .to_string()
}
