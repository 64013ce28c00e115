//! The durable mail queue (server only). `enqueue` writes a message on the caller's
//! transaction, so it exists exactly when the change it reports does. `deliver_due` claims
//! due messages for a lease, sends them, and records each outcome; a failure is retried with a
//! growing delay, and after `MAX_ATTEMPTS` the message waits for staff (`send_again`).
//!
//! Claims are conditional updates: on PostgreSQL the candidates are taken `FOR UPDATE SKIP
//! LOCKED`, so servers polling at once split the queue between them instead of each sending
//! the same message; SQLite runs one writing transaction at a time. A worker that dies after
//! claiming leaves its messages to be claimed again when the lease runs out.

use super::{Email, MailState, Mailer, QueuedMail};
use crate::db::{Backend, Db};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

/// Tries before a message is left for staff: with `retry_delay`, about five and a half hours
/// of mail-server outage are ridden out.
pub const MAX_ATTEMPTS: i64 = 12;
/// How long a claim keeps other workers off a message: longer than a whole batch can take
/// with every send running into the transport's timeout.
const LEASE_SECS: i64 = 10 * 60;
/// Messages claimed at a time: few, so a slow mail server cannot outlast the lease.
const BATCH: i64 = 5;
/// How long the envelope of a sent message is kept for staff to look up.
const KEEP_SENT_SECS: i64 = 90 * 24 * 60 * 60;

/// Seconds to wait after the `attempts`-th failed try before the next one: 30 s, doubling,
/// at most an hour. `None` once every try is spent.
pub fn retry_delay(attempts: i64) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = (attempts - 1).clamp(0, 7) as u32;
    Some((30_i64 << doublings).min(60 * 60))
}

/// Queues `mail` on the caller's transaction, due at once.
pub async fn enqueue(conn: &mut AnyConnection, mail: &Email, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO mail_queue (to_address, subject, text_body, html_body, state, created_at, \
         next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(&mail.to)
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(&mail.html)
    .bind(MailState::Pending.slug())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// What one round of delivery did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    /// Failed this time, to be tried again later.
    pub retrying: usize,
    /// Failed for the last time: left for staff.
    pub given_up: usize,
}

impl Delivery {
    pub fn is_empty(&self) -> bool {
        *self == Delivery::default()
    }
}

struct Claimed {
    id: i64,
    attempts: i64,
    mail: Email,
}

/// Sends every message that is due, batch by batch, through `mailer`.
pub async fn deliver_due(db: &Db, mailer: &Mailer, now: i64) -> Result<Delivery, sqlx::Error> {
    let mut delivery = Delivery::default();
    // Most seconds nothing is due: a read says so without the write a claim is, which on
    // SQLite would queue behind (and hold up) every checkout writing at that moment.
    if !any_due(&db.pool, now).await? {
        return Ok(delivery);
    }
    loop {
        let token = crate::tokens::random_hex(16);
        let batch = claim(db, &token, now).await?;
        let full = batch.len() as i64 == BATCH;
        for claimed in batch {
            match mailer.send(&claimed.mail).await {
                Ok(()) => {
                    record_sent(&db.pool, &claimed, &token, now).await?;
                    delivery.sent += 1;
                }
                Err(err) => {
                    tracing::warn!(error = %err, id = claimed.id, attempt = claimed.attempts, "cannot send an e-mail yet");
                    if record_failure(&db.pool, &claimed, &token, &err.to_string(), now).await? {
                        delivery.retrying += 1;
                    } else {
                        tracing::error!(
                            id = claimed.id,
                            "an e-mail was given up on; staff can send it again"
                        );
                        delivery.given_up += 1;
                    }
                }
            }
        }
        if !full {
            return Ok(delivery);
        }
    }
}

async fn any_due(pool: &AnyPool, now: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT 1 AS due FROM mail_queue WHERE state = $1 AND next_attempt_at <= $2 \
         AND claimed_until <= $2 LIMIT 1",
    )
    .bind(MailState::Pending.slug())
    .bind(now)
    .fetch_optional(pool)
    .await?
    .is_some())
}

async fn claim(db: &Db, token: &str, now: i64) -> Result<Vec<Claimed>, sqlx::Error> {
    let lock = match db.backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    sqlx::query(&format!(
        "UPDATE mail_queue SET claim_token = $1, claimed_until = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM mail_queue WHERE state = $3 AND next_attempt_at <= $4 \
         AND claimed_until <= $4 ORDER BY id LIMIT $5 {lock}) \
         RETURNING id, attempts, to_address, subject, text_body, html_body"
    ))
    .bind(token)
    .bind(now + LEASE_SECS)
    .bind(MailState::Pending.slug())
    .bind(now)
    .bind(BATCH)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| {
        Ok(Claimed {
            id: row.try_get("id")?,
            attempts: row.try_get("attempts")?,
            mail: Email {
                to: row.try_get("to_address")?,
                subject: row.try_get("subject")?,
                text: row.try_get("text_body")?,
                html: row.try_get("html_body")?,
            },
        })
    })
    .collect()
}

