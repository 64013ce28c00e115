//! A shopper after the sale, against real SQLite and PostgreSQL: cancelling (once, refunded
//! once) until preparing starts, and changing an item within twelve hours.

mod support;

use support::shop::*;

use app::db::Db;
use app::money::Money;
use app::orders::cancellation::{self, Cancelled};
use app::orders::changes::{self, ChangeError, ChangeOffer};
use app::orders::fulfilment;
use app::orders::repo as orders;
use app::orders::repo::ActionError;
use app::orders::status::{OrderAction, OrderStatus};
use app::pricing::shipping::ShippingMethod;
use sqlx::Row;
use time::OffsetDateTime;

async fn a_shopper_cancels_once_and_is_refunded_once_even_clicking_twice(db: &Db) {
    let state = shop(db).await;
    let (clear, grip) = (stock(db, CLEAR).await, stock(db, GRIP).await);
    let number = placed(
        &checkout(
            &state,
            &request(
                &state,
                "ada@example.com",
                &[(CLEAR, 2), (GRIP, 1)],
                Some("SAVE5"),
                card(VISA),
            )
            .await,
        )
        .await,
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM coupon_redemptions").await,
        1
    );
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let (a, b) = tokio::join!(
        cancellation::cancel(&state, cancellation::CancelledBy::Shopper, &number, now),
        cancellation::cancel(&state, cancellation::CancelledBy::Shopper, &number, now),
    );
    let mut outcomes = vec![a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|o| format!("{o:?}"));
    assert_eq!(
        outcomes,
        vec![
            Cancelled::Already,
            Cancelled::Refunded(Money::from_cents(5597 - 500))
        ]
    );
    assert_eq!(status_of(db, &number).await, OrderStatus::Refunded);
    assert_eq!(
        (stock(db, CLEAR).await, stock(db, GRIP).await),
        (clear, grip)
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM coupon_redemptions").await,
        0
    );
    assert_eq!(refunded_cents(db, &number).await, (5097, 5097));
    assert_eq!(count(db, "SELECT COUNT(*) FROM refunds").await, 1);
    // A third try changes nothing.
    assert_eq!(
        cancellation::cancel(&state, cancellation::CancelledBy::Shopper, &number, now)
            .await
            .unwrap(),
        Cancelled::Already
    );
    assert_eq!(count(db, "SELECT COUNT(*) FROM gateway_refunds").await, 1);
}

async fn once_preparing_starts_the_shopper_cannot_cancel(db: &Db) {
    let state = shop(db).await;
    let sid = staff(db, "sid@shop.test", app::identity::Role::Support).await;
    let number = placed(
        &checkout(
            &state,
            &request(&state, "ada@example.com", &[(CLEAR, 1)], None, card(VISA)).await,
        )
        .await,
    );
    let held = stock(db, CLEAR).await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    fulfilment::act(
        &state,
        &sid,
        &number,
        OrderAction::MarkProcessing,
        None,
        now,
    )
    .await
    .unwrap();
    match cancellation::cancel(&state, cancellation::CancelledBy::Shopper, &number, now).await {
        Err(ActionError::Refused(why)) => {
            assert!(why.contains("can no longer be cancelled"), "{why}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(status_of(db, &number).await, OrderStatus::Processing);
    assert_eq!(stock(db, CLEAR).await, held);
    assert_eq!(count(db, "SELECT COUNT(*) FROM refunds").await, 0);
    assert!(matches!(
        cancellation::cancel(
            &state,
            cancellation::CancelledBy::Shopper,
            "CF-NOTHERE",
            now
        )
        .await,
        Err(ActionError::NotFound)
    ));
}

async fn a_shopper_changes_an_item_within_twelve_hours_and_the_stock_follows(db: &Db) {
    let state = shop(db).await;
    let sid = staff(db, "sid@shop.test", app::identity::Role::Support).await;
    let number = placed(
        &checkout(
            &state,
            &request(&state, "ada@example.com", &[(CLEAR, 2)], None, card(VISA)).await,
        )
        .await,
    );
    let placed_at: i64 = sqlx::query("SELECT placed_at FROM orders WHERE number = $1")
        .bind(&number)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .get("placed_at");
    let ChangeOffer::Open { until, choices } =
        changes::offer(&state, &number, placed_at).await.unwrap()
    else {
        panic!("a new order may be changed");
    };
    assert_eq!(until, placed_at + 12 * 3600);
    assert_eq!(choices.len(), 1);
    assert_eq!((choices[0].sku.as_str(), choices[0].quantity), (CLEAR, 2));
    let to = choices[0].alternatives[0].0.clone();
    let same_product_and_price = count(
        db,
        &format!(
            "SELECT COUNT(*) FROM skus a JOIN skus b ON a.product_id = b.product_id \
             AND a.price_cents = b.price_cents WHERE a.code = '{CLEAR}' AND b.code = '{to}'"
        ),
    )
    .await;
    assert_eq!(same_product_and_price, 1);
    let (from_before, to_before) = (stock(db, CLEAR).await, stock(db, &to).await);
    let unchanged = |db: &Db| {
        let to = to.clone();
        let db = db.clone();
        async move { (stock(&db, CLEAR).await, stock(&db, &to).await) }
    };

    // Just past 12 hours: refused, nothing moves.
    let late = placed_at + 12 * 3600 + 1;
    match changes::change_item(&state, &number, CLEAR, &to, late).await {
        Err(ChangeError::Refused(why)) => assert!(why.contains("12 hours"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(matches!(
        changes::offer(&state, &number, late).await.unwrap(),
        ChangeOffer::Closed(_)
    ));
    // Another product, or another price: refused.
    match changes::change_item(&state, &number, CLEAR, GRIP, placed_at).await {
        Err(ChangeError::Refused(why)) => assert!(why.contains("same product"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(unchanged(db).await, (from_before, to_before));

    // Exactly at 12 hours it still works: the line, the stock and the timeline change at once.
    changes::change_item(&state, &number, CLEAR, &to, placed_at + 12 * 3600)
        .await
        .unwrap();
    assert_eq!(unchanged(db).await, (from_before + 2, to_before - 2));
    let (detail, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.lines[0].sku, to);
    assert_eq!(detail.lines[0].quantity, 2);
    assert_eq!(detail.totals.total, Money::from_cents(2 * 1999));
    assert_eq!(detail.method, ShippingMethod::Standard);
    assert!(detail
        .events
        .iter()
        .any(|e| e.note.starts_with("Item changed: ")));
    // The shopper is e-mailed the change, in the same transaction.
    let queued: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM mail_queue WHERE subject LIKE '%: item changed'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(queued, 1);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM stock_movements WHERE reason = 'order_changed'"
        )
        .await,
        2
    );

    // Once preparing starts, no change, whatever the time.
    fulfilment::act(
        &state,
        &sid,
        &number,
        OrderAction::MarkProcessing,
        None,
        placed_at + 60,
    )
    .await
    .unwrap();
    match changes::change_item(&state, &number, &to, CLEAR, placed_at + 120).await {
        Err(ChangeError::Refused(why)) => assert!(why.contains("preparing"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(unchanged(db).await, (from_before + 2, to_before - 2));
}

on_both_backends!(
    a_shopper_cancels_once_and_is_refunded_once_even_clicking_twice,
    once_preparing_starts_the_shopper_cannot_cancel,
    a_shopper_changes_an_item_within_twelve_hours_and_the_stock_follows,
);
