//! The browser entry point: hydrates the server-rendered page with the shared `app`.

// The whole app's view type is checked at this entry point: deeper than the default allows.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: a split page's code is fetched before the page it hydrates.
    leptos::mount::hydrate_lazy(app::App);
}
