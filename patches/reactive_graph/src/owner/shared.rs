//! How an owner refers to its tree's [`SharedContext`].
//!
//! On the server the context is the request's: its buffers hold futures (a
//! resource's serialisation, a blocking resource's wait) that keep reactive
//! nodes, and so their owners, alive until the response streams them. If every
//! owner held the context strongly, that would be a cycle: an owner keeps the
//! context, the context keeps a future, the future keeps the owner. A response
//! that streams to its end empties the buffers and breaks it; a client that
//! leaves mid-render does not, and the whole request leaked. So on the server
//! only the root owner (created by the integration for the request and dropped
//! with its response) holds the context; every other owner borrows it and sees
//! `None` once the request is gone. In the browser the context lives as long as
//! the page, so every owner keeps holding it, as before.

use hydration_context::SharedContext;
use std::{
    fmt::{self, Debug},
    sync::{Arc, Weak},
};

type Context = dyn SharedContext + Send + Sync;

/// An owner's reference to its tree's shared context.
#[derive(Clone)]
pub(crate) enum SharedContextRef {
    /// The root's, or any owner's in the browser.
    Owned(Arc<Context>),
    /// A server-side descendant's: alive while the request's root is.
    Borrowed(Weak<Context>),
}

impl SharedContextRef {
    pub(crate) fn root(context: Arc<Context>) -> Self {
        Self::Owned(context)
    }

    /// The context, while the tree it belongs to is alive.
    pub(crate) fn get(&self) -> Option<Arc<Context>> {
        match self {
            Self::Owned(context) => Some(Arc::clone(context)),
            Self::Borrowed(context) => context.upgrade(),
        }
    }

    /// The reference a descendant (or a handle made from a weak one) keeps.
    pub(crate) fn inherit(&self) -> Option<Self> {
        let context = self.get()?;
        Some(if context.is_browser() {
            Self::Owned(context)
        } else {
            Self::Borrowed(Arc::downgrade(&context))
        })
    }

    pub(crate) fn downgrade(&self) -> Weak<Context> {
        match self {
            Self::Owned(context) => Arc::downgrade(context),
            Self::Borrowed(context) => Weak::clone(context),
        }
    }
}

impl Debug for SharedContextRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.get() {
            Some(context) => context.fmt(f),
            None => f.write_str("SharedContext (request over)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::owner::Owner;
    use hydration_context::SsrSharedContext;
    use std::{future::pending, sync::Arc};

    fn server_context() -> Arc<Context> {
        Arc::new(SsrSharedContext::new())
    }

    #[test]
    fn descendants_see_the_context_while_the_root_lives() {
        let root = Owner::new_root(Some(server_context()));
        let child = root.child();
        let grandchild = root.with(|| child.with(Owner::new));
        assert!(child.shared_context().is_some());
        assert!(grandchild.shared_context().is_some());
        assert!(root
            .with(|| grandchild.with(Owner::current_shared_context))
            .is_some());
    }

    #[test]
    fn a_pending_future_in_the_context_no_longer_keeps_the_request() {
        let context = server_context();
        let root = Owner::new_root(Some(Arc::clone(&context)));
        let child = root.child();
        // What a resource's serialisation does: a future in the context's
        // buffer that keeps an owner of the tree (through the resource).
        let kept = child.clone();
        context.write_async(
            Default::default(),
            Box::pin(async move {
                let _kept = kept;
                pending::<()>().await;
                String::new()
            }),
        );
        let weak = Arc::downgrade(&context);
        drop((context, child));
        // The client leaves: the response, and with it the root, is dropped
        // before the future resolved.
        drop(root);
        assert!(
            weak.upgrade().is_none(),
            "the request's context (and all it holds) outlives the request"
        );
    }
}
