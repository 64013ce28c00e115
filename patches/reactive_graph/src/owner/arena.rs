use or_poisoned::OrPoisoned;
use slotmap::{new_key_type, SlotMap};
#[cfg(feature = "sandboxed-arenas")]
use std::cell::RefCell;
#[cfg(not(feature = "sandboxed-arenas"))]
use std::sync::OnceLock;
#[cfg(feature = "sandboxed-arenas")]
use std::sync::Weak;
use std::{
    any::Any,
    hash::Hash,
    sync::{Arc, RwLock},
};

new_key_type! {
    /// Unique identifier for an item stored in the arena.
    pub struct NodeId;
}

pub struct Arena;

pub type ArenaMap = SlotMap<NodeId, Box<dyn Any + Send + Sync>>;

#[cfg(not(feature = "sandboxed-arenas"))]
static MAP: OnceLock<RwLock<ArenaMap>> = OnceLock::new();
#[cfg(feature = "sandboxed-arenas")]
thread_local! {
    pub(crate) static MAP: RefCell<Option<Weak<RwLock<ArenaMap>>>> = RefCell::new(Some(Default::default()));
}

impl Arena {
    #[inline(always)]
    #[allow(unused)]
    pub fn set(arena: &Arc<RwLock<ArenaMap>>) {
        #[cfg(feature = "sandboxed-arenas")]
        {
            let new_arena = Arc::downgrade(arena);
            MAP.with_borrow_mut(|arena| {
                *arena = Some(new_arena);
            })
        }
    }

    /// Runs `fun` with `arena` as the thread's arena, then puts back the one before, even if
    /// `fun` panics: code that runs inside another request's scope (a drop, a cleanup) must not
    /// leave that request on the thread.
    #[cfg(feature = "sandboxed-arenas")]
    pub(crate) fn within<T>(
        arena: &Arc<RwLock<ArenaMap>>,
        fun: impl FnOnce() -> T,
    ) -> T {
        let _restore = ArenaRestore::switch(Some(Arc::downgrade(arena)));
        fun()
    }

    #[track_caller]
    pub fn with<U>(fun: impl FnOnce(&ArenaMap) -> U) -> U {
        #[cfg(not(feature = "sandboxed-arenas"))]
        {
            fun(&MAP.get_or_init(Default::default).read().or_poisoned())
        }
        #[cfg(feature = "sandboxed-arenas")]
        {
            Arena::try_with(fun).unwrap_or_else(|| {
                panic!(
                    "at {}, the `sandboxed-arenas` feature is active, but no \
                     Arena is active",
                    std::panic::Location::caller()
                )
            })
        }
    }

    #[track_caller]
    pub fn try_with<U>(fun: impl FnOnce(&ArenaMap) -> U) -> Option<U> {
        #[cfg(not(feature = "sandboxed-arenas"))]
        {
            Some(fun(&MAP.get_or_init(Default::default).read().or_poisoned()))
        }
        #[cfg(feature = "sandboxed-arenas")]
        {
            MAP.with_borrow(|arena| {
                arena
                    .as_ref()
                    .and_then(Weak::upgrade)
                    .map(|n| fun(&n.read().or_poisoned()))
            })
        }
    }

    #[track_caller]
    pub fn with_mut<U>(fun: impl FnOnce(&mut ArenaMap) -> U) -> U {
        #[cfg(not(feature = "sandboxed-arenas"))]
        {
            fun(&mut MAP.get_or_init(Default::default).write().or_poisoned())
        }
        #[cfg(feature = "sandboxed-arenas")]
        {
            Arena::try_with_mut(fun).unwrap_or_else(|| {
                panic!(
                    "at {}, the `sandboxed-arenas` feature is active, but no \
                     Arena is active",
                    std::panic::Location::caller()
                )
            })
        }
    }

    #[track_caller]
    pub fn try_with_mut<U>(fun: impl FnOnce(&mut ArenaMap) -> U) -> Option<U> {
        #[cfg(not(feature = "sandboxed-arenas"))]
        {
            Some(fun(&mut MAP
                .get_or_init(Default::default)
                .write()
                .or_poisoned()))
        }
        #[cfg(feature = "sandboxed-arenas")]
        {
            MAP.with_borrow(|arena| {
                arena
                    .as_ref()
                    .and_then(Weak::upgrade)
                    .map(|n| fun(&mut n.write().or_poisoned()))
            })
        }
    }
}

/// Puts the thread's arena back as it was when dropped.
#[cfg(feature = "sandboxed-arenas")]
pub(crate) struct ArenaRestore(Option<Weak<RwLock<ArenaMap>>>);

#[cfg(feature = "sandboxed-arenas")]
impl ArenaRestore {
    /// Makes `arena` the thread's arena (`None` leaves it as it is) until the guard drops.
    pub(crate) fn switch(arena: Option<Weak<RwLock<ArenaMap>>>) -> Self {
        MAP.with_borrow_mut(|current| {
            let before = current.clone();
            if let Some(arena) = arena {
                *current = Some(arena);
            }
            ArenaRestore(before)
        })
    }

    /// Leaves the thread without an arena until the guard drops.
    pub(crate) fn clear() -> Self {
        ArenaRestore(MAP.with_borrow_mut(Option::take))
    }
}

