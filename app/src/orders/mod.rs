//! Orders: their life cycle, storage, history, access rules and confirmation e-mail.

pub mod api;
pub mod model;
pub mod pages;
pub mod status;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod repo;
