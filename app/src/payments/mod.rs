//! Payments: card details checks, the provider interfaces, the providers the shop runs with,
//! Stripe for cards, and the test-mode gateway.

pub mod card;
pub mod gateway;
pub mod paypal_page;
pub mod providers;
pub mod stripe_js;
pub mod test_cards;

#[cfg(feature = "ssr")]
pub mod paypal;
#[cfg(feature = "ssr")]
pub mod secrets;
#[cfg(feature = "ssr")]
pub mod stripe;
#[cfg(feature = "ssr")]
pub mod test_gateway;
