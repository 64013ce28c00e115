//! Warranty claims against real SQLite and PostgreSQL databases, with photos kept in a local
//! folder and in a real S3-compatible server (s3rver, started by scripts/test.sh; its address
//! in TEST_S3_URL). The pictures are made here: real JPEG, PNG and WebP files, and the bad
//! ones a shopper's phone or an attacker might send.

mod support;

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
use support::shop::*;
use time::OffsetDateTime;

const DAY: i64 = 24 * 60 * 60;

fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Photos under a fresh prefix of the test bucket, so each test sees only its own files.
fn in_s3(limits: PhotoLimits) -> PhotoStore {
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

fn in_folder(limits: PhotoLimits) -> PhotoStore {
    let dir = std::env::temp_dir().join(format!("shop-photos-{}", app::tokens::random_hex(8)));
    PhotoStore::in_folder(&dir, limits).unwrap()
}

fn draft() -> DraftKey {
    DraftKey::parse(&app::tokens::random_hex(16)).unwrap()
}

/// `bytes` as a request body arriving in chunks of 4 KB.
fn body(bytes: &[u8]) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
    let chunks: Vec<_> = bytes
        .chunks(4096)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    futures::stream::iter(chunks)
}

async fn upload(
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

fn refusal(result: Result<Uploaded, UploadError>) -> PhotoRefusal {
    match result {
        Err(UploadError::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A picture with some detail, `width` by `height`.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 5 % 256) as u8,
            ((x + y) % 256) as u8,
        ])
    })
}

fn encoded(picture: DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    picture.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    encoded(
        DynamicImage::ImageRgb8(picture(width, height)),
        image::ImageFormat::Jpeg,
    )
}

/// A JPEG as a phone takes it: EXIF saying "turn me a quarter" (orientation 6) and where it
/// was taken (GPS latitude 51° 30' 12.34" N).
fn phone_jpeg(width: u32, height: u32) -> Vec<u8> {
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

fn png(width: u32, height: u32) -> Vec<u8> {
    let rgba = RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 200])
    });
    encoded(DynamicImage::ImageRgba8(rgba), image::ImageFormat::Png)
}

fn webp(width: u32, height: u32) -> Vec<u8> {
    encoded(
        DynamicImage::ImageRgb8(picture(width, height)),
        image::ImageFormat::WebP,
    )
}

