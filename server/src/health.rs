//! The health check (`/healthz`): whether this instance can serve. A load balancer takes an
//! instance out on any answer but 200; an operator reads the JSON: the database, each of the
//! runtime's workers, and the requests in flight.
//!
//! A worker is `stalled` when it has been running without a break and without progress for
//! `STALLED_AFTER`: a thread blocked inside one task (a deadlock, a blocking call) takes
//! no other work, and the tasks queued behind it wait for good.

use crate::requests::InFlight;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::runtime::RuntimeMetrics;

/// How long a worker may run one stretch without any progress before it counts as stalled.
/// The slowest piece of work the shop does on a worker (a large page, a password hash) takes
/// well under a second.
pub const STALLED_AFTER: Duration = Duration::from_secs(5);
/// How often the watchdog reads the workers' counters.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkerState {
    /// Waiting for work.
    Idle,
    /// Taking work.
    Working,
    /// Running without progress for `STALLED_AFTER` or more.
    Stalled,
}

#[derive(Clone, Debug, Serialize)]
pub struct WorkerReport {
    pub worker: usize,
    pub state: WorkerState,
    /// Milliseconds since the worker's counters last moved (it parked, woke or made progress).
    pub unchanged_ms: u64,
    /// Share of the last few seconds the worker spent running tasks.
    pub busy_percent: u8,
}

/// What one reading of a worker's counters was.
#[derive(Clone, Copy)]
struct Reading {
    park_unpark: u64,
    busy: Duration,
    /// When either counter last changed.
    changed_at: Instant,
    /// The busy time at the start of the current busy window, and when that window began.
    window_busy: Duration,
    window_start: Instant,
    busy_percent: u8,
}

/// The runtime's workers as the watchdog last saw them.
#[derive(Clone)]
pub struct Workers {
    readings: Arc<Mutex<Vec<Reading>>>,
}

impl Workers {
    /// Starts the watchdog on a thread of its own, outside the runtime, so a stalled worker
    /// cannot stop it (a task of the runtime could be queued behind the stalled one).
    pub fn watch(metrics: RuntimeMetrics) -> Workers {
        let now = Instant::now();
        let readings = (0..metrics.num_workers())
            .map(|worker| Reading {
                park_unpark: metrics.worker_park_unpark_count(worker),
                busy: metrics.worker_total_busy_duration(worker),
                changed_at: now,
                window_busy: metrics.worker_total_busy_duration(worker),
                window_start: now,
                busy_percent: 0,
            })
            .collect();
        let workers = Workers {
            readings: Arc::new(Mutex::new(readings)),
        };
        let watched = Arc::downgrade(&workers.readings);
        std::thread::Builder::new()
            .name("worker-watchdog".into())
            .spawn(move || {
                // Ends once no health check can read the readings any more.
                while let Some(readings) = watched.upgrade() {
                    let mut readings = readings.lock().unwrap_or_else(|e| e.into_inner());
                    for (worker, reading) in readings.iter_mut().enumerate() {
                        reading.update(
                            metrics.worker_park_unpark_count(worker),
                            metrics.worker_total_busy_duration(worker),
                            Instant::now(),
                        );
                    }
                    drop(readings);
                    std::thread::sleep(SAMPLE_EVERY);
                }
            })
            .expect("cannot start the worker watchdog thread");
        workers
    }

    pub fn report(&self) -> Vec<WorkerReport> {
        let now = Instant::now();
        let readings = self.readings.lock().unwrap_or_else(|e| e.into_inner());
        readings
            .iter()
            .enumerate()
            .map(|(worker, reading)| reading.report(worker, now))
            .collect()
    }
}

impl Reading {
    fn update(&mut self, park_unpark: u64, busy: Duration, now: Instant) {
        if park_unpark != self.park_unpark || busy != self.busy {
            self.park_unpark = park_unpark;
            self.busy = busy;
            self.changed_at = now;
        }
        let window = now.duration_since(self.window_start);
        if window >= Duration::from_secs(5) {
            let busy_in_window = busy.saturating_sub(self.window_busy);
            self.busy_percent =
                (busy_in_window.as_millis() * 100 / window.as_millis().max(1)).min(100) as u8;
            self.window_busy = busy;
            self.window_start = now;
        }
    }

