//! Customer accounts: sign up, sign in and out, change password; sessions in the database.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod repo;
