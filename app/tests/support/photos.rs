//! Photos for the upload and claim tests: pictures made in memory (JPEG, PNG, WebP, a
//! decompression bomb), streamed uploads into a draft, the two stores (a folder, and S3 at
//! `TEST_S3_URL`), and a claim filed for a delivered order.

#![allow(dead_code, unused_imports)]

use super::shop::*;
use app::db::Db;
use app::photos::rules::{PhotoLimits, PhotoRefusal};
use app::photos::storage::{PhotoStore, Size};
use app::photos::uploads::{self, DraftKey, UploadError, Uploaded};
use app::shop::ServerState;
use app::warranty::claims::{self, ClaimRefusal, ClaimRequest, Claimant};
use app::warranty::ClaimKind;
use bytes::Bytes;
use image::{DynamicImage, ImageDecoder, RgbImage, RgbaImage};
use object_store::aws::AmazonS3Builder;
use object_store::prefix::PrefixStore;
use sqlx::Row;
use std::sync::Arc;
use time::OffsetDateTime;

pub const DAY: i64 = 24 * 60 * 60;

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Photos under a fresh prefix of the test bucket, so each test sees only its own files.
pub fn in_s3(limits: PhotoLimits) -> PhotoStore {
    let url = std::env::var("TEST_S3_URL").unwrap_or_else(|_| "http://127.0.0.1:4568".into());
    let bucket = std::env::var("TEST_S3_BUCKET").unwrap_or_else(|_| "casefront-test".into());
    let s3 = AmazonS3Builder::new()
        .with_endpoint(&url)
        .with_allow_http(true)
        .with_bucket_name(bucket)
        .with_region("us-east-1")
        .with_access_key_id("S3RVER")
        .with_secret_access_key("S3RVER")
        .build()
        .unwrap_or_else(|e| panic!("an S3-compatible server must answer at {url}: {e}"));
    let prefix = format!("test-{}", app::tokens::random_hex(8));
    PhotoStore::new(Arc::new(PrefixStore::new(s3, prefix)), limits)
}

pub fn in_folder(limits: PhotoLimits) -> PhotoStore {
    let dir = std::env::temp_dir().join(format!("shop-photos-{}", app::tokens::random_hex(8)));
    PhotoStore::in_folder(&dir, limits).unwrap()
}

pub fn draft() -> DraftKey {
    DraftKey::parse(&app::tokens::random_hex(16)).unwrap()
}

/// `bytes` as a request body arriving in chunks of 4 KB.
pub fn body(bytes: &[u8]) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
    let chunks: Vec<_> = bytes
        .chunks(4096)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    futures::stream::iter(chunks)
}

pub async fn upload(
    state: &ServerState,
    draft: &DraftKey,
    name: &str,
    bytes: &[u8],
) -> Result<Uploaded, UploadError> {
    uploads::receive(
        &state.db.pool,
        &state.photos,
        draft,
        name,
        body(bytes),
        now(),
    )
    .await
}

pub fn refusal(result: Result<Uploaded, UploadError>) -> PhotoRefusal {
    match result {
        Err(UploadError::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A picture with some detail, `width` by `height`.
pub fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 5 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    })
}

pub fn encoded(picture: DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, format).unwrap();
    out.into_inner()
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encoded(
        DynamicImage::ImageRgb8(picture(width, height)),
        image::ImageFormat::Jpeg,
    )
}

/// A JPEG as a phone takes it: EXIF saying "turn me a quarter" (orientation 6) and where it
/// was taken (GPS latitude 51° 30' 12.34" N).
pub fn phone_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2A\0\0\0\x08");
    // IFD0: orientation, and where the GPS directory starts (offset 38).
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    // GPS: latitude reference "N" and the latitude's three rationals (at offset 68).
    tiff.extend_from_slice(&[0, 2]);
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    for (num, den) in [(51u32, 1u32), (30, 1), (1234, 100)] {
        tiff.extend_from_slice(&num.to_be_bytes());
        tiff.extend_from_slice(&den.to_be_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let plain = jpeg(width, height);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let rgba = RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 200])
    });
    encoded(DynamicImage::ImageRgba8(rgba), image::ImageFormat::Png)
}

pub fn webp(width: u32, height: u32) -> Vec<u8> {
    encoded(
        DynamicImage::ImageRgb8(picture(width, height)),
        image::ImageFormat::WebP,
    )
}

/// A PNG whose header announces 11,000 × 11,000 pixels (484 MB to decode) in a few bytes:
/// a decompression bomb.
pub fn png_bomb() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.finalize().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&11_000u32.to_be_bytes());
    header.extend_from_slice(&11_000u32.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

pub async fn first_line(db: &Db, number: &str) -> i64 {
    sqlx::query(
        "SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.number = $1",
    )
    .bind(number)
    .fetch_one(&db.pool)
    .await
    .unwrap()
    .try_get("id")
    .unwrap()
}

pub fn guest(email: &str) -> Claimant {
    Claimant::Guest {
        email: email.into(),
    }
}

pub async fn file(
    state: &ServerState,
    claimant: Claimant,
    number: &str,
    line_id: i64,
    kind: ClaimKind,
    draft: &DraftKey,
) -> Result<claims::Filed, ClaimRefusal> {
    let request = ClaimRequest {
        claimant,
        order_number: number,
        line_id,
        kind,
        description: "The case's edge split along the seam after two weeks.",
        draft,
    };
    claims::file(&state.db.pool, &state.store, &request, now())
        .await
        .unwrap()
}

pub async fn shop_with(db: &Db, photos: PhotoStore) -> ServerState {
    ServerState {
        photos,
        ..shop(db).await
    }
}

/// Small enough that a 900 × 900 JPEG is over it.
pub fn tight() -> PhotoLimits {
    PhotoLimits {
        per_file: 60 * 1024,
        per_claim: 1024 * 1024,
    }
}
