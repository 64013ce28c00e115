//! Shopper photos against real SQLite and PostgreSQL, kept in a folder and in S3 (s3rver):
//! good photos cleaned and kept until a claim or a ticket takes them, bad uploads refused
//! leaving nothing, a draft's limits, abandoned uploads cleaned up.

mod support;

use app::db::Db;
use app::photos::rules::{PhotoLimits, PhotoRefusal};
use app::photos::storage::{PhotoStore, Size};
use app::photos::uploads::{self};
use app::warranty::claims::ClaimRefusal;
use app::warranty::ClaimKind;
use image::ImageDecoder;
use sqlx::Row;
use support::photos::*;
use support::shop::*;

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

async fn folder_keeps_good_photos(db: &Db) {
    good_photos_are_cleaned_kept_and_taken_by_the_claim(db, in_folder(PhotoLimits::default()))
        .await;
}

async fn s3_keeps_good_photos(db: &Db) {
    good_photos_are_cleaned_kept_and_taken_by_the_claim(db, in_s3(PhotoLimits::default())).await;
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
);
