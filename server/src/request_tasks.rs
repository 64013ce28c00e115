//! The tasks Leptos spawns while serving a request (a resource's load, the wait for it) belong
//! to that request: when the request ends or its client leaves, they are dropped before the
//! request's reactive owner is, so none of them runs on against a page that is being torn
//! down (issue 32: a load that finished after its client left read the request's context
//! from a dropped owner and panicked).
//!
//! Leptos spawns through one global executor (`any_spawner`); this one keeps tokio for the
//! work but knows, through a task-local, which request a spawn comes from.

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use leptos::reactive::owner::outside_any_tree;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::task::{Context, Poll};

/// One spawned future, taken out and dropped when its request closes.
type Slot = Mutex<Spawned>;

#[derive(Default)]
struct Spawned {
    future: Option<PinnedFuture<()>>,
    /// Wakes the tokio task that polls `future`, so that once the future is taken out the
    /// task runs one last time, finds nothing, and ends (instead of waiting forever).
    waker: Option<std::task::Waker>,
}

/// The tasks of one request.
#[derive(Clone, Default)]
pub struct RequestTasks(Arc<Mutex<Tasks>>);

#[derive(Default)]
struct Tasks {
    closed: bool,
    slots: Vec<Weak<Slot>>,
}

tokio::task_local! {
    static SCOPE: RequestTasks;
}

/// Makes the executor request-aware. Call before anything renders: the first executor set
/// is the one Leptos keeps (an error here means one was set already, and says which).
pub fn install() -> Result<(), any_spawner::ExecutorError> {
    Executor::init_custom_executor(ScopedExecutor)
}

impl RequestTasks {
    /// Runs `f` (a poll of the request's handler, answer or tasks) as this request, so what
    /// it spawns is the request's, and outside whatever reactive tree the worker's previous
    /// poll left on the thread, so nothing it makes joins another request's tree and is
    /// disposed with it (a server function's owner did, while the request it was left by
    /// finished).
    pub fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        SCOPE.sync_scope(self.clone(), || outside_any_tree(f))
    }

    fn lock(&self) -> MutexGuard<'_, Tasks> {
        // Nothing panics while holding it; a poisoned lock is still a sound list.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Drops every task of the request; a task being polled on another thread right now is
    /// waited for, then dropped. Whatever the request would spawn afterwards is dropped at
    /// once.
    pub fn close(&self) {
        let slots = {
            let mut tasks = self.lock();
            tasks.closed = true;
            std::mem::take(&mut tasks.slots)
        };
        for slot in slots.iter().filter_map(Weak::upgrade) {
            let (future, waker) = {
                let mut spawned = lock_slot(&slot);
                (spawned.future.take(), spawned.waker.take())
            };
            drop(future);
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }

    /// Keeps `slot` with the request's tasks, unless the request is closed.
    fn adopt(&self, slot: &Arc<Slot>) -> bool {
        let mut tasks = self.lock();
        if tasks.closed {
            return false;
        }
        // Finished tasks leave dead entries: clear them now and then, not on every spawn.
        if tasks.slots.len() >= 64 && tasks.slots.len().is_power_of_two() {
            tasks.slots.retain(|slot| slot.strong_count() > 0);
        }
        tasks.slots.push(Arc::downgrade(slot));
        true
    }
}

fn lock_slot(slot: &Slot) -> MutexGuard<'_, Spawned> {
    slot.lock().unwrap_or_else(|e| e.into_inner())
}

/// A future that runs `inner` as `tasks`' request. Dropped before it finishes (its client
/// left), it closes them before `inner` itself is dropped; once it has finished, whoever
/// holds what it produced closes them.
pub struct Scoped<F> {
    tasks: RequestTasks,
    /// Taken out only by `drop`, to be dropped outside any other request's tree.
    inner: Option<Pin<Box<F>>>,
    finished: bool,
}

impl<F> Scoped<F> {
    pub fn new(tasks: RequestTasks, inner: F) -> Scoped<F> {
        Scoped {
            tasks,
            inner: Some(Box::pin(inner)),
            finished: false,
        }
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Pending;
        };
        let polled = this.tasks.enter(|| inner.as_mut().poll(cx));
        this.finished = polled.is_ready();
        polled
    }
}

