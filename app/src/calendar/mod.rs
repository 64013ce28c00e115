//! The shop's calendar: its time zone and the public holidays staff list, which every
//! business-day rule skips with the weekends (the dispatch and delivery estimates, the window
//! for reporting a delivery problem). A shared service: it owns the `holidays` table.

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod zone;

use serde::{Deserialize, Serialize};
use time::{Date, Weekday};

/// A day the shop neither dispatches nor counts as a business day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub day: Date,
    pub name: String,
}

/// What the business-day rules need: the holidays from yesterday on, and the shop's offset
/// from UTC now, so a browser works out the shop's today as the server does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopCalendar {
    /// In date order.
    pub holidays: Vec<Holiday>,
    /// Seconds east of UTC.
    pub utc_offset: i32,
}

impl ShopCalendar {
    pub fn is_business_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && self.holiday(date).is_none()
    }

    pub fn holiday(&self, date: Date) -> Option<&Holiday> {
        self.holidays
            .binary_search_by_key(&date, |h| h.day)
            .ok()
            .map(|i| &self.holidays[i])
    }

    /// The date `days` business days after `from` (not counting `from` itself).
    pub fn add_business_days(&self, from: Date, days: u16) -> Date {
        let mut date = from;
        let mut left = days;
        while left > 0 {
            date = date.next_day().unwrap_or(date);
            if self.is_business_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// The weekday holidays after `from` up to and including `through`: the ones an estimate
    /// over those days skipped.
    pub fn holidays_skipped(&self, from: Date, through: Date) -> Vec<&Holiday> {
        self.holidays
            .iter()
            .filter(|h| h.day > from && h.day <= through)
            .filter(|h| !matches!(h.day.weekday(), Weekday::Saturday | Weekday::Sunday))
            .collect()
    }

    /// The shop's date at `unix`, by its offset now.
    pub fn date_at(&self, unix: i64) -> Date {
        date_with_offset(unix, self.utc_offset)
    }

    /// The shop's today, in the browser as on the server.
    pub fn today(&self) -> Date {
        self.date_at(now_unix())
    }
}

/// The calendar date at `unix` for a place `utc_offset` seconds east of UTC.
pub fn date_with_offset(unix: i64, utc_offset: i32) -> Date {
    let offset = time::UtcOffset::from_whole_seconds(utc_offset).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
        .date()
}

fn now_unix() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        (js_sys::Date::now() / 1000.0) as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        time::OffsetDateTime::now_utc().unix_timestamp()
    }
}

/// A holiday's name and date as the shopper reads it: "Christmas Day (Fri 25 Dec)".
pub fn describe(holiday: &Holiday) -> String {
    format!("{} ({})", holiday.name, short_date(holiday.day))
}

/// "Tue 3 Dec", as dates are shown to shoppers.
pub fn short_date(date: Date) -> String {
    let weekday = match date.weekday() {
        Weekday::Monday => "Mon",
        Weekday::Tuesday => "Tue",
        Weekday::Wednesday => "Wed",
        Weekday::Thursday => "Thu",
        Weekday::Friday => "Fri",
        Weekday::Saturday => "Sat",
        Weekday::Sunday => "Sun",
    };
    let month = &format!("{}", date.month())[..3];
    format!("{weekday} {} {month}", date.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    pub(crate) fn with_holidays(days: &[(Date, &str)]) -> ShopCalendar {
        ShopCalendar {
            holidays: days
                .iter()
                .map(|(day, name)| Holiday {
                    day: *day,
                    name: (*name).into(),
                })
                .collect(),
            utc_offset: 0,
        }
    }

    #[test]
    fn weekends_and_holidays_are_skipped() {
        let plain = ShopCalendar::default();
        // Thu 24 Dec 2026 + 1 is Fri 25; with Christmas off it is Mon 28.
        assert_eq!(
            plain.add_business_days(date!(2026 - 12 - 24), 1),
            date!(2026 - 12 - 25)
        );
        let christmas = with_holidays(&[(date!(2026 - 12 - 25), "Christmas Day")]);
        assert_eq!(
            christmas.add_business_days(date!(2026 - 12 - 24), 1),
            date!(2026 - 12 - 28)
        );
        assert_eq!(
            christmas.add_business_days(date!(2026 - 12 - 24), 0),
            date!(2026 - 12 - 24)
        );
        let skipped = christmas.holidays_skipped(date!(2026 - 12 - 24), date!(2026 - 12 - 28));
        assert_eq!(skipped.len(), 1);
        assert_eq!(describe(skipped[0]), "Christmas Day (Fri 25 Dec)");
        // A holiday on a weekend costs nothing and is not named.
        let saturday = with_holidays(&[(date!(2026 - 12 - 26), "Boxing Day")]);
        assert_eq!(
            saturday.add_business_days(date!(2026 - 12 - 24), 2),
            date!(2026 - 12 - 28)
        );
        assert!(saturday
            .holidays_skipped(date!(2026 - 12 - 24), date!(2026 - 12 - 31))
            .is_empty());
    }

    #[test]
    fn the_shops_date_follows_its_offset() {
        let tokyo = ShopCalendar {
            utc_offset: 9 * 3600,
            ..Default::default()
        };
        // 2026-12-06 20:00 UTC is already the 7th in Tokyo.
        let at = time::macros::datetime!(2026-12-06 20:00 UTC).unix_timestamp();
        assert_eq!(tokyo.date_at(at), date!(2026 - 12 - 07));
        assert_eq!(ShopCalendar::default().date_at(at), date!(2026 - 12 - 06));
    }

    proptest! {
        /// Each holiday on a weekday pushes the result one business day further, never onto
        /// a weekend or a holiday.
        #[test]
        fn holidays_only_ever_add_days(start in 0i64..3650, days in 0u16..30, gaps in proptest::collection::vec(1i64..9, 0..6)) {
            let from = date!(2026 - 01 - 01) + time::Duration::days(start);
            let mut day = from;
            let holidays: Vec<(Date, &str)> = gaps.iter().map(|g| { day += time::Duration::days(*g); (day, "Holiday") }).collect();
            let calendar = with_holidays(&holidays);
            let plain = ShopCalendar::default().add_business_days(from, days);
            let got = calendar.add_business_days(from, days);
            prop_assert!(got >= plain);
            if days > 0 {
                prop_assert!(calendar.is_business_day(got));
            }
            let skipped = calendar.holidays_skipped(from, got).len() as u16;
            prop_assert_eq!(ShopCalendar::default().add_business_days(from, days + skipped), got);
        }
    }
}
