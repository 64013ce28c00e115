//! The cart: kept in the browser, priced by the shared rules, checked by the server.

pub mod api;
pub mod model;
pub mod pages;
pub mod store;

#[cfg(feature = "ssr")]
pub mod pricing_service;
