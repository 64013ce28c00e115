//! Payments: card details checks, the gateway interface, and the test-mode gateway.

pub mod card;
pub mod gateway;

#[cfg(feature = "ssr")]
pub mod test_gateway;
