//! The shop's time zone (server only): which date it is at the shop, and the same time of day
//! on a later date, across daylight-saving changes.

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// The zone named by `SHOP_TIME_ZONE`: an IANA name such as "Europe/Berlin", or "UTC".
pub fn by_name(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// The zone's offset from UTC at `unix`, in seconds.
pub fn offset_at(zone: &TimeZone, unix: i64) -> i32 {
    Timestamp::from_second(unix).map_or(0, |at| zone.to_offset(at).seconds())
}

/// The shop's calendar date at `unix`.
pub fn date_at(zone: &TimeZone, unix: i64) -> time::Date {
    super::date_with_offset(unix, offset_at(zone, unix))
}

/// The moment with the shop's time of day at `unix`, on the shop's date `later`.
pub fn same_time_on(zone: &TimeZone, unix: i64, later: time::Date) -> i64 {
    let Ok(at) = Timestamp::from_second(unix) else {
        return unix;
    };
    let local = at.to_zoned(zone.clone());
    let Ok(date) = jiff::civil::Date::new(
        later.year() as i16,
        u8::from(later.month()) as i8,
        later.day() as i8,
    ) else {
        return unix;
    };
    // A time that does not exist that day (a spring-forward gap) moves later, never earlier.
    local
        .datetime()
        .with()
        .date(date)
        .build()
        .ok()
        .and_then(|dt| dt.to_zoned(zone.clone()).ok())
        .map_or(unix, |z| z.timestamp().as_second())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn dates_and_times_follow_the_zone_across_summer_time() {
        let berlin = by_name("Europe/Berlin").unwrap();
        assert!(by_name("Mars/Olympus").is_none());
        // 23:30 UTC on Friday 23 Oct 2026 is already Saturday in Berlin.
        let late = datetime!(2026-10-23 23:30 UTC).unix_timestamp();
        assert_eq!(date_at(&berlin, late), date!(2026 - 10 - 24));
        assert_eq!(offset_at(&berlin, late), 2 * 3600);
        // 10:00 in Berlin on 23 Oct (summer time) is 10:00 on 27 Oct (winter time): an hour
        // later in UTC.
        let morning = datetime!(2026-10-23 08:00 UTC).unix_timestamp();
        let later = same_time_on(&berlin, morning, date!(2026 - 10 - 27));
        assert_eq!(later, datetime!(2026-10-27 09:00 UTC).unix_timestamp());
    }
}
