//! Stock levels (server only). Stock changes only here, and every change is a recorded
//! movement: a sale or a free warranty replacement takes, a failed payment or a cancellation
//! gives back, staff adjust.

use sqlx::AnyConnection;

/// Why stock moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockReason {
    Sale,
    PaymentFailed,
    Cancelled,
    Adjustment,
    /// The shopper swapped an item for another variant within the change window.
    OrderChanged,
    /// The free replacement of an approved warranty claim.
    WarrantyReplacement,
    /// The free replacement of a package lost in the post.
    LostReplacement,
}

impl StockReason {
    pub const ALL: [StockReason; 7] = [
        StockReason::Sale,
        StockReason::PaymentFailed,
        StockReason::Cancelled,
        StockReason::Adjustment,
        StockReason::OrderChanged,
        StockReason::WarrantyReplacement,
        StockReason::LostReplacement,
    ];

    pub fn from_slug(slug: &str) -> Option<StockReason> {
        StockReason::ALL.into_iter().find(|r| r.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            StockReason::Sale => "Sold",
            StockReason::PaymentFailed => "Payment failed, put back",
            StockReason::Cancelled => "Order cancelled, put back",
            StockReason::Adjustment => "Adjusted by staff",
            StockReason::OrderChanged => "Order changed by the shopper",
            StockReason::WarrantyReplacement => "Free warranty replacement",
            StockReason::LostReplacement => "Free replacement of a lost package",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            StockReason::Sale => "sale",
            StockReason::PaymentFailed => "payment_failed",
            StockReason::Cancelled => "cancelled",
            StockReason::Adjustment => "adjustment",
            StockReason::OrderChanged => "order_changed",
            StockReason::WarrantyReplacement => "warranty_replacement",
            StockReason::LostReplacement => "lost_replacement",
        }
    }
}

/// One change of a SKU's stock, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movement<'a> {
    pub sku: &'a str,
    pub change: i64,
    pub reason: StockReason,
    pub order_number: Option<&'a str>,
    pub note: &'a str,
    pub actor_id: Option<i64>,
}

async fn record(
    conn: &mut AnyConnection,
    movement: &Movement<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO stock_movements (sku, quantity_change, reason, order_number, note, actor_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(movement.sku)
    .bind(movement.change)
    .bind(movement.reason.slug())
    .bind(movement.order_number)
    .bind(movement.note)
    .bind(movement.actor_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Lowers an on-sale SKU's stock by `units` if that many are left. The conditional update is
/// the check, so two buyers can never take the same last unit.
async fn take_units(conn: &mut AnyConnection, sku: &str, units: i64) -> Result<bool, sqlx::Error> {
    let taken = sqlx::query(
        "UPDATE skus SET stock = stock - $1 WHERE code = $2 AND active = 1 AND stock >= $1 \
         AND product_id IN (SELECT id FROM products WHERE hidden = 0)",
    )
    .bind(units)
    .bind(sku)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(taken == 1)
}

/// Takes `quantity` units of an active SKU for order `order_number` (`reason`: a sale, or a
/// free warranty replacement), on the caller's transaction. False, with nothing changed, when
/// fewer are left.
pub async fn take(
    conn: &mut AnyConnection,
    sku: &str,
    quantity: u32,
    order_number: &str,
    reason: StockReason,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let quantity = i64::from(quantity);
    if !take_units(conn, sku, quantity).await? {
        return Ok(false);
    }
    let movement = Movement {
        sku,
        change: -quantity,
        reason,
        order_number: Some(order_number),
        note: "",
        actor_id: None,
    };
    record(conn, &movement, now).await?;
    Ok(true)
}

/// Gives back every line of order `order_id` (`reason`: its payment failed, or it was
/// cancelled), on the caller's transaction.
pub async fn give_back_order(
    conn: &mut AnyConnection,
    order_id: i64,
    order_number: &str,
    reason: StockReason,
    now: i64,
) -> Result<(), sqlx::Error> {
    use sqlx::Row;
    let lines = sqlx::query("SELECT sku, quantity FROM order_lines WHERE order_id = $1")
        .bind(order_id)
        .fetch_all(&mut *conn)
        .await?;
    for line in lines {
        let sku: String = line.try_get("sku")?;
        let quantity: i64 = line.try_get("quantity")?;
        sqlx::query("UPDATE skus SET stock = stock + $1 WHERE code = $2")
            .bind(quantity)
            .bind(&sku)
            .execute(&mut *conn)
            .await?;
        let movement = Movement {
            sku: &sku,
            change: quantity,
            reason,
            order_number: Some(order_number),
            note: "",
            actor_id: None,
        };
        record(conn, &movement, now).await?;
    }
    Ok(())
}

/// Swaps `quantity` units of order `order_number` from SKU `from` to SKU `to` (a shopper's
/// change), on the caller's transaction: `to` is taken as a sale would be, `from` put back.
/// False, with nothing changed, when `to` has fewer left (or is not on sale).
pub async fn swap(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
    quantity: u32,
    order_number: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let units = i64::from(quantity);
    if !take_units(conn, to, units).await? {
        return Ok(false);
    }
    sqlx::query("UPDATE skus SET stock = stock + $1 WHERE code = $2")
        .bind(units)
        .bind(from)
        .execute(&mut *conn)
        .await?;
    for (sku, change) in [(to, -units), (from, units)] {
        let movement = Movement {
            sku,
            change,
            reason: StockReason::OrderChanged,
            order_number: Some(order_number),
            note: "",
            actor_id: None,
        };
        record(conn, &movement, now).await?;
    }
    Ok(true)
}

/// A staff adjustment of `sku`'s stock by `change` (a delivery counted in, breakage, a
/// recount), with why, on the caller's transaction. Returns the new level, or `None` with
/// nothing changed if there is no such SKU or the stock would fall below zero.
pub async fn adjust(
    conn: &mut AnyConnection,
    sku: &str,
    change: i64,
    note: &str,
    actor_id: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    use sqlx::Row;
    let updated =
        sqlx::query("UPDATE skus SET stock = stock + $1 WHERE code = $2 AND stock + $1 >= 0")
            .bind(change)
            .bind(sku)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if updated != 1 {
        return Ok(None);
    }
    let movement = Movement {
        sku,
        change,
        reason: StockReason::Adjustment,
        order_number: None,
        note,
        actor_id: Some(actor_id),
    };
    record(conn, &movement, now).await?;
    let level: i64 = sqlx::query("SELECT stock FROM skus WHERE code = $1")
        .bind(sku)
        .fetch_one(conn)
        .await?
        .try_get("stock")?;
    Ok(Some(level))
}