/// Marks a message sent and drops its bodies. Only while the claim is still this worker's.
async fn record_sent(
    pool: &AnyPool,
    claimed: &Claimed,
    token: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE mail_queue SET state = $1, sent_at = $2, text_body = '', html_body = '', \
         last_error = NULL, claim_token = NULL, claimed_until = 0 \
         WHERE id = $3 AND claim_token = $4",
    )
    .bind(MailState::Sent.slug())
    .bind(now)
    .bind(claimed.id)
    .bind(token)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a failed try and schedules the next one; false when no try is left.
async fn record_failure(
    pool: &AnyPool,
    claimed: &Claimed,
    token: &str,
    error: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let delay = retry_delay(claimed.attempts);
    let (state, next) = match delay {
        Some(delay) => (MailState::Pending, now + delay),
        None => (MailState::Failed, now),
    };
    sqlx::query(
        "UPDATE mail_queue SET state = $1, next_attempt_at = $2, last_error = $3, \
         claim_token = NULL, claimed_until = 0 WHERE id = $4 AND claim_token = $5",
    )
    .bind(state.slug())
    .bind(next)
    .bind(error)
    .bind(claimed.id)
    .bind(token)
    .execute(pool)
    .await?;
    Ok(delay.is_some())
}

/// Puts a message that was given up on back in the queue, due at once, with its tries
/// counted afresh. False if it is not (or no longer) waiting for staff.
pub async fn send_again(conn: &mut AnyConnection, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let queued = sqlx::query(
        "UPDATE mail_queue SET state = $1, attempts = 0, next_attempt_at = $2 \
         WHERE id = $3 AND state = $4",
    )
    .bind(MailState::Pending.slug())
    .bind(now)
    .bind(id)
    .bind(MailState::Failed.slug())
    .execute(conn)
    .await?
    .rows_affected();
    Ok(queued == 1)
}

/// One page of the queue, newest first, with how many messages match in all.
pub async fn list(
    pool: &AnyPool,
    state: Option<MailState>,
    page: u32,
    per_page: u32,
) -> Result<(Vec<QueuedMail>, i64), sqlx::Error> {
    let filter = "WHERE ($1 = '' OR state = $1)";
    let slug = state.map_or("", MailState::slug);
    let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM mail_queue {filter}"))
        .bind(slug)
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    let offset = i64::from(page.max(1) - 1) * i64::from(per_page);
    let rows = sqlx::query(&format!(
        "SELECT id, to_address, subject, state, attempts, last_error, created_at, \
         next_attempt_at, sent_at FROM mail_queue {filter} ORDER BY id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(slug)
    .bind(i64::from(per_page))
    .bind(offset)
    .fetch_all(pool)
    .await?
    .iter()
    .map(queued_mail)
    .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// Deletes the envelopes of messages sent more than `KEEP_SENT_SECS` ago.
pub async fn purge_sent(pool: &AnyPool, now: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM mail_queue WHERE state = $1 AND sent_at < $2")
            .bind(MailState::Sent.slug())
            .bind(now - KEEP_SENT_SECS)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

/// How many messages are waiting for staff.
pub async fn failed_count(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM mail_queue WHERE state = $1")
        .bind(MailState::Failed.slug())
        .fetch_one(pool)
        .await?
        .try_get("n")
}

fn queued_mail(row: &AnyRow) -> Result<QueuedMail, sqlx::Error> {
    let state: String = row.try_get("state")?;
    Ok(QueuedMail {
        id: row.try_get("id")?,
        to: row.try_get("to_address")?,
        subject: row.try_get("subject")?,
        state: MailState::from_slug(&state).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "state".into(),
            source: format!("unknown mail state {state:?}").into(),
        })?,
        attempts: row.try_get("attempts")?,
        last_error: row.try_get("last_error")?,
        created_at: row.try_get("created_at")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        sent_at: row.try_get("sent_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(retry_delay(1), Some(30));
        assert_eq!(retry_delay(2), Some(60));
        assert_eq!(retry_delay(3), Some(120));
        assert_eq!(retry_delay(8), Some(60 * 60));
        assert_eq!(retry_delay(MAX_ATTEMPTS - 1), Some(60 * 60));
        let mut previous = 0;
        for attempts in 1..MAX_ATTEMPTS {
            let delay = retry_delay(attempts).unwrap();
            assert!(delay >= previous && delay <= 60 * 60);
            previous = delay;
        }
    }

    #[test]
    fn the_last_try_leaves_the_message_for_staff() {
        assert_eq!(retry_delay(MAX_ATTEMPTS), None);
        assert_eq!(retry_delay(MAX_ATTEMPTS + 3), None);
    }

    #[test]
    fn retries_ride_out_hours_of_outage() {
        let waited: i64 = (1..MAX_ATTEMPTS).filter_map(retry_delay).sum();
        assert!(waited > 5 * 60 * 60, "{waited}");
    }
}
