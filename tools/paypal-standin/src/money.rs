//! PayPal's money: a decimal string of the order's currency, read and written in cents.

use serde_json::{json, Value};

/// `cents` as PayPal writes an amount.
pub fn value(cents: i64) -> Value {
    json!({
        "currency_code": "USD",
        "value": format!("{}.{:02}", cents / 100, cents % 100),
    })
}

/// The cents of a decimal string such as "46.77" (whole units allowed).
pub fn cents(value: &Value) -> Option<i64> {
    let text = value.as_str()?;
    let (units, fraction) = text.split_once('.').unwrap_or((text, "00"));
    if fraction.len() != 2 {
        return None;
    }
    Some(units.parse::<i64>().ok()? * 100 + fraction.parse::<i64>().ok()?)
}

/// Whether a purchase unit's amount is its breakdown's sum, and its items' sum is the item
/// total, as PayPal checks (`AMOUNT_MISMATCH`, `ITEM_TOTAL_MISMATCH`).
pub fn adds_up(unit: &Value) -> bool {
    let amount = &unit["amount"];
    let part = |name: &str| cents(&amount["breakdown"][name]["value"]).unwrap_or(0);
    let total = cents(&amount["value"]);
    let items: Option<i64> = unit["items"].as_array().map(|items| {
        items
            .iter()
            .map(|i| {
                let quantity = i["quantity"].as_str().and_then(|q| q.parse::<i64>().ok());
                cents(&i["unit_amount"]["value"]).unwrap_or(0) * quantity.unwrap_or(0)
            })
            .sum()
    });
    let breakdown_total = part("item_total")
        + part("shipping")
        + part("handling")
        + part("tax_total")
        + part("insurance")
        - part("shipping_discount")
        - part("discount");
    total == Some(breakdown_total) && items.is_none_or(|sum| sum == part("item_total"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_and_write_in_cents() {
        assert_eq!(cents(&json!("46.77")), Some(4677));
        assert_eq!(cents(&json!("5")), Some(500));
        assert_eq!(cents(&json!("4.5")), None);
        assert_eq!(value(4677)["value"], "46.77");
        assert_eq!(value(5)["value"], "0.05");
    }

    #[test]
    fn a_breakdown_must_add_up() {
        let unit = json!({
            "amount": { "currency_code": "USD", "value": "46.77", "breakdown": {
                "item_total": value(5197), "shipping": value(0), "discount": value(520) } },
            "items": [
                { "quantity": "1", "unit_amount": value(1999) },
                { "quantity": "2", "unit_amount": value(1599) },
            ],
        });
        assert!(adds_up(&unit));
        let mut wrong = unit.clone();
        wrong["amount"]["value"] = json!("46.78");
        assert!(!adds_up(&wrong));
        let mut items_wrong = unit;
        items_wrong["items"][1]["quantity"] = json!("3");
        assert!(!adds_up(&items_wrong));
    }
}
