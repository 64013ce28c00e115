//! Receiving one shopper photo (for a warranty claim or a delivery-problem report). The body
//! streams into a scratch file (never whole into memory), refused as soon as its first bytes
//! are not a picture or its size passes a limit; then it is decoded, cleaned and stored
//! (`images`, `storage`). A photo belongs to the shopper's draft (a random key the form
//! holds) until a claim or a ticket takes it (`conversations::attach_photos`). Its row is
//! written before its files, so no failure leaves a file the cleanup cannot find.

use super::images;
use super::rules::{PhotoFormat, PhotoRefusal, MAX_PHOTOS};
use super::storage::{PhotoStore, Size, StorageError};
use crate::tokens::{random_hex, token_digest};
use bytes::Bytes;
use futures::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, Row};
use std::io::Write;
use thiserror::Error;

/// The condition on a `photos` row that no claim or ticket has taken it yet.
pub const UNTAKEN: &str = "claim_id IS NULL AND ticket_id IS NULL";

/// The draft key a claim form makes for its photos: 32 hex digits (128 random bits), kept
/// only as a digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftKey(String);

impl DraftKey {
    pub fn parse(raw: &str) -> Option<DraftKey> {
        let raw = raw.trim();
        (raw.len() == 32 && raw.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| DraftKey(raw.to_ascii_lowercase()))
    }

    pub fn digest(&self) -> String {
        token_digest(&self.0)
    }
}

/// A photo taken into a draft, as the form shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uploaded {
    pub id: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Error)]
pub enum UploadError {
    #[error(transparent)]
    Refused(#[from] PhotoRefusal),
    #[error("The photo did not arrive whole. Try it again.")]
    Interrupted,
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("scratch file: {0}")]
    Scratch(#[from] std::io::Error),
}

/// A scratch file, removed when dropped whatever happened.
struct Scratch {
    path: std::path::PathBuf,
    file: std::fs::File,
}

impl Scratch {
    fn create() -> std::io::Result<Scratch> {
        let path = std::env::temp_dir().join(format!("picture-upload-{}", random_hex(16)));
        let file = std::fs::File::create_new(&path)?;
        Ok(Scratch { path, file })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// How many photos the draft holds, and their bytes as uploaded.
async fn draft_usage(pool: &AnyPool, draft: &DraftKey) -> Result<(usize, u64), sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT COUNT(*) AS photos, CAST(COALESCE(SUM(upload_size), 0) AS BIGINT) AS bytes \
         FROM photos WHERE draft_hash = $1 AND {UNTAKEN}"
    ))
    .bind(draft.digest())
    .fetch_one(pool)
    .await?;
    let photos: i64 = row.try_get("photos")?;
    let bytes: i64 = row.try_get("bytes")?;
    Ok((photos as usize, bytes as u64))
}

/// Takes the photo `name` streaming in as `body` into `draft`.
pub async fn receive<E>(
    pool: &AnyPool,
    photos: &PhotoStore,
    draft: &DraftKey,
    name: &str,
    body: impl Stream<Item = Result<Bytes, E>> + Unpin,
    now: i64,
) -> Result<Uploaded, UploadError> {
    let (count, so_far) = draft_usage(pool, draft).await?;
    if count >= MAX_PHOTOS {
        return Err(PhotoRefusal::TooMany.into());
    }
    let (processed, size) = take_picture(photos, name, body, so_far, images::process).await?;
    let id = random_hex(16);
    sqlx::query(
        "INSERT INTO photos (id, draft_hash, file_name, upload_size, stored_size, width, height, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&id)
    .bind(draft.digest())
    .bind(name)
    .bind(size as i64)
    .bind((processed.photo.len() + processed.thumb.len()) as i64)
    .bind(i64::from(processed.width))
    .bind(i64::from(processed.height))
    .bind(now)
    .execute(pool)
    .await?;
    let stored = async {
        photos.put(&id, Size::Full, processed.photo).await?;
        photos.put(&id, Size::Thumb, processed.thumb).await
    };
    if let Err(error) = stored.await {
        // The cleanup would find the row later; tidy up at once.
        let _ = forget(pool, photos, &id).await;
        return Err(error.into());
    }
    Ok(Uploaded {
        id,
        width: processed.width,
        height: processed.height,
    })
}

/// The picture `name` streaming in as `body` (`so_far` bytes already in its draft), checked
/// against the store's limits and handed to `work` (decoding and encoding, CPU-bound) on a
/// blocking thread when a decode permit is free; with the size it arrived at.
pub async fn take_picture<E, T: Send + 'static>(
    photos: &PhotoStore,
    name: &str,
    body: impl Stream<Item = Result<Bytes, E>> + Unpin,
    so_far: u64,
    work: impl FnOnce(&str, PhotoFormat, std::io::BufReader<std::fs::File>) -> Result<T, PhotoRefusal>
        + Send
        + 'static,
) -> Result<(T, u64), UploadError> {
    let (scratch, format, size) = stream_to_scratch(photos, name, body, so_far).await?;
    let permit = photos.decodes.clone().acquire_owned().await;
    let named = name.to_owned();
    let done = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let file = std::fs::File::open(&scratch.path)?;
        Ok::<_, std::io::Error>(work(&named, format, std::io::BufReader::new(file)))
    })
    .await
    .map_err(|_| UploadError::Interrupted)???;
    Ok((done, size))
}

