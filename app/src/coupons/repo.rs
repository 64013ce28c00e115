//! Promo-code storage: looking codes up, redeeming and releasing them, counting and listing
//! redemptions, creating and editing codes.

use super::{Redemption, StaffCouponRow};
use crate::catalog::model::Category;
use crate::money::Money;
use crate::pricing::coupon::{Coupon, CouponCode, CouponKind, CouponTerms, CouponUsage};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

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

const COUPON_COLUMNS: &str = "id, code, kind, percent_off, amount_off_cents, min_spend_cents, \
                              categories, starts_at, expires_at, usage_limit, \
                              per_customer_limit, active";

fn stored(row: &AnyRow) -> Result<StoredCoupon, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    let kind = match kind.as_str() {
        "percent" => {
            let percent: i64 = row.try_get("percent_off")?;
            CouponKind::PercentOff(u8::try_from(percent).unwrap_or(0))
        }
        "amount" => CouponKind::AmountOff(Money::from_cents(row.try_get("amount_off_cents")?)),
        _ => CouponKind::FreeShipping,
    };
    let code: String = row.try_get("code")?;
    let categories: String = row.try_get("categories")?;
    Ok(StoredCoupon {
        id: row.try_get("id")?,
        offer: Coupon {
            code: CouponCode::parse(&code).map_err(|_| {
                sqlx::Error::Decode(
                    format!("unexpected promo code {code:?} in the coupons table").into(),
                )
            })?,
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
    })
}

/// The active coupon with this code, if any.
pub async fn find(
    conn: &mut AnyConnection,
    code: &CouponCode,
) -> Result<Option<StoredCoupon>, sqlx::Error> {
    Ok(find_any(conn, code)
        .await?
        .and_then(|(coupon, active)| active.then_some(coupon)))
}

/// The coupon with this code, enabled or not, and whether it is enabled.
pub async fn find_any(
    conn: &mut AnyConnection,
    code: &CouponCode,
) -> Result<Option<(StoredCoupon, bool)>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COUPON_COLUMNS} FROM coupons WHERE code = $1"
    ))
    .bind(code.as_str())
    .fetch_optional(conn)
    .await?
    .map(|row| Ok((stored(&row)?, row.try_get::<i64, _>("active")? == 1)))
    .transpose()
}

/// Every code with its use count, newest first.
pub async fn staff_list(pool: &AnyPool) -> Result<Vec<StaffCouponRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COUPON_COLUMNS}, (SELECT CAST(COUNT(*) AS BIGINT) FROM coupon_redemptions r \
                                   WHERE r.coupon_id = coupons.id) AS used \
         FROM coupons ORDER BY id DESC"
    ))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| {
        let coupon = stored(row)?;
        Ok(StaffCouponRow {
            code: coupon.offer.code.to_string(),
            offer: coupon.offer.describe(),
            active: row.try_get::<i64, _>("active")? == 1,
            redemptions: u32::try_from(row.try_get::<i64, _>("used")?).unwrap_or(0),
            usage_limit: coupon.terms.usage_limit,
            starts_at: coupon.terms.starts_at,
            expires_at: coupon.terms.expires_at,
        })
    })
    .collect()
}

/// The orders that used coupon `coupon_id`, newest first.
pub async fn redemptions(
    conn: &mut AnyConnection,
    coupon_id: i64,
) -> Result<Vec<Redemption>, sqlx::Error> {
    sqlx::query(
        "SELECT r.order_number, r.redeemed_at, o.email FROM coupon_redemptions r \
         JOIN orders o ON o.number = r.order_number \
         WHERE r.coupon_id = $1 ORDER BY r.redeemed_at DESC, r.id DESC",
    )
    .bind(coupon_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok(Redemption {
            order_number: row.try_get("order_number")?,
            email: row.try_get("email")?,
            at: row.try_get("redeemed_at")?,
        })
    })
    .collect()
}

/// The columns `create` and `update` write for `offer`.
fn kind_columns(offer: &Coupon) -> (&'static str, Option<i64>, Option<i64>) {
    match offer.kind {
        CouponKind::PercentOff(p) => ("percent", Some(i64::from(p)), None),
        CouponKind::AmountOff(a) => ("amount", None, Some(a.cents())),
        CouponKind::FreeShipping => ("free_shipping", None, None),
    }
}

/// Replaces the rules of coupon `id` (its code stays) and enables or disables it.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    offer: &Coupon,
    terms: &CouponTerms,
    active: bool,
) -> Result<(), sqlx::Error> {
    let (kind, percent, amount) = kind_columns(offer);
    sqlx::query(
        "UPDATE coupons SET kind = $1, percent_off = $2, amount_off_cents = $3, \
                min_spend_cents = $4, categories = $5, starts_at = $6, expires_at = $7, \
                usage_limit = $8, per_customer_limit = $9, active = $10 WHERE id = $11",
    )
    .bind(kind)
    .bind(percent)
    .bind(amount)
    .bind(offer.min_spend.cents())
    .bind(categories_to_text(&offer.categories))
    .bind(terms.starts_at)
    .bind(terms.expires_at)
    .bind(terms.usage_limit.map(i64::from))
    .bind(terms.per_customer_limit.map(i64::from))
    .bind(i64::from(active))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
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

/// Enables or disables coupon `id`.
pub async fn set_active(
    conn: &mut AnyConnection,
    id: i64,
    active: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE coupons SET active = $1 WHERE id = $2")
        .bind(i64::from(active))
        .bind(id)
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
    let (kind, percent, amount) = kind_columns(offer);
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
