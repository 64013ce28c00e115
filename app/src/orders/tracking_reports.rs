//! Shipments reported to the provider that took the payment (server only): PayPal asks for
//! the carrier and tracking number of every shipment it paid for, for its seller protection.
//! A shipment of a PayPal order is queued in the same transaction that ships it; the
//! background job sends what is due and, when PayPal does not answer, tries again later with
//! a growing wait. The shipment itself never waits for PayPal.

use super::tracking::Tracking;
use crate::shop::ServerState;
use sqlx::{AnyConnection, Row};

/// The longest wait between two tries.
const MAX_WAIT_SECS: i64 = 6 * 3600;

/// Queues the report of order `number`'s shipment, on the shipping transaction.
pub async fn queue(
    conn: &mut AnyConnection,
    number: &str,
    tracking: &Tracking,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO tracking_reports (order_number, carrier, tracking_number, attempts, due_at) \
         VALUES ($1, $2, $3, 0, $4) ON CONFLICT (order_number) DO UPDATE \
         SET carrier = $2, tracking_number = $3, attempts = 0, due_at = $4",
    )
    .bind(number)
    .bind(tracking.carrier.slug())
    .bind(&tracking.number)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// How long to wait after `attempts` failed tries: a minute, doubling, at most six hours.
pub fn wait_after(attempts: i64) -> i64 {
    60_i64
        .checked_shl(u32::try_from(attempts.clamp(0, 20)).unwrap_or(20))
        .unwrap_or(MAX_WAIT_SECS)
        .min(MAX_WAIT_SECS)
}

/// Sends the reports that are due; returns how many PayPal took. Several servers may run it
/// at once: a report sent twice carries the same request id, and PayPal keeps one.
pub async fn report_due(state: &ServerState, now: i64) -> Result<usize, sqlx::Error> {
    let pool = &state.db.pool;
    let due = sqlx::query(
        "SELECT order_number, carrier, tracking_number, attempts FROM tracking_reports \
         WHERE due_at <= $1 ORDER BY due_at LIMIT 50",
    )
    .bind(now)
    .fetch_all(pool)
    .await?;
    let mut sent = 0;
    for row in due {
        let number: String = row.try_get("order_number")?;
        let carrier: String = row.try_get("carrier")?;
        let tracking: String = row.try_get("tracking_number")?;
        let attempts: i64 = row.try_get("attempts")?;
        let reported = match state.payments.paypal_api() {
            Some(paypal) => paypal.add_tracking(&number, &carrier, &tracking).await,
            // PayPal is not taken through its API (the test gateway): nobody to tell.
            None => Ok(false),
        };
        match reported {
            Ok(taken) => {
                sent += usize::from(taken);
                sqlx::query("DELETE FROM tracking_reports WHERE order_number = $1")
                    .bind(&number)
                    .execute(pool)
                    .await?;
            }
            Err(err) => {
                tracing::warn!(number, attempts, error = %err, "PayPal did not take a shipment's tracking yet; trying again later");
                sqlx::query(
                    "UPDATE tracking_reports SET attempts = attempts + 1, due_at = $1 \
                     WHERE order_number = $2",
                )
                .bind(now + wait_after(attempts))
                .bind(&number)
                .execute(pool)
                .await?;
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_six_hours() {
        assert_eq!(wait_after(0), 60);
        assert_eq!(wait_after(1), 120);
        assert_eq!(wait_after(5), 1920);
        assert_eq!(wait_after(9), MAX_WAIT_SECS);
        assert_eq!(wait_after(500), MAX_WAIT_SECS);
        assert_eq!(wait_after(-1), 60);
    }
}
