//! Every request, from its arrival until the last byte of its answer is sent or the client
//! leaves: an id (answered in `X-Request-Id`), the count of requests in flight for the health
//! check, the tasks it spawns (dropped with it, `request_tasks`), and a panic that happens
//! while serving it contained to it, named by it in the log, and answered with the shop's
//! error page when the answer has not started.

use crate::request_tasks::{RequestTasks, Scoped};
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use http_body::{Frame, SizeHint};
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// The request being served on this thread right now, for the panic hook.
#[derive(Clone, Debug)]
pub struct RequestInfo {
    pub id: u64,
    pub method: Method,
    /// The path without its query, which may carry a private link's key.
    pub path: String,
}

tokio::task_local! {
    static SERVING: RequestInfo;
}

/// The request whose handler or answer this thread is running, if any.
pub fn serving() -> Option<RequestInfo> {
    SERVING.try_with(RequestInfo::clone).ok()
}

/// The requests in flight: shared by the tracking layer and the health check.
#[derive(Clone, Default)]
pub struct InFlight {
    next_id: Arc<AtomicU64>,
    started: Arc<Mutex<BTreeMap<u64, Instant>>>,
}

impl InFlight {
    fn begin(&self) -> Tracked {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        self.lock().insert(id, Instant::now());
        Tracked {
            id,
            in_flight: self.clone(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Instant>> {
        // A panic never happens while the map is held, so a poisoned lock is still sound.
        self.started.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many requests are in flight, and how long the oldest of them has been.
    pub fn now(&self) -> (usize, Duration) {
        let started = self.lock();
        // Ids grow with time, so the first entry is the oldest request.
        let oldest = started
            .values()
            .next()
            .map(Instant::elapsed)
            .unwrap_or_default();
        (started.len(), oldest)
    }
}

/// One request in flight; it leaves the count when dropped with the answer's body.
struct Tracked {
    id: u64,
    in_flight: InFlight,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.in_flight.lock().remove(&self.id);
    }
}

/// The outermost layer: counts the request until its answer is sent or abandoned, and runs
/// its handler and the sending of its answer as `SERVING` it.
pub async fn track(
    axum::extract::State(in_flight): axum::extract::State<InFlight>,
    request: Request,
    next: Next,
) -> Response {
    let tracked = in_flight.begin();
    let info = RequestInfo {
        id: tracked.id,
        method: request.method().clone(),
        path: request.uri().path().to_owned(),
    };
    let tasks = RequestTasks::default();
    let handler = SERVING.scope(
        info.clone(),
        AssertUnwindSafe(next.run(request)).catch_unwind(),
    );
    // Dropped unfinished (the client left), it closes the tasks; finished, the body does, so
    // a page streamed after its first bytes still loads.
    let handled = Scoped::new(tasks.clone(), handler).await;
    let mut response = handled.unwrap_or_else(|_| error_page());
    response
        .headers_mut()
        .insert("x-request-id", HeaderValue::from(info.id));
    response.map(|body| {
        Body::new(TrackedBody {
            inner: body,
            info,
            tasks,
            _tracked: tracked,
        })
    })
}

/// The answer to a request whose handler panicked (the panic hook has logged it).
fn error_page() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        ERROR_PAGE,
    )
        .into_response()
}

const ERROR_PAGE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Something went wrong - Casefront</title></head>
<body>
<main>
<h1>Something went wrong on our side</h1>
<p>Sorry: the shop could not show this page. Nothing you had in your cart is lost. Please try again in a moment.</p>
<p><a href="/">Back to the shop</a> or <a href="/support/new">write to us</a> if it keeps happening.</p>
</main>
</body>
</html>
"#;

/// An answer's body that stays counted until it is sent or dropped, and is sent as `SERVING`
/// its request. A panic while producing it ends this answer alone, as an error.
struct TrackedBody {
    inner: Body,
    info: RequestInfo,
    tasks: RequestTasks,
    _tracked: Tracked,
}

impl Drop for TrackedBody {
    fn drop(&mut self) {
        let inner = std::mem::take(&mut self.inner);
        // The request's tasks go before its body, which holds its owner, and neither meets
        // the reactive tree another request left on this thread.
        leptos::reactive::owner::outside_any_tree(|| {
            self.tasks.close();
            drop(inner);
        });
    }
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        let inner = &mut this.inner;
        let polled = SERVING.sync_scope(this.info.clone(), || {
            this.tasks.enter(|| {
                std::panic::catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll_frame(cx)))
            })
        });
        match polled {
            Ok(frame) => frame,
            Err(_) => Poll::Ready(Some(Err(axum::Error::new(
                "the answer's body panicked (logged by the panic hook)",
            )))),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Replaces the default panic message (several lines on stderr) with one log event that names
/// the request being served, if any, so a panic is logged once and can be found by its id.
pub fn log_panics() {
    std::panic::set_hook(Box::new(|panic| {
        let message = panic
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_owned());
        let location = panic
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        // Only with RUST_BACKTRACE set, as the default hook: for a closer look at a rare one.
        let backtrace = std::backtrace::Backtrace::capture();
        let backtrace = match backtrace.status() {
            std::backtrace::BacktraceStatus::Captured => format!("\n{backtrace}"),
            _ => String::new(),
        };
        match serving() {
            Some(request) => tracing::error!(
                request_id = request.id,
                method = %request.method,
                path = %request.path,
                %location,
                "panic while serving a request: {message}{backtrace}"
            ),
            None => tracing::error!(%location, "panic outside any request: {message}{backtrace}"),
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;
    use axum::middleware::from_fn_with_state;
    use axum::routing::get;
    use axum::Router;
    use futures_util::stream;
    use tower::ServiceExt;

    fn shop(in_flight: &InFlight) -> Router {
        Router::new()
            .route("/fine", get(|| async { "fine" }))
            .route(
                "/panics",
                get(|| async {
                    if serving().is_some_and(|r| r.path == "/panics") {
                        panic!("a bug in a page");
                    }
                    "the handler did not see its request"
                }),
            )
            .route(
                "/panics-mid-answer",
                get(|| async {
                    let chunks = stream::iter([0, 1]).map(|n| {
                        assert_eq!(n, 0, "a bug halfway through an answer");
                        Ok::<_, std::io::Error>(Bytes::from_static(b"first part "))
                    });
                    Body::from_stream(chunks)
                }),
            )
            .layer(from_fn_with_state(in_flight.clone(), track))
    }

    async fn send(router: &Router, path: &str) -> Response {
        let request = Request::get(path).body(Body::empty()).unwrap();
        router.clone().oneshot(request).await.unwrap()
    }

    use futures_util::StreamExt;

    #[tokio::test]
    async fn a_panicking_page_is_answered_with_the_error_page_and_the_next_is_served() {
        let in_flight = InFlight::default();
        let router = shop(&in_flight);
        let response = send(&router, "/panics").await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().contains_key("x-request-id"));
        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
        assert!(String::from_utf8_lossy(&body).contains("Something went wrong on our side"));
        let response = send(&router, "/fine").await;
        assert_eq!(response.status(), StatusCode::OK);
        drop(response);
        assert_eq!(in_flight.now().0, 0);
    }

    #[tokio::test]
    async fn a_panic_halfway_through_an_answer_ends_that_answer_alone() {
        let in_flight = InFlight::default();
        let router = shop(&in_flight);
        let response = send(&router, "/panics-mid-answer").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(to_bytes(response.into_body(), usize::MAX).await.is_err());
        assert_eq!(in_flight.now().0, 0);
        assert_eq!(send(&router, "/fine").await.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn a_request_is_in_flight_until_its_answer_is_sent_or_dropped() {
        let in_flight = InFlight::default();
        let router = shop(&in_flight);
        let first = send(&router, "/fine").await;
        let second = send(&router, "/fine").await;
        let ids: Vec<_> = [&first, &second]
            .map(|r| r.headers()["x-request-id"].clone())
            .into();
        assert_ne!(ids[0], ids[1]);
        assert_eq!(in_flight.now().0, 2);
        to_bytes(first.into_body(), usize::MAX).await.unwrap();
        assert_eq!(in_flight.now().0, 1);
        drop(second);
        assert_eq!(in_flight.now().0, 0);
    }
}