/// A PNG whose header announces 11,000 × 11,000 pixels (484 MB to decode) in a few bytes:
/// a decompression bomb.
fn png_bomb() -> Vec<u8> {
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

async fn first_line(db: &Db, number: &str) -> i64 {
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

fn guest(email: &str) -> Claimant {
    Claimant::Guest {
        email: email.into(),
    }
}

async fn file(
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

async fn shop_with(db: &Db, photos: PhotoStore) -> ServerState {
    ServerState {
        photos,
        ..shop(db).await
    }
}

/// A JPEG from a phone, a PNG and a WebP are cleaned and kept; the claim takes them.
async fn good_photos_are_cleaned_kept_and_taken_by_the_claim(db: &Db, photos: PhotoStore) {
    let state = shop_with(db, photos).await;
    let number = delivered_order(&state, "grace@example.com", now() - DAY).await;
    let line = first_line(db, &number).await;
    let draft = draft();

    let phone = upload(&state, &draft, "IMG_2041.jpg", &phone_jpeg(64, 48))
        .await
        .unwrap();
    // Turned upright as the camera meant: 64 × 48 taken sideways is 48 × 64.
    assert_eq!((phone.width, phone.height), (48, 64));
    let kept = state
        .photos
        .get(&phone.id, Size::Full)
        .await
        .unwrap()
        .unwrap();
    assert!(kept.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(
        !kept.windows(4).any(|w| w == b"Exif"),
        "the stored photo still carries EXIF"
    );
    let mut decoder =
        image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(kept.to_vec())).unwrap();
    assert_eq!(decoder.exif_metadata().unwrap(), None);
    assert_eq!(decoder.dimensions(), (48, 64));

    let large = upload(&state, &draft, "screen.png", &png(3000, 1000))
        .await
        .unwrap();
    // Kept at most 2048 pixels along its long side.
    assert_eq!((large.width, large.height), (2048, 683));
    let thumb = state
        .photos
        .get(&large.id, Size::Thumb)
        .await
        .unwrap()
        .unwrap();
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!(thumb.width(), 320);
    upload(&state, &draft, "back.webp", &webp(80, 60))
        .await
        .unwrap();
    assert_eq!(state.photos.count_files().await.unwrap(), 6);

    let filed = file(
        &state,
        guest("Grace@Example.com"),
        &number,
        line,
        ClaimKind::Defect,
        &draft,
    )
    .await
    .unwrap();
    assert!(filed.number.starts_with("W-"));
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM photos WHERE claim_id IS NOT NULL").await,
        3
    );
    let mail: String = sqlx::query("SELECT text_body FROM mail_queue WHERE subject LIKE $1")
        .bind(format!("%{}%", filed.number))
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get("text_body")
        .unwrap();
    assert!(mail.contains(&format!(
        "/warranty/claims/{}?key={}",
        filed.number, filed.key
    )));
    // Taken photos are no longer the draft's to remove, nor the cleanup's.
    assert!(
        !uploads::discard(&db.pool, &state.photos, &draft, &phone.id)
            .await
            .unwrap()
    );
    let later = now() + 2 * uploads::UNCLAIMED_FOR;
    assert_eq!(
        uploads::remove_unclaimed(&db.pool, &state.photos, later)
            .await
            .unwrap(),
        0
    );
    assert_eq!(state.photos.count_files().await.unwrap(), 6);
}

/// Each bad file is refused with its own reason, and leaves no row and no file.
async fn bad_uploads_are_refused_and_leave_nothing(db: &Db, photos: PhotoStore) {
    let state = shop_with(db, photos).await;
    let draft = draft();
    let big = jpeg(900, 900);
    assert!(
        big.len() as u64 > state.photos.limits.per_file,
        "{}",
        big.len()
    );
    let good = jpeg(40, 30);
    let truncated = &good[..good.len() / 2];
    let wide = png(12_001, 1);
    let bomb = png_bomb();
    let cases: Vec<(&str, &[u8], PhotoRefusal)> = vec![
        (
            "notes.jpg",
            b"These are my notes, not a photo at all.",
            PhotoRefusal::NotAPicture {
                name: "notes.jpg".into(),
            },
        ),
        (
            "cut.jpg",
            truncated,
            PhotoRefusal::Unreadable {
                name: "cut.jpg".into(),
            },
        ),
        (
            "huge.jpg",
            &big,
            PhotoRefusal::TooLarge {
                name: "huge.jpg".into(),
                limit_mb: 0,
            },
        ),
        (
            "bomb.png",
            &bomb,
            PhotoRefusal::TooManyPixels {
                name: "bomb.png".into(),
                max_side: app::photos::images::MAX_SIDE,
            },
        ),
        (
            "wide.png",
            &wide,
            PhotoRefusal::TooManyPixels {
                name: "wide.png".into(),
                max_side: app::photos::images::MAX_SIDE,
            },
        ),
    ];
    for (name, bytes, expected) in cases {
        assert_eq!(refusal(upload(&state, &draft, name, bytes).await), expected);
        assert_eq!(count(db, "SELECT COUNT(*) FROM photos").await, 0, "{name}");
        assert_eq!(state.photos.count_files().await.unwrap(), 0, "{name}");
    }
    // The messages say which file and why.
    assert!(PhotoRefusal::Unreadable {
        name: "cut.jpg".into()
    }
    .to_string()
    .starts_with("cut.jpg could not be read"));
}

/// One photo is not enough: the claim is refused, nothing of it is stored, and the photo
/// waits in the draft for a second one; abandoned, the cleanup removes it a day later.
async fn a_claim_needs_two_photos_and_abandoned_uploads_are_cleaned_up(
    db: &Db,
    photos: PhotoStore,
) {
    let state = shop_with(db, photos).await;
    let number = delivered_order(&state, "ada@example.com", now() - DAY).await;
    let line = first_line(db, &number).await;
    let draft = draft();
    let only = upload(&state, &draft, "one.jpg", &jpeg(50, 50))
        .await
        .unwrap();
    let refused = file(
        &state,
        guest("ada@example.com"),
        &number,
        line,
        ClaimKind::Defect,
        &draft,
    )
    .await;
    assert_eq!(refused, Err(ClaimRefusal::Photos(PhotoRefusal::TooFew)));
    assert_eq!(count(db, "SELECT COUNT(*) FROM warranty_claims").await, 0);
    assert_eq!(count(db, "SELECT COUNT(*) FROM claim_messages").await, 0);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM photos WHERE claim_id IS NULL").await,
        1
    );
    // A photo removed from the form goes at once; another draft cannot remove it.
    assert!(
        !uploads::discard(&db.pool, &state.photos, &self::draft(), &only.id)
            .await
            .unwrap()
    );
    let second = upload(&state, &draft, "two.jpg", &jpeg(50, 50))
        .await
        .unwrap();
    assert!(
        uploads::discard(&db.pool, &state.photos, &draft, &second.id)
            .await
            .unwrap()
    );
    assert_eq!(state.photos.count_files().await.unwrap(), 2);

    let soon = now() + uploads::UNCLAIMED_FOR / 2;
    assert_eq!(
        uploads::remove_unclaimed(&db.pool, &state.photos, soon)
            .await
            .unwrap(),
        0
    );
    let later = now() + uploads::UNCLAIMED_FOR + 60;
    assert_eq!(
        uploads::remove_unclaimed(&db.pool, &state.photos, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(count(db, "SELECT COUNT(*) FROM photos").await, 0);
    assert_eq!(state.photos.count_files().await.unwrap(), 0);
}

/// Photos sent with a delivery-problem report belong to its ticket: a claim cannot take them
/// from the same draft, the cleanup leaves them, and the ticket lists them in order.
async fn photos_taken_by_a_ticket_stay_with_it(db: &Db) {
    use app::conversations::{self, Thread};
    use app::support::{repo as tickets, DeliveryProblem, TicketTopic};
    let state = shop_with(db, in_folder(PhotoLimits::default())).await;
    let number = delivered_order(&state, "ada@example.com", now() - DAY).await;
    let line = first_line(db, &number).await;
    let draft = draft();
    let mut ids = Vec::new();
    for name in ["box.jpg", "case.png"] {
        let picture = if name.ends_with("png") {
            png(80, 60)
        } else {
            jpeg(80, 60)
        };
        ids.push(upload(&state, &draft, name, &picture).await.unwrap().id);
    }
    let mut tx = app::db::begin(&db.pool).await.unwrap();
    let ticket = tickets::create(
        &mut tx,
        &tickets::TicketDraft {
            customer_id: None,
            name: "Ada",
            email: "ada@example.com",
            topic: TicketTopic::DeliveryProblem,
            order: Some(&number),
            order_given: None,
            problem: Some(DeliveryProblem::Damaged),
            message: "The case arrived cracked.",
        },
        now(),
    )
    .await
    .unwrap();
    let taken = conversations::attach_photos(&mut tx, Thread::Ticket, ticket.id, &draft)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(taken, 2);

    let claim = file(
        &state,
        guest("ada@example.com"),
        &number,
        line,
        ClaimKind::Quality,
        &draft,
    )
    .await;
    assert_eq!(claim, Err(ClaimRefusal::Photos(PhotoRefusal::TooFew)));
    let later = now() + uploads::UNCLAIMED_FOR + 60;
    assert_eq!(
        uploads::remove_unclaimed(&db.pool, &state.photos, later)
            .await
            .unwrap(),
        0
    );
    assert_eq!(state.photos.count_files().await.unwrap(), 4);
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(
        conversations::photos(&mut conn, Thread::Ticket, ticket.id)
            .await
            .unwrap(),
        ids
    );
    let owner = conversations::photo_owner(&db.pool, &ids[1])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (owner.thread, owner.id, owner.account),
        (Thread::Ticket, ticket.id, None)
    );
    // Nor can a draft's photo be discarded once a ticket has it.
    assert!(!uploads::discard(&db.pool, &state.photos, &draft, &ids[0])
        .await
        .unwrap());
}

/// A draft holds at most eight photos, and no more bytes than a claim may take.
async fn a_draft_holds_at_most_eight_photos_and_its_total(db: &Db) {
    let photo = jpeg(120, 120);
    let size = photo.len() as u64;
    let photos = in_folder(PhotoLimits {
        per_file: size,
        per_claim: 3 * size + size / 2,
    });
    let state = shop_with(db, photos).await;
    let draft = draft();
    for n in 0..3 {
        upload(&state, &draft, &format!("{n}.jpg"), &photo)
            .await
            .unwrap();
    }
    assert_eq!(
        refusal(upload(&state, &draft, "fourth.jpg", &photo).await),
        PhotoRefusal::ClaimTooLarge { limit_mb: 0 }
    );

    let state = shop_with(db, in_folder(PhotoLimits::default())).await;
    let draft = self::draft();
    for n in 0..8 {
        upload(&state, &draft, &format!("{n}.jpg"), &photo)
            .await
            .unwrap();
    }
    assert_eq!(
        refusal(upload(&state, &draft, "ninth.jpg", &photo).await),
        PhotoRefusal::TooMany
    );
}

/// A claim is for the asker's own delivered order, an item on it, and a quality concern
/// within 30 days of delivery; each refusal stores nothing and keeps the photos in the draft.
async fn claims_are_only_for_the_askers_delivered_items(db: &Db) {
    let state = shop_with(db, in_folder(PhotoLimits::default())).await;
    let recent = delivered_order(&state, "lin@example.com", now() - 2 * DAY).await;
    let old = delivered_order(&state, "lin@example.com", now() - 31 * DAY).await;
    let not_yet = placed(
        &checkout(
            &state,
            &request(&state, "lin@example.com", &[(GRIP, 1)], None, card(VISA)).await,
        )
        .await,
    );
    let draft = draft();
    for n in 0..2 {
        upload(&state, &draft, &format!("{n}.jpg"), &jpeg(30, 30))
            .await
            .unwrap();
    }
    let line = first_line(db, &recent).await;
    let other_line = first_line(db, &old).await;
    let refusals = [
        (
            guest("someone@else.com"),
            &recent,
            line,
            ClaimKind::Defect,
            ClaimRefusal::NoSuchOrder,
        ),
        (
            guest("lin@example.com"),
            &recent,
            other_line,
            ClaimKind::Defect,
            ClaimRefusal::NoSuchItem,
        ),
        (
            guest("lin@example.com"),
            &not_yet,
            first_line(db, &not_yet).await,
            ClaimKind::Defect,
            ClaimRefusal::NotDelivered,
        ),
        (
            guest("lin@example.com"),
            &old,
            other_line,
            ClaimKind::Quality,
            ClaimRefusal::QualityWindowClosed,
        ),
    ];
    for (claimant, number, line, kind, expected) in refusals {
        assert_eq!(
            file(&state, claimant, number, line, kind, &draft).await,
            Err(expected)
        );
        assert_eq!(count(db, "SELECT COUNT(*) FROM warranty_claims").await, 0);
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM photos WHERE claim_id IS NULL").await,
            2
        );
    }
    // Nor is a guest order another account's.
    let account = customer(db, "max@example.com").await;
    let signed_in = Claimant::Customer {
        id: account.id,
        email: "max@example.com".into(),
    };
    assert_eq!(
        file(&state, signed_in, &recent, line, ClaimKind::Quality, &draft).await,
        Err(ClaimRefusal::NoSuchOrder)
    );
    // A defect on the old order is still covered, for the item's life.
    file(
        &state,
        guest("lin@example.com"),
        &old,
        other_line,
        ClaimKind::Defect,
        &draft,
    )
    .await
    .unwrap();
}

/// A filed claim with two photos, by guest `email`; its number.
async fn filed_claim(state: &ServerState, email: &str) -> String {
    let number = delivered_order(state, email, now() - DAY).await;
    let line = first_line(&state.db, &number).await;
    let draft = draft();
    for n in 0..2 {
        upload(state, &draft, &format!("{n}.jpg"), &jpeg(40, 40))
            .await
            .unwrap();
    }
    file(
        state,
        guest(email),
        &number,
        line,
        ClaimKind::Defect,
        &draft,
    )
    .await
    .unwrap()
    .number
}

/// Staff ask for more, the shopper adds a photo and a note, and two staff members approving
/// at once make one free replacement; a decided claim refuses every further decision.
async fn staff_ask_then_approve_once_with_a_free_replacement(db: &Db) {
    use app::warranty::review::{self, Decision, ReviewError};
    use app::warranty::ClaimStatus;
    let state = shop_with(db, in_folder(PhotoLimits::default())).await;
    let support = staff(db, "sam@shop.test", app::identity::Role::Support).await;
    let claim = filed_claim(&state, "ida@example.com").await;
    // The staff overview counts the claims waiting for a decision.
    assert_eq!(app::warranty::repo::waiting(&db.pool).await.unwrap(), 1);
    let ask = Decision::AskForMore {
        message: "Please add a photo of the whole case from the back.".into(),
    };
    review::decide(&state, &support, &claim, &ask, now())
        .await
        .unwrap();
    let draft = draft();
    upload(&state, &draft, "back.jpg", &jpeg(40, 40))
        .await
        .unwrap();
    review::add_information(&state, &claim, "Here is the back.", &draft, now())
        .await
        .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let found = app::warranty::repo::find(&mut conn, &claim)
        .await
        .unwrap()
        .unwrap();
    drop(conn);
    assert_eq!(found.view.status, ClaimStatus::Submitted);
    assert_eq!(found.view.photos.len(), 3);
    assert_eq!(found.view.messages.len(), 3);

    let stock_before = count(
        db,
        &format!("SELECT stock FROM skus WHERE code = '{CLEAR}'"),
    )
    .await;
    let approve = Decision::Approve { sku: CLEAR.into() };
    let (first, second) = tokio::join!(
        review::decide(&state, &support, &claim, &approve, now()),
        review::decide(&state, &support, &claim, &approve, now()),
    );
    let outcomes = [first, second];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, Ok(ClaimStatus::Approved)))
            .count(),
        1,
        "{outcomes:?}"
    );
    assert!(outcomes
        .iter()
        .any(|o| matches!(o, Err(ReviewError::Decided(ClaimStatus::Approved)))));
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM orders WHERE payment_method = 'none'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            db,
            "SELECT total_cents FROM orders WHERE payment_method = 'none'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            db,
            &format!("SELECT stock FROM skus WHERE code = '{CLEAR}'")
        )
        .await,
        stock_before - 1
    );
    let mut conn = db.pool.acquire().await.unwrap();
    let found = app::warranty::repo::find(&mut conn, &claim)
        .await
        .unwrap()
        .unwrap();
    let replacement = found.view.replacement.clone().unwrap();
    let status = app::orders::repo::find_by_number(&mut conn, &replacement)
        .await
        .unwrap()
        .unwrap()
        .status;
    drop(conn);
    assert_eq!(status, app::orders::status::OrderStatus::Paid);
    // Its unit left stock as a replacement, not as a sale.
    assert_eq!(
        count(
            db,
            &format!(
                "SELECT COUNT(*) FROM stock_movements WHERE order_number = '{replacement}' \
                 AND reason = 'warranty_replacement' AND quantity_change = -1"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            db,
            &format!(
                "SELECT COUNT(*) FROM stock_movements WHERE order_number = '{replacement}' \
                 AND reason = 'sale'"
            )
        )
        .await,
        0
    );
    assert_eq!(app::warranty::repo::waiting(&db.pool).await.unwrap(), 0);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'approve claim'"
        )
        .await,
        1
    );
    let decline = Decision::Decline {
        reason: app::warranty::Exclusion::Drop,
        message: String::new(),
    };
    assert!(matches!(
        review::decide(&state, &support, &claim, &decline, now()).await,
        Err(ReviewError::Decided(ClaimStatus::Approved))
    ));
    assert!(matches!(
        review::add_information(&state, &claim, "More", &draft, now()).await,
        Err(ReviewError::Closed)
    ));

    // Declined with a named exclusion, which the shopper is told.
    let other = filed_claim(&state, "jon@example.com").await;
    let decline = Decision::Decline {
        reason: app::warranty::Exclusion::Drop,
        message: "The photos show a corner cracked by a fall.".into(),
    };
    review::decide(&state, &support, &other, &decline, now())
        .await
        .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let found = app::warranty::repo::find(&mut conn, &other)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        found.view.decline_reason,
        Some(app::warranty::Exclusion::Drop)
    );
    assert!(found
        .view
        .messages
        .last()
        .unwrap()
        .body
        .contains("does not cover drops"));
    // A variant of another product is never a replacement.
    let third = filed_claim(&state, "kim@example.com").await;
    assert!(matches!(
        review::decide(
            &state,
            &support,
            &third,
            &Decision::Approve { sku: GRIP.into() },
            now()
        )
        .await,
        Err(ReviewError::NotAVariant)
    ));
}

