//! Stripe as the shop's card provider (server only). The card is typed into Stripe's own
//! field on the checkout page (Stripe.js), which gives the page a token; the server turns the
//! token into a Customer's card and charges it with a PaymentIntent it creates, records and
//! then confirms, so the shop never sees a card number and always knows which PaymentIntent
//! an order is paid by.
//!
//! - `settings`: the keys and addresses, checked at start-up; secrets never print.
//! - `api`: a thin typed client of Stripe's REST API (form-encoded requests, JSON answers).
//! - `declines`: Stripe's refusal codes as the shop's decline reasons.
//! - `gateway`: the `CardGateway` the checkout, settlement and refunds use.
//! - `signature`: the `Stripe-Signature` check and the events' envelope, for the webhook.

pub mod api;
pub mod declines;
pub mod gateway;
pub mod settings;
pub mod signature;
