//! Payments the card holder disputed with their bank (server only): the order is flagged for
//! staff, with the bank's reason on its timeline, once per order.

use super::repo;
use super::status::OrderStatus;
use crate::money::Money;
use sqlx::{AnyPool, Row};

/// Flags order `number` as disputed for `reason` (the bank's, such as "fraudulent"); false if
/// it was flagged already or is not an order of the shop's.
pub async fn flag(
    pool: &AnyPool,
    number: &str,
    reason: &str,
    amount: Money,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin(pool).await?;
    let flagged = sqlx::query(
        "UPDATE orders SET disputed_at = $1, dispute_reason = $2 \
         WHERE number = $3 AND disputed_at IS NULL",
    )
    .bind(now)
    .bind(reason)
    .bind(number)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if flagged == 0 {
        return Ok(false);
    }
    let row = sqlx::query("SELECT id, status FROM orders WHERE number = $1")
        .bind(number)
        .fetch_one(&mut *tx)
        .await?;
    let status = OrderStatus::from_slug(&row.try_get::<String, _>("status")?)
        .ok_or_else(|| sqlx::Error::Decode("unexpected status in the orders table".into()))?;
    let note = format!(
        "Payment disputed: the card holder's bank opened a dispute for {amount} ({}). \
         Answer it in the payment provider's dashboard before its deadline.",
        reason.replace('_', " ")
    );
    repo::add_event(
        &mut tx,
        row.try_get("id")?,
        status,
        repo::Step::new(&note),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The bank's reason for the dispute of order `number`, if its payment is disputed.
pub async fn reason(pool: &AnyPool, number: &str) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT dispute_reason FROM orders WHERE number = $1 AND disputed_at IS NOT NULL",
    )
    .bind(number)
    .fetch_optional(pool)
    .await?;
    Ok(row
        .map(|r| r.try_get::<Option<String>, _>("dispute_reason"))
        .transpose()?
        .flatten()
        .map(|reason| reason.replace('_', " ")))
}
