//! Compression of the responses the shop makes as it answers (pages, server functions' answers,
//! pictures drawn as SVG). The built JS, WASM and CSS are not compressed here: the build writes
//! brotli and gzip copies at the best level, which `ServeDir` sends as they are.
//!
//! A response is compressed whole. Every page renders completely before its first byte goes out
//! (`SsrMode::Async`), so waiting for the whole body costs a shopper nothing, and with its size
//! known each codec works as for a small file: zstd and brotli fit their window and tables to
//! the page instead of setting up megabytes for a stream of unknown length, and each worker
//! thread keeps its zstd context from one response to the next. See "Compressed pages" in
//! docs/performance.md for the profile that showed where the time went.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use std::cell::RefCell;
use std::io::Write;

/// Below this, the codec's frame costs about what it saves.
const SMALLEST: usize = 256;
/// An answer that says it is larger goes out as it is rather than held in memory whole.
const LARGEST: usize = 8 << 20;

// Levels for pages of 10-40 KB, timed on the shop's own pages (docs/performance.md): each
// is the last before the time per page doubles for a few per cent less.
/// Zstd's level: Chrome's and Firefox's codec, about 60 µs for a product page. Level 3 makes
/// it 5% smaller in a third more time, which cost the busiest pages a tenth of their rate.
const ZSTD_LEVEL: i32 = 1;
/// Brotli's quality: Safari's codec. Quality 4 (nginx's and tower-http's default) makes the
/// page 5% smaller in twice the time.
const BROTLI_QUALITY: i32 = 3;
/// Gzip's level, for the few clients that take nothing better.
const GZIP_LEVEL: u32 = 3;

/// The codecs the shop answers with, best first when a client likes several as much.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Codec {
    Gzip,
    Brotli,
    Zstd,
}

impl Codec {
    fn token(self) -> &'static str {
        match self {
            Codec::Gzip => "gzip",
            Codec::Brotli => "br",
            Codec::Zstd => "zstd",
        }
    }

    fn from_token(token: &str) -> Option<Codec> {
        match token.to_ascii_lowercase().as_str() {
            "gzip" | "x-gzip" => Some(Codec::Gzip),
            "br" => Some(Codec::Brotli),
            "zstd" => Some(Codec::Zstd),
            _ => None,
        }
    }

    /// The client's choice (`Accept-Encoding`): the codec it gives the highest weight, ours
    /// first among equals; none when it accepts none of them (or refuses them with `q=0`).
    /// `*` weighs the codecs the client did not name, never one it named.
    pub fn chosen(headers: &HeaderMap) -> Option<Codec> {
        const ALL: [Codec; 3] = [Codec::Gzip, Codec::Brotli, Codec::Zstd];
        let mut named = [None::<u16>; ALL.len()];
        let mut others = None;
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';');
                let token = parts.next().unwrap_or_default().trim();
                let weight = parts
                    .find_map(|param| {
                        let (name, value) = param.split_once('=')?;
                        (name.trim().eq_ignore_ascii_case("q")).then(|| weight(value.trim()))
                    })
                    .unwrap_or(Some(1000));
                let Some(weight) = weight else { continue };
                if token == "*" {
                    others = Some(weight);
                } else if let Some(codec) = Codec::from_token(token) {
                    named[codec as usize] = Some(weight);
                }
            }
        }
        ALL.into_iter()
            .filter_map(|codec| Some((named[codec as usize].or(others)?, codec)))
            .filter(|(weight, _)| *weight > 0)
            .max()
            .map(|(_, codec)| codec)
    }

    /// `bytes` in this codec.
    pub fn compress(self, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Codec::Zstd => ZSTD.with(|cell| {
                let mut slot = cell.borrow_mut();
                let compressor = match slot.as_mut() {
                    Some(compressor) => compressor,
                    None => slot.insert(zstd::bulk::Compressor::new(ZSTD_LEVEL)?),
                };
                compressor.compress(bytes)
            }),
            Codec::Brotli => {
                let params = brotli::enc::BrotliEncoderParams {
                    quality: BROTLI_QUALITY,
                    lgwin: window_bits(bytes.len()),
                    size_hint: bytes.len(),
                    mode: brotli::enc::backward_references::BrotliEncoderMode::BROTLI_MODE_TEXT,
                    ..Default::default()
                };
                let mut out = Vec::with_capacity(bytes.len() / 4);
                brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
                Ok(out)
            }
            Codec::Gzip => {
                let out = Vec::with_capacity(bytes.len() / 3);
                let mut encoder =
                    flate2::write::GzEncoder::new(out, flate2::Compression::new(GZIP_LEVEL));
                encoder.write_all(bytes)?;
                encoder.finish()
            }
        }
    }
}

thread_local! {
    /// One zstd context per worker thread, reused: its tables are set up once, not per page.
    static ZSTD: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
}

