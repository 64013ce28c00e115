//! The shop's clock: one `Clock` for the server, and the calendar days staff type in date
//! fields (UTC). A shared service, below every feature.

/// The server's clock. Rules take the time as an argument (so unit tests choose it); server
/// functions read it here, from the shop's state, so a route test can move the time of its own
/// shop (past a 12-hour or 30-day window) without touching any other.
#[cfg(feature = "ssr")]
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// Seconds added to the system's time: always 0 outside tests.
    ahead: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

#[cfg(feature = "ssr")]
impl Clock {
    pub fn now(&self) -> time::OffsetDateTime {
        let ahead = self.ahead.load(std::sync::atomic::Ordering::Relaxed);
        time::OffsetDateTime::now_utc() + time::Duration::seconds(ahead)
    }

    /// The time now, in Unix seconds.
    pub fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Moves this clock, and every server function of the shop that reads it, forward.
    pub fn advance(&self, by: time::Duration) {
        self.ahead
            .fetch_add(by.whole_seconds(), std::sync::atomic::Ordering::Relaxed);
    }
}

/// Text in a date field that is not a calendar day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotADay;

/// The first second (UTC) of a day typed as `YYYY-MM-DD` in a staff form or filter; `Ok(None)`
/// for a blank field.
pub fn day_start(text: &str) -> Result<Option<i64>, NotADay> {
    Ok(parse_day(text)?.map(|d| d.midnight().assume_utc().unix_timestamp()))
}

/// The calendar day typed as `YYYY-MM-DD`; `Ok(None)` for a blank field.
pub fn parse_day(text: &str) -> Result<Option<time::Date>, NotADay> {
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
        .map(Some)
        .map_err(|_| NotADay)
}

/// `date` as `YYYY-MM-DD`.
pub fn date_text(date: time::Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The day (UTC) of `unix` as `YYYY-MM-DD`, for a date field.
pub fn day_text(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| date_text(t.date()))
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
}