    fn report(&self, worker: usize, now: Instant) -> WorkerReport {
        let unchanged = now.duration_since(self.changed_at);
        // The count goes up as the worker parks and again as it wakes: odd means parked.
        let state = if self.park_unpark % 2 == 1 {
            WorkerState::Idle
        } else if unchanged >= STALLED_AFTER {
            WorkerState::Stalled
        } else {
            WorkerState::Working
        };
        WorkerReport {
            worker,
            state,
            unchanged_ms: unchanged.as_millis() as u64,
            busy_percent: self.busy_percent,
        }
    }
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
    workers: Vec<WorkerReport>,
    requests_in_flight: usize,
    oldest_request_ms: u64,
}

/// 200 when the database answers and every worker takes work; 503 otherwise.
pub async fn check(db: app::db::Db, workers: Workers, in_flight: InFlight) -> Response {
    let database = db.is_healthy().await;
    let workers = workers.report();
    let stalled = workers.iter().any(|w| w.state == WorkerState::Stalled);
    let (requests_in_flight, oldest) = in_flight.now();
    let (status, word) = match (database, stalled) {
        (true, false) => (StatusCode::OK, "ok"),
        (false, _) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
        (true, true) => (StatusCode::SERVICE_UNAVAILABLE, "a worker is stalled"),
    };
    let health = Health {
        status: word,
        database: if database { "ok" } else { "unavailable" },
        workers,
        // The health check itself is one of them.
        requests_in_flight: requests_in_flight.saturating_sub(1),
        oldest_request_ms: oldest.as_millis() as u64,
    };
    let body = serde_json::to_string(&health).unwrap_or_default();
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(park_unpark: u64, at: Instant) -> Reading {
        Reading {
            park_unpark,
            busy: Duration::ZERO,
            changed_at: at,
            window_busy: Duration::ZERO,
            window_start: at,
            busy_percent: 0,
        }
    }

    #[test]
    fn a_parked_worker_is_idle_however_long_it_waits() {
        let start = Instant::now();
        let mut r = reading(1, start);
        r.update(1, Duration::ZERO, start + Duration::from_secs(60));
        assert_eq!(
            r.report(0, start + Duration::from_secs(60)).state,
            WorkerState::Idle
        );
    }

    #[test]
    fn a_running_worker_without_progress_is_stalled_after_the_limit() {
        let start = Instant::now();
        let mut r = reading(2, start);
        let later = start + STALLED_AFTER - Duration::from_millis(1);
        r.update(2, Duration::ZERO, later);
        assert_eq!(r.report(0, later).state, WorkerState::Working);
        let limit = start + STALLED_AFTER;
        r.update(2, Duration::ZERO, limit);
        assert_eq!(r.report(0, limit).state, WorkerState::Stalled);
    }

    #[test]
    fn a_busy_worker_that_makes_progress_is_working_and_its_share_is_measured() {
        let start = Instant::now();
        let mut r = reading(2, start);
        let mut at = start;
        for second in 1..=10 {
            at = start + Duration::from_secs(second);
            // Busy for half of every second, never parked.
            r.update(2, Duration::from_millis(500 * second), at);
        }
        let report = r.report(0, at);
        assert_eq!(report.state, WorkerState::Working);
        assert_eq!(report.busy_percent, 50);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_worker_blocked_inside_a_task_is_reported_stalled() {
        let workers = Workers::watch(tokio::runtime::Handle::current().metrics());
        let (release, blocked) = std::sync::mpsc::channel::<()>();
        // A task that blocks its worker thread, as the deadlock of issue 32 did.
        tokio::spawn(async move {
            let _ = blocked.recv();
        });
        let deadline = Instant::now() + STALLED_AFTER + Duration::from_secs(5);
        let mut seen = false;
        while Instant::now() < deadline && !seen {
            tokio::time::sleep(Duration::from_millis(200)).await;
            seen = workers
                .report()
                .iter()
                .any(|w| w.state == WorkerState::Stalled);
        }
        release.send(()).unwrap();
        assert!(seen, "{:?}", workers.report());
        // Once free, the worker takes work again and is no longer reported stalled.
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(
            workers
                .report()
                .iter()
                .all(|w| w.state != WorkerState::Stalled),
            "{:?}",
            workers.report()
        );
    }
}
