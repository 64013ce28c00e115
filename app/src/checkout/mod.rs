//! Checkout: the form (contact, address, shipping, code, payment), its checks, and the
//! server's one way of turning a cart into a paid order.

pub mod address;
mod address_fields;
pub mod address_formats;
pub mod api;
pub mod draft;
mod fields;
pub mod model;
pub mod pages;
pub mod paypal_return;

#[cfg(feature = "ssr")]
pub mod paypal_events;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod stripe_events;
#[cfg(feature = "ssr")]
pub mod webhook_events;
