//! The session cookie and the guards (server only). Every server function finds out who is
//! asking here, and nowhere else: `caller` for pages that serve guests too,
//! `require_customer` for a signed-in shopper's own things, `require_role` for staff work.

use crate::accounts::{auth, model::Customer, repo};
use crate::error::AppError;
use crate::identity::Role;
use crate::shop::{server_state, ServerState};
use axum::http::{header, HeaderMap, HeaderValue};
use leptos::prelude::*;

/// The token in cookie `base` (by the name it goes by on this shop) among `headers`.
fn cookie_in(headers: &HeaderMap, base: &str, secure: bool) -> Option<String> {
    let header = headers.get(header::COOKIE)?.to_str().ok()?;
    auth::token_from_cookie_header(header, &auth::cookie_name(base, secure))
}

/// The token in cookie `base` sent with this request.
pub fn request_cookie(base: &str) -> Option<String> {
    let secure = server_state().ok()?.secure_cookies;
    let parts = use_context::<axum::http::request::Parts>()?;
    cookie_in(&parts.headers, base, secure)
}

/// Adds a `Set-Cookie` header to this request's answer.
pub fn set_cookie(value: String) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&value),
    ) {
        response.append_header(header::SET_COOKIE, value);
    }
}

/// The session token sent with this request, if any.
pub fn request_token() -> Option<String> {
    request_cookie(auth::SESSION_COOKIE)
}

async fn account_with_token(
    state: &ServerState,
    token: &str,
) -> Result<Option<Customer>, AppError> {
    Ok(repo::session_customer(
        &state.db.pool,
        &crate::tokens::token_digest(token),
        state.clock.unix(),
    )
    .await?)
}

/// The signed-in account making this request, if any.
pub async fn caller() -> Result<Option<Customer>, AppError> {
    let Some(token) = request_token() else {
        return Ok(None);
    };
    account_with_token(&server_state()?, &token).await
}

/// The signed-in account sending `headers`, for the router's own checks, which run before
/// any server function (see `require_role_for_path`).
pub async fn account_from_headers(
    state: &ServerState,
    headers: &HeaderMap,
) -> Result<Option<Customer>, AppError> {
    match cookie_in(headers, auth::SESSION_COOKIE, state.secure_cookies) {
        Some(token) => account_with_token(state, &token).await,
        None => Ok(None),
    }
}

/// The router's check of a request to a staff server function (`role::required_role`): the
/// account's role must include the one the address needs. Every server function checks
/// again; this one also stands for functions added later.
pub async fn require_role_for_path(
    state: &ServerState,
    path: &str,
    headers: &HeaderMap,
) -> Result<(), AppError> {
    let Some(needed) = super::role::required_role(path) else {
        return Ok(());
    };
    match account_from_headers(state, headers).await? {
        Some(account) if account.role.includes(needed) => Ok(()),
        Some(_) => Err(AppError::NotAllowed),
        None => Err(AppError::SignInRequired),
    }
}

/// The signed-in account making this request; anyone else is asked to sign in.
pub async fn require_customer() -> Result<Customer, AppError> {
    caller().await?.ok_or(AppError::SignInRequired)
}

/// The signed-in account making this request if its role includes `needed`. A visitor is
/// asked to sign in; an account with a lesser role is refused.
pub async fn require_role(needed: Role) -> Result<Customer, AppError> {
    let customer = require_customer().await?;
    if customer.role.includes(needed) {
        Ok(customer)
    } else {
        Err(AppError::NotAllowed)
    }
}

/// Signs this browser in as `customer_id`: ends any session it had (a planted or shared
/// session never outlives a sign-in), starts a new one, and remembers the browser for the
/// account's sign-in limit.
pub async fn start(state: &ServerState, customer_id: i64) -> Result<(), AppError> {
    let pool = &state.db.pool;
    if let Some(previous) = request_token() {
        repo::delete_session(pool, &crate::tokens::token_digest(&previous)).await?;
    }
    let (token, digest) = crate::tokens::new_token();
    let now = state.clock.unix();
    repo::create_session(
        pool,
        &digest,
        customer_id,
        now,
        now + auth::SESSION_LIFETIME_SECS,
    )
    .await?;
    set_cookie(auth::session_cookie(&token, state.secure_cookies));
    let browser =
        request_cookie(auth::KNOWN_BROWSER_COOKIE).unwrap_or_else(|| crate::tokens::new_token().0);
    repo::remember_browser(
        pool,
        &crate::tokens::token_digest(&browser),
        customer_id,
        now + auth::KNOWN_BROWSER_LIFETIME_SECS,
    )
    .await?;
    set_cookie(auth::token_cookie(
        auth::KNOWN_BROWSER_COOKIE,
        &browser,
        auth::KNOWN_BROWSER_LIFETIME_SECS,
        state.secure_cookies,
    ));
    Ok(())
}

/// Ends this browser's session, if it has one.
pub async fn end(state: &ServerState) -> Result<(), AppError> {
    if let Some(token) = request_token() {
        repo::delete_session(&state.db.pool, &crate::tokens::token_digest(&token)).await?;
    }
    set_cookie(auth::expired_cookie(state.secure_cookies));
    Ok(())
}
