//! Rate-limit counters in the database (server only), so every server instance shares them.
//! Each take is one atomic statement: concurrent requests can never slip past a limit.

use super::rule::Limit;
use sqlx::{AnyPool, Row};
use std::time::Duration;
use time::OffsetDateTime;

/// Counters run in unix milliseconds.
fn millis(now: OffsetDateTime) -> i64 {
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn key(limit: &Limit, subject: &str) -> String {
    format!("{}:{subject}", limit.name)
}

/// Takes one action under `limit` for `subject` now; a refusal is the message `refusal` writes
/// for the minutes to wait, ready to show next to the form field it concerns.
pub async fn take_or_explain(
    pool: &AnyPool,
    limit: &Limit,
    subject: &str,
    refusal: impl FnOnce(u64) -> String,
) -> Result<Result<(), String>, sqlx::Error> {
    // Limits count real seconds between real requests, whatever time the shop's clock says.
    Ok(take(pool, limit, subject, OffsetDateTime::now_utc())
        .await?
        .map_err(|wait| refusal(super::minutes_to_wait(wait))))
}

/// Takes one action under `limit` for `subject` at `now`: `Ok(())`, or how long the subject
/// must wait.
pub async fn take(
    pool: &AnyPool,
    limit: &Limit,
    subject: &str,
    now: OffsetDateTime,
) -> Result<Result<(), Duration>, sqlx::Error> {
    let now_ms = millis(now);
    let key = key(limit, subject);
    let every = limit.every_ms();
    // The arrival time moves on only while it stays within the allowance; the conditional
    // upsert is the check and the count in one step.
    let taken = sqlx::query(
        "INSERT INTO rate_limits (key, tat) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE \
         SET tat = (CASE WHEN rate_limits.tat > $3 THEN rate_limits.tat ELSE $3 END) + $4 \
         WHERE (CASE WHEN rate_limits.tat > $3 THEN rate_limits.tat ELSE $3 END) + $4 - $3 <= $5 \
         RETURNING tat",
    )
    .bind(&key)
    .bind(now_ms + every)
    .bind(now_ms)
    .bind(every)
    .bind(limit.allowance_ms())
    .fetch_optional(pool)
    .await?;
    if taken.is_some() {
        return Ok(Ok(()));
    }
    let tat: Option<i64> = sqlx::query("SELECT tat FROM rate_limits WHERE key = $1")
        .bind(&key)
        .fetch_optional(pool)
        .await?
        .map(|row| row.try_get("tat"))
        .transpose()?;
    // Refused above, so refused here too, even if the counter has moved on since.
    Ok(Err(limit.take(tat, now_ms).err().unwrap_or(limit.every)))
}

/// Whether each subject could take an action under its limit now, without taking any: for
/// limits that count only failures known afterwards (a declined payment), where counting
/// every try up front would hold back honest shoppers who share an address. One query for
/// all of them; the longest wait if any is refused.
pub async fn check(
    pool: &AnyPool,
    counters: &[(&Limit, &str)],
    now: OffsetDateTime,
) -> Result<Result<(), Duration>, sqlx::Error> {
    let keys: Vec<String> = counters.iter().map(|(l, s)| key(l, s)).collect();
    let placeholders: Vec<String> = (1..=keys.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT key, tat FROM rate_limits WHERE key IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for key in &keys {
        query = query.bind(key);
    }
    let rows = query.fetch_all(pool).await?;
    let mut longest: Option<Duration> = None;
    for ((limit, _), key) in counters.iter().zip(&keys) {
        let tat = rows
            .iter()
            .find(|row| row.try_get::<String, _>("key").is_ok_and(|k| k == *key))
            .map(|row| row.try_get::<i64, _>("tat"))
            .transpose()?;
        if let Err(wait) = limit.take(tat, millis(now)) {
            longest = longest.max(Some(wait));
        }
    }
    Ok(longest.map_or(Ok(()), Err))
}

/// Gives back an action taken under `limit` (a sign-in that succeeded, a payment that went
/// through): only failures count against the subject.
pub async fn give_back(pool: &AnyPool, limit: &Limit, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE rate_limits SET tat = tat - $1 WHERE key = $2")
        .bind(limit.every_ms())
        .bind(key(limit, subject))
        .execute(pool)
        .await?;
    Ok(())
}

/// Forgets counters that have run out (their arrival time has passed): they allow a full
/// burst again, exactly as a missing row does.
pub async fn purge(pool: &AnyPool, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM rate_limits WHERE tat <= $1")
        .bind(millis(now))
        .execute(pool)
        .await?
        .rows_affected())
}
