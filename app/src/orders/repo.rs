//! Order storage (server only): reserving an order while it is paid, marking it paid or giving
//! it back, reading it for its owner, the history, and guest access grants.

use super::model::{
    OrderDetail, OrderEvent, OrderHistoryPage, OrderLine, OrderSummary, OrderTotals,
    HISTORY_PAGE_SIZE,
};
use super::status::OrderStatus;
use crate::checkout::address::ShippingAddress;
use crate::checkout::model::PaymentSummary;
use crate::money::Money;
use crate::payments::card::CardBrand;
use crate::pricing::delivery::DeliveryEstimate;
use crate::pricing::shipping::{Country, ShippingMethod};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use time::Date;

/// An order as first written, before its payment is taken.
#[derive(Clone, Debug)]
pub struct NewOrder<'a> {
    pub number: &'a str,
    pub idempotency_key: &'a str,
    pub customer_id: Option<i64>,
    pub email: &'a str,
    pub address: &'a ShippingAddress,
    pub method: ShippingMethod,
    pub payment: &'a PaymentSummary,
    pub placed_at: i64,
}

/// What the checkout needs to know about an order it finds again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderState {
    pub id: i64,
    pub number: String,
    pub status: OrderStatus,
    pub total: Money,
    pub paid_by_paypal: bool,
    pub customer_id: Option<i64>,
    pub email: String,
}

fn bad_value(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {what} in the orders table").into())
}

fn status(row: &AnyRow) -> Result<OrderStatus, sqlx::Error> {
    OrderStatus::from_slug(&row.try_get::<String, _>("status")?).ok_or_else(|| bad_value("status"))
}

fn date(text: &str) -> Result<Date, sqlx::Error> {
    let mut parts = text.splitn(3, '-').map(str::parse::<i32>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad_value("date"));
    };
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(|| bad_value("date"))?;
    let day = u8::try_from(day).map_err(|_| bad_value("date"))?;
    Date::from_calendar_date(year, month, day).map_err(|_| bad_value("date"))
}

fn date_text(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Writes the order row (no lines, zero totals yet) as the first statement of the checkout
/// transaction. Fails with a unique violation if the idempotency key was used before.
pub async fn insert_order(
    conn: &mut AnyConnection,
    order: &NewOrder<'_>,
) -> Result<i64, sqlx::Error> {
    let a = order.address;
    let (method, brand, last4) = match order.payment {
        PaymentSummary::Card { brand, last4 } => {
            ("card", Some(brand_slug(*brand)), Some(last4.as_str()))
        }
        PaymentSummary::PayPal => ("paypal", None, None),
    };
    sqlx::query(
        "INSERT INTO orders (number, idempotency_key, customer_id, email, status, ship_name, \
             ship_line1, ship_line2, ship_city, ship_region, ship_postcode, ship_country, ship_phone, \
             shipping_method, subtotal_cents, discount_cents, shipping_cents, total_cents, \
             payment_method, card_brand, card_last4, dispatch_by, delivery_from, delivery_to, placed_at) \
         VALUES ($1, $2, $3, $4, 'awaiting_payment', $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                 0, 0, 0, 0, $14, $15, $16, '', '', '', $17) RETURNING id",
    )
    .bind(order.number)
    .bind(order.idempotency_key)
    .bind(order.customer_id)
    .bind(order.email)
    .bind(&a.name)
    .bind(&a.line1)
    .bind(&a.line2)
    .bind(&a.city)
    .bind(&a.region)
    .bind(&a.postcode)
    .bind(a.country.code())
    .bind(&a.phone)
    .bind(order.method.slug())
    .bind(method)
    .bind(brand)
    .bind(last4)
    .bind(order.placed_at)
    .fetch_one(conn)
    .await?
    .try_get("id")
}

fn brand_slug(brand: CardBrand) -> &'static str {
    match brand {
        CardBrand::Visa => "visa",
        CardBrand::Mastercard => "mastercard",
        CardBrand::AmericanExpress => "amex",
    }
}

fn brand_from_slug(slug: &str) -> Option<CardBrand> {
    [
        CardBrand::Visa,
        CardBrand::Mastercard,
        CardBrand::AmericanExpress,
    ]
    .into_iter()
    .find(|b| brand_slug(*b) == slug)
}

