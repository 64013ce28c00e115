//! Free replacements (server only): an approved warranty claim, or a package reported lost in
//! the post, is settled by a new order for the same customer and address with nothing to pay,
//! which staff then prepare and ship like any other. Its stock is taken with a reason of its
//! own (not a sale), and one order settles each claim or lost package: its idempotency key
//! names what it settles.

use super::model::{OrderLine, OrderTotals};
use super::repo::{self, NewOrder};
use super::status::OrderStatus;
use crate::catalog::repo::Alternative;
use crate::catalog::stock;
use crate::checkout::model::PaymentSummary;
use crate::money::Money;
use crate::orders::model::order_number_from;
use crate::shop::StoreInfo;
use sqlx::AnyConnection;

/// What a replacement settles, and so what it holds.
pub enum Settles<'a> {
    /// An approved warranty claim: one unit of the variant chosen.
    Warranty {
        claim_number: &'a str,
        product_name: &'a str,
        variant: &'a Alternative,
    },
    /// A package reported lost: every item of the original order again.
    LostPackage,
}

/// What is sent, and why.
pub struct Replacement<'a> {
    /// The order the replaced items came from: its customer and address receive the new one.
    pub original: &'a str,
    pub settles: Settles<'a>,
}

/// The idempotency key of the replacement of lost order `number`.
pub fn lost_key(number: &str) -> String {
    format!("lost:{number}")
}

/// What placing a replacement came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Placed {
    /// The new order's number.
    New(String),
    /// An item has no unit left: nothing should be kept (the caller rolls back).
    OutOfStock,
    /// This was replaced before, by the order with this number.
    Already(String),
}

/// Places the replacement on the caller's transaction.
pub async fn place(
    tx: &mut AnyConnection,
    store: &StoreInfo,
    replacement: &Replacement<'_>,
    now: i64,
) -> Result<Placed, sqlx::Error> {
    let Some((original, customer_id)) = repo::detail(tx, replacement.original).await? else {
        return Err(sqlx::Error::RowNotFound);
    };
    let (key, reason, note, lines) = match &replacement.settles {
        Settles::Warranty {
            claim_number,
            product_name,
            variant,
        } => (
            format!("warranty:{claim_number}"),
            stock::StockReason::WarrantyReplacement,
            format!("Free replacement under the warranty (claim {claim_number})."),
            vec![OrderLine {
                sku: variant.sku.clone(),
                product_name: (*product_name).to_owned(),
                options: variant.options.clone(),
                image: variant.image.clone(),
                unit_price: Money::ZERO,
                quantity: 1,
            }],
        ),
        Settles::LostPackage => (
            lost_key(&original.number),
            stock::StockReason::LostReplacement,
            format!(
                "Free replacement for order {}, lost in the post.",
                original.number
            ),
            original
                .lines
                .iter()
                .map(|line| OrderLine {
                    unit_price: Money::ZERO,
                    ..line.clone()
                })
                .collect(),
        ),
    };
    if let Some(earlier) = repo::find_by_key(tx, &key).await? {
        return Ok(Placed::Already(earlier.number));
    }
    let number = order_number_from(&crate::tokens::random_bytes(8));
    let order_id = repo::insert_order(
        tx,
        &NewOrder {
            number: &number,
            idempotency_key: &key,
            customer_id,
            email: &original.email,
            address: &original.address,
            method: original.method,
            payment: &PaymentSummary::NothingToPay,
            placed_at: now,
        },
    )
    .await?;
    for line in &lines {
        if !stock::take(tx, &line.sku, line.quantity, &number, reason, now).await? {
            return Ok(Placed::OutOfStock);
        }
        repo::insert_line(tx, order_id, line).await?;
    }
    let free = OrderTotals {
        subtotal: Money::ZERO,
        discount: Money::ZERO,
        coupon: None,
        shipping: Money::ZERO,
        total: Money::ZERO,
    };
    let calendar = &store.calendar;
    let today = calendar.date_at(now);
    repo::set_totals(
        tx,
        order_id,
        &free,
        calendar.add_business_days(today, store.delivery.dispatch.max),
        store.delivery.estimate(today, original.method, calendar),
    )
    .await?;
    repo::change_status(
        tx,
        order_id,
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        repo::Step::new(&note),
        now,
    )
    .await
    .map_err(|error| match error {
        repo::StatusChangeError::Database(error) => error,
        repo::StatusChangeError::NotAllowed(invalid) => sqlx::Error::Protocol(invalid.to_string()),
    })?;
    Ok(Placed::New(number))
}
