//! The staff dashboards: who may open them, the staff and their roles, and the audit log.
//! Every page here is a split route (see `split`): a shopper's first load carries none of it.
//! Server functions for all staff answer under `/api/staff/`, admin-only ones under
//! `/api/admin/`; each checks the caller's role itself.

pub mod audit;
pub mod catalog;
pub mod catalog_pages;
pub mod charts;
pub mod claim_pages;
pub mod claims;
pub mod coupon_pages;
pub mod coupons;
pub mod customer_pages;
pub mod customers;
#[cfg(feature = "ssr")]
pub mod export;
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

use crate::identity::Role;

/// Where server functions any staff member may call answer.
pub const STAFF_API: &str = "/api/staff/";
/// Where staff download the orders of a date range as CSV (see `export`).
pub const EXPORT_PATH: &str = "/api/staff/export/orders.csv";
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

/// Text in a date field that is not a calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotADay;

/// The first second (UTC) of a day typed as `YYYY-MM-DD` in a staff form or filter; `Ok(None)`
/// for a blank field.
pub fn day_start(text: &str) -> Result<Option<i64>, NotADay> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let mut parts = text.splitn(3, '-').map(str::parse::<i32>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(NotADay);
    };
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or(NotADay)?;
    let day = u8::try_from(day).map_err(|_| NotADay)?;
    time::Date::from_calendar_date(year, month, day)
        .map(|d| Some(d.midnight().assume_utc().unix_timestamp()))
        .map_err(|_| NotADay)
}

/// The day (UTC) of `unix` as `YYYY-MM-DD`, for a date field.
pub fn day_text(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
        .unwrap_or_default()
}

pub const DAY_SECONDS: i64 = 24 * 60 * 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_and_written_as_iso_dates() {
        assert_eq!(day_start(" "), Ok(None));
        assert_eq!(day_start("2026-11-27"), Ok(Some(1_795_737_600)));
        assert_eq!(day_text(1_795_737_600 + 3600), "2026-11-27");
        for bad in ["27/11/2026", "2026-13-01", "2026-02-30", "soon"] {
            assert_eq!(day_start(bad), Err(NotADay), "{bad}");
        }
    }

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