pub async fn insert_line(
    conn: &mut AnyConnection,
    order_id: i64,
    line: &OrderLine,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_lines (order_id, sku, product_name, options, image_path, unit_price_cents, quantity) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order_id)
    .bind(&line.sku)
    .bind(&line.product_name)
    .bind(&line.options)
    .bind(&line.image)
    .bind(line.unit_price.cents())
    .bind(i64::from(line.quantity))
    .execute(conn)
    .await?;
    Ok(())
}

/// Fills in the totals, the code and the delivery estimate once the lines are written.
pub async fn set_totals(
    conn: &mut AnyConnection,
    order_id: i64,
    totals: &OrderTotals,
    dispatch_by: Date,
    estimate: DeliveryEstimate,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE orders SET subtotal_cents = $1, discount_cents = $2, shipping_cents = $3, \
             total_cents = $4, coupon_code = $5, dispatch_by = $6, delivery_from = $7, delivery_to = $8 \
         WHERE id = $9",
    )
    .bind(totals.subtotal.cents())
    .bind(totals.discount.cents())
    .bind(totals.shipping.cents())
    .bind(totals.total.cents())
    .bind(totals.coupon.as_deref())
    .bind(date_text(dispatch_by))
    .bind(date_text(estimate.earliest))
    .bind(date_text(estimate.latest))
    .bind(order_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The orders a shopper placed (see `OrderStatus::is_placed`), as an SQL condition.
const PLACED: &str = "status NOT IN ('awaiting_payment', 'payment_failed')";

const STATE_COLUMNS: &str = "id, number, status, total_cents, payment_method, customer_id, email";

fn order_state(row: &AnyRow) -> Result<OrderState, sqlx::Error> {
    Ok(OrderState {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        status: status(row)?,
        total: Money::from_cents(row.try_get("total_cents")?),
        paid_by_paypal: row.try_get::<String, _>("payment_method")? == "paypal",
        customer_id: row.try_get("customer_id")?,
        email: row.try_get("email")?,
    })
}

pub async fn find_by_key(
    conn: &mut AnyConnection,
    key: &str,
) -> Result<Option<OrderState>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {STATE_COLUMNS} FROM orders WHERE idempotency_key = $1"
    ))
    .bind(key)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(order_state)
    .transpose()
}

pub async fn find_by_number(
    conn: &mut AnyConnection,
    number: &str,
) -> Result<Option<OrderState>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {STATE_COLUMNS} FROM orders WHERE number = $1"
    ))
    .bind(number)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(order_state)
    .transpose()
}

/// Orders still awaiting payment that were started before `before`: checkouts interrupted by a
/// stop or abandoned at PayPal.
pub async fn stale_awaiting_payment(
    pool: &AnyPool,
    before: i64,
) -> Result<Vec<OrderState>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {STATE_COLUMNS} FROM orders WHERE status = 'awaiting_payment' AND placed_at < $1 ORDER BY id"
    ))
    .bind(before)
    .fetch_all(pool)
    .await?
    .iter()
    .map(order_state)
    .collect()
}

