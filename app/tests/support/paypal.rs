//! PayPal for the integration tests: a shop whose PayPal is the contract-checked stand-in
//! (`tools/paypal-standin`), started on a port of its own for each test, and the buyer's side
//! of PayPal (approving on its page with one funding source or another).
#![allow(dead_code)]

use super::shop::{new_outbox, shop_paying};
use app::db::Db;
use app::payments::paypal::gateway::PayPalGateway;
use app::payments::paypal::settings::PayPalSettings;
use app::payments::providers::Providers;
use app::payments::secrets::Secret;
use app::payments::test_gateway::TestGateway;
use app::shop::ServerState;
use paypal_standin::contract::{default_dir, Contract};
use paypal_standin::{Settings, StandIn};
use std::sync::{Arc, OnceLock};

#[allow(unused_imports)]
pub use paypal_standin::Funding;

/// The documents are read once for all the tests of a binary.
fn contract() -> Contract {
    static CONTRACT: OnceLock<Contract> = OnceLock::new();
    CONTRACT
        .get_or_init(|| Contract::load(&default_dir()).expect("PayPal's OpenAPI documents"))
        .clone()
}

/// A stand-in PayPal of its own, serving on a free port.
pub async fn standin(settings: Settings) -> (StandIn, String) {
    let running = StandIn::new(settings, contract()).start(0).await.unwrap();
    (running.standin, running.url)
}

pub fn settings_for(url: &str) -> PayPalSettings {
    let defaults = Settings::default();
    PayPalSettings {
        client_id: defaults.client_id,
        client_secret: Secret::new(defaults.client_secret),
        webhook_id: defaults.webhook_id,
        api_url: url.to_owned(),
    }
}

/// The demo shop taking PayPal through `standin` (and test cards), and the stand-in.
pub async fn paypal_shop(db: &Db) -> (ServerState, StandIn) {
    paypal_shop_with(db, Settings::default()).await
}

pub async fn paypal_shop_with(db: &Db, settings: Settings) -> (ServerState, StandIn) {
    let (standin, url) = standin(settings).await;
    let paypal = Arc::new(PayPalGateway::new(settings_for(&url), db.pool.clone()).unwrap());
    let cards = Arc::new(TestGateway::new(db.pool.clone()));
    let payments = Providers::new(Some(cards), None).with_paypal(paypal);
    (shop_paying(db, new_outbox(), payments).await, standin)
}

/// The PayPal order id in an approval link the shop sent the shopper to.
pub fn token_in(url: &str) -> String {
    url.split_once("token=")
        .map(|(_, t)| t.split('&').next().unwrap_or_default().to_owned())
        .unwrap_or_else(|| panic!("no PayPal order in {url}"))
}

/// Delivers `event` to the shop's webhook as PayPal would, with its transmission headers.
pub async fn post_event(
    state: &ServerState,
    event: &paypal_standin::Delivery,
) -> app::checkout::webhook_events::Answer {
    let header = |name: &str| event.header(name).unwrap_or_default().to_owned();
    let transmission = app::payments::paypal::api::Transmission {
        id: header("PAYPAL-TRANSMISSION-ID"),
        time: header("PAYPAL-TRANSMISSION-TIME"),
        signature: header("PAYPAL-TRANSMISSION-SIG"),
        cert_url: header("PAYPAL-CERT-URL"),
        auth_algo: header("PAYPAL-AUTH-ALGO"),
    };
    let body = serde_json::to_vec(&event.body).unwrap();
    app::checkout::paypal_events::receive(state, &transmission, &body).await
}

/// The events of `kind` sent so far.
pub fn sent(standin: &StandIn, kind: &str) -> Vec<paypal_standin::Delivery> {
    standin
        .outbox()
        .into_iter()
        .filter(|d| d.event_type() == kind)
        .collect()
}
