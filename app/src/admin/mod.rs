//! The staff dashboards: who may open them, the staff and their roles, and the audit log.
//! Every page here is a split route (see `split`): a shopper's first load carries none of it.
//! Server functions for all staff answer under `/api/staff/`, admin-only ones under
//! `/api/admin/`; each checks the caller's role itself.

pub mod audit;
pub mod catalog;
pub mod catalog_pages;
pub mod order_pages;
pub mod orders;
pub mod pages;
pub mod staff;

use crate::identity::Role;

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
}
