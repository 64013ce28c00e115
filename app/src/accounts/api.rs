//! Account server functions. Each one finds out who is asking through `identity::session`;
//! none trusts anything else the browser says about identity. Password guessing, sign-up floods
//! and account probing are held off here: see `throttle` for the limits.

use super::model::{Customer, LinkInfo};
use crate::error::AppError;
use crate::forms::FormResult;
use crate::wire::Postcard;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{auth, email, links, model, repo, return_to::return_path},
    crate::client::client_address,
    crate::forms::{needs_correcting, FieldErrors},
    crate::identity::session::{self, caller, request_cookie, request_token, require_customer},
    crate::mail::queue,
    crate::shop::server_state,
    crate::throttle::{self, store as limits},
};

/// How long a sign-up link works.
#[cfg(feature = "ssr")]
const SIGN_UP_LINK_LIFETIME_SECS: i64 = 24 * 60 * 60;

#[cfg(feature = "ssr")]
async fn hash(password: String) -> Result<String, AppError> {
    // Hashing is deliberately slow: keep it off the async workers.
    tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(|_| AppError::Unavailable)?
        .map_err(|_| AppError::Unavailable)
}

#[cfg(feature = "ssr")]
async fn verify(password: String, hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || auth::verify_password_or_not(&password, hash.as_deref()))
        .await
        .map_err(|_| AppError::Unavailable)
}

#[server(output = Postcard)]
pub async fn current_customer() -> Result<Option<Customer>, AppError> {
    caller().await
}

/// Starts a sign-up. The answer never says whether the address already has an account: a new
/// address gets the link that finishes its account, an existing one a note to its owner.
#[server(output = Postcard)]
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
    let state = server_state()?;
    let client = client_address().subject();
    let too_many = |minutes| {
        format!(
            "Too many sign-ups from your network. Try again in {minutes} minutes, or contact us."
        )
    };
    if let Err(message) = limits::take_or_explain(
        &state.db.pool,
        &throttle::SIGN_UP_PER_CLIENT,
        &client,
        too_many,
    )
    .await?
    {
        return needs_correcting(FieldErrors::single("email", &message), &typed);
    }
    let flooded = |minutes| {
        format!("We have already sent several messages to this address. Check your inbox (and spam folder), or try again in {minutes} minutes.")
    };
    if let Err(message) = limits::take_or_explain(
        &state.db.pool,
        &throttle::SIGN_UP_PER_EMAIL,
        sign_up.email.as_str(),
        flooded,
    )
    .await?
    {
        return needs_correcting(FieldErrors::single("email", &message), &typed);
    }
    // Hashed whether or not the address is taken: both answers take the same time.
    let password_hash = hash(sign_up.password.clone()).await?;
    let registered = repo::find_by_email(&state.db.pool, &sign_up.email)
        .await?
        .is_some();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let public = &state.store.public_url;
    let message = if registered {
        email::already_registered(
            sign_up.email.as_str(),
            &format!("{public}/account/sign-in"),
            &state.store,
        )
    } else {
        let (token, digest) = crate::tokens::new_token();
        let pending = repo::PendingSignUp {
            email: sign_up.email.to_string(),
            name: sign_up.name.clone(),
            password_hash,
            return_to: return_path(next.as_deref()),
        };
        repo::save_pending_sign_up(
            &mut tx,
            &digest,
            &pending,
            state.clock.unix() + SIGN_UP_LINK_LIFETIME_SECS,
        )
        .await?;
        email::confirm_sign_up(
            sign_up.email.as_str(),
            &sign_up.name,
            &format!("{public}/account/confirm?token={token}"),
            &state.store,
        )
    };
    queue::enqueue(&mut tx, &message, state.clock.unix()).await?;
    tx.commit().await?;
    leptos_axum::redirect("/account/check-email");
    Ok(FormResult::Done)
}