pub async fn add_event(
    conn: &mut AnyConnection,
    order_id: i64,
    status: OrderStatus,
    note: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO order_events (order_id, status, note, at) VALUES ($1, $2, $3, $4)")
        .bind(order_id)
        .bind(status.slug())
        .bind(note)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks an order awaiting payment as paid, in one transaction with its timeline entry.
/// False if it was not awaiting payment (already settled by a racing request).
pub async fn mark_paid(
    pool: &AnyPool,
    order_id: i64,
    reference: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let to = OrderStatus::AwaitingPayment
        .transition(OrderStatus::Paid)
        .map_err(|e| bad_value(&e.to_string()))?;
    let updated = sqlx::query(
        "UPDATE orders SET status = $1, payment_reference = $2, placed_at = $3 \
         WHERE id = $4 AND status = 'awaiting_payment'",
    )
    .bind(to.slug())
    .bind(reference)
    .bind(now)
    .bind(order_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 1 {
        add_event(
            &mut tx,
            order_id,
            to,
            "Order placed and payment received.",
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(updated == 1)
}

/// Closes an order whose payment failed: gives back what it held (its stock and its promo-code
/// use) and marks it `payment_failed` with `why` on its timeline, in one transaction. The row
/// stays, for support and audit. False if it was not awaiting payment any more.
pub async fn fail_payment(
    pool: &AnyPool,
    order_id: i64,
    why: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let to = OrderStatus::AwaitingPayment
        .transition(OrderStatus::PaymentFailed)
        .map_err(|e| bad_value(&e.to_string()))?;
    let mut tx = pool.begin().await?;
    // Written first: the conditional update is the row lock (and SQLite's write lock), so of
    // two settlements racing, one closes the order and the other finds it closed.
    let number: Option<String> = sqlx::query(
        "UPDATE orders SET status = $1 WHERE id = $2 AND status = 'awaiting_payment' RETURNING number",
    )
    .bind(to.slug())
    .bind(order_id)
    .fetch_optional(&mut *tx)
    .await?
    .map(|row| row.try_get("number"))
    .transpose()?;
    let Some(number) = number else {
        tx.rollback().await?;
        return Ok(false);
    };
    let lines = sqlx::query("SELECT sku, quantity FROM order_lines WHERE order_id = $1")
        .bind(order_id)
        .fetch_all(&mut *tx)
        .await?;
    for line in lines {
        sqlx::query("UPDATE skus SET stock = stock + $1 WHERE code = $2")
            .bind(line.try_get::<i64, _>("quantity")?)
            .bind(line.try_get::<String, _>("sku")?)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("DELETE FROM coupon_redemptions WHERE order_number = $1")
        .bind(&number)
        .execute(&mut *tx)
        .await?;
    add_event(&mut tx, order_id, to, why, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The current state of order `order_id`.
pub async fn state(pool: &AnyPool, order_id: i64) -> Result<Option<OrderState>, sqlx::Error> {
    sqlx::query(&format!("SELECT {STATE_COLUMNS} FROM orders WHERE id = $1"))
        .bind(order_id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(order_state)
        .transpose()
}

/// The whole order, and whose it is. Orders awaiting or refused payment are not shown to
/// anyone.
pub async fn detail(
    pool: &AnyPool,
    number: &str,
) -> Result<Option<(OrderDetail, Option<i64>)>, sqlx::Error> {
    let Some(row) = sqlx::query(&format!(
        "SELECT * FROM orders WHERE number = $1 AND {PLACED}"
    ))
    .bind(number)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    let lines = sqlx::query(
        "SELECT sku, product_name, options, image_path, unit_price_cents, quantity \
         FROM order_lines WHERE order_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|l| {
        Ok(OrderLine {
            sku: l.try_get("sku")?,
            product_name: l.try_get("product_name")?,
            options: l.try_get("options")?,
            image: l.try_get("image_path")?,
            unit_price: Money::from_cents(l.try_get("unit_price_cents")?),
            quantity: u32::try_from(l.try_get::<i64, _>("quantity")?).unwrap_or(0),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let events = sqlx::query(
        "SELECT status, note, at FROM order_events WHERE order_id = $1 ORDER BY at, id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|e| {
        Ok(OrderEvent {
            status: status(e)?,
            note: e.try_get("note")?,
            at: e.try_get("at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let payment = match row.try_get::<String, _>("payment_method")?.as_str() {
        "paypal" => PaymentSummary::PayPal,
        _ => PaymentSummary::Card {
            brand: brand_from_slug(&row.try_get::<String, _>("card_brand")?)
                .ok_or_else(|| bad_value("card brand"))?,
            last4: row.try_get("card_last4")?,
        },
    };
    let detail = OrderDetail {
        number: row.try_get("number")?,
        status: status(&row)?,
        email: row.try_get("email")?,
        placed_at: row.try_get("placed_at")?,
        address: ShippingAddress {
            name: row.try_get("ship_name")?,
            line1: row.try_get("ship_line1")?,
            line2: row.try_get("ship_line2")?,
            city: row.try_get("ship_city")?,
            region: row.try_get("ship_region")?,
            postcode: row.try_get("ship_postcode")?,
            country: Country::from_code(&row.try_get::<String, _>("ship_country")?)
                .map_err(|_| bad_value("country"))?,
            phone: row.try_get("ship_phone")?,
        },
        method: ShippingMethod::from_slug(&row.try_get::<String, _>("shipping_method")?)
            .ok_or_else(|| bad_value("shipping method"))?,
        payment,
        lines,
        totals: OrderTotals {
            subtotal: Money::from_cents(row.try_get("subtotal_cents")?),
            discount: Money::from_cents(row.try_get("discount_cents")?),
            coupon: row.try_get("coupon_code")?,
            shipping: Money::from_cents(row.try_get("shipping_cents")?),
            total: Money::from_cents(row.try_get("total_cents")?),
        },
        estimate: DeliveryEstimate {
            earliest: date(&row.try_get::<String, _>("delivery_from")?)?,
            latest: date(&row.try_get::<String, _>("delivery_to")?)?,
        },
        events,
    };
    Ok(Some((detail, row.try_get("customer_id")?)))
}

/// One page of a customer's orders, newest first. `page` is 1-based and clamped.
pub async fn history(
    pool: &AnyPool,
    customer_id: i64,
    page: u32,
) -> Result<OrderHistoryPage, sqlx::Error> {
    let count: i64 = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM orders WHERE customer_id = $1 AND {PLACED}"
    ))
    .bind(customer_id)
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    let pages = u32::try_from(count)
        .unwrap_or(0)
        .div_ceil(HISTORY_PAGE_SIZE)
        .max(1);
    let page = page.clamp(1, pages);
    let orders = sqlx::query(&format!(
        "SELECT o.number, o.status, o.placed_at, o.total_cents, \
                (SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l WHERE l.order_id = o.id) AS items \
         FROM orders o WHERE o.customer_id = $1 AND o.{PLACED} \
         ORDER BY o.placed_at DESC, o.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(customer_id)
    .bind(i64::from(HISTORY_PAGE_SIZE))
    .bind(i64::from((page - 1) * HISTORY_PAGE_SIZE))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(OrderSummary {
            number: r.try_get("number")?,
            status: status(r)?,
            placed_at: r.try_get("placed_at")?,
            item_count: u32::try_from(r.try_get::<i64, _>("items")?).unwrap_or(0),
            total: Money::from_cents(r.try_get("total_cents")?),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(OrderHistoryPage {
        orders,
        page,
        pages,
    })
}

/// Lets the browser holding `token_hash` see the order.
/// Lets the browser holding the new token `token_hash` see guest order `number` until
/// `expires_at`. The browser's grants under its previous token, if any, move to the new one,
/// in the same transaction: a token is never reused, so one planted in a browser opens
/// nothing it buys later. An account's order is never granted to a browser.
pub async fn grant(
    pool: &AnyPool,
    token_hash: &str,
    previous_token_hash: Option<&str>,
    number: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let insert = sqlx::query(
        "INSERT INTO order_grants (token_hash, order_id, granted_at, expires_at) \
         SELECT $1, id, $2, $3 FROM orders WHERE number = $4 AND customer_id IS NULL \
         ON CONFLICT (token_hash, order_id) DO NOTHING",
    )
    .bind(token_hash)
    .bind(now)
    .bind(expires_at)
    .bind(number);
    let Some(previous) = previous_token_hash else {
        // A first grant is one statement: nothing to carry over.
        insert.execute(pool).await?;
        return Ok(());
    };
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE order_grants SET token_hash = $1, expires_at = $2 \
         WHERE token_hash = $3 AND expires_at > $4",
    )
    .bind(token_hash)
    .bind(expires_at)
    .bind(previous)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM order_grants WHERE token_hash = $1")
        .bind(previous)
        .execute(&mut *tx)
        .await?;
    insert.execute(&mut *tx).await?;
    tx.commit().await
}

pub async fn has_grant(
    pool: &AnyPool,
    token_hash: &str,
    number: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT 1 AS ok FROM order_grants g JOIN orders o ON o.id = g.order_id \
         WHERE g.token_hash = $1 AND o.number = $2 AND g.expires_at > $3",
    )
    .bind(token_hash)
    .bind(number)
    .bind(now)
    .fetch_optional(pool)
    .await?
    .is_some())
}

/// Deletes guest order grants that have expired.
pub async fn purge_expired_grants(pool: &AnyPool, now: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM order_grants WHERE expires_at <= $1")
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

/// The order with this number placed with this e-mail address, for a guest's lookup.
pub async fn find_for_guest(
    pool: &AnyPool,
    number: &str,
    email: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT id FROM orders WHERE number = $1 AND email = $2 AND {PLACED}"
    ))
    .bind(number)
    .bind(email)
    .fetch_optional(pool)
    .await?
    .map(|r| r.try_get("id"))
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn malformed_dates_are_an_error_not_a_guess() {
        assert!(date("2026-13-01").is_err());
        assert!(date("2026-11").is_err());
        assert!(date("").is_err());
    }

    proptest! {
        #[test]
        fn stored_dates_read_back_unchanged(day in 0i32..40_000) {
            let original = Date::from_julian_day(2_440_588 + day).unwrap();
            prop_assert_eq!(date(&date_text(original)).unwrap(), original);
        }
    }
}