impl<F> Drop for Scoped<F> {
    fn drop(&mut self) {
        let inner = self.inner.take();
        let finished = self.finished;
        let tasks = &self.tasks;
        // The tasks go before the handler's owner, and neither meets another request's tree.
        outside_any_tree(|| {
            if !finished {
                tasks.close();
            }
            drop(inner);
        });
    }
}

struct ScopedExecutor;

impl CustomExecutor for ScopedExecutor {
    fn spawn(&self, future: PinnedFuture<()>) {
        let Ok(tasks) = SCOPE.try_with(RequestTasks::clone) else {
            tokio::spawn(future);
            return;
        };
        let slot = Arc::new(Mutex::new(Spawned {
            future: Some(future),
            waker: None,
        }));
        if !tasks.adopt(&slot) {
            // The request is gone: its late task never starts.
            return;
        }
        tokio::spawn(poll_fn(move |cx| {
            let mut spawned = lock_slot(&slot);
            let Some(running) = spawned.future.as_mut() else {
                return Poll::Ready(());
            };
            let polled = tasks.enter(|| running.as_mut().poll(cx));
            if polled.is_ready() {
                spawned.future = None;
                spawned.waker = None;
            } else if !spawned
                .waker
                .as_ref()
                .is_some_and(|w| w.will_wake(cx.waker()))
            {
                spawned.waker = Some(cx.waker().clone());
            }
            polled
        }));
    }

    fn spawn_local(&self, future: PinnedLocalFuture<()>) {
        // As the tokio executor does: the server renders on the multi-threaded runtime and
        // never spawns local tasks.
        tokio::task::spawn_local(future);
    }

    fn poll_local(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// Counts how many of its futures are alive.
    #[derive(Clone, Default)]
    struct Alive(Arc<AtomicUsize>);

    impl Alive {
        fn future(&self) -> impl Future<Output = ()> + Send + 'static {
            self.0.fetch_add(1, Ordering::SeqCst);
            let guard = Dropped(self.clone());
            async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            }
        }

        fn count(&self) -> usize {
            self.0.load(Ordering::SeqCst)
        }
    }

    struct Dropped(Alive);

    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0 .0.fetch_sub(1, Ordering::SeqCst);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn what_a_request_spawns_is_dropped_when_the_request_is() {
        let _ = install();
        let alive = Alive::default();
        let tasks = RequestTasks::default();
        let request = Scoped::new(tasks.clone(), {
            let alive = alive.clone();
            async move {
                Executor::spawn(Box::pin(alive.future()));
                // A task that spawns another: both are the request's.
                let nested = alive.clone();
                Executor::spawn(Box::pin(async move {
                    Executor::spawn(Box::pin(nested.future()));
                    std::future::pending::<()>().await;
                }));
                std::future::pending::<()>().await;
            }
        });
        let handle = tokio::spawn(request);
        while alive.count() < 2 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // The client leaves: the request's future is dropped.
        handle.abort();
        let _ = handle.await;
        assert_eq!(alive.count(), 0);
        // Its late spawns never start.
        tasks.enter(|| Executor::spawn(Box::pin(alive.future())));
        assert_eq!(alive.count(), 0);
        // And the runtime's tasks that ran them end too, rather than wait forever.
        let metrics = tokio::runtime::Handle::current().metrics();
        let mut left = metrics.num_alive_tasks();
        for _ in 0..100 {
            if left == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            left = metrics.num_alive_tasks();
        }
        assert_eq!(left, 0);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_request_starts_in_no_tree_and_leaves_the_thread_as_it_found_it() {
        use leptos::reactive::owner::Owner;
        // The previous request on this worker left its root on the thread.
        let earlier = Owner::new_root(None);
        let request = Scoped::new(RequestTasks::default(), async {
            assert!(Owner::current().is_none());
            // A server function's owner, made as leptos_axum makes it.
            let owner = Owner::new();
            tokio::task::yield_now().await;
            owner.parent()
        });
        assert!(request.await.is_none(), "joined another request's tree");
        assert_eq!(Owner::current(), Some(earlier));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_spawn_outside_any_request_runs_on_its_own() {
        let _ = install();
        let (done, finished) = tokio::sync::oneshot::channel();
        Executor::spawn(Box::pin(async move {
            let _ = done.send(());
        }));
        tokio::time::timeout(Duration::from_secs(5), finished)
            .await
            .unwrap()
            .unwrap();
    }
}
