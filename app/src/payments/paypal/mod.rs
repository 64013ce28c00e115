//! PayPal as a redirect provider through PayPal's REST API, Orders v2 (server only): the
//! order the shop asks PayPal to create (`order_request`, checked against PayPal's own OpenAPI
//! documents by `app/tests/paypal_contract.rs`), the API client (`api`), the gateway behind
//! the payment seam (`gateway`), and its settings.

pub mod api;
pub mod gateway;
pub mod order_request;
pub mod settings;
