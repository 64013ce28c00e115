//! The address bar, for islands: a page served as islands has no router in the browser, so an
//! island that shows a new state in place records it in the history itself, and a component
//! that runs both in an island and on a page of the app's leaves or reads the address through
//! [`navigator`] and [`query_param`].

// Both below choose by bundle: the islands' bundle is the browser's build without the routes'
// split points (`crate::islands`), and no router runs in it.

/// Goes to `url`: by loading it from an island, by the app's router elsewhere.
pub fn navigator() -> impl Fn(&str) + Clone + 'static {
    #[cfg(all(feature = "hydrate", not(feature = "split")))]
    {
        |url: &str| {
            let _ = leptos::prelude::window().location().assign(url);
        }
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "split"))))]
    {
        let navigate = leptos_router::hooks::use_navigate();
        move |url: &str| navigate(url, Default::default())
    }
}

/// The query parameter `name` of the current address: the browser's in an island, the app's
/// router's elsewhere.
pub fn query_param(name: &'static str) -> impl Fn() -> Option<String> + Clone + 'static {
    #[cfg(all(feature = "hydrate", not(feature = "split")))]
    {
        move || param(&query(), name)
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "split"))))]
    {
        use leptos::prelude::ReadUntracked;
        let query = leptos_router::hooks::use_query_map();
        move || query.read_untracked().get(name)
    }
}

/// Adds `url` (on this shop) to the history as the current address, without loading it.
pub fn push(url: &str) {
    #[cfg(feature = "hydrate")]
    if let Ok(history) = leptos::prelude::window().history() {
        let _ = history.push_state_with_url(&js_sys::wasm_bindgen::JsValue::NULL, "", Some(url));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// The current address's query, without `?` (empty on the server).
pub fn query() -> String {
    #[cfg(feature = "hydrate")]
    if let Ok(search) = leptos::prelude::window().location().search() {
        return search.trim_start_matches('?').to_owned();
    }
    String::new()
}

/// Calls `change` with the query (without `?`) whenever the shopper goes back or forward
/// within this page's addresses, for as long as the calling island lives.
pub fn on_back_or_forward(change: impl Fn(String) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::prelude::*;
        let here = window().location().pathname().unwrap_or_default();
        let handle = window_event_listener(leptos::ev::popstate, move |_| {
            let location = window().location();
            if location.pathname().unwrap_or_default() == here {
                let query = location.search().unwrap_or_default();
                change(query.trim_start_matches('?').to_owned());
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = change;
}

/// The value of `key` in a query such as `category=cases&model=pixel-10`.
pub fn param(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, value)| decode(value))
}

/// A query value decoded (`+` is a space); a malformed escape is kept as it is.
fn decode(value: &str) -> String {
    percent_encoding::percent_decode_str(&value.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::param;

    #[test]
    fn reads_a_value_from_a_query() {
        assert_eq!(
            param("category=cases&model=pixel-10", "model").as_deref(),
            Some("pixel-10")
        );
        assert_eq!(param("category=cases", "model"), None);
        assert_eq!(param("", "model"), None);
    }

    #[test]
    fn decodes_escapes_and_keeps_malformed_ones() {
        assert_eq!(
            param("q=ocean%20blue+case", "q").as_deref(),
            Some("ocean blue case")
        );
        assert_eq!(param("q=100%", "q").as_deref(), Some("100%"));
        assert_eq!(param("q=%zz", "q").as_deref(), Some("%zz"));
        assert_eq!(param("q=%e2%82%ac%", "q").as_deref(), Some("€%"));
    }
}