/// Finishes a sign-up from the link in its e-mail: creates the account and signs in.
#[server(output = Postcard)]
pub async fn confirm_sign_up(token: String) -> Result<FormResult, AppError> {
    let state = server_state()?;
    let completion = repo::complete_sign_up(
        &state.db.pool,
        &crate::tokens::token_digest(token.trim()),
        state.clock.unix(),
    )
    .await?;
    match completion {
        repo::SignUpCompletion::Created {
            customer,
            return_to,
        } => {
            session::start(&state, customer.id).await?;
            leptos_axum::redirect(&return_to);
            Ok(FormResult::Done)
        }
        repo::SignUpCompletion::Taken => needs_correcting(
            FieldErrors::single(
                "token",
                "This address already has an account: sign in with it instead.",
            ),
            &[],
        ),
        repo::SignUpCompletion::LinkInvalid => needs_correcting(
            FieldErrors::single(
                "token",
                "This link has expired or was already used. Sign up again to get a new one.",
            ),
            &[],
        ),
    }
}

#[server(output = Postcard)]
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
    let state = server_state()?;
    let pool = &state.db.pool;
    let slow_down = |minutes| {
        format!("Too many failed sign-ins. Try again in {minutes} minutes, or contact us.")
    };
    // Each try is counted before the password is checked, so concurrent guesses cannot slip
    // past a limit; a sign-in that succeeds gives its tries back.
    let client = client_address().subject();
    if let Err(message) = limits::take_or_explain(
        &state.db.pool,
        &throttle::SIGN_IN_PER_CLIENT,
        &client,
        slow_down,
    )
    .await?
    {
        return needs_correcting(FieldErrors::single("password", &message), &typed);
    }
    let browser = match request_cookie(auth::KNOWN_BROWSER_COOKIE) {
        Some(token) => {
            let digest = crate::tokens::token_digest(&token);
            repo::is_known_browser(pool, &digest, &email, state.clock.unix())
                .await?
                .then_some(digest)
        }
        None => None,
    };
    let (account_limit, account_subject) = match &browser {
        Some(digest) => (
            &throttle::SIGN_IN_PER_KNOWN_BROWSER,
            format!("{email}:{digest}"),
        ),
        None => (&throttle::SIGN_IN_PER_ACCOUNT, email.to_string()),
    };
    if let Err(message) =
        limits::take_or_explain(&state.db.pool, account_limit, &account_subject, slow_down).await?
    {
        return needs_correcting(FieldErrors::single("password", &message), &typed);
    }
    let found = repo::find_by_email(pool, &email).await?;
    let (customer, hash) = found.map_or((None, None), |(c, h)| (Some(c), Some(h)));
    let verified = verify(password, hash).await?;
    let Some(customer) = customer.filter(|_| verified) else {
        return needs_correcting(
            FieldErrors::single(
                "password",
                "That e-mail address and password don't match an account.",
            ),
            &typed,
        );
    };
    limits::give_back(pool, &throttle::SIGN_IN_PER_CLIENT, &client).await?;
    limits::give_back(pool, account_limit, &account_subject).await?;
    session::start(&state, customer.id).await?;
    leptos_axum::redirect(&return_path(next.as_deref()));
    Ok(FormResult::Done)
}

#[server(output = Postcard)]
pub async fn sign_out() -> Result<(), AppError> {
    session::end(&server_state()?).await?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(output = Postcard)]
pub async fn change_password(
    current: String,
    new_password: String,
) -> Result<FormResult, AppError> {
    let customer = require_customer().await?;
    let state = server_state()?;
    let client = client_address().subject();
    let slow_down =
        |minutes| format!("Too many tries. Try again in {minutes} minutes, or contact us.");
    if let Err(message) = limits::take_or_explain(
        &state.db.pool,
        &throttle::PASSWORD_CHANGE_PER_CLIENT,
        &client,
        slow_down,
    )
    .await?
    {
        return needs_correcting(FieldErrors::single("current", &message), &[]);
    }
    let pool = &state.db.pool;
    let stored = repo::password_hash(pool, customer.id).await?;
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
        pool,
        customer.id,
        &password_hash,
        &crate::tokens::token_digest(&token),
    )
    .await?;
    Ok(FormResult::Done)
}

