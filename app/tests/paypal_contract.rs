//! The requests the shop sends PayPal, checked against PayPal's own OpenAPI documents
//! (`../shared/paypal-openapi`, or `PAYPAL_OPENAPI_DIR`) as JSON Schema, so a request the real
//! API would refuse fails here. The test stand-in's answers will be checked the same way.

use app::money::Money;
use app::payments::paypal::order_request::{Breakdown, OrderRequest, PurchaseLine, ShipTo};
use serde_json::{json, Value};

/// A validator for schema `component` of PayPal's document `document`.
fn contract(document: &str, component: &str) -> jsonschema::Validator {
    let dir = std::env::var("PAYPAL_OPENAPI_DIR").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/paypal-openapi").to_owned()
    });
    let path = format!("{dir}/{document}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut root: Value = serde_json::from_str(&text).unwrap();
    // OpenAPI 3.0's schemas are JSON Schema draft 4 with extra keywords (ignored here); the
    // document itself is the root, so every `#/components/...` reference resolves in it.
    root["$ref"] = json!(format!("#/components/schemas/{component}"));
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        .unwrap()
}

fn problems(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
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
    let validator = contract("checkout_orders_v2.json", "order_request");
    let body = order().to_json();
    assert_eq!(problems(&validator, &body), Vec::<String>::new());
    // A shop outside the US, with no region, too.
    let mut abroad = order();
    abroad.ship_to.region = String::new();
    abroad.ship_to.country = "DE".into();
    assert_eq!(
        problems(&validator, &abroad.to_json()),
        Vec::<String>::new()
    );
}

#[test]
fn the_contract_refuses_what_paypal_would() {
    let validator = contract("checkout_orders_v2.json", "order_request");
    let mut no_intent = order().to_json();
    no_intent.as_object_mut().unwrap().remove("intent");
    assert!(!problems(&validator, &no_intent).is_empty());
    let mut bad_money = order().to_json();
    bad_money["purchase_units"][0]["amount"]["value"] = json!("46.77.1");
    assert!(!problems(&validator, &bad_money).is_empty());
    let mut bad_intent = order().to_json();
    bad_intent["intent"] = json!("SALE");
    assert!(!problems(&validator, &bad_intent).is_empty());
    let mut bad_country = order().to_json();
    bad_country["purchase_units"][0]["shipping"]["address"]["country_code"] = json!("USA");
    assert!(!problems(&validator, &bad_country).is_empty());
}
