//! The time windows the store policy gives a shopper after buying: changing an order within
//! 12 hours of placing it, reporting a delivery problem within 3 business days of delivery,
//! and a quality concern about a new delivery within 30 days. Each window is open up to and
//! including its last second; the help center quotes the same constants.

use crate::pricing::delivery::add_business_days;
use time::OffsetDateTime;

/// Hours after placing during which an item's model, type or colour may be changed.
pub const CHANGE_WINDOW_HOURS: i64 = 12;
/// Business days after delivery during which a damaged, wrong or missing item is reported.
pub const PROBLEM_REPORT_BUSINESS_DAYS: u16 = 3;
/// Days after delivery during which a quality concern about a new item is accepted.
pub const QUALITY_CONCERN_DAYS: i64 = 30;

const HOUR: i64 = 60 * 60;

/// The last second (unix) an order placed at `placed_at` may be changed.
pub fn change_deadline(placed_at: i64) -> i64 {
    placed_at + CHANGE_WINDOW_HOURS * HOUR
}

/// The last second (unix) a problem with a delivery made at `delivered_at` may be reported:
/// the same time of day, three business days later (UTC; Saturdays and Sundays do not count).
pub fn problem_report_deadline(delivered_at: i64) -> i64 {
    let Ok(delivered) = OffsetDateTime::from_unix_timestamp(delivered_at) else {
        return delivered_at;
    };
    let last_day = add_business_days(delivered.date(), PROBLEM_REPORT_BUSINESS_DAYS);
    delivered.replace_date(last_day).unix_timestamp()
}

/// The last second (unix) a quality concern about a delivery made at `delivered_at` is taken.
pub fn quality_concern_deadline(delivered_at: i64) -> i64 {
    delivered_at + QUALITY_CONCERN_DAYS * 24 * HOUR
}

/// Whether `now` is still within a window ending at `deadline`.
pub fn is_open(deadline: i64, now: i64) -> bool {
    now <= deadline
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    fn unix(at: OffsetDateTime) -> i64 {
        at.unix_timestamp()
    }

    #[test]
    fn an_order_may_be_changed_for_exactly_twelve_hours() {
        let placed = unix(datetime!(2026-11-27 21:30 UTC));
        let deadline = change_deadline(placed);
        assert_eq!(deadline, unix(datetime!(2026-11-28 09:30 UTC)));
        assert!(is_open(deadline, placed));
        assert!(is_open(deadline, deadline), "exactly at 12 hours");
        assert!(!is_open(deadline, deadline + 1), "just past");
    }

    #[test]
    fn problems_are_reported_within_three_business_days() {
        // Delivered on a Tuesday: Wednesday, Thursday, Friday.
        let tuesday = unix(datetime!(2026-11-24 15:00 UTC));
        assert_eq!(
            problem_report_deadline(tuesday),
            unix(datetime!(2026-11-27 15:00 UTC))
        );
        let deadline = problem_report_deadline(tuesday);
        assert!(is_open(deadline, deadline));
        assert!(!is_open(deadline, deadline + 1));
    }

    #[test]
    fn weekends_do_not_count_towards_the_report_window() {
        // Delivered on a Friday: Monday, Tuesday, Wednesday.
        let friday = unix(datetime!(2026-11-27 10:00 UTC));
        assert_eq!(
            problem_report_deadline(friday),
            unix(datetime!(2026-12-02 10:00 UTC))
        );
        // Delivered on a Saturday or a Sunday: the window ends the same Wednesday.
        let saturday = unix(datetime!(2026-11-28 10:00 UTC));
        let sunday = unix(datetime!(2026-11-29 10:00 UTC));
        assert_eq!(
            problem_report_deadline(saturday),
            problem_report_deadline(friday)
        );
        assert_eq!(
            problem_report_deadline(sunday),
            problem_report_deadline(friday)
        );
        // Delivered on a Thursday: Friday, Monday, Tuesday.
        let thursday = unix(datetime!(2026-11-26 23:59 UTC));
        assert_eq!(
            problem_report_deadline(thursday),
            unix(datetime!(2026-12-01 23:59 UTC))
        );
    }

    #[test]
    fn quality_concerns_are_taken_for_thirty_days() {
        let delivered = unix(datetime!(2026-11-02 08:00 UTC));
        let deadline = quality_concern_deadline(delivered);
        assert_eq!(deadline, unix(datetime!(2026-12-02 08:00 UTC)));
        assert!(is_open(deadline, deadline));
        assert!(!is_open(deadline, deadline + 1));
    }

    proptest! {
        #[test]
        fn the_report_window_is_three_to_five_calendar_days(offset in 0i64..(3650 * 24 * 3600)) {
            let delivered = unix(datetime!(2026-01-01 00:00 UTC)) + offset;
            let days = (problem_report_deadline(delivered) - delivered) / (24 * 3600);
            prop_assert!((3..=5).contains(&days), "{days}");
            let end = OffsetDateTime::from_unix_timestamp(problem_report_deadline(delivered)).unwrap();
            prop_assert!(crate::pricing::delivery::is_business_day(end.date()));
        }
    }
}
