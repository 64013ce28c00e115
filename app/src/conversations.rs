//! Conversations between a shopper and staff (server only), kept alike for support tickets and
//! warranty claims: their messages, their photos, and the private keys that open one without
//! an account (each e-mail carries a key of its own; the database keeps only its digest).

use crate::photos::uploads::{DraftKey, UNTAKEN};
use crate::support::TicketMessage;
use crate::tokens::{new_token, token_digest};
use sqlx::{AnyConnection, AnyPool, Row};

/// What a conversation belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thread {
    Ticket,
    Claim,
}

/// A thread's tables: its own, its messages', its keys', and the column naming it in both.
struct Tables {
    parent: &'static str,
    messages: &'static str,
    keys: &'static str,
    column: &'static str,
}

impl Thread {
    fn tables(self) -> Tables {
        match self {
            Thread::Ticket => Tables {
                parent: "tickets",
                messages: "ticket_messages",
                keys: "ticket_keys",
                column: "ticket_id",
            },
            Thread::Claim => Tables {
                parent: "warranty_claims",
                messages: "claim_messages",
                keys: "claim_keys",
                column: "claim_id",
            },
        }
    }
}

/// The messages of `thread` `id`, oldest first.
pub async fn messages(
    conn: &mut AnyConnection,
    thread: Thread,
    id: i64,
) -> Result<Vec<TicketMessage>, sqlx::Error> {
    let t = thread.tables();
    sqlx::query(&format!(
        "SELECT from_staff, author_name, body, at FROM {} WHERE {} = $1 ORDER BY at, id",
        t.messages, t.column
    ))
    .bind(id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|m| {
        Ok(TicketMessage {
            from_staff: m.try_get::<i64, _>("from_staff")? == 1,
            author: m.try_get("author_name")?,
            body: m.try_get("body")?,
            at: m.try_get("at")?,
        })
    })
    .collect()
}

/// Adds a message to `thread` `id`: from the shopper when `staff` is `None`, otherwise from
/// that staff member's account. The thread's time moves on.
pub async fn add_message(
    tx: &mut AnyConnection,
    thread: Thread,
    id: i64,
    staff: Option<i64>,
    author: &str,
    body: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let t = thread.tables();
    sqlx::query(&format!(
        "INSERT INTO {} ({}, from_staff, staff_id, author_name, body, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        t.messages, t.column
    ))
    .bind(id)
    .bind(i64::from(staff.is_some()))
    .bind(staff)
    .bind(author)
    .bind(body)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "UPDATE {} SET updated_at = $1 WHERE id = $2",
        t.parent
    ))
    .bind(now)
    .bind(id)
    .execute(tx)
    .await?;
    Ok(())
}

/// Makes a new private key for `thread` `id` and returns it: only the e-mail carrying it
/// knows it.
pub async fn issue_key(
    tx: &mut AnyConnection,
    thread: Thread,
    id: i64,
    now: i64,
) -> Result<String, sqlx::Error> {
    let t = thread.tables();
    let (key, digest) = new_token();
    sqlx::query(&format!(
        "INSERT INTO {} (key_hash, {}, created_at) VALUES ($1, $2, $3)",
        t.keys, t.column
    ))
    .bind(digest)
    .bind(id)
    .bind(now)
    .execute(tx)
    .await?;
    Ok(key)
}

/// `found` (a ticket or a claim, `ids` naming it and its account) if whoever asks may open it:
/// its account, or one of its private `key`s. Anyone else is told it does not exist, as is a
/// number nothing has.
pub async fn if_readable<T>(
    pool: &AnyPool,
    thread: Thread,
    found: Option<T>,
    ids: impl Fn(&T) -> (i64, Option<i64>),
    key: Option<&str>,
) -> Result<T, crate::error::AppError> {
    use crate::error::AppError;
    let found = found.ok_or(AppError::NotFound)?;
    let me = crate::identity::session::caller().await?.map(|c| c.id);
    let (id, owner) = ids(&found);
    if opens(pool, thread, id, owner, me, key).await? {
        Ok(found)
    } else {
        Err(AppError::NotFound)
    }
}

/// Whether someone signed in as `me` (if anyone) and holding `key` (if any) may read
/// `thread` `id`, which belongs to account `owner` (none for a guest's): its own account, or
/// one of its private keys.
pub async fn opens(
    pool: &AnyPool,
    thread: Thread,
    id: i64,
    owner: Option<i64>,
    me: Option<i64>,
    key: Option<&str>,
) -> Result<bool, sqlx::Error> {
    if owner.is_some() && owner == me {
        return Ok(true);
    }
    match key.filter(|k| !k.is_empty()) {
        Some(key) => key_opens(pool, thread, id, key).await,
        None => Ok(false),
    }
}

/// Whether `key` opens `thread` `id`.
async fn key_opens(
    pool: &AnyPool,
    thread: Thread,
    id: i64,
    key: &str,
) -> Result<bool, sqlx::Error> {
    let t = thread.tables();
    let found = sqlx::query(&format!(
        "SELECT 1 AS one FROM {} WHERE key_hash = $1 AND {} = $2",
        t.keys, t.column
    ))
    .bind(token_digest(key))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// Gives `thread` `id` the photos of `draft` that nothing has taken yet; returns how many.
pub async fn attach_photos(
    tx: &mut AnyConnection,
    thread: Thread,
    id: i64,
    draft: &DraftKey,
) -> Result<usize, sqlx::Error> {
    let t = thread.tables();
    let taken = sqlx::query(&format!(
        "UPDATE photos SET {} = $1 WHERE draft_hash = $2 AND {UNTAKEN}",
        t.column
    ))
    .bind(id)
    .bind(draft.digest())
    .execute(tx)
    .await?
    .rows_affected();
    Ok(taken as usize)
}

/// The photos of `thread` `id`, in the order they were added.
pub async fn photos(
    conn: &mut AnyConnection,
    thread: Thread,
    id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let t = thread.tables();
    sqlx::query(&format!(
        "SELECT id FROM photos WHERE {} = $1 ORDER BY seq",
        t.column
    ))
    .bind(id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect()
}

/// A photo's conversation: which thread took it, and that thread's account (none for a
/// guest's).
pub struct PhotoOwner {
    pub thread: Thread,
    pub id: i64,
    pub account: Option<i64>,
}

/// Who photo `photo` belongs to; `None` while no thread has taken it.
pub async fn photo_owner(pool: &AnyPool, photo: &str) -> Result<Option<PhotoOwner>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT p.claim_id, p.ticket_id, c.customer_id AS claim_account, \
         t.customer_id AS ticket_account FROM photos p \
         LEFT JOIN warranty_claims c ON c.id = p.claim_id \
         LEFT JOIN tickets t ON t.id = p.ticket_id WHERE p.id = $1",
    )
    .bind(photo)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let claim: Option<i64> = row.try_get("claim_id")?;
    let ticket: Option<i64> = row.try_get("ticket_id")?;
    Ok(match (claim, ticket) {
        (Some(id), _) => Some(PhotoOwner {
            thread: Thread::Claim,
            id,
            account: row.try_get("claim_account")?,
        }),
        (None, Some(id)) => Some(PhotoOwner {
            thread: Thread::Ticket,
            id,
            account: row.try_get("ticket_account")?,
        }),
        (None, None) => None,
    })
}
