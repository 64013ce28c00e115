//! Free replacements (server only): an approved warranty claim is settled by a new order for
//! the same customer and address with nothing to pay, which staff then prepare and ship like
//! any other. Its stock is taken with a reason of its own (not a sale).

use super::model::{OrderLine, OrderTotals};
use super::repo::{self, NewOrder};
use super::status::OrderStatus;
use crate::catalog::repo::Alternative;
use crate::catalog::stock;
use crate::checkout::model::PaymentSummary;
use crate::money::Money;
use crate::orders::model::order_number_from;
use crate::pricing::delivery::add_business_days;
use crate::shop::StoreInfo;
use sqlx::AnyConnection;
use time::OffsetDateTime;

/// What is sent, and why.
pub struct Replacement<'a> {
    /// The order the claimed item came from: its customer and address receive the new one.
    pub original: &'a str,
    pub product_name: &'a str,
    pub variant: &'a Alternative,
    /// The claim it settles, named in the order's timeline; one order per claim.
    pub claim_number: &'a str,
}

/// Places the replacement on the caller's transaction; its number, or `None` when the
/// variant has no unit left in stock.
pub async fn place(
    tx: &mut AnyConnection,
    store: &StoreInfo,
    replacement: &Replacement<'_>,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let Some((original, customer_id)) = repo::detail(tx, replacement.original).await? else {
        return Err(sqlx::Error::RowNotFound);
    };
    let number = order_number_from(&crate::tokens::random_bytes(8));
    let key = format!("warranty:{}", replacement.claim_number);
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
    if !stock::take(
        tx,
        &replacement.variant.sku,
        1,
        &number,
        stock::StockReason::WarrantyReplacement,
        now,
    )
    .await?
    {
        return Ok(None);
    }
    repo::insert_line(
        tx,
        order_id,
        &OrderLine {
            sku: replacement.variant.sku.clone(),
            product_name: replacement.product_name.to_owned(),
            options: replacement.variant.options.clone(),
            image: replacement.variant.image.clone(),
            unit_price: Money::ZERO,
            quantity: 1,
        },
    )
    .await?;
    let free = OrderTotals {
        subtotal: Money::ZERO,
        discount: Money::ZERO,
        coupon: None,
        shipping: Money::ZERO,
        total: Money::ZERO,
    };
    let today = OffsetDateTime::from_unix_timestamp(now)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .date();
    let delivery = store.delivery;
    repo::set_totals(
        tx,
        order_id,
        &free,
        add_business_days(today, delivery.dispatch.max),
        delivery.estimate(today, original.method),
    )
    .await?;
    let note = format!(
        "Free replacement under the warranty (claim {}).",
        replacement.claim_number
    );
    repo::change_status(
        tx,
        order_id,
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        &note,
        now,
    )
    .await
    .map_err(|error| match error {
        repo::StatusChangeError::Database(error) => error,
        repo::StatusChangeError::NotAllowed(invalid) => sqlx::Error::Protocol(invalid.to_string()),
    })?;
    Ok(Some(number))
}
