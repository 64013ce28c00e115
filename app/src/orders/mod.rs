//! Orders: their life cycle, storage, history, access rules and confirmation e-mail.

pub mod api;
pub mod changes;
pub mod model;
pub mod pages;
pub mod refunds;
pub mod stats;
pub mod status;
pub mod tracking;
pub mod windows;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod cancellation;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod disputes;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod fulfilment;
#[cfg(feature = "ssr")]
pub mod grants;
#[cfg(feature = "ssr")]
pub mod holds;
#[cfg(feature = "ssr")]
pub mod notify;
#[cfg(feature = "ssr")]
pub mod refunding;
#[cfg(feature = "ssr")]
pub mod replacement;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod staff_list;
