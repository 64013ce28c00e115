//! Orders as staff list and export them (server only): the filtered, paged list and the CSV
//! rows, read from the tables `repo` writes.

use super::model::{OrderFilter, StaffOrderList, StaffOrderRow, STAFF_ORDERS_PAGE, WITH_UNPAID};
use super::repo::{bad_value, brand_from_slug, placed, status};
use super::status::OrderStatus;
use crate::checkout::model::PaymentSummary;
use crate::db::contains_pattern;
use crate::money::Money;
use sqlx::{AnyPool, Row};

/// The staff list's filter, checked: each part matches every order when empty, except the
/// status, which then matches placed orders only (not attempts whose payment failed or never
/// came; `WITH_UNPAID` or their own status lists them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffQuery {
    status: String,
    from: i64,
    until: i64,
    email: String,
    number: String,
}

impl StaffQuery {
    pub fn from_filter(filter: &OrderFilter) -> Result<StaffQuery, &'static str> {
        let status = match filter.status.trim() {
            "" => String::new(),
            WITH_UNPAID => WITH_UNPAID.to_owned(),
            slug => OrderStatus::from_slug(slug)
                .ok_or("Choose a status from the list.")?
                .slug()
                .to_owned(),
        };
        let day =
            |text: &str, message: &'static str| crate::clock::day_start(text).map_err(|_| message);
        let from = day(&filter.from, "Give the first day as YYYY-MM-DD.")?.unwrap_or(i64::MIN);
        let until = day(&filter.to, "Give the last day as YYYY-MM-DD.")?
            .map_or(i64::MAX, |d| d + crate::clock::DAY_SECONDS);
        if from >= until {
            return Err("The first day must come before the last.");
        }
        Ok(StaffQuery {
            status,
            from,
            until,
            email: contains_pattern(&filter.email),
            number: contains_pattern(&filter.number),
        })
    }
}

/// `$1` is the checked status: empty, a status, or `WITH_UNPAID` ('all').
const STAFF_FILTER: &str = "(($1 = '' AND o.status NOT IN ('awaiting_payment', 'payment_failed')) \
     OR $1 = 'all' OR o.status = $1) AND o.placed_at >= $2 AND o.placed_at < $3 \
     AND LOWER(o.email) LIKE $4 ESCAPE '\\' AND LOWER(o.number) LIKE $5 ESCAPE '\\'";

/// One page of every order matching `query`, newest first. `page` is 1-based and clamped.
pub async fn staff_list(
    pool: &AnyPool,
    query: &StaffQuery,
    page: u32,
) -> Result<StaffOrderList, sqlx::Error> {
    let count: i64 = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM orders o WHERE {STAFF_FILTER}"
    ))
    .bind(&query.status)
    .bind(query.from)
    .bind(query.until)
    .bind(&query.email)
    .bind(&query.number)
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    let pages = count.div_ceil(STAFF_ORDERS_PAGE).max(1);
    let page = page.clamp(1, pages);
    let rows = sqlx::query(&format!(
        "SELECT o.number, o.status, o.placed_at, o.email, o.total_cents, \
                (SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l WHERE l.order_id = o.id) AS items \
         FROM orders o WHERE {STAFF_FILTER} ORDER BY o.placed_at DESC, o.id DESC LIMIT $6 OFFSET $7"
    ))
    .bind(&query.status)
    .bind(query.from)
    .bind(query.until)
    .bind(&query.email)
    .bind(&query.number)
    .bind(i64::from(STAFF_ORDERS_PAGE))
    .bind(i64::from((page - 1) * STAFF_ORDERS_PAGE))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(StaffOrderRow {
            number: r.try_get("number")?,
            status: status(r)?,
            placed_at: r.try_get("placed_at")?,
            email: r.try_get("email")?,
            total: Money::from_cents(r.try_get("total_cents")?),
            items: u32::try_from(r.try_get::<i64, _>("items")?).unwrap_or(0),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(StaffOrderList {
        rows,
        page,
        pages,
        count,
    })
}

/// One placed order as the CSV export writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportRow {
    pub number: String,
    pub placed_at: i64,
    pub status: OrderStatus,
    pub email: String,
    pub ship_name: String,
    pub country: String,
    pub method: String,
    /// "2 × Signature Case (iPhone 17 · Clear)", a line per item.
    pub items: String,
    pub item_count: u32,
    pub subtotal: Money,
    pub discount: Money,
    pub coupon: Option<String>,
    pub shipping: Money,
    pub total: Money,
    pub refunded: Money,
    /// Brand and last four, or PayPal.
    pub payment: String,
    pub reference: Option<String>,
    pub carrier: Option<String>,
    pub tracking: Option<String>,
}