/// A q-value ("0.8", "1.000") in thousandths; `None` when it is not one.
fn weight(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = fraction.len() <= 3 && fraction.bytes().all(|b| b.is_ascii_digit());
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" if digits => Some(thousandths),
        "1" if digits && thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// Brotli's window for a body of `len` bytes: just large enough to hold it (16 MB at most is
/// brotli's limit, 64 KB at least keeps tiny answers on the fast path).
fn window_bits(len: usize) -> i32 {
    let bits = usize::BITS - len.saturating_sub(1).leading_zeros();
    (bits as i32).clamp(16, 22)
}

/// Whether a response is worth compressing here: not already encoded, not a picture (but an
/// SVG drawing), not a part of a file, and small enough to hold whole.
fn compressible(response: &Response) -> bool {
    let headers = response.headers();
    if headers.contains_key(header::CONTENT_ENCODING)
        || headers.contains_key(header::CONTENT_RANGE)
        || matches!(
            response.status(),
            StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED | StatusCode::PARTIAL_CONTENT
        )
    {
        return false;
    }
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let picture = kind.starts_with("image/") && !kind.starts_with("image/svg+xml");
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok());
    !picture
        && !kind.starts_with("text/event-stream")
        && declared.is_none_or(|len| (SMALLEST..=LARGEST).contains(&len))
}

/// The middleware: answers in the client's preferred codec when the response is worth it.
pub async fn respond(request: Request, next: Next) -> Response {
    let codec = (request.method() != Method::HEAD)
        .then(|| Codec::chosen(request.headers()))
        .flatten();
    let mut response = next.run(request).await;
    if !compressible(&response) {
        return response;
    }
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let Some(codec) = codec else {
        return response;
    };
    let (mut parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            tracing::warn!(%error, "a response body failed while it was compressed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if bytes.len() < SMALLEST {
        return Response::from_parts(parts, Body::from(bytes));
    }
    match codec.compress(&bytes) {
        Ok(compressed) => {
            parts.headers.insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(codec.token()),
            );
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.remove(header::ACCEPT_RANGES);
            Response::from_parts(parts, Body::from(compressed))
        }
        Err(error) => {
            tracing::warn!(%error, codec = codec.token(), "compression failed; sent as it is");
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn the_client_s_weights_choose_and_ours_break_ties() {
        let cases = [
            ("gzip, deflate, br, zstd", Some(Codec::Zstd)),
            ("gzip, deflate, br", Some(Codec::Brotli)),
            ("gzip", Some(Codec::Gzip)),
            ("br;q=0.5, gzip", Some(Codec::Gzip)),
            ("zstd;q=0, br;q=0.2", Some(Codec::Brotli)),
            ("GZIP;Q=1.000", Some(Codec::Gzip)),
            ("*", Some(Codec::Zstd)),
            ("zstd;q=0, *", Some(Codec::Brotli)),
            ("gzip;q=0.5, *;q=0.1", Some(Codec::Gzip)),
            ("gzip, *;q=0", Some(Codec::Gzip)),
            ("identity", None),
            ("deflate", None),
            ("br;q=0", None),
            ("br;q=2", None),
            ("br;q=0.1234", None),
            ("", None),
        ];
        for (value, expected) in cases {
            assert_eq!(Codec::chosen(&accepting(value)), expected, "{value:?}");
        }
        assert_eq!(Codec::chosen(&HeaderMap::new()), None);
    }

    #[test]
    fn q_values_are_read_in_thousandths() {
        assert_eq!(weight("1"), Some(1000));
        assert_eq!(weight("1.0"), Some(1000));
        assert_eq!(weight("0.8"), Some(800));
        assert_eq!(weight("0.125"), Some(125));
        assert_eq!(weight("0"), Some(0));
        for bad in ["1.5", "-0.5", "0.1234", "x", "0.a", ""] {
            assert_eq!(weight(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_brotli_window_fits_the_page() {
        assert_eq!(window_bits(0), 16);
        assert_eq!(window_bits(40_000), 16);
        assert_eq!(window_bits(65_536), 16);
        assert_eq!(window_bits(65_537), 17);
        assert_eq!(window_bits(300_000), 19);
        assert_eq!(window_bits(100 << 20), 22);
    }

    /// Each codec gives back exactly what it was given, read by another implementation.
    #[test]
    fn every_codec_round_trips_a_page() {
        let page: Vec<u8> = (0..2_000)
            .flat_map(|i| {
                format!("<li class=\"card\"><a href=\"/products/{i}\">Case {i}</a></li>")
                    .into_bytes()
            })
            .collect();
        for codec in [Codec::Zstd, Codec::Brotli, Codec::Gzip] {
            // Twice: the second reuses the worker's codec state.
            for _ in 0..2 {
                let packed = codec.compress(&page).unwrap();
                assert!(
                    packed.len() * 5 < page.len(),
                    "{codec:?} compressed too little"
                );
                let mut unpacked = Vec::new();
                match codec {
                    Codec::Zstd => {
                        zstd::stream::read::Decoder::new(&packed[..])
                            .unwrap()
                            .read_to_end(&mut unpacked)
                            .unwrap();
                    }
                    Codec::Brotli => {
                        brotli::Decompressor::new(&packed[..], 4096)
                            .read_to_end(&mut unpacked)
                            .unwrap();
                    }
                    Codec::Gzip => {
                        flate2::read::GzDecoder::new(&packed[..])
                            .read_to_end(&mut unpacked)
                            .unwrap();
                    }
                }
                assert_eq!(unpacked, page, "{codec:?}");
            }
        }
    }
}