/// Streams `body` into a scratch file, checking the picture's first bytes and the limits as
/// it comes.
async fn stream_to_scratch<E>(
    photos: &PhotoStore,
    name: &str,
    mut body: impl Stream<Item = Result<Bytes, E>> + Unpin,
    claim_so_far: u64,
) -> Result<(Scratch, PhotoFormat, u64), UploadError> {
    const HEAD: usize = 12;
    let mut scratch = Scratch::create()?;
    let mut head = Vec::with_capacity(HEAD);
    let mut size = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|_| UploadError::Interrupted)?;
        size += chunk.len() as u64;
        if head.len() < HEAD {
            let wanted = (HEAD - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..wanted]);
        }
        if head.len() == HEAD {
            photos.limits.check_file(name, &head, size, claim_so_far)?;
        }
        scratch.file.write_all(&chunk)?;
    }
    // A file shorter than the head is checked once whole (and refused: no picture is that small).
    let format = photos.limits.check_file(name, &head, size, claim_so_far)?;
    scratch.file.flush()?;
    Ok((scratch, format, size))
}

/// Removes photo `id`'s row and files.
async fn forget(pool: &AnyPool, photos: &PhotoStore, id: &str) -> Result<(), UploadError> {
    photos.remove(id).await?;
    sqlx::query("DELETE FROM photos WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Removes photo `id` from `draft`, if it is there and no claim has taken it. True if it was.
pub async fn discard(
    pool: &AnyPool,
    photos: &PhotoStore,
    draft: &DraftKey,
    id: &str,
) -> Result<bool, UploadError> {
    let mine = sqlx::query(&format!(
        "SELECT 1 AS one FROM photos WHERE id = $1 AND draft_hash = $2 AND {UNTAKEN}"
    ))
    .bind(id)
    .bind(draft.digest())
    .fetch_optional(pool)
    .await?;
    if mine.is_none() {
        return Ok(false);
    }
    forget(pool, photos, id).await?;
    Ok(true)
}

/// How long an upload waits for its claim before the cleanup removes it.
pub const UNCLAIMED_FOR: i64 = 24 * 60 * 60;

/// Removes the photos no claim took within `UNCLAIMED_FOR` of their upload, files first so
/// that a failure leaves the row for the next round. Returns how many went.
pub async fn remove_unclaimed(
    pool: &AnyPool,
    photos: &PhotoStore,
    now: i64,
) -> Result<usize, UploadError> {
    let stale: Vec<String> = sqlx::query(&format!(
        "SELECT id FROM photos WHERE {UNTAKEN} AND created_at < $1 LIMIT 500"
    ))
    .bind(now - UNCLAIMED_FOR)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|row| row.try_get("id"))
    .collect::<Result<_, _>>()?;
    for id in &stale {
        forget(pool, photos, id).await?;
    }
    Ok(stale.len())
}