/// The orders placed in `[from, until)` (unix seconds), oldest first, with their items.
pub async fn export_rows(
    pool: &AnyPool,
    from: i64,
    until: i64,
) -> Result<Vec<ExportRow>, sqlx::Error> {
    let range = format!("o.placed_at >= $1 AND o.placed_at < $2 AND o.{}", placed());
    let mut items: std::collections::HashMap<i64, (Vec<String>, u32)> = Default::default();
    for line in sqlx::query(&format!(
        "SELECT l.order_id, l.product_name, l.options, l.quantity FROM order_lines l \
         JOIN orders o ON o.id = l.order_id WHERE {range} ORDER BY l.id"
    ))
    .bind(from)
    .bind(until)
    .fetch_all(pool)
    .await?
    {
        let quantity = u32::try_from(line.try_get::<i64, _>("quantity")?).unwrap_or(0);
        let entry = items.entry(line.try_get("order_id")?).or_default();
        entry.0.push(format!(
            "{quantity} × {} ({})",
            line.try_get::<String, _>("product_name")?,
            line.try_get::<String, _>("options")?
        ));
        entry.1 += quantity;
    }
    sqlx::query(&format!(
        "SELECT o.id, o.number, o.placed_at, o.status, o.email, o.ship_name, o.ship_country, \
                o.shipping_method, o.subtotal_cents, o.discount_cents, o.coupon_code, \
                o.shipping_cents, o.total_cents, o.refunded_cents, o.payment_method, \
                o.card_brand, o.card_last4, o.payment_reference, o.carrier, o.tracking_number \
         FROM orders o WHERE {range} ORDER BY o.placed_at, o.id"
    ))
    .bind(from)
    .bind(until)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let (lines, count) = items
            .remove(&r.try_get::<i64, _>("id")?)
            .unwrap_or_default();
        let payment = match r.try_get::<String, _>("payment_method")?.as_str() {
            "paypal" => PaymentSummary::PayPal.to_string(),
            "none" => PaymentSummary::NothingToPay.to_string(),
            _ => format!(
                "{} ending in {}",
                brand_from_slug(&r.try_get::<String, _>("card_brand")?)
                    .ok_or_else(|| bad_value("card brand"))?,
                r.try_get::<String, _>("card_last4")?
            ),
        };
        Ok(ExportRow {
            number: r.try_get("number")?,
            placed_at: r.try_get("placed_at")?,
            status: status(r)?,
            email: r.try_get("email")?,
            ship_name: r.try_get("ship_name")?,
            country: r.try_get("ship_country")?,
            method: r.try_get("shipping_method")?,
            items: lines.join("\n"),
            item_count: count,
            subtotal: Money::from_cents(r.try_get("subtotal_cents")?),
            discount: Money::from_cents(r.try_get("discount_cents")?),
            coupon: r.try_get("coupon_code")?,
            shipping: Money::from_cents(r.try_get("shipping_cents")?),
            total: Money::from_cents(r.try_get("total_cents")?),
            refunded: Money::from_cents(r.try_get("refunded_cents")?),
            payment,
            reference: r.try_get("payment_reference")?,
            carrier: r.try_get("carrier")?,
            tracking: r.try_get("tracking_number")?,
        })
    })
    .collect()
}