/// Sends a link for choosing a new password to the address, if it has an account. The answer
/// is the same either way, so the form cannot be used to find out who has an account.
#[server(output = Postcard)]
pub async fn request_password_reset(email: String) -> Result<FormResult, AppError> {
    let typed = [("email", email.as_str())];
    let address = match model::Email::parse(&email) {
        Ok(address) => address,
        Err(message) => return needs_correcting(FieldErrors::single("email", message), &typed),
    };
    let state = server_state()?;
    let client = client_address().subject();
    let too_many = |minutes| {
        format!(
            "Too many requests from your network. Try again in {minutes} minutes, or contact us."
        )
    };
    if let Err(message) = limits::take_or_explain(
        &state.db.pool,
        &throttle::PASSWORD_RESET_PER_CLIENT,
        &client,
        too_many,
    )
    .await?
    {
        return needs_correcting(FieldErrors::single("email", &message), &typed);
    }
    let flooded = |minutes| {
        format!("We have already sent several links to this address. Check your inbox (and spam folder), or try again in {minutes} minutes.")
    };
    if let Err(message) = limits::take_or_explain(
        &state.db.pool,
        &throttle::PASSWORD_RESET_PER_EMAIL,
        address.as_str(),
        flooded,
    )
    .await?
    {
        return needs_correcting(FieldErrors::single("email", &message), &typed);
    }
    let registered = repo::find_by_email(&state.db.pool, &address)
        .await?
        .is_some();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    if registered {
        let token = links::issue(
            &mut tx,
            &address,
            model::LinkPurpose::ResetPassword,
            state.clock.unix(),
            links::RESET_LIFETIME_SECS,
        )
        .await?;
        let link = format!(
            "{}/account/set-password?token={token}",
            state.store.public_url
        );
        let message = email::reset_password(address.as_str(), &link, &state.store);
        queue::enqueue(&mut tx, &message, state.clock.unix()).await?;
    }
    tx.commit().await?;
    leptos_axum::redirect("/account/check-email?for=reset");
    Ok(FormResult::Done)
}

#[cfg(feature = "ssr")]
const LINK_INVALID: &str =
    "This link has expired or was already used. Ask for a new one: links work once, for a limited time.";

/// What the one-time link with this token is for, if it still works.
#[server(output = Postcard)]
pub async fn one_time_link(token: String) -> Result<LinkInfo, AppError> {
    let state = server_state()?;
    links::look_up(&state.db.pool, token.trim(), state.clock.unix())
        .await?
        .ok_or_else(|| AppError::InvalidInput(LINK_INVALID.into()))
}

/// Uses a one-time link: sets the password (and, for a new staff member, the name), ends the
/// account's other sessions and signs this browser in.
#[server(output = Postcard)]
pub async fn use_one_time_link(
    token: String,
    name: Option<String>,
    password: String,
) -> Result<FormResult, AppError> {
    let typed = [("name", name.as_deref().unwrap_or_default())];
    let mut errors = FieldErrors::default();
    let name = match name.as_deref().map(model::check_name) {
        Some(Ok(name)) => Some(name.to_owned()),
        Some(Err(message)) => {
            errors.add("name", message);
            None
        }
        None => None,
    };
    if let Err(message) = model::check_new_password(&password) {
        errors.add("password", message);
    }
    if !errors.is_empty() {
        return needs_correcting(errors, &typed);
    }
    let state = server_state()?;
    let password_hash = hash(password).await?;
    let redemption = links::redeem(
        &state.db.pool,
        token.trim(),
        name.as_deref(),
        &password_hash,
        state.clock.unix(),
    )
    .await?;
    match redemption {
        links::Redemption::Done(account) => {
            session::start(&state, account.id).await?;
            leptos_axum::redirect(if account.role.is_staff() {
                "/admin"
            } else {
                "/account"
            });
            Ok(FormResult::Done)
        }
        links::Redemption::NameNeeded => {
            needs_correcting(FieldErrors::single("name", "Enter your name."), &typed)
        }
        links::Redemption::LinkInvalid => {
            needs_correcting(FieldErrors::single("token", LINK_INVALID), &typed)
        }
    }
}
