//! Where the server finds what cargo-leptos built, and whether it runs under the developers'
//! loop (`scripts/dev.sh`, `cargo leptos watch`), which builds the site differently.

use std::path::PathBuf;
use std::sync::OnceLock;

/// The file `name` beside the server's executable, where cargo-leptos writes the hash files.
pub fn beside_the_server(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(name))
}

/// Whether the server runs under `cargo leptos watch`, which sets `LEPTOS_WATCH` for it. Read
/// once: pages ask on every render.
pub fn under_watch() -> bool {
    static WATCHED: OnceLock<bool> = OnceLock::new();
    *WATCHED.get_or_init(|| std::env::var_os("LEPTOS_WATCH").is_some())
}
