//! Coupon storage: looking codes up, counting redemptions, creating codes.

use crate::catalog::model::Category;
use crate::money::Money;
use crate::pricing::coupon::{Coupon, CouponCode, CouponKind, CouponTerms, CouponUsage};
use sqlx::{AnyConnection, Row};

/// A coupon as stored: its offer and its terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCoupon {
    pub id: i64,
    pub offer: Coupon,
    pub terms: CouponTerms,
}

fn categories_to_text(categories: &[Category]) -> String {
    categories
        .iter()
        .map(|c| c.slug())
        .collect::<Vec<_>>()
        .join(",")
}

fn categories_from_text(text: &str) -> Vec<Category> {
    text.split(',').filter_map(Category::from_slug).collect()
}

fn limit(value: Option<i64>) -> Option<u32> {
    value.map(|v| u32::try_from(v).unwrap_or(0))
}

/// The active coupon with this code, if any.
pub async fn find(
    conn: &mut AnyConnection,
    code: &CouponCode,
) -> Result<Option<StoredCoupon>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT id, code, kind, percent_off, amount_off_cents, min_spend_cents, categories, \
                starts_at, expires_at, usage_limit, per_customer_limit \
         FROM coupons WHERE code = $1 AND active = 1",
    )
    .bind(code.as_str())
    .fetch_optional(conn)
    .await?
    else {
        return Ok(None);
    };
    let kind: String = row.try_get("kind")?;
    let kind = match kind.as_str() {
        "percent" => {
            let percent: i64 = row.try_get("percent_off")?;
            CouponKind::PercentOff(u8::try_from(percent).unwrap_or(0))
        }
        "amount" => CouponKind::AmountOff(Money::from_cents(row.try_get("amount_off_cents")?)),
        _ => CouponKind::FreeShipping,
    };
    let categories: String = row.try_get("categories")?;
    Ok(Some(StoredCoupon {
        id: row.try_get("id")?,
        offer: Coupon {
            code: code.clone(),
            kind,
            min_spend: Money::from_cents(row.try_get("min_spend_cents")?),
            categories: categories_from_text(&categories),
        },
        terms: CouponTerms {
            starts_at: row.try_get("starts_at")?,
            expires_at: row.try_get("expires_at")?,
            usage_limit: limit(row.try_get("usage_limit")?),
            per_customer_limit: limit(row.try_get("per_customer_limit")?),
        },
    }))
}

/// Redemptions of a coupon, in all and by one customer (an account or a guest e-mail).
pub async fn usage(
    conn: &mut AnyConnection,
    coupon_id: i64,
    customer: Option<&str>,
) -> Result<CouponUsage, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS total, \
                COALESCE(SUM(CASE WHEN customer_key = $2 THEN 1 ELSE 0 END), 0) AS mine \
         FROM coupon_redemptions WHERE coupon_id = $1",
    )
    .bind(coupon_id)
    .bind(customer.unwrap_or_default())
    .fetch_one(conn)
    .await?;
    let count = |name: &str| -> Result<u32, sqlx::Error> {
        Ok(u32::try_from(row.try_get::<i64, _>(name)?).unwrap_or(u32::MAX))
    };
    Ok(CouponUsage {
        total: count("total")?,
        by_customer: if customer.is_some() {
            count("mine")?
        } else {
            0
        },
    })
}

/// Locks the coupon's row until the transaction ends, so that redemptions of one code are
/// counted and recorded one checkout at a time (a write, which SQLite serialises anyway).
pub async fn lock(conn: &mut AnyConnection, coupon_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE coupons SET active = active WHERE id = $1")
        .bind(coupon_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records that `order_number` used the coupon.
pub async fn redeem(
    conn: &mut AnyConnection,
    coupon_id: i64,
    customer_key: &str,
    order_number: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO coupon_redemptions (coupon_id, customer_key, order_number, redeemed_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(coupon_id)
    .bind(customer_key)
    .bind(order_number)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives back the coupon use of `order_number` (its payment failed, or it was cancelled).
pub async fn release(conn: &mut AnyConnection, order_number: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM coupon_redemptions WHERE order_number = $1")
        .bind(order_number)
        .execute(conn)
        .await?;
    Ok(())
}

/// Creates a coupon; returns its id.
pub async fn create(
    conn: &mut sqlx::AnyConnection,
    offer: &Coupon,
    terms: &CouponTerms,
) -> Result<i64, sqlx::Error> {
    let (kind, percent, amount) = match offer.kind {
        CouponKind::PercentOff(p) => ("percent", Some(i64::from(p)), None),
        CouponKind::AmountOff(a) => ("amount", None, Some(a.cents())),
        CouponKind::FreeShipping => ("free_shipping", None, None),
    };
    sqlx::query(
        "INSERT INTO coupons (code, kind, percent_off, amount_off_cents, min_spend_cents, categories, \
                              starts_at, expires_at, usage_limit, per_customer_limit) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(offer.code.as_str())
    .bind(kind)
    .bind(percent)
    .bind(amount)
    .bind(offer.min_spend.cents())
    .bind(categories_to_text(&offer.categories))
    .bind(terms.starts_at)
    .bind(terms.expires_at)
    .bind(terms.usage_limit.map(i64::from))
    .bind(terms.per_customer_limit.map(i64::from))
    .fetch_one(conn)
    .await?
    .try_get("id")
}
