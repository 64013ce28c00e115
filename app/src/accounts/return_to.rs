//! Where to send a shopper after signing in or up (server only): the `next` page they came
//! from, if and only if it is a page of this shop. Anything else would make the shop a launch
//! pad for phishing, so anything doubtful falls back to the account page.

use percent_encoding::percent_decode_str;
use url::Url;

/// Where a shopper lands when `next` is missing or refused.
pub const DEFAULT_RETURN: &str = "/account";
const MAX_LEN: usize = 512;

/// A base that stands for this shop's own origin: `next` must resolve to the same origin.
const OWN_ORIGIN: &str = "http://shop.invalid/";

/// `next` as a canonical path (with its query) on this shop, or the account page.
pub fn return_path(next: Option<&str>) -> String {
    next.and_then(same_origin_path)
        .unwrap_or_else(|| DEFAULT_RETURN.to_owned())
}

fn suspicious(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
        // A second slash up front names another host ("//evil.test", "/%2F/evil.test").
        || text.starts_with("//")
}

fn same_origin_path(next: &str) -> Option<String> {
    if next.len() > MAX_LEN || !next.starts_with('/') || suspicious(next) {
        return None;
    }
    // The same checks on the decoded text catch the encoded variants ("/%09/", "/%5C").
    let decoded = percent_decode_str(next).decode_utf8().ok()?;
    if suspicious(&decoded) {
        return None;
    }
    let base = Url::parse(OWN_ORIGIN).ok()?;
    let url = base.join(next).ok()?;
    if url.origin() != base.origin() || url.path().starts_with("//") {
        return None;
    }
    // Re-serialised by the URL parser: plain ASCII, non-ASCII percent-encoded.
    let mut path = url.path().to_owned();
    if let Some(query) = url.query() {
        path.push('?');
        path.push_str(query);
    }
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pages_of_this_shop_are_returned_to() {
        assert_eq!(return_path(Some("/checkout")), "/checkout");
        assert_eq!(
            return_path(Some("/orders/CF-23456789?placed=1")),
            "/orders/CF-23456789?placed=1"
        );
        assert_eq!(return_path(Some("/shop/../cart")), "/cart");
        assert_eq!(return_path(Some("/héllo")), "/h%C3%A9llo");
        assert_eq!(return_path(None), DEFAULT_RETURN);
    }

    #[test]
    fn anything_that_could_leave_the_shop_is_refused() {
        for outside in [
            "https://evil.test/",
            "//evil.test",
            "///evil.test",
            "/\\evil.test",
            "\\\\evil.test",
            "/\t/evil.test",
            "/%09/evil.test",
            "/\n/evil.test",
            "/%0a/evil.test",
            "/\r/evil.test",
            "/%2F/evil.test",
            "/%2f%2fevil.test",
            "/%5Cevil.test",
            "/%5c%5cevil.test",
            " /evil",
            "/\u{0}/evil.test",
            "/%00",
            "/%ff",
            "javascript:alert(1)",
            "evil.test",
            "http:/evil.test",
            "",
        ] {
            assert_eq!(return_path(Some(outside)), DEFAULT_RETURN, "{outside:?}");
        }
        assert_eq!(
            return_path(Some(&format!("/{}", "a".repeat(600)))),
            DEFAULT_RETURN
        );
    }

    proptest! {
        /// Whatever is asked for, the answer is a path on this shop that a browser cannot read
        /// as another host, and a valid header value.
        #[test]
        fn the_answer_always_stays_on_the_shop(next in "\\PC{0,40}|/[\\x00-\\x7f]{0,40}") {
            let path = return_path(Some(&next));
            prop_assert!(path.starts_with('/'));
            prop_assert!(!path.starts_with("//"));
            prop_assert!(path.bytes().all(|b| b.is_ascii_graphic()));
            prop_assert!(!path.contains('\\'));
            prop_assert!(axum::http::HeaderValue::from_str(&path).is_ok());
            let resolved = Url::parse("https://shop.example/").unwrap().join(&path).unwrap();
            prop_assert_eq!(resolved.host_str(), Some("shop.example"));
        }
    }
}
