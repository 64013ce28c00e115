//! Pricing rules shared by the browser and the server: shipping, delivery estimates, coupons
//! and cart totals. No I/O here.

pub mod coupon;
pub mod delivery;
pub mod quote;
pub mod shipping;
