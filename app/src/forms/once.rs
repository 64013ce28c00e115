//! Forms that must take effect once (server only): a stock adjustment sent twice, by a double
//! click, a replayed request or a form left filled in, must not add the units twice. Each
//! rendering of such a form carries a random key (`super::submission_key`); the change
//! records it in its own transaction, and a key seen before is refused.

use sqlx::AnyConnection;

/// How long a key is remembered: far longer than a form stays open.
const KEPT_FOR_SECONDS: i64 = 30 * 24 * 3600;

/// Why a submission is refused before anything is changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// No key, or not one the shop makes: the page is older than the form.
    NoKey,
    /// This very submission was applied before.
    Replayed,
}

impl Refused {
    pub fn message(self) -> &'static str {
        match self {
            Refused::NoKey => "This form is out of date: reload the page and try again.",
            Refused::Replayed => {
                "This change was already made once, so it was not made again. The figures shown are up to date."
            }
        }
    }
}

/// Records `key` on the caller's transaction, so that the change made in it happens once.
pub async fn claim(
    conn: &mut AnyConnection,
    key: &str,
    now: i64,
) -> Result<Result<(), Refused>, sqlx::Error> {
    if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Err(Refused::NoKey));
    }
    let stored = sqlx::query(
        "INSERT INTO form_submissions (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key.to_ascii_lowercase())
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(if stored == 1 {
        Ok(())
    } else {
        Err(Refused::Replayed)
    })
}

/// Forgets keys older than any open form; returns how many went.
pub async fn purge(pool: &sqlx::AnyPool, now: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM form_submissions WHERE at < $1")
        .bind(now - KEPT_FOR_SECONDS)
        .execute(pool)
        .await?
        .rows_affected())
}
