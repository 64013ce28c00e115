//! Guest access to orders (server only): the browser a guest checked out from, or found an
//! order from, may see it for a while. Owns `order_grants`.

use super::repo::placed;
use sqlx::{AnyPool, Row};

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
    let mut tx = crate::db::begin(pool).await?;
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
        "SELECT id FROM orders WHERE number = $1 AND email = $2 AND {}",
        placed()
    ))
    .bind(number)
    .bind(email)
    .fetch_optional(pool)
    .await?
    .map(|r| r.try_get("id"))
    .transpose()
}
