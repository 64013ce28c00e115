//! The staff dashboards: who may open them, the staff and their roles, and the audit log.
//! Every page here is a split route (see `split`): a shopper's first load carries none of it.
//! Server functions for all staff answer under `/api/staff/`, admin-only ones under
//! `/api/admin/`; each checks the caller's role itself.

pub mod affiliate_pages;
pub mod affiliates;
pub mod catalog;
pub mod catalog_pages;
pub mod claim_pages;
pub mod claims;
pub mod coupon_pages;
pub mod coupons;
pub mod customer_pages;
pub mod customers;
#[cfg(feature = "ssr")]
pub mod export;
pub mod holiday_pages;
pub mod holidays;
pub mod mail_pages;
pub mod order_pages;
pub mod orders;
pub mod outgoing_mail;
pub mod overview;
pub mod overview_pages;
pub mod pages;
pub mod staff;
pub mod ticket_pages;
pub mod tickets;
pub mod variant_table;

/// Where staff download the orders of a date range as CSV (see `export`).
pub const EXPORT_PATH: &str = "/api/staff/export/orders.csv";
