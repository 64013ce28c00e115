//! Customer accounts: sign up (finished through an e-mailed link), sign in and out, change
//! password, forgotten password (an e-mailed one-time link); sessions in the database.

pub mod api;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod links;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod return_to;