async fn folder_keeps_good_photos(db: &Db) {
    good_photos_are_cleaned_kept_and_taken_by_the_claim(db, in_folder(PhotoLimits::default()))
        .await;
}

async fn s3_keeps_good_photos(db: &Db) {
    good_photos_are_cleaned_kept_and_taken_by_the_claim(db, in_s3(PhotoLimits::default())).await;
}

/// Small enough that a 900 × 900 JPEG is over it.
fn tight() -> PhotoLimits {
    PhotoLimits {
        per_file: 60 * 1024,
        per_claim: 1024 * 1024,
    }
}

async fn folder_refuses_bad_uploads(db: &Db) {
    bad_uploads_are_refused_and_leave_nothing(db, in_folder(tight())).await;
}

async fn s3_refuses_bad_uploads(db: &Db) {
    bad_uploads_are_refused_and_leave_nothing(db, in_s3(tight())).await;
}

async fn folder_cleans_up(db: &Db) {
    a_claim_needs_two_photos_and_abandoned_uploads_are_cleaned_up(
        db,
        in_folder(PhotoLimits::default()),
    )
    .await;
}

async fn s3_cleans_up(db: &Db) {
    a_claim_needs_two_photos_and_abandoned_uploads_are_cleaned_up(
        db,
        in_s3(PhotoLimits::default()),
    )
    .await;
}

on_both_backends!(
    folder_keeps_good_photos,
    s3_keeps_good_photos,
    folder_refuses_bad_uploads,
    s3_refuses_bad_uploads,
    folder_cleans_up,
    s3_cleans_up,
    a_draft_holds_at_most_eight_photos_and_its_total,
    photos_taken_by_a_ticket_stay_with_it,
    claims_are_only_for_the_askers_delivered_items,
    staff_ask_then_approve_once_with_a_free_replacement,
);
