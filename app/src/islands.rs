//! The shop's first-load pages (home, catalog, product and cart), the checkout, the help center
//! and the order pages are served as islands: the server renders the whole page, and the
//! browser loads a small bundle of its own (the `islands` crate) that brings only the parts
//! which run there to life: the header's cart link, the listing's filters and results, the
//! product's picker and "Add to cart", the cart, the checkout's form and summary, and an
//! order's problem report. The help center's answers are text and links, and an order's other
//! forms post without scripts: only the header's islands run there. The header's islands are
//! in the bundle itself; each page's own island is lazy (`#[island(lazy)]`), its code a chunk
//! of the bundle fetched when it hydrates, so a page downloads no other page's island. An
//! island inside a closed `<details>` hydrates when the details is first opened (the page's
//! island script), so a panel most visitors never open costs them nothing. Every other page is hydrated whole by the app's bundle
//! (`frontend`), split by route (`split.rs`), so its client-side router, forms and actions
//! work as before.
//!
//! A link between the two kinds of page loads the page; links among pages of the app's bundle
//! are followed by its router. A page reached that way renders its islands as components.
//!
//! Each island is a component of the same name with `Island` after it, declared only where
//! islands exist (the server, and the islands' bundle: `#[cfg(any(feature = "ssr",
//! not(feature = "split")))]`), and chosen by [`island_or_component!`]. The app's bundle has
//! none, and so none of their hydration entry points or the JSON code of their props.

/// The bundle the islands' pages load: `islands.<hash>.js` and `.wasm` beside the app's, with
/// their content hashes in a file of their own next to the server.
pub const OUTPUT_NAME: &str = "islands";
pub const HASH_FILE: &str = "islands.hash.txt";

/// `$island` on a page served as islands, else `$component`, as one view.
macro_rules! island_or_component {
    ($island:expr, $component:expr $(,)?) => {{
        #[cfg(feature = "ssr")]
        let view = if $crate::islands::this_page() {
            $island.into_any()
        } else {
            $component.into_any()
        };
        #[cfg(not(feature = "ssr"))]
        let view = $component.into_any();
        view
    }};
}
pub(crate) use island_or_component;

/// Whether the page at `path` is served as islands.
pub fn served_as_islands(path: &str) -> bool {
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    let one_segment = |rest: &str| !rest.is_empty() && !rest.contains('/');
    if let Some(slug) = path.strip_prefix("/products/") {
        return one_segment(slug);
    }
    if let Some(slug) = path.strip_prefix("/help/") {
        return one_segment(slug);
    }
    // An order (the confirmation page, the e-mails' links) and the guests' look-up.
    if let Some(number) = path.strip_prefix("/orders/") {
        return one_segment(number);
    }
    matches!(path, "/" | "/shop" | "/cart" | "/checkout" | "/help")
}

/// The settings that point a page's scripts at the islands' bundle.
#[cfg(feature = "ssr")]
pub fn options(app: &leptos::config::LeptosOptions) -> leptos::config::LeptosOptions {
    let mut options = app.clone();
    options.output_name = OUTPUT_NAME.into();
    options.hash_file = HASH_FILE.into();
    options.hash_files = app.hash_files || hashed_beside_the_server();
    options
}

/// Whether the islands' file names carry content hashes: their hash file is beside the server.
/// In the developers' loop (`scripts/dev.sh`) the app's names carry none and the islands' do,
/// or the two bundles' chunks and chunk loaders would share names in one folder.
#[cfg(feature = "ssr")]
fn hashed_beside_the_server() -> bool {
    static HASHED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *HASHED.get_or_init(|| {
        crate::build_output::beside_the_server(HASH_FILE).is_some_and(|file| file.is_file())
    })
}

/// Whether the page being rendered is served as islands (on the server: from its address).
#[cfg(feature = "ssr")]
pub fn this_page() -> bool {
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .is_some_and(|parts| served_as_islands(parts.uri.path()))
}

#[cfg(test)]
mod tests {
    use super::served_as_islands;

    #[test]
    fn the_first_load_pages_are_islands() {
        for path in [
            "/",
            "/shop",
            "/shop/",
            "/cart",
            "/products/signature-case",
            "/products/x/",
            "/help",
            "/help/",
            "/help/cancel-an-order",
            "/checkout",
            "/orders/CF-7KQ4XN2M",
            "/orders/find",
        ] {
            assert!(served_as_islands(path), "{path}");
        }
    }

    #[test]
    fn every_other_page_is_hydrated_by_the_app() {
        for path in [
            "/checkout/paypal/CF-1",
            "/checkouts",
            "/helpers",
            "/help/a/b",
            "/search",
            "/account",
            "/admin/products/signature-case",
            "/products",
            "/products/",
            "/products/a/b",
            "/shopping",
            "/carts",
            "/orders",
            "/orders/",
            "/orders/CF-1/x",
            "/account/orders",
            "/admin/orders/CF-7KQ4XN2M",
        ] {
            assert!(!served_as_islands(path), "{path}");
        }
    }
}
