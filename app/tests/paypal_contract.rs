//! The requests the shop sends PayPal, checked against PayPal's own OpenAPI documents
//! (`../shared/paypal-openapi`, or `PAYPAL_OPENAPI_DIR`) as JSON Schema, so a request the real
//! API would refuse fails here; the stand-in checks its answers the same way.

use app::money::Money;
use app::payments::paypal::order_request::{Breakdown, OrderRequest, PurchaseLine, ShipTo};
use paypal_standin::contract::{default_dir, Contract, Document};
use serde_json::{json, Value};

fn contract() -> Contract {
    Contract::load(&default_dir()).expect("PayPal's OpenAPI documents")
}

fn problems(instance: &Value) -> Vec<String> {
    contract().problems(Document::Orders, "order_request", instance)
}

fn order() -> OrderRequest {
    OrderRequest {
        invoice: "CF-AB12CD34".into(),
        brand: "Casefront".into(),
        lines: vec![
            PurchaseLine {
                sku: "SIG-IP17PM-CLR-CRYCLE".into(),
                name: "Signature Case – iPhone 17 Pro Max, Crystal Clear".into(),
                unit_price: Money::from_cents(1999),
                quantity: 1,
            },
            PurchaseLine {
                sku: "GRP-MIDBLA".into(),
                name: "Magnetic Phone Grip – Midnight Black".into(),
                unit_price: Money::from_cents(1599),
                quantity: 2,
            },
        ],
        breakdown: Breakdown {
            items: Money::from_cents(5197),
            shipping: Money::ZERO,
            discount: Money::from_cents(520),
            total: Money::from_cents(4677),
        },
        ship_to: ShipTo {
            name: "Grace Hopper".into(),
            line1: "1 Compiler Way".into(),
            line2: "Suite 2".into(),
            city: "Arlington".into(),
            region: "VA".into(),
            postcode: "22201".into(),
            country: "US".into(),
        },
        return_url: "https://shop.example/checkout/paypal/CF-AB12CD34".into(),
        cancel_url: "https://shop.example/checkout/paypal/CF-AB12CD34?cancelled=1".into(),
    }
}

#[test]
fn the_order_the_shop_creates_is_one_paypal_accepts() {
    let body = order().to_json();
    assert_eq!(problems(&body), Vec::<String>::new());
    // A shop outside the US, with no region, too.
    let mut abroad = order();
    abroad.ship_to.region = String::new();
    abroad.ship_to.country = "DE".into();
    assert_eq!(problems(&abroad.to_json()), Vec::<String>::new());
}

#[test]
fn the_contract_refuses_what_paypal_would() {
    let mut no_intent = order().to_json();
    no_intent.as_object_mut().unwrap().remove("intent");
    assert!(!problems(&no_intent).is_empty());
    let mut bad_money = order().to_json();
    bad_money["purchase_units"][0]["amount"]["value"] = json!("46.77.1");
    assert!(!problems(&bad_money).is_empty());
    let mut bad_intent = order().to_json();
    bad_intent["intent"] = json!("SALE");
    assert!(!problems(&bad_intent).is_empty());
    let mut bad_country = order().to_json();
    bad_country["purchase_units"][0]["shipping"]["address"]["country_code"] = json!("USA");
    assert!(!problems(&bad_country).is_empty());
}
