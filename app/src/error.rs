//! The application's error type, shared by server functions and pages.
//!
//! Every failure a shopper can meet is one variant here, and its `Display` is the message the
//! shopper reads: the one place errors become user-facing text. Internal details (SQL errors,
//! I/O) are logged on the server and never sent to the browser.

use crate::wire::PostcardEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum AppError {
    #[error("We couldn't find what you were looking for. It may have moved or sold out for good.")]
    NotFound,
    #[error("{0}")]
    InvalidInput(String),
    #[error("Please sign in to continue.")]
    SignInRequired,
    #[error("Your account can't open this. If your work needs it, ask the shop's admin.")]
    NotAllowed,
    #[error("The shop is having trouble right now. Please try again in a moment; if it keeps happening, contact us.")]
    Unavailable,
    #[error("We couldn't reach the shop. Check your connection and try again.")]
    Network,
    #[error("Some details need correcting: see the messages by the fields.")]
    NeedsCorrecting(crate::forms::fields::FormCorrections),
    #[error("The shop is very busy right now and couldn't take your request in time. Nothing was charged: please try again in a minute.")]
    Busy,
    #[error("Too many tries in a short time. Please wait {minutes} minutes and try again; if you need help sooner, contact us.")]
    TooManyTries { minutes: u64 },
    #[error("We couldn't get an answer from the payment provider. Press Pay again in a moment: you will not be charged twice. If it keeps happening, contact us.")]
    PaymentUnconfirmed,
}

impl FromServerFnError for AppError {
    type Encoder = PostcardEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Network,
            // The parser's own words name internals: log them, tell the shopper what to do.
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                #[cfg(feature = "ssr")]
                tracing::info!(error = %msg, "malformed request");
                #[cfg(not(feature = "ssr"))]
                let _ = msg;
                AppError::InvalidInput(
                    "The form sent was incomplete or out of date. Reload the page and try again."
                        .into(),
                )
            }
            _ => AppError::Unavailable,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The HTTP status a server function's failure is answered with. Server functions answer
    /// every failure with 500; giving each its own status lets logs and monitors tell a
    /// shopper's mistake (4xx) from the shop's trouble (5xx). The browser reads the error from
    /// the body either way.
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::InvalidInput(_) | AppError::NeedsCorrecting(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::SignInRequired => StatusCode::UNAUTHORIZED,
            AppError::NotAllowed => StatusCode::FORBIDDEN,
            AppError::TooManyTries { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy | AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::PaymentUnconfirmed => StatusCode::BAD_GATEWAY,
            // Only the browser makes this one (it could not reach the shop).
            AppError::Network => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        // Waiting for a connection (or for SQLite's write lock) is bounded; past the bound the
        // shop is overloaded, not broken, and says so.
        let busy = matches!(err, sqlx::Error::PoolTimedOut)
            || err
                .as_database_error()
                .is_some_and(|e| e.message().contains("database is locked"));
        if busy {
            tracing::warn!(error = %err, "too busy to answer");
            AppError::Busy
        } else {
            tracing::error!(error = %err, "database error");
            AppError::Unavailable
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_requests_do_not_echo_the_parser() {
        let error = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "invalid digit found in string at line 1 column 7 (SELECT secret)".into(),
        ));
        let message = error.to_string();
        assert!(!message.contains("invalid digit") && !message.contains("SELECT"));
        assert!(message.contains("Reload the page"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn an_overloaded_database_answers_busy_not_broken() {
        assert_eq!(AppError::from(sqlx::Error::PoolTimedOut), AppError::Busy);
        assert!(AppError::Busy.to_string().contains("Nothing was charged"));
        assert_eq!(
            AppError::from(sqlx::Error::RowNotFound),
            AppError::Unavailable
        );
    }
}
