//! The roles an account can have. Each role may do everything the one below it may: support
//! staff handle orders, delivery problems, tickets and warranty claims; admins also run the
//! catalog, prices, coupons, affiliates and staff.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where server functions any staff member may call answer.
pub const STAFF_API: &str = "/api/staff/";
/// Where admin-only server functions answer.
pub const ADMIN_API: &str = "/api/admin/";

/// The role a request to `path` needs, if it is a staff server function's address.
pub fn required_role(path: &str) -> Option<Role> {
    if path.starts_with(ADMIN_API) {
        Some(Role::Admin)
    } else if path.starts_with(STAFF_API) {
        Some(Role::Support)
    } else {
        None
    }
}

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Role {
    #[default]
    Shopper,
    Support,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Shopper, Role::Support, Role::Admin];
    /// The roles a staff invitation can grant.
    pub const STAFF: [Role; 2] = [Role::Support, Role::Admin];

    /// True when this role may do what `needed` may.
    pub fn includes(self, needed: Role) -> bool {
        self >= needed
    }

    pub fn is_staff(self) -> bool {
        self.includes(Role::Support)
    }

    /// The role as stored and as sent by forms.
    pub fn slug(self) -> &'static str {
        match self {
            Role::Shopper => "shopper",
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.slug() == slug)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Shopper => "Shopper",
            Role::Support => "Support",
            Role::Admin => "Admin",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_addresses_need_their_role_and_others_none() {
        assert_eq!(required_role("/api/admin/list_staff123"), Some(Role::Admin));
        assert_eq!(
            required_role("/api/staff/staff_session1"),
            Some(Role::Support)
        );
        assert_eq!(required_role("/api/sign_in123"), None);
        assert_eq!(required_role("/api/administer"), None);
        assert_eq!(required_role("/admin"), None);
    }

    #[test]
    fn each_role_includes_the_ones_below_it_and_no_more() {
        assert!(Role::Admin.includes(Role::Support) && Role::Admin.includes(Role::Shopper));
        assert!(Role::Support.includes(Role::Shopper) && !Role::Support.includes(Role::Admin));
        assert!(!Role::Shopper.includes(Role::Support));
        assert!(!Role::Shopper.is_staff() && Role::Support.is_staff() && Role::Admin.is_staff());
    }

    #[test]
    fn slugs_round_trip_and_nothing_else_parses() {
        for role in Role::ALL {
            assert_eq!(Role::from_slug(role.slug()), Some(role));
        }
        assert_eq!(Role::from_slug("Admin"), None);
        assert_eq!(Role::from_slug("root"), None);
    }
}
