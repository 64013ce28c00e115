//! PayPal's webhook over HTTP: events from PayPal's servers (another origin) are taken when
//! PayPal vouches for them, anything else is refused, the body is limited, and a shop without
//! PayPal has no such webhook. PayPal here is the contract-checked stand-in.

mod support;

use app::payments::paypal::api::PayPalApi;
use app::payments::paypal::order_request::{Breakdown, OrderRequest, PurchaseLine, ShipTo};
use app::payments::paypal::settings::PayPalSettings;
use app::payments::secrets::Secret;
use paypal_standin::contract::{default_dir, Contract};
use paypal_standin::{Delivery, Funding, Settings, StandIn};
use support::*;

fn settings(url: &str) -> PayPalSettings {
    let defaults = Settings::default();
    PayPalSettings {
        client_id: defaults.client_id,
        client_secret: Secret::new(defaults.client_secret),
        webhook_id: defaults.webhook_id,
        api_url: url.to_owned(),
    }
}

/// An event PayPal really sent: a buyer's approval of an order made at PayPal directly.
async fn approval_event(standin: &StandIn, url: &str) -> Delivery {
    let api = PayPalApi::new(&settings(url)).unwrap();
    let order = OrderRequest {
        invoice: "CF-ELSEWHERE".into(),
        brand: "Casefront".into(),
        lines: vec![PurchaseLine {
            sku: "GRP-MIDBLA".into(),
            name: "Grip".into(),
            unit_price: app::money::Money::from_cents(1599),
            quantity: 1,
        }],
        breakdown: Breakdown {
            items: app::money::Money::from_cents(1599),
            shipping: app::money::Money::from_cents(500),
            discount: app::money::Money::ZERO,
            total: app::money::Money::from_cents(2099),
        },
        ship_to: ShipTo {
            name: "Ada Lovelace".into(),
            line1: "1 Main Street".into(),
            line2: String::new(),
            city: "Springfield".into(),
            region: "IL".into(),
            postcode: "62701".into(),
            country: "US".into(),
        },
        return_url: "http://shop.test/checkout/paypal/CF-ELSEWHERE".into(),
        cancel_url: "http://shop.test/checkout/paypal/CF-ELSEWHERE?cancelled=1".into(),
    };
    let created = api
        .create_order(&order.to_json(), "route-test-create")
        .await
        .unwrap();
    assert!(standin.approve(&created.id, Funding::Balance));
    standin.outbox().pop().unwrap()
}

fn webhook(event: &Delivery, body: &str, origin: &str) -> Request<Body> {
    let mut request = Request::post(app::checkout::paypal_events::WEBHOOK_PATH)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, origin);
    for (name, value) in &event.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

#[test]
fn the_webhook_takes_what_paypal_vouches_for_from_its_servers_and_refuses_the_rest() {
    on_shared_runtime(async {
        let contract = Contract::load(&default_dir()).unwrap();
        let running = StandIn::new(Settings::default(), contract)
            .start(0)
            .await
            .unwrap();
        let (standin, url) = (running.standin, running.url);
        let shop = shop_paying(
            "http://shop.test",
            false,
            std::time::Duration::from_secs(30),
            server::config::Payments::Real(Box::new(server::config::RealProviders {
                stripe: None,
                paypal: Some(settings(&url)),
            })),
        )
        .await;
        let event = approval_event(&standin, &url).await;
        let body = serde_json::to_string(&event.body).unwrap();
        // PayPal's servers are another origin: PayPal's word, not the origin, decides. An
        // order that is not the shop's is acknowledged and left alone.
        let (status, _, text) =
            get_with(&shop, webhook(&event, &body, "https://paypal.example")).await;
        assert_eq!((status, text.as_str()), (StatusCode::OK, "received"));
        let forged = body.replace("CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.REFUNDED");
        let (status, _, text) =
            get_with(&shop, webhook(&event, &forged, "https://paypal.example")).await;
        assert_eq!(
            (status, text.as_str()),
            (StatusCode::BAD_REQUEST, "not verified by PayPal")
        );
        let huge = "x".repeat(300 * 1024);
        let (status, _, _) = get_with(&shop, webhook(&event, &huge, SHOP)).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(standin.violations(), Vec::<String>::new());
        // A shop without PayPal's API has no PayPal webhook.
        let test_shop = shop_with(false).await;
        let (status, _, _) = get_with(&test_shop, webhook(&event, &body, SHOP)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    });
}
