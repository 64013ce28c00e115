//! The cart in the browser: one reactive copy for the whole app, saved to localStorage on
//! every change and kept in step with other tabs through storage events.
//!
//! On the server, and in the browser until hydration has finished, the cart is not loaded:
//! pages render a placeholder there, so the server's HTML and the first browser render match.
//!
//! Pages served as islands (see `crate::islands`) have no app around them in the browser, so
//! no context: their islands share one store kept for the page's life instead.

use super::model::{Cart, CartNotice};
use leptos::prelude::*;

/// The localStorage key of the saved cart.
pub const STORAGE_KEY: &str = "casefront.cart";

#[derive(Clone, Copy, Debug)]
pub struct CartStore {
    pub cart: RwSignal<Cart>,
    /// True once the saved cart has been read (never on the server).
    pub loaded: RwSignal<bool>,
    /// What the shop changed in the cart, until the shopper dismisses it.
    pub notices: RwSignal<Vec<CartNotice>>,
}

impl CartStore {
    /// Creates the store for the app and, in the browser, loads the saved cart and follows
    /// changes made in other tabs.
    pub fn provide() -> CartStore {
        let store = CartStore::unloaded();
        provide_context(store);
        // Effects run only in the browser, after hydration.
        Effect::new(move |_| store.load());
        store
    }

    /// The app's store or, in an island of a page served as islands, the page's shared one.
    pub fn expect() -> CartStore {
        #[cfg(feature = "hydrate")]
        if let Some(store) = use_context::<CartStore>() {
            store
        } else {
            shared()
        }
        #[cfg(not(feature = "hydrate"))]
        expect_context::<CartStore>()
    }

    fn unloaded() -> CartStore {
        CartStore {
            cart: RwSignal::new(Cart::default()),
            loaded: RwSignal::new(false),
            notices: RwSignal::new(Vec::new()),
        }
    }

    /// Reads the saved cart and follows changes made in other tabs.
    fn load(self) {
        self.reload();
        self.follow_other_tabs();
    }

    /// Changes the cart and saves it.
    pub fn update(&self, change: impl FnOnce(&mut Cart)) {
        self.cart.update(change);
        self.save();
    }

    pub fn notify(&self, notices: impl IntoIterator<Item = CartNotice>) {
        let notices: Vec<CartNotice> = notices.into_iter().collect();
        if !notices.is_empty() {
            self.notices.update(|all| all.extend(notices));
        }
    }

    /// Reads the saved cart, repairing it (and saying so) if it is damaged.
    fn reload(&self) {
        let (cart, notice) = Cart::decode(read_saved().as_deref());
        self.cart.set(cart);
        if notice.is_some() {
            self.save();
        }
        self.notify(notice);
        self.loaded.set(true);
    }

    fn save(&self) {
        write_saved(&self.cart.read_untracked().encode());
    }

    fn follow_other_tabs(&self) {
        #[cfg(feature = "hydrate")]
        {
            let store = *self;
            let handle = window_event_listener(leptos::ev::storage, move |ev| {
                if ev.key().as_deref() == Some(STORAGE_KEY) {
                    let (cart, _) = Cart::decode(ev.new_value().as_deref());
                    store.cart.set(cart);
                }
            });
            on_cleanup(move || handle.remove());
        }
    }
}

/// The store the islands of a page share: made by the first that asks, under an owner of its
/// own that lives as long as the page.
#[cfg(feature = "hydrate")]
fn shared() -> CartStore {
    thread_local! {
        static SHARED: std::cell::OnceCell<CartStore> = const { std::cell::OnceCell::new() };
    }
    SHARED.with(|shared| {
        *shared.get_or_init(|| {
            let owner = Owner::new_root(None);
            let store = owner.with(CartStore::unloaded);
            // The page's islands hydrate one after another, in microtasks; the saved cart is
            // read in the next task, once all have, so that none hydrates against a cart the
            // server did not render (as the app reads it after hydrating the whole page).
            set_timeout(
                move || {
                    owner.with(|| store.load());
                    std::mem::forget(owner);
                },
                std::time::Duration::ZERO,
            );
            store
        })
    })
}

#[cfg(feature = "hydrate")]
fn read_saved() -> Option<String> {
    use gloo_storage::{LocalStorage, Storage};
    LocalStorage::raw().get_item(STORAGE_KEY).ok().flatten()
}

#[cfg(feature = "hydrate")]
fn write_saved(value: &str) {
    use gloo_storage::{LocalStorage, Storage};
    // A full or disabled storage keeps the cart for this page only; nothing else to do.
    let _ = LocalStorage::raw().set_item(STORAGE_KEY, value);
}

#[cfg(not(feature = "hydrate"))]
fn read_saved() -> Option<String> {
    None
}

#[cfg(not(feature = "hydrate"))]
fn write_saved(_value: &str) {}
