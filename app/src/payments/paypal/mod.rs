//! PayPal as a redirect provider through PayPal's REST API, Orders v2 (server only). Work in
//! progress for issue 27: so far its settings, and the order the shop asks PayPal to create
//! (`order_request`), checked against PayPal's own OpenAPI documents by
//! `app/tests/paypal_contract.rs`.

pub mod order_request;
pub mod settings;
