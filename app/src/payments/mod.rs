//! Payments: card details checks, the gateway interface, and the test-mode gateway.

pub mod card;
pub mod gateway;
pub mod paypal_page;
pub mod test_cards;

#[cfg(feature = "ssr")]
pub mod test_gateway;
