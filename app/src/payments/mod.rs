//! Payments: card details checks today; the gateway interface arrives with checkout.

pub mod card;
