//! Promo codes as the shop keeps them: one module owns their tables (codes, their terms,
//! their redemptions). `repo` looks codes up, redeems and releases them under a lock on the
//! code, and lists them for staff; `demo` loads the demo codes. The rules a code applies
//! (percent, amount, free shipping, terms) are pure and live in `pricing::coupon`, run by
//! both the browser and the server.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod repo;

/// The demo codes the home page offers to try (with the demo catalog), and what each gives.
pub const DEMO_CODES_TO_TRY: [(&str, &str); 4] = [
    ("WELCOME10", "10% off everything"),
    ("SAVE5", "$5 off from $25"),
    ("FREESHIP", "free standard shipping"),
    ("CASES20", "20% off cases"),
];

/// A code in the staff list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffCouponRow {
    pub code: String,
    pub offer: String,
    pub active: bool,
    pub redemptions: u32,
    pub usage_limit: Option<u32>,
    pub starts_at: Option<i64>,
    pub expires_at: Option<i64>,
}

/// One use of a code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redemption {
    pub order_number: String,
    pub email: String,
    pub at: i64,
}
