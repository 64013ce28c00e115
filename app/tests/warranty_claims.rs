//! Warranty claims against real SQLite and PostgreSQL: a claim only for the asker's own
//! delivered items; staff ask for more, then approve once, with a free replacement order.

mod support;

use app::db::Db;
use app::photos::rules::PhotoLimits;
use app::shop::ServerState;
use app::warranty::claims::{ClaimRefusal, Claimant};
use app::warranty::ClaimKind;
use support::photos::*;
use support::shop::*;

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

on_both_backends!(
    claims_are_only_for_the_askers_delivered_items,
    staff_ask_then_approve_once_with_a_free_replacement,
);
