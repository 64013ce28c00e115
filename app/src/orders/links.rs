//! Private links to one order (server only): every e-mail about an order carries one, so the
//! shopper opens it from any device. A guest's link lets that browser see the order from then
//! on (`access`); an account's order still asks its owner to sign in. The key is random, only
//! its digest is kept, and it expires. Owns `order_links`.

use crate::tokens::{new_token, token_digest};
use sqlx::{AnyConnection, AnyPool};

/// How long an e-mailed link opens its order: far past delivery and the 30-day windows; after
/// that the shopper finds the order with its number and e-mail address.
pub const LINK_LIFETIME_SECS: i64 = 90 * 24 * 3600;

/// A new private link to order `number` on the shop at `public_url`, on the caller's
/// transaction (the e-mail carrying it is queued in the same one).
pub async fn issue(
    conn: &mut AnyConnection,
    public_url: &str,
    number: &str,
    now: i64,
) -> Result<String, sqlx::Error> {
    let (key, digest) = new_token();
    sqlx::query("INSERT INTO order_links (key_hash, order_number, expires_at) VALUES ($1, $2, $3)")
        .bind(digest)
        .bind(number)
        .bind(now + LINK_LIFETIME_SECS)
        .execute(conn)
        .await?;
    Ok(format!("{public_url}/orders/{number}?key={key}"))
}

/// Whether `key` is a link to order `number` that has not expired.
pub async fn opens(pool: &AnyPool, number: &str, key: &str, now: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT 1 AS one FROM order_links WHERE key_hash = $1 AND order_number = $2 AND expires_at > $3",
    )
    .bind(token_digest(key))
    .bind(number)
    .bind(now)
    .fetch_optional(pool)
    .await?
    .is_some())
}

/// Deletes expired links; returns how many went.
pub async fn purge(pool: &AnyPool, now: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM order_links WHERE expires_at <= $1")
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
