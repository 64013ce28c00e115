//! The body of `POST /v2/checkout/orders`: a PayPal order for exactly what the shop computed,
//! with its breakdown (items, shipping, discount), the items, the shop's order number as the
//! invoice, the address the shopper typed (which PayPal must use, not change), and where PayPal
//! sends the shopper back.

use crate::money::Money;
use serde_json::{json, Value};

/// One line of the order, as PayPal shows it to the payer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseLine {
    pub sku: String,
    pub name: String,
    pub unit_price: Money,
    pub quantity: u32,
}

/// The order's money: the total is items + shipping - discount, as PayPal checks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Breakdown {
    pub items: Money,
    pub shipping: Money,
    pub discount: Money,
    pub total: Money,
}

/// Where the order ships.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShipTo {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postcode: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// Everything PayPal needs to create the order for shop order `invoice`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRequest {
    pub invoice: String,
    pub brand: String,
    pub lines: Vec<PurchaseLine>,
    pub breakdown: Breakdown,
    pub ship_to: ShipTo,
    pub return_url: String,
    pub cancel_url: String,
}

/// An amount as PayPal writes money: the currency and a decimal string.
fn money(amount: Money) -> Value {
    let cents = amount.cents();
    json!({
        "currency_code": crate::money::CURRENCY.to_ascii_uppercase(),
        "value": format!("{}{}.{:02}", if cents < 0 { "-" } else { "" }, cents.abs() / 100, cents.abs() % 100),
    })
}

/// Text cut to PayPal's limit for a field, on a character boundary.
fn limited(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

impl OrderRequest {
    pub fn to_json(&self) -> Value {
        let b = self.breakdown;
        let items: Vec<Value> = self
            .lines
            .iter()
            .map(|line| {
                json!({
                    "name": limited(&line.name, 127),
                    "sku": limited(&line.sku, 127),
                    "quantity": line.quantity.to_string(),
                    "unit_amount": money(line.unit_price),
                    "category": "PHYSICAL_GOODS",
                })
            })
            .collect();
        let to = &self.ship_to;
        let mut address = json!({
            "address_line_1": limited(&to.line1, 300),
            "admin_area_2": limited(&to.city, 120),
            "postal_code": limited(&to.postcode, 60),
            "country_code": to.country,
        });
        if !to.line2.trim().is_empty() {
            address["address_line_2"] = json!(limited(&to.line2, 300));
        }
        if !to.region.trim().is_empty() {
            address["admin_area_1"] = json!(limited(&to.region, 300));
        }
        json!({
            "intent": "CAPTURE",
            "purchase_units": [{
                "invoice_id": self.invoice,
                "amount": {
                    "currency_code": crate::money::CURRENCY.to_ascii_uppercase(),
                    "value": money(b.total)["value"],
                    "breakdown": {
                        "item_total": money(b.items),
                        "shipping": money(b.shipping),
                        "discount": money(b.discount),
                    },
                },
                "items": items,
                "shipping": {
                    "type": "SHIPPING",
                    "name": { "full_name": limited(&to.name, 300) },
                    "address": address,
                },
            }],
            "payment_source": {
                "paypal": {
                    "experience_context": {
                        "brand_name": limited(&self.brand, 127),
                        "shipping_preference": "SET_PROVIDED_ADDRESS",
                        "user_action": "PAY_NOW",
                        "return_url": self.return_url,
                        "cancel_url": self.cancel_url,
                    },
                },
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> OrderRequest {
        OrderRequest {
            invoice: "CF-AB12CD34".into(),
            brand: "Casefront".into(),
            lines: vec![PurchaseLine {
                sku: "GRP-MIDBLA".into(),
                name: "Magnetic Phone Grip – Midnight Black".into(),
                unit_price: Money::from_cents(1599),
                quantity: 2,
            }],
            breakdown: Breakdown {
                items: Money::from_cents(3198),
                shipping: Money::ZERO,
                discount: Money::from_cents(320),
                total: Money::from_cents(2878),
            },
            ship_to: ShipTo {
                name: "Grace Hopper".into(),
                line1: "1 Compiler Way".into(),
                line2: String::new(),
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
    fn the_amounts_are_the_shops_in_paypals_notation() {
        let body = sample().to_json();
        let unit = &body["purchase_units"][0];
        assert_eq!(unit["amount"]["value"], "28.78");
        assert_eq!(unit["amount"]["currency_code"], "USD");
        assert_eq!(unit["amount"]["breakdown"]["discount"]["value"], "3.20");
        assert_eq!(unit["amount"]["breakdown"]["shipping"]["value"], "0.00");
        assert_eq!(unit["items"][0]["quantity"], "2");
        assert_eq!(unit["invoice_id"], "CF-AB12CD34");
        // An empty second line or region is left out, not sent blank.
        assert!(unit["shipping"]["address"].get("address_line_2").is_none());
        assert_eq!(unit["shipping"]["address"]["admin_area_1"], "VA");
        let context = &body["payment_source"]["paypal"]["experience_context"];
        assert_eq!(context["shipping_preference"], "SET_PROVIDED_ADDRESS");
    }
}