#[cfg(feature = "sandboxed-arenas")]
impl Drop for ArenaRestore {
    fn drop(&mut self) {
        let before = self.0.take();
        // The thread is ending if the slot is gone: nothing to put back.
        let _ = MAP.try_with(|current| *current.borrow_mut() = before);
    }
}

#[cfg(feature = "sandboxed-arenas")]
pub mod sandboxed {
    use super::{ArenaMap, ArenaRestore, MAP};
    use crate::owner::{OwnerRestore, WeakOwner, OWNER};
    use futures::Stream;
    use pin_project_lite::pin_project;
    use std::{
        future::Future,
        pin::Pin,
        sync::{Arc, RwLock, Weak},
        task::{Context, Poll},
    };

    pin_project! {
        /// A [`Future`] that restores its associated arena as the current arena whenever it is
        /// polled.
        ///
        /// Sandboxed arenas are used to ensure that data created in response to e.g., different
        /// HTTP requests can be handled separately, while providing stable identifiers for their
        /// stored values. Wrapping a `Future` in `Sandboxed` ensures that it will always use the
        /// same arena that it was created under.
        pub struct Sandboxed<T> {
            arena: Option<Arc<RwLock<ArenaMap>>>,
            // The owner current where it was made, without keeping it alive.
            owner: Option<WeakOwner>,
            #[pin]
            inner: T,
        }
    }

    impl<T> Sandboxed<T> {
        /// Wraps the given [`Future`], ensuring that any [`ArenaItem`][item] created while it is
        /// being polled will be associated with the same arena that was active when this was
        /// called.
        ///
        /// [item]:[crate::owner::ArenaItem]
        #[track_caller]
        pub fn new(inner: T) -> Self {
            let arena = MAP.with_borrow(|n| n.as_ref().and_then(Weak::upgrade));
            let owner = OWNER.with_borrow(Clone::clone);
            Self {
                arena,
                owner,
                inner,
            }
        }
    }

    impl<Fut> Future for Sandboxed<Fut>
    where
        Fut: Future,
    {
        type Output = Fut::Output;

        fn poll(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Self::Output> {
            let this = self.project();
            let _scope = Scope::enter(this.arena, this.owner);
            this.inner.poll(cx)
        }
    }

    impl<T> Stream for Sandboxed<T>
    where
        T: Stream,
    {
        type Item = T::Item;

        fn poll_next(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Self::Item>> {
            let this = self.project();
            let _scope = Scope::enter(this.arena, this.owner);
            this.inner.poll_next(cx)
        }
    }

    /// Its arena and owner are the thread's while it is polled, and the thread gets back
    /// whatever it had afterwards. A worker polls many requests' futures in turn: before,
    /// each left its own there, and code polled next without a scope of its own (a task
    /// spawned with no owner) attached new nodes to that other request's tree, which then
    /// disposed them under it ("already been disposed", seen once in ~500,000 requests).
    struct Scope {
        _arena: ArenaRestore,
        _owner: OwnerRestore,
    }

    impl Scope {
        fn enter(
            arena: &Option<Arc<RwLock<ArenaMap>>>,
            owner: &Option<WeakOwner>,
        ) -> Self {
            Scope {
                _arena: ArenaRestore::switch(
                    arena.as_ref().map(Arc::downgrade),
                ),
                _owner: OwnerRestore::switch(owner.clone()),
            }
        }
    }
}

#[cfg(all(test, feature = "sandboxed-arenas"))]
mod tests {
    use crate::{
        owner::{outside_any_tree, Owner, Sandboxed},
        signal::RwSignal,
        traits::{Get, GetUntracked},
    };
    use futures::{executor::block_on, future::poll_fn};
    use std::task::Poll;

    #[test]
    fn a_sandboxed_poll_runs_in_its_own_tree_and_gives_the_thread_back() {
        let mine = Owner::new_root(None);
        let made_in_mine = Sandboxed::new(poll_fn(|_| {
            // Whatever the thread had before, the poll runs in the tree it was made in.
            let current = Owner::current().expect("an owner while polled");
            let value = RwSignal::new(7);
            Poll::Ready((current, value.get()))
        }));
        // Another request's tree is the thread's when the worker polls it.
        let other = Owner::new_root(None);
        let theirs = RwSignal::new("theirs");
        let (current, read) = block_on(made_in_mine);
        assert_eq!(current, mine);
        assert_eq!(read, 7);
        // And that request finds its own tree again afterwards.
        assert_eq!(Owner::current().as_ref(), Some(&other));
        assert_eq!(theirs.get_untracked(), "theirs");
    }

    #[test]
    fn outside_any_tree_a_new_owner_is_a_root_of_its_own() {
        // The last request this worker served left its root on the thread.
        let earlier = Owner::new_root(None);
        let theirs = RwSignal::new("theirs");
        let (parent, value) = outside_any_tree(|| {
            assert!(Owner::current().is_none());
            let mine = Owner::new();
            let value = mine.with(|| RwSignal::new(7));
            (mine.parent(), (mine, value))
        });
        assert!(parent.is_none(), "joined the earlier request's tree");
        // The earlier request ends: what was made outside its tree lives on.
        earlier.unset_with_forced_cleanup();
        let (mine, value) = value;
        assert_eq!(mine.with(|| value.get_untracked()), 7);
        assert!(theirs.try_get_untracked().is_none());
    }
}
