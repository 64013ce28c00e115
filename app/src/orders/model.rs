//! Orders as shoppers see them: numbers, lines, totals, the timeline, and pages of history.

use super::refunds::RefundEntry;
use super::status::OrderStatus;
use super::tracking::{Tracking, TrackingHint};
use crate::checkout::address::ShippingAddress;
use crate::checkout::model::PaymentSummary;
use crate::money::Money;
use crate::pricing::delivery::DeliveryEstimate;
use crate::pricing::shipping::ShippingMethod;
use serde::{Deserialize, Serialize};

/// Order numbers read aloud on the phone: no 0/O, 1/I/L or U/V to confuse.
pub const ORDER_NUMBER_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";
pub const ORDER_NUMBER_PREFIX: &str = "CF-";
pub const ORDER_NUMBER_LEN: usize = 8;

/// Builds an order number from random bytes (one per character).
pub fn order_number_from(random: &[u8]) -> String {
    let body: String = random
        .iter()
        .take(ORDER_NUMBER_LEN)
        .map(|b| char::from(ORDER_NUMBER_ALPHABET[usize::from(*b) % ORDER_NUMBER_ALPHABET.len()]))
        .collect();
    format!("{ORDER_NUMBER_PREFIX}{body}")
}

/// Normalises what a shopper types as an order number ("cf-abcd 2345" → "CF-ABCD2345"); None
/// if it cannot be one.
pub fn parse_order_number(input: &str) -> Option<String> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    let body = compact
        .strip_prefix(ORDER_NUMBER_PREFIX)
        .unwrap_or(&compact);
    (body.len() == ORDER_NUMBER_LEN && body.bytes().all(|b| ORDER_NUMBER_ALPHABET.contains(&b)))
        .then(|| format!("{ORDER_NUMBER_PREFIX}{body}"))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku: String,
    pub product_name: String,
    pub options: String,
    pub image: String,
    pub unit_price: Money,
    pub quantity: u32,
}

impl OrderLine {
    pub fn total(&self) -> Money {
        self.unit_price * self.quantity
    }
}

/// One step of the order's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub status: OrderStatus,
    pub note: String,
    /// Unix seconds.
    pub at: i64,
}

/// One step of the order's timeline as staff read it: in their words, with who took it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffStep {
    pub status: OrderStatus,
    pub note: String,
    /// The staff member's e-mail address, when one took the step.
    pub by: Option<String>,
    /// Unix seconds.
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderTotals {
    pub subtotal: Money,
    pub discount: Money,
    pub coupon: Option<String>,
    pub shipping: Money,
    pub total: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetail {
    pub number: String,
    pub status: OrderStatus,
    pub email: String,
    pub placed_at: i64,
    pub address: ShippingAddress,
    pub method: ShippingMethod,
    pub payment: PaymentSummary,
    pub lines: Vec<OrderLine>,
    pub totals: OrderTotals,
    pub estimate: DeliveryEstimate,
    pub events: Vec<OrderEvent>,
    /// Set once the order is shipped.
    pub tracking: Option<Tracking>,
    /// Refunds made or being made, oldest first; failed ones are left out.
    pub refunds: Vec<RefundEntry>,
    /// For the shopper's page of a shipped order (set when it is read for them).
    pub tracking_hint: Option<TrackingHint>,
    /// The last moment a delivery problem may be reported, once delivered (set when it is
    /// read for the shopper: it depends on the shop's holidays).
    pub report_deadline: Option<i64>,
}

impl OrderDetail {
    /// When the order was shipped, from its timeline.
    pub fn shipped_at(&self) -> Option<i64> {
        self.reached(OrderStatus::Shipped)
    }

    /// When the order was delivered, from its timeline.
    pub fn delivered_at(&self) -> Option<i64> {
        self.reached(OrderStatus::Delivered)
    }

    fn reached(&self, status: OrderStatus) -> Option<i64> {
        self.events
            .iter()
            .rev()
            .find(|e| e.status == status)
            .map(|e| e.at)
    }
}

/// A row of the order history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub number: String,
    pub status: OrderStatus,
    pub placed_at: i64,
    pub item_count: u32,
    pub total: Money,
}

/// Orders shown per page of the history.
pub const HISTORY_PAGE_SIZE: u32 = 10;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderHistoryPage {
    pub orders: Vec<OrderSummary>,
    /// 1-based.
    pub page: u32,
    pub pages: u32,
}

// What staff search and read of orders (the staff pages show them; `repo` fills them).

/// Orders per page of the staff list.
pub const STAFF_ORDERS_PAGE: u32 = 25;

/// The staff list's status filter value that lists payment attempts never paid as well as
/// placed orders (an empty status lists placed orders only).
pub const WITH_UNPAID: &str = "all";

/// The staff list's filter, as its form sends it; empty fields match every order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    /// An `OrderStatus` slug.
    pub status: String,
    /// First and last day placed, `YYYY-MM-DD` (UTC), both included.
    pub from: String,
    pub to: String,
    /// Part of the customer's e-mail address.
    pub email: String,
    /// Part of the order number.
    pub number: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOrderRow {
    pub number: String,
    pub placed_at: i64,
    pub email: String,
    pub status: OrderStatus,
    pub total: Money,
    pub items: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOrderList {
    pub rows: Vec<StaffOrderRow>,
    /// 1-based.
    pub page: u32,
    pub pages: u32,
    pub count: u32,
}

/// A staff note on an order; shoppers never see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderNote {
    pub author: String,
    pub body: String,
    pub at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn order_numbers_are_normalised_when_typed() {
        let number = order_number_from(&[0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(number, "CF-23456789");
        assert_eq!(parse_order_number(" cf-2345 6789 "), Some(number.clone()));
        assert_eq!(parse_order_number("23456789"), Some(number));
        assert_eq!(parse_order_number("CF-2345678O"), None);
        assert_eq!(parse_order_number("CF-123"), None);
    }

    proptest! {
        #[test]
        fn every_generated_number_parses_back(random in proptest::collection::vec(any::<u8>(), 8)) {
            let number = order_number_from(&random);
            prop_assert_eq!(parse_order_number(&number), Some(number.clone()));
        }
    }
}
