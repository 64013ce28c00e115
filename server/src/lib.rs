#![recursion_limit = "256"]
//! The storefront's axum server as a library: its configuration, the router and its security
//! layers, response compression, request tracking and health, the payment providers chosen from the settings, and the
//! connection loop. `main.rs` runs it; the route
//! tests in `tests/` drive the same router.

pub mod compress;
pub mod config;
pub mod health;
pub mod providers;
pub mod request_tasks;
pub mod requests;
pub mod routes;
pub mod security;
pub mod serve;
