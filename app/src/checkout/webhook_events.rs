//! What the providers' webhooks share (server only): the answer a delivery gets, and the
//! record that makes each event processed once. A provider delivers an event at least once:
//! each is claimed by its id in the provider's table and marked processed once handled, so a
//! repeat, or one sent while the first is still being handled, changes nothing (every step of
//! handling is itself idempotent). A failure answers 500, so the provider sends it again.

use sqlx::{AnyPool, Row};

/// The webhook's answer, as the provider reads it.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// Handled, or a repeat of one handled, or of a kind the shop ignores (200).
    Received,
    /// Not vouched for by the provider, or not an event (400): nothing changed.
    Refused(&'static str),
    /// The provider is not one the shop was started with (404).
    NotConfigured,
    /// Handling failed; the provider sends it again later (500).
    Failed,
}

/// Whose events a table holds.
#[derive(Clone, Copy, Debug)]
pub enum EventLog {
    Stripe,
    PayPal,
}

impl EventLog {
    /// Handles event `id` of `kind` with `handle` unless it was processed before, and gives
    /// the answer the provider gets. `handle` runs only for an event not processed yet.
    pub async fn handle_once<E>(
        self,
        pool: &AnyPool,
        (id, kind): (&str, &str),
        now: i64,
        handle: impl std::future::Future<Output = Result<(), E>>,
    ) -> Answer
    where
        E: std::fmt::Display + From<sqlx::Error>,
    {
        let handled: Result<(), E> = async {
            if !self.seen(pool, id, kind, now).await? {
                handle.await?;
                self.processed(pool, id, now).await?;
            }
            Ok(())
        }
        .await;
        match handled {
            Ok(()) => Answer::Received,
            Err(err) => {
                tracing::error!(provider = self.table(), event = id, kind, error = %err, "a webhook event could not be handled yet");
                Answer::Failed
            }
        }
    }

    fn table(self) -> &'static str {
        match self {
            EventLog::Stripe => "stripe_events",
            EventLog::PayPal => "paypal_events",
        }
    }

    /// Stores event `id` of `kind`; true if it was processed before.
    async fn seen(
        self,
        pool: &AnyPool,
        id: &str,
        kind: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let table = self.table();
        sqlx::query(&format!(
            "INSERT INTO {table} (id, kind, received_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO NOTHING"
        ))
        .bind(id)
        .bind(kind)
        .bind(now)
        .execute(pool)
        .await?;
        let processed: Option<i64> =
            sqlx::query(&format!("SELECT processed_at FROM {table} WHERE id = $1"))
                .bind(id)
                .fetch_one(pool)
                .await?
                .try_get("processed_at")?;
        Ok(processed.is_some())
    }

    /// Marks event `id` processed.
    async fn processed(self, pool: &AnyPool, id: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query(&format!(
            "UPDATE {} SET processed_at = $1 WHERE id = $2",
            self.table()
        ))
        .bind(now)
        .bind(id)
        .execute(pool)
        .await?;
        Ok(())
    }
}
