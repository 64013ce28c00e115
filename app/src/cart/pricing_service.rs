//! Server-side pricing: the cart priced from database prices and stock, and promo codes
//! checked against their dates and limits. The browser's figures are never trusted.

use super::model::{CartItem, CartLine, CartRequest, PricedCart};
use crate::catalog::repo::category;
use crate::coupons::repo::{self as coupon_repo, StoredCoupon};
use crate::money::Money;
use crate::pricing::coupon::{Coupon, CouponCode, CouponRejection};
use crate::shop::StoreInfo;
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::HashMap;
use time::OffsetDateTime;

/// The most lines one request may name; a real cart is far smaller.
pub const MAX_CART_LINES: usize = 100;

/// Current price, stock and description of the named SKUs that are still sold.
pub async fn cart_items(
    conn: &mut AnyConnection,
    skus: &[String],
) -> Result<HashMap<String, CartItem>, sqlx::Error> {
    let skus: Vec<&String> = skus.iter().take(MAX_CART_LINES).collect();
    if skus.is_empty() {
        return Ok(HashMap::new());
    }
    // One query for the whole cart: `IN ($1, $2, …)` reads the same on both engines.
    let placeholders: Vec<String> = (1..=skus.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT s.code, s.style, s.colour, s.price_cents, s.stock, s.image_path, \
                p.slug, p.name, p.category, m.name AS model_name \
         FROM skus s JOIN products p ON p.id = s.product_id \
         LEFT JOIN phone_models m ON m.id = s.phone_model_id \
         WHERE s.code IN ({}) AND s.active = 1 AND p.hidden = 0",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for sku in skus {
        query = query.bind(sku.clone());
    }
    let mut items = HashMap::new();
    for row in query.fetch_all(conn).await? {
        let item = CartItem {
            sku: row.try_get("code")?,
            product_slug: row.try_get("slug")?,
            product_name: row.try_get("name")?,
            options: crate::catalog::repo::variant_options(&row)?,
            category: category(&row)?,
            unit_price: Money::from_cents(row.try_get("price_cents")?),
            stock: u32::try_from(row.try_get::<i64, _>("stock")?).unwrap_or(0),
            image: row.try_get("image_path")?,
        };
        items.insert(item.sku.clone(), item);
    }
    Ok(items)
}

fn format_date(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| format!("{} {} {}", t.day(), t.month(), t.year()))
        .unwrap_or_else(|_| "an unknown date".into())
}

/// The active coupon a shopper's `code` names, or why it names none.
pub async fn find_coupon(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Result<StoredCoupon, CouponRejection>, sqlx::Error> {
    let code = match CouponCode::parse(code) {
        Ok(code) => code,
        Err(rejection) => return Ok(Err(rejection)),
    };
    Ok(coupon_repo::find(conn, &code)
        .await?
        .ok_or_else(|| CouponRejection::Unknown(code.to_string())))
}

/// The coupon behind `code` if its dates and usage limits allow it now (the cart's minimum
/// spend is the caller's concern).
pub async fn load_coupon(
    conn: &mut AnyConnection,
    code: &str,
    now: i64,
    customer: Option<&str>,
) -> Result<Result<Coupon, CouponRejection>, sqlx::Error> {
    match find_coupon(&mut *conn, code).await? {
        Ok(stored) => redeemable(conn, &stored, now, customer).await,
        Err(rejection) => Ok(Err(rejection)),
    }
}

/// Checks a stored coupon's dates and usage limits at `now` for `customer`.
pub async fn redeemable(
    conn: &mut AnyConnection,
    stored: &StoredCoupon,
    now: i64,
    customer: Option<&str>,
) -> Result<Result<Coupon, CouponRejection>, sqlx::Error> {
    let usage = coupon_repo::usage(conn, stored.id, customer).await?;
    Ok(stored
        .terms
        .check(&stored.offer.code, now, usage, format_date)
        .map(|()| stored.offer.clone()))
}

/// Checks a code for applying to a cart: its terms, then that the cart qualifies.
pub async fn check_coupon(
    pool: &AnyPool,
    code: &str,
    lines: &[CartLine],
    now: i64,
    customer: Option<&str>,
) -> Result<Result<Coupon, CouponRejection>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let coupon = match load_coupon(&mut conn, code, now, customer).await? {
        Ok(coupon) => coupon,
        Err(rejection) => return Ok(Err(rejection)),
    };
    let skus: Vec<String> = lines.iter().map(|l| l.sku.clone()).collect();
    let items = cart_items(&mut conn, &skus).await?;
    let cart = super::model::Cart {
        lines: lines.to_vec(),
        ..Default::default()
    };
    Ok(coupon
        .check_cart(&cart.priced_lines(&items))
        .map(|()| coupon))
}

/// Prices the cart as the server sees it: database prices, stock-limited quantities, the
/// coupon re-checked, shipping from the shop's terms, delivery estimated from the shop's today
/// by its calendar.
pub async fn price_cart(
    pool: &AnyPool,
    store: &StoreInfo,
    request: &CartRequest,
    now: i64,
    customer: Option<&str>,
) -> Result<PricedCart, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let skus: Vec<String> = request.lines.iter().map(|l| l.sku.clone()).collect();
    let items = cart_items(&mut conn, &skus).await?;
    let coupon = match &request.coupon {
        Some(code) => Some(load_coupon(&mut conn, code, now, customer).await?),
        None => None,
    };
    let cart = super::model::Cart {
        lines: request.lines.clone(),
        method: request.method,
        ..Default::default()
    };
    let applied = coupon.as_ref().and_then(|c| c.as_ref().ok());
    let quote = cart.quote(&items, applied, &store.shipping);
    let has_lines = !cart.priced_lines(&items).is_empty();
    let calendar = &store.calendar;
    let estimate = has_lines.then(|| {
        store
            .delivery
            .estimate(calendar.date_at(now), request.method, calendar)
    });
    let mut items: Vec<CartItem> = items.into_values().collect();
    items.sort_by(|a, b| a.sku.cmp(&b.sku));
    Ok(PricedCart {
        items,
        coupon,
        quote,
        estimate,
    })
}
