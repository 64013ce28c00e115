//! The time windows the store policy gives a shopper after buying: changing an order within
//! 12 hours of placing it, reporting a delivery problem within 3 business days of delivery,
//! and a quality concern about a new delivery within 30 days. Each window is open up to and
//! including its last second; the help center quotes the same constants.

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
/// the same time of day at the shop, three business days later (weekends and the shop's
/// holidays do not count). `calendar` holds the holidays from the delivery day on.
#[cfg(feature = "ssr")]
pub fn problem_report_deadline(
    delivered_at: i64,
    calendar: &crate::calendar::ShopCalendar,
    zone: &jiff::tz::TimeZone,
) -> i64 {
    use crate::calendar::zone::{date_at, same_time_on};
    let delivered = date_at(zone, delivered_at);
    let last_day = calendar.add_business_days(delivered, PROBLEM_REPORT_BUSINESS_DAYS);
    same_time_on(zone, delivered_at, last_day)
}

/// The report deadline of a delivery made at `delivered_at`, by the shop's zone and its
/// holidays from that day on.
#[cfg(feature = "ssr")]
pub async fn report_deadline(
    state: &crate::shop::ServerState,
    delivered_at: i64,
) -> Result<i64, sqlx::Error> {
    let zone = state.calendar.zone();
    let from = crate::calendar::zone::date_at(zone, delivered_at);
    let calendar = state
        .calendar
        .since(&state.db.pool, from, state.clock.unix())
        .await?;
    Ok(problem_report_deadline(delivered_at, &calendar, zone))
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
    use crate::calendar::{Holiday, ShopCalendar};
    use jiff::tz::TimeZone;
    use proptest::prelude::*;
    use time::macros::{date, datetime};
    use time::OffsetDateTime;

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

    /// The report deadline for a shop in UTC without holidays.
    fn in_utc(delivered: i64) -> i64 {
        problem_report_deadline(delivered, &ShopCalendar::default(), &TimeZone::UTC)
    }

    #[test]
    fn problems_are_reported_within_three_business_days() {
        // Delivered on a Tuesday: Wednesday, Thursday, Friday.
        let tuesday = unix(datetime!(2026-11-24 15:00 UTC));
        assert_eq!(in_utc(tuesday), unix(datetime!(2026-11-27 15:00 UTC)));
        let deadline = in_utc(tuesday);
        assert!(is_open(deadline, deadline));
        assert!(!is_open(deadline, deadline + 1));
    }

    #[test]
    fn weekends_do_not_count_towards_the_report_window() {
        // Delivered on a Friday: Monday, Tuesday, Wednesday.
        let friday = unix(datetime!(2026-11-27 10:00 UTC));
        assert_eq!(in_utc(friday), unix(datetime!(2026-12-02 10:00 UTC)));
        // Delivered on a Saturday or a Sunday: the window ends the same Wednesday.
        let saturday = unix(datetime!(2026-11-28 10:00 UTC));
        let sunday = unix(datetime!(2026-11-29 10:00 UTC));
        assert_eq!(in_utc(saturday), in_utc(friday));
        assert_eq!(in_utc(sunday), in_utc(friday));
        // Delivered on a Thursday: Friday, Monday, Tuesday.
        let thursday = unix(datetime!(2026-11-26 23:59 UTC));
        assert_eq!(in_utc(thursday), unix(datetime!(2026-12-01 23:59 UTC)));
    }

    #[test]
    fn holidays_and_the_shops_zone_move_the_report_window() {
        // Delivered Tuesday 22 Dec 2026 at 15:00 UTC; Christmas Day is off.
        let tuesday = unix(datetime!(2026-12-22 15:00 UTC));
        let christmas = ShopCalendar {
            holidays: vec![Holiday {
                day: date!(2026 - 12 - 25),
                name: "Christmas Day".into(),
            }],
            utc_offset: 0,
        };
        assert_eq!(in_utc(tuesday), unix(datetime!(2026-12-25 15:00 UTC)));
        assert_eq!(
            problem_report_deadline(tuesday, &christmas, &TimeZone::UTC),
            unix(datetime!(2026-12-28 15:00 UTC))
        );
        // Friday 20:00 UTC is Saturday morning in Tokyo: the window there runs Monday to
        // Wednesday, ending at 05:00 Tokyo time, a day before it would in UTC.
        let friday = unix(datetime!(2026-12-18 20:00 UTC));
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        assert_eq!(in_utc(friday), unix(datetime!(2026-12-23 20:00 UTC)));
        assert_eq!(
            problem_report_deadline(friday, &christmas, &tokyo),
            unix(datetime!(2026-12-22 20:00 UTC))
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
            let days = (in_utc(delivered) - delivered) / (24 * 3600);
            prop_assert!((3..=5).contains(&days), "{days}");
            let end = OffsetDateTime::from_unix_timestamp(in_utc(delivered)).unwrap();
            prop_assert!(ShopCalendar::default().is_business_day(end.date()));
        }
    }
}
