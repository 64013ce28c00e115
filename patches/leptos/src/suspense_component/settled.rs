//! Waiting on the server for a `<Suspense/>`'s pending tasks, inside the response's own
//! stream. A patch carried by the shop on leptos 0.8.23 (the shop's `docs/leptos-patches.md`
//! says why and when it goes).
//!
//! The published 0.8 waits with an isomorphic effect, which is a task of its own: when the
//! client leaves mid-render, that task outlives the request and walks the view tree again
//! (`dry_resolve`, the app's component code) while the request's reactive owner is being
//! dropped on another thread. Here the waiting is a future the response stream polls, so it
//! stops being polled, and is dropped, with the response.

use or_poisoned::OrPoisoned;
use reactive_graph::{
    graph::{AnySource, AnySubscriber, ReactiveNode, Subscriber, WithObserver},
    signal::ArcRwSignal,
    traits::{Track, WithUntracked},
};
use slotmap::{DefaultKey, SlotMap};
use std::{
    future::{poll_fn, Future},
    sync::{Arc, Mutex, Weak},
    task::{Poll, Waker},
};

/// Resolves once `tasks` is empty and walking the children again (`walk_again`, which may
/// read resources a loaded one revealed) registered no new task.
pub(super) fn settled(
    tasks: ArcRwSignal<SlotMap<DefaultKey, ()>>,
    mut walk_again: impl FnMut() + Send,
) -> impl Future<Output = ()> + Send {
    let wake = Arc::new(WakeOnChange::default());
    let observer = AnySubscriber(
        Arc::as_ptr(&wake) as *const () as usize,
        Arc::downgrade(&wake) as Weak<dyn Subscriber + Send + Sync>,
    );
    observer.with_observer(|| tasks.track());
    // Whether the children were walked again since the set last became empty.
    let mut walked = false;
    poll_fn(move |cx| loop {
        // The waker is in place before the set is read, so a task that ends after the read
        // wakes this future, and one that ended before it is seen by the read.
        wake.set(cx.waker());
        let empty = tasks
            .try_with_untracked(|tasks| tasks.is_empty())
            .unwrap_or(true);
        if !empty {
            walked = false;
            return Poll::Pending;
        }
        if walked {
            return Poll::Ready(());
        }
        walk_again();
        walked = true;
    })
}

/// A subscriber of the task set that wakes the waiting future on any change.
#[derive(Default)]
struct WakeOnChange {
    waker: Mutex<Option<Waker>>,
}

impl WakeOnChange {
    fn set(&self, waker: &Waker) {
        let mut slot = self.waker.lock().or_poisoned();
        match slot.as_ref() {
            Some(current) if current.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
    }
}

impl ReactiveNode for WakeOnChange {
    fn mark_dirty(&self) {
        if let Some(waker) = self.waker.lock().or_poisoned().take() {
            waker.wake();
        }
    }

    fn mark_check(&self) {
        self.mark_dirty();
    }

    fn mark_subscribers_check(&self) {}

    fn update_if_necessary(&self) -> bool {
        false
    }
}

impl Subscriber for WakeOnChange {
    // It subscribes to the one set it is given and holds nothing else.
    fn add_source(&self, _source: AnySource) {}

    fn clear_sources(&self, _subscriber: &AnySubscriber) {}
}

#[cfg(test)]
mod tests {
    use super::settled;
    use futures::FutureExt;
    use reactive_graph::{signal::ArcRwSignal, traits::Update};
    use slotmap::SlotMap;
    use std::sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    };

    #[test]
    fn waits_for_every_task_then_for_what_the_walk_again_reveals() {
        let tasks = ArcRwSignal::new(SlotMap::new());
        let first = tasks.try_update(|t| t.insert(())).unwrap();
        let walks = Arc::new(AtomicUsize::new(0));
        let revealed = Arc::new(std::sync::Mutex::new(None));
        let mut waiting = Box::pin(settled(tasks.clone(), {
            let (tasks, walks, revealed) =
                (tasks.clone(), walks.clone(), revealed.clone());
            move || {
                // The first walk again finds a resource that was behind the first one.
                if walks.fetch_add(1, Ordering::SeqCst) == 0 {
                    *revealed.lock().unwrap() =
                        tasks.try_update(|t| t.insert(()));
                }
            }
        }));
        assert!(waiting.as_mut().now_or_never().is_none());
        tasks.update(|t| {
            t.remove(first);
        });
        assert!(waiting.as_mut().now_or_never().is_none());
        assert_eq!(walks.load(Ordering::SeqCst), 1);
        let second = revealed.lock().unwrap().take().unwrap();
        tasks.update(|t| {
            t.remove(second);
        });
        assert!(waiting.as_mut().now_or_never().is_some());
        assert_eq!(walks.load(Ordering::SeqCst), 2);
    }
}
