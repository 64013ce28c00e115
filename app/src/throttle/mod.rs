//! Rate limits that protect the shop and its shoppers: password guessing, card testing,
//! sign-up and e-mail floods, promo-code and order-number probing. Each limit counts per
//! client address (see `client`) and, where it matters, per account or e-mail address.

pub mod rule;

#[cfg(feature = "ssr")]
pub mod store;

pub use rule::{minutes_to_wait, Limit};
use std::time::Duration;

const MINUTE: Duration = Duration::from_secs(60);

/// Failed sign-ins for one account from browsers it has not signed in on before: a few, then
/// one a minute. The owner's own browser counts separately, so a stranger's guessing slows
/// the guesser, never locks the owner out.
pub const SIGN_IN_PER_ACCOUNT: Limit = Limit {
    name: "sign-in-account",
    burst: 5,
    every: MINUTE,
};
/// The same account, from a browser that has signed in to it before.
pub const SIGN_IN_PER_KNOWN_BROWSER: Limit = Limit {
    name: "sign-in-known-browser",
    burst: 5,
    every: MINUTE,
};
/// Failed sign-ins from one client address, whichever accounts they try.
pub const SIGN_IN_PER_CLIENT: Limit = Limit {
    name: "sign-in-client",
    burst: 20,
    every: Duration::from_secs(30),
};
/// Sign-ups from one client address (each costs a password hash and an e-mail).
pub const SIGN_UP_PER_CLIENT: Limit = Limit {
    name: "sign-up-client",
    burst: 5,
    every: Duration::from_secs(10 * 60),
};
/// Sign-up e-mails to one address, so nobody can flood a stranger's inbox.
pub const SIGN_UP_PER_EMAIL: Limit = Limit {
    name: "sign-up-email",
    burst: 3,
    every: Duration::from_secs(20 * 60),
};
/// Password-reset requests from one client address (each may cost an e-mail).
pub const PASSWORD_RESET_PER_CLIENT: Limit = Limit {
    name: "password-reset-client",
    burst: 5,
    every: Duration::from_secs(10 * 60),
};
/// Password-reset e-mails to one address, so nobody can flood a stranger's inbox.
pub const PASSWORD_RESET_PER_EMAIL: Limit = Limit {
    name: "password-reset-email",
    burst: 3,
    every: Duration::from_secs(20 * 60),
};
/// Password changes (each checks the current password) per client address.
pub const PASSWORD_CHANGE_PER_CLIENT: Limit = Limit {
    name: "password-change-client",
    burst: 5,
    every: MINUTE,
};
/// Guest order look-ups per client address: order numbers cannot be probed.
pub const ORDER_LOOKUP_PER_CLIENT: Limit = Limit {
    name: "order-lookup-client",
    burst: 10,
    every: MINUTE,
};
/// Promo-code checks per client address: codes cannot be guessed by brute force.
pub const COUPON_CHECK_PER_CLIENT: Limit = Limit {
    name: "coupon-check-client",
    burst: 30,
    every: Duration::from_secs(10),
};
/// Referral-link clicks counted per client address and partner: reloads and bots do not
/// inflate a partner's clicks (the address is only the counter's key).
pub const REFERRAL_CLICKS_PER_CLIENT: Limit = Limit {
    name: "referral-clicks-client",
    burst: 3,
    every: Duration::from_secs(10 * 60),
};
/// Declined card payments per client address: a few an hour, so stolen card numbers cannot
/// be tested here.
pub const DECLINES_PER_CLIENT: Limit = Limit {
    name: "declines-client",
    burst: 3,
    every: Duration::from_secs(20 * 60),
};
/// Declined card payments per contact e-mail address.
pub const DECLINES_PER_EMAIL: Limit = Limit {
    name: "declines-email",
    burst: 3,
    every: Duration::from_secs(20 * 60),
};
/// New tickets (and delivery-problem reports) per client address: each costs an e-mail.
pub const TICKETS_PER_CLIENT: Limit = Limit {
    name: "tickets-client",
    burst: 5,
    every: Duration::from_secs(10 * 60),
};
/// New tickets per e-mail address, so nobody can flood a stranger's inbox or the queue.
pub const TICKETS_PER_EMAIL: Limit = Limit {
    name: "tickets-email",
    burst: 5,
    every: Duration::from_secs(30 * 60),
};
/// Warranty photos uploaded per client address: each is decoded and stored. A claim takes up
/// to eight, and a shopper may retry a few.
pub const PHOTOS_PER_CLIENT: Limit = Limit {
    name: "photos-client",
    burst: 40,
    every: MINUTE,
};
/// Warranty claims filed per client address: each costs an e-mail and a review.
pub const CLAIMS_PER_CLIENT: Limit = Limit {
    name: "claims-client",
    burst: 5,
    every: Duration::from_secs(10 * 60),
};
/// Replies to tickets per client address.
pub const TICKET_REPLIES_PER_CLIENT: Limit = Limit {
    name: "ticket-replies-client",
    burst: 10,
    every: MINUTE,
};
