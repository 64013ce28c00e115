//! How data crosses from the server to the browser: server-function answers, and the resources
//! a page hydrates from, are postcard (a compact binary serde format, base64 inside the page)
//! rather than JSON.
//!
//! Why: the browser bundle carries a decoder for every type it receives. A JSON decoder matches
//! field names for every struct, and those decoders were the largest single block of the first
//! load; postcard reads fields in order, so each decoder is a short run of reads. The payload is
//! smaller too, and the server embeds base64 in the page without escaping every quote.
//!
//! Requests keep their encodings: forms post URL-encoded fields (they work without
//! JavaScript), and the cart and checkout speak JSON, so scripts (the checkout load test) can
//! drive them.

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// The server-function output encoding: `#[server(output = Postcard)]`.
pub use leptos::server_fn::codec::{Postcard, PostcardEncoding};

/// The encoding of resources serialised into the page for hydration.
pub type Wire = codee::binary::PostcardCodec;

/// A resource hydrated from postcard; see [`resource`].
pub type WireResource<T> = Resource<T, Wire>;

/// A resource loaded once, hydrated from postcard. Reference-counted rather than kept in the
/// request's reactive arena: see [`once_resource`].
pub type WireOnceResource<T> = ArcOnceResource<T, Wire>;

/// `Resource::new`, with the value carried into the page as postcard.
#[track_caller]
pub fn resource<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> WireResource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Clone + PartialEq + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

/// `ArcOnceResource::new`, with the value carried into the page as postcard. For values the
/// whole page reads (the shop's settings): a handle that is its own value, so a read never
/// depends on the request's arena being the thread's at that moment. An arena-kept one was now
/// and then read where it was not, and the read panicked ("already been disposed", a few times
/// in a long storm of dropped requests).
#[track_caller]
pub fn once_resource<T, Fut>(fetcher: Fut) -> WireOnceResource<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    ArcOnceResource::new_with_options(fetcher, false)
}

/// An island's prop, carried in the page as postcard in base64 rather than as JSON.
///
/// Leptos writes island props as JSON and the islands' bundle reads them with `serde_json`, one
/// decoder per type of prop. Packed, each prop is one JSON string, read by the postcard decoders
/// the bundle has for its server functions' answers (the size report in docs/performance.md).
#[derive(Clone, Debug, PartialEq)]
pub struct Packed<T>(pub T);

type PackedCodec = codee::string::Base64<Wire>;

impl<T: Serialize> Serialize for Packed<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = <PackedCodec as codee::Encoder<T>>::encode(&self.0)
            .map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }
}

impl<'de, T: DeserializeOwned> serde::Deserialize<'de> for Packed<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        <PackedCodec as codee::Decoder<T>>::decode(&text)
            .map(Packed)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Packed;
    use crate::catalog::variant_picker::Selection;

    #[test]
    fn a_packed_prop_is_one_json_string_that_reads_back_whole() {
        let selection = Selection {
            model: Some("pixel-10".into()),
            style: None,
            colour: Some("Sky \"blue\"".into()),
        };
        let json = serde_json::to_string(&Packed(selection.clone())).unwrap();
        assert!(json.starts_with('"') && json.ends_with('"'), "{json}");
        assert!(
            !json.contains("pixel-10"),
            "postcard in base64, not JSON fields: {json}"
        );
        let read: Packed<Selection> = serde_json::from_str(&json).unwrap();
        assert_eq!(read, Packed(selection));
    }

    #[test]
    fn a_damaged_packed_prop_is_refused() {
        assert!(serde_json::from_str::<Packed<Selection>>("\"not base64!\"").is_err());
        assert!(serde_json::from_str::<Packed<Selection>>("\"AQ==\"").is_err());
    }
}
