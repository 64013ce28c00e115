//! The browser entry point of the pages served as islands (see `app::islands`): it starts the
//! reactive system, and the page's script then hydrates each island through the functions the
//! `#[island]` components export. Nothing else of the app is compiled in.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    leptos::mount::hydrate_islands();
    // The page's own islands are lazy: each hydrates once its code has arrived, and the page's
    // script then sends `leptos:islands-hydrated`. The saved cart is read in the task after
    // that, so the page is marked hydrated (for the browser tests) in the next one, as the app
    // marks it once its own effects have run. Naming the app also links its islands. The
    // listener stays for the page's life (its handle would only remove it).
    _ = leptos::prelude::window_event_listener_untyped("leptos:islands-hydrated", |_| {
        app::mark_hydrated()
    });
}
