//! Order figures for the staff overview: placed orders and revenue per day, by
//! status, the best-selling products and promo-code use over a period. Revenue is what was
//! paid less what was refunded.

use crate::money::Money;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayFigures {
    /// The day's first second (UTC).
    pub day: i64,
    pub orders: u32,
    pub revenue: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopProduct {
    pub name: String,
    pub units: u32,
    /// Before discounts.
    pub sales: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponUse {
    pub code: String,
    pub orders: u32,
    pub discount: Money,
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::orders::repo::placed;
    use crate::orders::status::OrderStatus;
    use sqlx::{AnyPool, Row};

    const DAY: i64 = 24 * 60 * 60;

    /// Orders and revenue for each day from `first_day` (a UTC midnight), `days` of them, days
    /// without orders included as zeros.
    pub async fn daily(
        pool: &AnyPool,
        first_day: i64,
        days: u32,
    ) -> Result<Vec<DayFigures>, sqlx::Error> {
        let until = first_day + i64::from(days) * DAY;
        let rows = sqlx::query(&format!(
            "SELECT placed_at / {DAY} AS day, CAST(COUNT(*) AS BIGINT) AS orders, \
                    CAST(SUM(total_cents - refunded_cents) AS BIGINT) AS revenue \
             FROM orders WHERE placed_at >= $1 AND placed_at < $2 AND {} \
             GROUP BY placed_at / {DAY}",
            placed()
        ))
        .bind(first_day)
        .bind(until)
        .fetch_all(pool)
        .await?;
        let mut figures: Vec<DayFigures> = (0..i64::from(days))
            .map(|i| DayFigures {
                day: first_day + i * DAY,
                orders: 0,
                revenue: Money::ZERO,
            })
            .collect();
        for row in rows {
            let day: i64 = row.try_get::<i64, _>("day")? * DAY;
            if let Some(slot) = figures.iter_mut().find(|f| f.day == day) {
                slot.orders = u32::try_from(row.try_get::<i64, _>("orders")?).unwrap_or(0);
                slot.revenue = Money::from_cents(row.try_get("revenue")?);
            }
        }
        Ok(figures)
    }

    /// Placed orders of the period by their status now, in the status machine's order.
    pub async fn by_status(
        pool: &AnyPool,
        from: i64,
        until: i64,
    ) -> Result<Vec<(OrderStatus, u32)>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT status, CAST(COUNT(*) AS BIGINT) AS n FROM orders \
             WHERE placed_at >= $1 AND placed_at < $2 AND {} GROUP BY status",
            placed()
        ))
        .bind(from)
        .bind(until)
        .fetch_all(pool)
        .await?;
        let mut counts = Vec::new();
        for status in OrderStatus::ALL.into_iter().filter(|s| s.is_placed()) {
            let mut n = 0;
            for row in &rows {
                if row.try_get::<String, _>("status")? == status.slug() {
                    n = u32::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
                }
            }
            counts.push((status, n));
        }
        Ok(counts)
    }

    /// The `limit` products that sold the most units in the period.
    pub async fn top_products(
        pool: &AnyPool,
        from: i64,
        until: i64,
        limit: u32,
    ) -> Result<Vec<TopProduct>, sqlx::Error> {
        sqlx::query(&format!(
            "SELECT l.product_name, CAST(SUM(l.quantity) AS BIGINT) AS units, \
                    CAST(SUM(l.quantity * l.unit_price_cents) AS BIGINT) AS sales \
             FROM order_lines l JOIN orders o ON o.id = l.order_id \
             WHERE o.placed_at >= $1 AND o.placed_at < $2 AND o.{} \
             GROUP BY l.product_name ORDER BY units DESC, sales DESC, l.product_name LIMIT $3",
            placed()
        ))
        .bind(from)
        .bind(until)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(TopProduct {
                name: r.try_get("product_name")?,
                units: u32::try_from(r.try_get::<i64, _>("units")?).unwrap_or(0),
                sales: Money::from_cents(r.try_get("sales")?),
            })
        })
        .collect()
    }

    /// Each promo code used in the period: on how many orders, and the discount it gave.
    pub async fn coupon_use(
        pool: &AnyPool,
        from: i64,
        until: i64,
    ) -> Result<Vec<CouponUse>, sqlx::Error> {
        sqlx::query(&format!(
            "SELECT coupon_code, CAST(COUNT(*) AS BIGINT) AS orders, \
                    CAST(SUM(discount_cents) AS BIGINT) AS discount \
             FROM orders WHERE coupon_code IS NOT NULL AND placed_at >= $1 AND placed_at < $2 \
               AND {} GROUP BY coupon_code ORDER BY orders DESC, coupon_code",
            placed()
        ))
        .bind(from)
        .bind(until)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(CouponUse {
                code: r.try_get("coupon_code")?,
                orders: u32::try_from(r.try_get::<i64, _>("orders")?).unwrap_or(0),
                discount: Money::from_cents(r.try_get("discount")?),
            })
        })
        .collect()
    }
}
