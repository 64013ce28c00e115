//! Account server functions. Each one finds out who is asking from the session cookie; none
//! trusts anything else the browser says about identity.

use super::model::Customer;
use crate::error::AppError;
use crate::forms::FormResult;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{auth, model, repo},
    crate::forms::{needs_correcting, FieldErrors},
    crate::shop::server_state,
    axum::http::{header, HeaderValue},
    time::OffsetDateTime,
};

#[cfg(feature = "ssr")]
fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// The token in cookie `name` sent with this request, if any.
#[cfg(feature = "ssr")]
pub(crate) fn request_cookie(name: &str) -> Option<String> {
    let parts = use_context::<axum::http::request::Parts>()?;
    let header = parts.headers.get(header::COOKIE)?.to_str().ok()?;
    auth::token_from_cookie_header(header, name)
}

/// The session token sent with this request, if any.
#[cfg(feature = "ssr")]
fn request_token() -> Option<String> {
    request_cookie(auth::SESSION_COOKIE)
}

#[cfg(feature = "ssr")]
pub(crate) fn set_cookie(value: String) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&value),
    ) {
        response.append_header(header::SET_COOKIE, value);
    }
}

/// The signed-in customer making this request, if any.
#[cfg(feature = "ssr")]
pub async fn signed_in() -> Result<Option<Customer>, AppError> {
    let Some(token) = request_token() else {
        return Ok(None);
    };
    let db = server_state()?.db;
    Ok(repo::session_customer(&db.pool, &auth::token_digest(&token), now()).await?)
}

#[cfg(feature = "ssr")]
async fn start_session(customer_id: i64) -> Result<(), AppError> {
    let state = server_state()?;
    let (token, digest) = auth::new_session_token();
    let now = now();
    repo::create_session(
        &state.db.pool,
        &digest,
        customer_id,
        now,
        now + auth::SESSION_LIFETIME_SECS,
    )
    .await?;
    set_cookie(auth::session_cookie(&token, state.secure_cookies));
    Ok(())
}

#[cfg(feature = "ssr")]
async fn hash(password: String) -> Result<String, AppError> {
    // Hashing is deliberately slow: keep it off the async workers.
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|_| AppError::Unavailable)?
        .map_err(|_| AppError::Unavailable)
}

#[cfg(feature = "ssr")]
async fn verify(password: String, hash: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|_| AppError::Unavailable)
}

#[server]
pub async fn current_customer() -> Result<Option<Customer>, AppError> {
    signed_in().await
}

#[server]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    next: Option<String>,
) -> Result<FormResult, AppError> {
    let typed = [("name", name.as_str()), ("email", email.as_str())];
    let sign_up = match model::SignUp::validate(&name, &email, &password) {
        Ok(sign_up) => sign_up,
        Err(errors) => return needs_correcting(errors, &typed),
    };
    let db = server_state()?.db;
    let password_hash = hash(sign_up.password.clone()).await?;
    let Some(customer) = repo::create_customer(&db.pool, &sign_up, &password_hash, now()).await?
    else {
        return needs_correcting(
            FieldErrors::single(
                "email",
                "An account with this e-mail address already exists. Sign in instead.",
            ),
            &typed,
        );
    };
    start_session(customer.id).await?;
    leptos_axum::redirect(model::return_path(next.as_deref()));
    Ok(FormResult::Done)
}

#[server]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<FormResult, AppError> {
    let typed_email = email;
    let typed = [("email", typed_email.as_str())];
    let Ok(email) = model::Email::parse(&typed_email) else {
        return needs_correcting(
            FieldErrors::single("email", "Enter an e-mail address like name@example.com."),
            &typed,
        );
    };
    let db = server_state()?.db;
    let now = now();
    let failures =
        repo::failed_sign_ins_since(&db.pool, &email, now - model::FAILED_SIGN_IN_WINDOW_SECS)
            .await?;
    if let Some(wait) = model::sign_in_wait(&failures, now) {
        let minutes = (wait + 59) / 60;
        return needs_correcting(
            FieldErrors::single(
                "password",
                &format!("Too many failed sign-ins for this address. Try again in {minutes} minutes, or contact us."),
            ),
            &typed,
        );
    }
    let found = repo::find_by_email(&db.pool, &email).await?;
    let verified = match found {
        Some((customer, hash)) => verify(password, hash).await?.then_some(customer),
        None => None,
    };
    let Some(customer) = verified else {
        repo::record_failed_sign_in(&db.pool, &email, now).await?;
        return needs_correcting(
            FieldErrors::single(
                "password",
                "That e-mail address and password don't match an account.",
            ),
            &typed,
        );
    };
    repo::clear_failed_sign_ins(&db.pool, &email).await?;
    start_session(customer.id).await?;
    leptos_axum::redirect(model::return_path(next.as_deref()));
    Ok(FormResult::Done)
}

#[server]
pub async fn sign_out() -> Result<(), AppError> {
    let state = server_state()?;
    if let Some(token) = request_token() {
        repo::delete_session(&state.db.pool, &auth::token_digest(&token)).await?;
    }
    set_cookie(auth::expired_cookie(state.secure_cookies));
    leptos_axum::redirect("/");
    Ok(())
}

#[server]
pub async fn change_password(
    current: String,
    new_password: String,
) -> Result<FormResult, AppError> {
    let Some(customer) = signed_in().await? else {
        return Err(AppError::SignInRequired);
    };
    let db = server_state()?.db;
    let stored = repo::password_hash(&db.pool, customer.id)
        .await?
        .unwrap_or_default();
    if !verify(current, stored).await? {
        return needs_correcting(
            FieldErrors::single("current", "Your current password is not right."),
            &[],
        );
    }
    if let Err(message) = model::check_new_password(&new_password) {
        return needs_correcting(FieldErrors::single("new_password", message), &[]);
    }
    let token = request_token().unwrap_or_default();
    let password_hash = hash(new_password).await?;
    repo::change_password(
        &db.pool,
        customer.id,
        &password_hash,
        &auth::token_digest(&token),
    )
    .await?;
    Ok(FormResult::Done)
}
