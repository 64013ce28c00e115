//! The shop's calendar as the server hands it to every rule: read from the database at most
//! once a minute, and again at once after a change made through this server (another
//! instance catches up within the minute).

use super::{repo, zone, ShopCalendar};
use jiff::tz::TimeZone;
use sqlx::AnyPool;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

const FRESH_FOR: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct CalendarCache {
    zone: TimeZone,
    loaded: RwLock<Option<(Instant, ShopCalendar)>>,
}

impl CalendarCache {
    pub fn new(zone: TimeZone) -> CalendarCache {
        CalendarCache {
            zone,
            loaded: RwLock::new(None),
        }
    }

    pub fn zone(&self) -> &TimeZone {
        &self.zone
    }

    /// The calendar as of `now` (unix seconds).
    pub async fn current(&self, pool: &AnyPool, now: i64) -> Result<ShopCalendar, sqlx::Error> {
        let fresh = |loaded: &Option<(Instant, ShopCalendar)>| {
            loaded
                .as_ref()
                .filter(|(at, _)| at.elapsed() < FRESH_FOR)
                .map(|(_, calendar)| calendar.clone())
        };
        if let Some(calendar) = fresh(&*self.loaded.read().await) {
            return Ok(calendar);
        }
        // One reader loads; the others wait for its answer.
        let mut loaded = self.loaded.write().await;
        if let Some(calendar) = fresh(&loaded) {
            return Ok(calendar);
        }
        let today = zone::date_at(&self.zone, now);
        let calendar = ShopCalendar {
            // From yesterday: a browser behind the server's date still sees today's holiday.
            holidays: repo::list_from(pool, today.previous_day().unwrap_or(today)).await?,
            utc_offset: zone::offset_at(&self.zone, now),
        };
        *loaded = Some((Instant::now(), calendar.clone()));
        Ok(calendar)
    }

    /// The calendar with the holidays from `day` on, read now: for a window that began
    /// before yesterday, such as a delivery's report window.
    pub async fn since(
        &self,
        pool: &AnyPool,
        day: time::Date,
        now: i64,
    ) -> Result<ShopCalendar, sqlx::Error> {
        Ok(ShopCalendar {
            holidays: repo::list_from(pool, day).await?,
            utc_offset: zone::offset_at(&self.zone, now),
        })
    }

    /// Forgets what was read, after a change.
    pub async fn clear(&self) {
        *self.loaded.write().await = None;
    }
}

impl Default for CalendarCache {
    fn default() -> Self {
        CalendarCache::new(TimeZone::UTC)
    }
}
