//! Housekeeping (server only): what has expired is deleted, so old sessions, links, grants
//! counters and mail neither pile up nor linger as something to steal.

use crate::db::Db;
use time::OffsetDateTime;

/// Deletes expired sessions, known browsers, sign-up links, guest order grants and spent
/// rate-limit counters, keys of forms sent long ago, expired order links, and the envelopes of mail sent long ago; returns how many rows went.
pub async fn purge_expired(db: &Db, now: OffsetDateTime) -> Result<u64, sqlx::Error> {
    let unix = now.unix_timestamp();
    Ok(crate::accounts::repo::purge_expired(&db.pool, unix).await?
        + crate::orders::grants::purge_expired_grants(&db.pool, unix).await?
        + crate::throttle::store::purge(&db.pool, now).await?
        + crate::mail::queue::purge_sent(&db.pool, unix).await?
        + crate::forms::once::purge(&db.pool, unix).await?
        + crate::orders::links::purge(&db.pool, unix).await?)
}
