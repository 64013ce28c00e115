//! What an open order holds: units of stock and its promo code's use (server only). They are
//! taken together when checkout reserves the order and given back together when its payment
//! fails or it is cancelled, each on the caller's transaction. The tables stay with their
//! owners (`catalog::stock`, `coupons::repo`); this is the one place an order takes and
//! releases them.

use crate::catalog::stock::{self, StockReason};
use crate::coupons;
use sqlx::AnyConnection;

/// Why an order gives back what it held.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
    PaymentFailed,
    Cancelled,
}

/// Takes `quantity` units of `sku` for order `number`, as a sale. False, with nothing taken,
/// when fewer are left. Undone by `release`.
pub async fn hold_units(
    conn: &mut AnyConnection,
    number: &str,
    sku: &str,
    quantity: u32,
    now: i64,
) -> Result<bool, sqlx::Error> {
    stock::take(conn, sku, quantity, number, StockReason::Sale, now).await
}

/// Records order `number`'s use of promo code `coupon_id` by `customer_key` (the code is
/// locked by the caller's transaction, so its limits hold). Undone by `release`.
pub async fn hold_code(
    conn: &mut AnyConnection,
    number: &str,
    coupon_id: i64,
    customer_key: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    coupons::repo::redeem(conn, coupon_id, customer_key, number, now).await
}

/// Gives back everything order `order_id` (`number`) holds: each line's units, with the
/// reason in the stock history, and its promo code's use.
pub async fn release(
    conn: &mut AnyConnection,
    order_id: i64,
    number: &str,
    why: Release,
    now: i64,
) -> Result<(), sqlx::Error> {
    let reason = match why {
        Release::PaymentFailed => StockReason::PaymentFailed,
        Release::Cancelled => StockReason::Cancelled,
    };
    stock::give_back_order(conn, order_id, number, reason, now).await?;
    coupons::repo::release(conn, number).await
}
