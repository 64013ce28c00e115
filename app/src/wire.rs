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
