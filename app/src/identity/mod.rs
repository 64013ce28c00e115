//! Who is asking: the roles an account can have, and (on the server) the session cookie and
//! the guards every server function calls first. No other module reads a cookie or a role.

pub mod role;
#[cfg(feature = "ssr")]
pub mod session;

pub use role::Role;
