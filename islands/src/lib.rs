//! The browser entry point of the pages served as islands (see `app::islands`): it starts the
//! reactive system, and the page's script then hydrates each island through the functions the
//! `#[island]` components export. Nothing else of the app is compiled in.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
    // The islands hydrate after this returns, in microtasks, and the saved cart is read in the
    // task after that; the page is marked hydrated (for the browser tests) in the next one, as
    // the app marks it once its own effects have run. Naming the app also links its islands.
    leptos::prelude::set_timeout(app::mark_hydrated, std::time::Duration::ZERO);
}
