//! Payments that finish later, against real SQLite and PostgreSQL: PayPal approval and
//! cancellation, checkouts interrupted by a crash or a silent gateway settled once, a late
//! charge refunded, a retry that resumes without charging twice.

mod support;

use support::faulty::{Fault, Faulty};
use support::shop::*;

use app::checkout::model::CheckoutOutcome;
use app::checkout::service::{
    answer_paypal, finish_paypal, place_order, settle_interrupted, PAYMENT_TIMEOUT_SECS,
};
use app::db::Db;
use app::orders::repo as orders;
use app::orders::status::OrderStatus;
use app::payments::gateway::{DeclineReason, PaymentChoice};
use app::shop::ServerState;
use time::OffsetDateTime;

fn reference(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

/// Starts a PayPal checkout of one clear case; returns the approval page's address.
async fn start_paypal(state: &ServerState) -> String {
    let req = request(
        state,
        "pal@example.com",
        &[(CLEAR, 1)],
        None,
        PaymentChoice::PayPal,
    )
    .await;
    match checkout(state, &req).await {
        CheckoutOutcome::ApprovePayPal { url, .. } => url,
        other => panic!("expected the PayPal approval step, got {other:?}"),
    }
}

async fn paypal_is_paid_on_approval_and_released_on_cancel(db: &Db) {
    let state = shop(db).await;
    let gateway = state.test_gateway.clone().unwrap();
    let before = stock(db, CLEAR).await;

    let url = start_paypal(&state).await;
    assert!(url.starts_with("/pay/paypal/"));
    // The unit is held while the shopper decides.
    assert_eq!(stock(db, CLEAR).await, before - 1);
    let (number, _) = gateway
        .decide(&reference(&url), false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        finish_paypal(&state, &number, OffsetDateTime::now_utc())
            .await
            .unwrap(),
        CheckoutOutcome::PaymentFailed(app::checkout::model::PaymentFailure {
            reason: DeclineReason::PayPalCancelled
        })
    );
    assert_eq!(stock(db, CLEAR).await, before);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM orders WHERE status = 'payment_failed'"
        )
        .await,
        1
    );

    let url = start_paypal(&state).await;
    let (number, in_time) = gateway
        .decide(&reference(&url), true)
        .await
        .unwrap()
        .unwrap();
    assert!(in_time);
    let outcome = finish_paypal(&state, &number, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(placed(&outcome), number);
    let (order, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.payment.to_string(), "PayPal");
    // A second answer on the page changes nothing.
    let again = answer_paypal(&state, &reference(&url), false, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(again.map(|outcome| placed(&outcome)), Some(number));

    // An approval given after the checkout timed out charges nothing and says why.
    let url = start_paypal(&state).await;
    let later = OffsetDateTime::now_utc() + time::Duration::seconds(PAYMENT_TIMEOUT_SECS + 60);
    assert_eq!(settle_interrupted(&state, later).await.unwrap(), 1);
    assert_eq!(
        answer_paypal(&state, &reference(&url), true, later)
            .await
            .unwrap(),
        Some(CheckoutOutcome::PaymentFailed(
            app::checkout::model::PaymentFailure {
                reason: DeclineReason::PayPalExpired
            }
        ))
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        1
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM gateway_payments WHERE state = 'succeeded'"
        )
        .await,
        1
    );
    assert_eq!(
        answer_paypal(&state, "pp_unknown", true, later)
            .await
            .unwrap(),
        None
    );
}

async fn interrupted_checkouts_are_settled_with_the_gateway(db: &Db) {
    let state = shop(db).await;
    let before = stock(db, CLEAR).await;
    let later = OffsetDateTime::now_utc() + time::Duration::seconds(PAYMENT_TIMEOUT_SECS + 60);

    // Charged, but the answer never came back: the order must end up paid, exactly once.
    let charged = Faulty::shop(&state, Fault::LostAnswer { charged: true });
    let req = request(&state, "lost@example.com", &[(CLEAR, 1)], None, card(VISA)).await;
    assert!(
        place_order(&charged, &req, None, &client(), OffsetDateTime::now_utc())
            .await
            .is_err()
    );
    // Not yet due: nothing happens.
    assert_eq!(
        settle_interrupted(&state, OffsetDateTime::now_utc())
            .await
            .unwrap(),
        0
    );

    // Never charged: the order must be released.
    let uncharged = Faulty::shop(&state, Fault::LostAnswer { charged: false });
    let req2 = request(&state, "lost2@example.com", &[(CLEAR, 2)], None, card(VISA)).await;
    assert!(place_order(
        &uncharged,
        &req2,
        None,
        &client(),
        OffsetDateTime::now_utc()
    )
    .await
    .is_err());
    assert_eq!(stock(db, CLEAR).await, before - 3);

    // An abandoned PayPal approval is voided and released too.
    start_paypal(&state).await;

    assert_eq!(settle_interrupted(&state, later).await.unwrap(), 3);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM orders WHERE status = 'payment_failed'"
        )
        .await,
        2
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        1
    );
    assert_eq!(stock(db, CLEAR).await, before - 1);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM gateway_payments WHERE state = 'succeeded'"
        )
        .await,
        1
    );
    // The shopper's retry of the lost submission finds the paid order; no second charge.
    let retried = checkout(&state, &req).await;
    let mut conn = db.pool.acquire().await.unwrap();
    let order = orders::find_by_key(&mut conn, &req.idempotency_key)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(placed(&retried), order.number);
    // One card charge in all: the second checkout never reached the provider.
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM gateway_payments WHERE method = 'card'"
        )
        .await,
        1
    );
}

