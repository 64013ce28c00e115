//! Times as their reader sees them: in the browser's time zone. The page's head script
//! (`ZONE_SCRIPT`) keeps the browser's zone in a cookie, so the server renders a page in that
//! zone and the browser, rendering a page itself, in its own: both write the same text. Until
//! the cookie arrives (the very first page of a first visit), the server writes UTC and says so.
//! A shared service, below every feature.

use time::OffsetDateTime;

/// The cookie naming the browser's time zone, as the IANA name ("Europe/Paris").
pub const ZONE_COOKIE: &str = "casefront_tz";

/// Run in the head of every page, before anything renders: stores the browser's zone in
/// `ZONE_COOKIE` for a year, when it is not already there.
pub const ZONE_SCRIPT: &str = "try{var z=Intl.DateTimeFormat().resolvedOptions().timeZone;\
if(z&&document.cookie.indexOf('casefront_tz='+z)<0)\
document.cookie='casefront_tz='+z+';path=/;max-age=31536000;samesite=lax'}catch(e){}";

/// "27 Nov 2026 14:05", in the reader's zone ("27 Nov 2026 14:05 UTC" when it is unknown).
pub fn format_time(unix: i64) -> String {
    match reader_offset(unix) {
        Some(offset) => clock_text(unix + offset),
        None => format!("{} UTC", clock_text(unix)),
    }
}

/// "27 Nov 2026": the day `unix` falls on in the reader's zone (UTC when it is unknown).
pub fn format_day(unix: i64) -> String {
    day_text(unix + reader_offset(unix).unwrap_or(0))
}

/// "27 Nov 2026" for a day counted in UTC, such as a chart's daily figures.
pub fn format_utc_day(unix: i64) -> String {
    day_text(unix)
}

fn day_text(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| {
            let month = t.month().to_string();
            format!("{} {} {}", t.day(), &month[..3], t.year())
        })
        .unwrap_or_default()
}

fn clock_text(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| format!("{} {:02}:{:02}", day_text(unix), t.hour(), t.minute()))
        .unwrap_or_default()
}

#[cfg(feature = "ssr")]
/// A zone name as the cookie may carry it: an IANA name's characters, of a sane length. Whether
/// the zone exists is for the time zone database to say.
fn plausible_zone(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'))
}

/// Seconds to add to `unix` for the reader's clock: from the request's zone cookie.
#[cfg(feature = "ssr")]
fn reader_offset(unix: i64) -> Option<i64> {
    let zone = crate::client::request_cookie(ZONE_COOKIE).filter(|z| plausible_zone(z))?;
    let zone = jiff::tz::TimeZone::get(&zone).ok()?;
    let at = jiff::Timestamp::from_second(unix).ok()?;
    Some(i64::from(zone.to_offset(at).seconds()))
}

/// Seconds to add to `unix` for the reader's clock: the browser's own zone.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn reader_offset(unix: i64) -> Option<i64> {
    let date = js_sys::Date::new_0();
    date.set_time(unix as f64 * 1000.0);
    // Minutes behind UTC, as JavaScript counts them.
    Some(-(date.get_timezone_offset() as i64) * 60)
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
fn reader_offset(_unix: i64) -> Option<i64> {
    None
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use axum::http::{header, Request};
    use leptos::prelude::{provide_context, Owner};

    const AT: i64 = 1_795_780_800 + 2 * 3600 + 5 * 60; // 27 Nov 2026 14:05 UTC

    fn read_with_cookie(cookie: Option<&str>, read: impl FnOnce() -> String) -> String {
        let owner = Owner::new();
        owner.with(|| {
            let mut request = Request::builder();
            if let Some(cookie) = cookie {
                request = request.header(header::COOKIE, cookie);
            }
            let (parts, ()) = request.body(()).unwrap().into_parts();
            provide_context(parts);
            read()
        })
    }

    #[test]
    fn without_the_cookie_times_are_utc_and_say_so() {
        assert_eq!(
            read_with_cookie(None, || format_time(AT)),
            "27 Nov 2026 14:05 UTC"
        );
        assert_eq!(format_day(AT), "27 Nov 2026");
    }

    #[test]
    fn with_the_cookie_times_are_in_the_browsers_zone() {
        let tokyo = Some("casefront_session=x; casefront_tz=Asia/Tokyo");
        assert_eq!(
            read_with_cookie(tokyo, || format_time(AT)),
            "27 Nov 2026 23:05"
        );
        // Late evening in Los Angeles is the next day in UTC: the day is the reader's.
        let la = Some("casefront_tz=America/Los_Angeles");
        assert_eq!(
            read_with_cookie(la, || format_time(AT - 10 * 3600)),
            "26 Nov 2026 20:05"
        );
        assert_eq!(
            read_with_cookie(la, || format_day(AT - 10 * 3600)),
            "26 Nov 2026"
        );
        // Summer time in Paris, winter time in Paris.
        let paris = Some("casefront_tz=Europe/Paris");
        assert_eq!(
            read_with_cookie(paris, || format_time(AT)),
            "27 Nov 2026 15:05"
        );
        let july = AT - 140 * 24 * 3600;
        assert_eq!(
            read_with_cookie(paris, || format_time(july)),
            "10 Jul 2026 16:05"
        );
    }

    #[test]
    fn an_unknown_or_forged_zone_falls_back_to_utc() {
        for cookie in [
            "casefront_tz=Mars/Olympus",
            "casefront_tz=<script>",
            "casefront_tz=",
        ] {
            assert_eq!(
                read_with_cookie(Some(cookie), || format_time(AT)),
                "27 Nov 2026 14:05 UTC",
                "{cookie}"
            );
        }
    }

    #[test]
    fn the_head_script_writes_the_cookie_read_here() {
        assert!(ZONE_SCRIPT.contains(&format!("'{ZONE_COOKIE}='")));
        assert_eq!(
            crate::client::cookie_value("a=b; casefront_tz=Asia/Tokyo", ZONE_COOKIE),
            Some("Asia/Tokyo")
        );
    }
}
