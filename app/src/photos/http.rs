//! The HTTP side of shopper photos (server only). Uploads are plain requests rather than
//! server functions so that the body streams (and the browser can report its progress): one
//! photo per request, its bytes as the body. Photos are served only to the shopper of the
//! claim or ticket they came with and to staff, and never to a shared cache.

use super::storage::{PhotoStore, Size};
use super::uploads::{self, DraftKey, UploadError};
use super::{DRAFT_HEADER, NAME_HEADER, PHOTO_PATH, UPLOAD_PATH};
use crate::client::ClientAddress;
use crate::conversations;
use crate::identity::session::account_from_headers;
use crate::identity::Role;
use crate::shop::ServerState;
use crate::throttle;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use std::collections::HashMap;

/// Staff and the claim's shopper may keep a photo for a day, and only in their own browser.
const PRIVATE_PICTURE: &str = "private, max-age=86400";

pub fn routes<S: Clone + Send + Sync + 'static>(state: ServerState) -> Router<S> {
    Router::new()
        .route(UPLOAD_PATH, post(upload))
        .route(&format!("{UPLOAD_PATH}/{{id}}"), delete(discard))
        .route(&format!("{PHOTO_PATH}/{{id}}"), get(full))
        .route(&format!("{PHOTO_PATH}/{{id}}/thumb"), get(thumb))
        .with_state(state)
}

pub(crate) fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "error": message.into() });
    (status, Json(body)).into_response()
}

fn draft_of(headers: &HeaderMap) -> Option<DraftKey> {
    headers
        .get(DRAFT_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(DraftKey::parse)
}

/// The file's name as the browser gave it, kept short; "The photo" if none.
pub(crate) fn name_of(headers: &HeaderMap) -> String {
    let raw = headers
        .get(NAME_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let name: String = percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect();
    if name.trim().is_empty() {
        "The photo".into()
    } else {
        name
    }
}

async fn upload(State(state): State<ServerState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Some(draft) = draft_of(&parts.headers) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "Reload the page and add the photo again.",
        );
    };
    let name = name_of(&parts.headers);
    if let Some(refusal) = declared_too_large(&state.photos, &name, &parts.headers) {
        return refusal;
    }
    let client = parts
        .extensions
        .get::<ClientAddress>()
        .copied()
        .unwrap_or(ClientAddress(std::net::Ipv4Addr::UNSPECIFIED.into()));
    let allowed = throttle::store::take_or_explain(
        &state.db.pool,
        &throttle::PHOTOS_PER_CLIENT,
        &client.subject(),
        |minutes| format!("You have sent many photos just now. Try again in {minutes} minutes."),
    )
    .await;
    match allowed {
        Ok(Ok(())) => {}
        Ok(Err(message)) => return refuse(StatusCode::TOO_MANY_REQUESTS, message),
        Err(error) => return failed(error.into()),
    }
    let stream = body.into_data_stream();
    match uploads::receive(
        &state.db.pool,
        &state.photos,
        &draft,
        &name,
        stream,
        state.clock.unix(),
    )
    .await
    {
        Ok(uploaded) => (StatusCode::CREATED, Json(uploaded)).into_response(),
        Err(error) => upload_failed(error),
    }
}

/// A picture whose declared size is over the per-file limit is refused before it is read.
pub(crate) fn declared_too_large(
    photos: &PhotoStore,
    name: &str,
    headers: &HeaderMap,
) -> Option<Response> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let size = declared.filter(|size| *size > photos.limits.per_file)?;
    let refusal = photos.limits.check_file(name, b"", size, 0);
    let message = refusal.err().map(|r| r.to_string()).unwrap_or_default();
    Some(refuse(StatusCode::PAYLOAD_TOO_LARGE, message))
}

/// The answer to an upload that was refused or could not be kept.
pub(crate) fn upload_failed(error: UploadError) -> Response {
    match error {
        UploadError::Refused(refusal) => {
            let status = match refusal {
                super::rules::PhotoRefusal::TooLarge { .. }
                | super::rules::PhotoRefusal::ClaimTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            refuse(status, refusal.to_string())
        }
        UploadError::Interrupted => refuse(
            StatusCode::BAD_REQUEST,
            UploadError::Interrupted.to_string(),
        ),
        error => failed(error),
    }
}

fn failed(error: UploadError) -> Response {
    tracing::error!(%error, "an uploaded picture could not be kept");
    refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "The shop could not keep this photo just now. Try it again in a moment.",
    )
}

async fn discard(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(draft) = draft_of(&headers) else {
        return refuse(StatusCode::BAD_REQUEST, "Reload the page.");
    };
    match uploads::discard(&state.db.pool, &state.photos, &draft, &id).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => refuse(StatusCode::NOT_FOUND, "That photo is not in this form."),
        Err(error) => failed(error),
    }
}

async fn full(
    state: State<ServerState>,
    id: Path<String>,
    key: Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    serve(state, id, key, headers, Size::Full).await
}

async fn thumb(
    state: State<ServerState>,
    id: Path<String>,
    key: Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    serve(state, id, key, headers, Size::Thumb).await
}

async fn serve(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    size: Size,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "no such photo").into_response();
    match may_see(&state, &headers, &id, query.get("key").map(String::as_str)).await {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(error) => {
            tracing::error!(%error, "cannot check who may see a claim photo");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    match state.photos.get(&id, size).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, PRIVATE_PICTURE),
                (header::VARY, "Cookie"),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(error) => failed(error.into()),
    }
}

/// Whether the asker may see photo `id`: staff, or whoever opens the claim or ticket that
/// took it (its account, or one of its private keys). A photo nothing took is nobody's to see.
async fn may_see(
    state: &ServerState,
    headers: &HeaderMap,
    id: &str,
    key: Option<&str>,
) -> Result<bool, crate::error::AppError> {
    let pool = &state.db.pool;
    let Some(owner) = conversations::photo_owner(pool, id).await? else {
        return Ok(false);
    };
    let account = account_from_headers(state, headers).await?;
    if account
        .as_ref()
        .is_some_and(|a| a.role.includes(Role::Support))
    {
        return Ok(true);
    }
    let me = account.map(|a| a.id);
    Ok(conversations::opens(pool, owner.thread, owner.id, owner.account, me, key).await?)
}
