//! The application's error type, shared by server functions and pages.
//!
//! Every failure a shopper can meet is one variant here, and its `Display` is the message the
//! shopper reads: the one place errors become user-facing text. Internal details (SQL errors,
//! I/O) are logged on the server and never sent to the browser.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
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
    #[error("The shop is having trouble right now. Please try again in a moment; if it keeps happening, contact us.")]
    Unavailable,
    #[error("We couldn't reach the shop. Check your connection and try again.")]
    Network,
    #[error("Some details need correcting: see the messages by the fields.")]
    NeedsCorrecting(crate::forms::FormCorrections),
    #[error("We couldn't get an answer from the payment provider. Press Pay again in a moment: you will not be charged twice. If it keeps happening, contact us.")]
    PaymentUnconfirmed,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Network,
            ServerFnErrorErr::Args(msg) | ServerFnErrorErr::MissingArg(msg) => {
                AppError::InvalidInput(format!("The request was incomplete or malformed ({msg})."))
            }
            _ => AppError::Unavailable,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Unavailable
    }
}