async fn a_charge_for_an_order_closed_meanwhile_is_refunded(db: &Db) {
    let state = shop(db).await;
    let before = stock(db, CLEAR).await;
    let overtaken = Faulty::shop(&state, Fault::OrderClosedWhileCharging(db.clone()));
    let req = request(&state, "late@example.com", &[(CLEAR, 1)], None, card(VISA)).await;
    let outcome = place_order(&overtaken, &req, None, &client(), OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert!(
        matches!(outcome, CheckoutOutcome::PaymentFailed(_)),
        "the shopper must not see an order that does not stand: {outcome:?}"
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM gateway_payments WHERE state = 'refunded'"
        )
        .await,
        1,
        "the charge without an order is given back"
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        0
    );
    assert_eq!(stock(db, CLEAR).await, before);
    // Asking again gives the same answer, and refunds nothing more.
    let again = checkout(&state, &req).await;
    assert!(
        matches!(again, CheckoutOutcome::PaymentFailed(_)),
        "{again:?}"
    );
    assert_eq!(count(db, "SELECT COUNT(*) FROM gateway_payments").await, 1);
}

/// Leaves a card checkout awaiting payment, as a server stop between charge and answer does;
/// returns the order number.
async fn interrupted_card_checkout(state: &ServerState, email: &str, charged: bool) -> String {
    let lossy = Faulty::shop(state, Fault::LostAnswer { charged });
    let req = request(state, email, &[(CLEAR, 1)], None, card(VISA)).await;
    assert!(
        place_order(&lossy, &req, None, &client(), OffsetDateTime::now_utc())
            .await
            .is_err()
    );
    let mut conn = state.db.pool.acquire().await.unwrap();
    orders::find_by_key(&mut conn, &req.idempotency_key)
        .await
        .unwrap()
        .unwrap()
        .number
}

async fn one_unsettled_order_never_holds_up_the_others(db: &Db) {
    let state = shop(db).await;
    let broken = interrupted_card_checkout(&state, "one@example.com", true).await;
    interrupted_card_checkout(&state, "two@example.com", true).await;
    interrupted_card_checkout(&state, "three@example.com", false).await;
    let outage = Faulty::shop(&state, Fault::Unreachable(broken.clone()));
    let later = OffsetDateTime::now_utc() + time::Duration::seconds(PAYMENT_TIMEOUT_SECS + 60);
    assert_eq!(settle_interrupted(&outage, later).await.unwrap(), 2);
    let awaiting = "SELECT COUNT(*) FROM orders WHERE status = 'awaiting_payment'";
    assert_eq!(count(db, awaiting).await, 1);
    // Once the provider answers again, the last one is settled too: paid, as it was charged.
    assert_eq!(settle_interrupted(&state, later).await.unwrap(), 1);
    assert_eq!(count(db, awaiting).await, 0);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        2
    );
}

async fn two_instances_settling_at_once_settle_each_order_once(db: &Db) {
    let state = shop(db).await;
    let before = stock(db, CLEAR).await;
    for i in 0..4 {
        interrupted_card_checkout(&state, &format!("c{i}@example.com"), i % 2 == 0).await;
    }
    start_paypal(&state).await;
    let later = OffsetDateTime::now_utc() + time::Duration::seconds(PAYMENT_TIMEOUT_SECS + 60);
    let (a, b) = tokio::join!(
        settle_interrupted(&state, later),
        settle_interrupted(&state, later)
    );
    assert!(a.unwrap() + b.unwrap() >= 5);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM orders WHERE status = 'paid'").await,
        2
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM orders WHERE status = 'payment_failed'"
        )
        .await,
        3
    );
    // Stock given back exactly once for each closed order, and one timeline entry each.
    assert_eq!(stock(db, CLEAR).await, before - 2);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM order_events WHERE status = 'payment_failed'"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM order_events WHERE status = 'paid'"
        )
        .await,
        2
    );
}

async fn a_retry_after_a_lost_answer_resumes_without_charging_twice(db: &Db) {
    let state = shop(db).await;
    let lossy = Faulty::shop(&state, Fault::LostAnswer { charged: true });
    let req = request(&state, "retry@example.com", &[(CLEAR, 1)], None, card(VISA)).await;
    assert!(
        place_order(&lossy, &req, None, &client(), OffsetDateTime::now_utc())
            .await
            .is_err()
    );
    let number = placed(&checkout(&state, &req).await);
    let (order, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(count(db, "SELECT COUNT(*) FROM gateway_payments").await, 1);
}

on_both_backends!(
    paypal_is_paid_on_approval_and_released_on_cancel,
    interrupted_checkouts_are_settled_with_the_gateway,
    a_charge_for_an_order_closed_meanwhile_is_refunded,
    one_unsettled_order_never_holds_up_the_others,
    two_instances_settling_at_once_settle_each_order_once,
    a_retry_after_a_lost_answer_resumes_without_charging_twice,
);
