//! Payments that finish later, against real SQLite and PostgreSQL: PayPal approval and
//! cancellation, checkouts interrupted by a crash or a silent gateway settled once, a late
//! charge refunded, a retry that resumes without charging twice.

mod support;

use support::faulty::{Fault, Faulty};
use support::shop::*;

use app::checkout::model::CheckoutOutcome;
use app::checkout::service::{
    finish_paypal, place_order, settle_interrupted, CheckoutError, PAYMENT_TIMEOUT_SECS,
};
use app::db::Db;
use app::orders::repo as orders;
use app::orders::status::OrderStatus;
use app::payments::card::CardBrand;
use app::payments::gateway::CardEntry;
use app::payments::gateway::{DeclineReason, PaymentChoice};
use app::payments::providers::{PaymentMethods, Providers};
use app::payments::test_gateway::TestGateway;
use app::shop::ServerState;
use time::OffsetDateTime;

fn reference(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_owned()
}

/// Starts a PayPal checkout of one clear case; returns the approval page's address and the
/// order's number.
async fn start_paypal(state: &ServerState) -> (String, String) {
    let req = request(
        state,
        "pal@example.com",
        &[(CLEAR, 1)],
        None,
        PaymentChoice::PayPal,
    )
    .await;
    match checkout(state, &req).await {
        CheckoutOutcome::ApprovePayPal { url, number } => (url, number),
        other => panic!("expected the PayPal approval step, got {other:?}"),
    }
}

fn failed(reason: DeclineReason) -> CheckoutOutcome {
    CheckoutOutcome::PaymentFailed(app::checkout::model::PaymentFailure { reason })
}

async fn paypal_is_paid_on_approval_and_released_on_cancel(db: &Db) {
    let state = shop(db).await;
    // The test gateway's PayPal page, where the payer answers.
    let paypal = TestGateway::new(db.pool.clone());
    let now = OffsetDateTime::now_utc;
    let before = stock(db, CLEAR).await;

    let (url, number) = start_paypal(&state).await;
    assert!(url.starts_with("/pay/paypal/"));
    // The unit is held while the shopper decides.
    assert_eq!(stock(db, CLEAR).await, before - 1);
    let back = paypal.decide(&reference(&url), false).await.unwrap();
    assert_eq!(back, Some(format!("/checkout/paypal/{number}?cancelled=1")));
    assert_eq!(
        finish_paypal(&state, &number, true, now()).await.unwrap(),
        failed(DeclineReason::PayPalCancelled)
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

    let (url, number) = start_paypal(&state).await;
    // Back through the return address before answering (the Back button): nothing is taken,
    // and the order keeps waiting for PayPal.
    assert_eq!(
        finish_paypal(&state, &number, false, now()).await.unwrap(),
        CheckoutOutcome::AwaitingPayment {
            number: number.clone()
        }
    );
    let back = paypal.decide(&reference(&url), true).await.unwrap();
    assert_eq!(back, Some(format!("/checkout/paypal/{number}")));
    let outcome = finish_paypal(&state, &number, false, now()).await.unwrap();
    assert_eq!(placed(&outcome), number);
    let (order, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.payment.to_string(), "PayPal");
    // A second answer on the page, and a trip through the cancel address, change nothing.
    paypal.decide(&reference(&url), false).await.unwrap();
    let again = finish_paypal(&state, &number, true, now()).await.unwrap();
    assert_eq!(placed(&again), number);

    // Cancelled on PayPal's side without the page's answer (PayPal's own cancel link): the
    // shop gives the payment up itself.
    let (_, number) = start_paypal(&state).await;
    assert_eq!(
        finish_paypal(&state, &number, true, now()).await.unwrap(),
        failed(DeclineReason::PayPalCancelled)
    );

    // An approval given after the checkout timed out charges nothing and says why.
    let (url, number) = start_paypal(&state).await;
    let later = now() + time::Duration::seconds(PAYMENT_TIMEOUT_SECS + 60);
    assert_eq!(settle_interrupted(&state, later).await.unwrap(), 1);
    paypal.decide(&reference(&url), true).await.unwrap();
    assert_eq!(
        finish_paypal(&state, &number, false, later).await.unwrap(),
        failed(DeclineReason::PayPalExpired)
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
    assert_eq!(paypal.decide("pp_unknown", true).await.unwrap(), None);
}

async fn interrupted_checkouts_are_settled_with_the_gateway(db: &Db) {
    let state = shop(db).await;
    let before = stock(db, CLEAR).await;
    let later = OffsetDateTime::now_utc() + time::Duration::seconds(PAYMENT_TIMEOUT_SECS + 60);

    // Charged, but the answer never came back: the order must end up paid, exactly once.
    let charged = Faulty::shop(&state, Fault::LostAnswer { charged: true });
    let req = request(&state, "lost@example.com", &[(CLEAR, 1)], None, card(VISA)).await;
    assert!(place_order(
        &charged,
        &req,
        None,
        &client(),
        None,
        OffsetDateTime::now_utc()
    )
    .await
    .is_err());
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
        None,
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
    let outcome = place_order(
        &overtaken,
        &req,
        None,
        &client(),
        None,
        OffsetDateTime::now_utc(),
    )
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
    assert!(place_order(
        &lossy,
        &req,
        None,
        &client(),
        None,
        OffsetDateTime::now_utc()
    )
    .await
    .is_err());
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
    assert!(place_order(
        &lossy,
        &req,
        None,
        &client(),
        None,
        OffsetDateTime::now_utc()
    )
    .await
    .is_err());
    let number = placed(&checkout(&state, &req).await);
    let (order, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(count(db, "SELECT COUNT(*) FROM gateway_payments").await, 1);
}

/// A shop whose providers offer one way to pay refuses the other before holding anything.
async fn only_the_configured_ways_to_pay_are_taken(db: &Db) {
    let state = shop(db).await;
    let test = std::sync::Arc::new(TestGateway::new(db.pool.clone()));
    let cards_only = ServerState {
        payments: Providers::new(Some(test.clone()), None),
        ..state.clone()
    };
    let paypal_only = ServerState {
        payments: Providers::new(None, Some(test)),
        ..state.clone()
    };
    assert_eq!(
        cards_only.payments.methods(),
        PaymentMethods {
            card: Some(CardEntry::Typed),
            paypal: false,
            brands: CardBrand::ALL.to_vec(),
        }
    );
    let before = stock(db, CLEAR).await;
    let by_paypal = request(
        &state,
        "one@example.com",
        &[(CLEAR, 1)],
        None,
        PaymentChoice::PayPal,
    )
    .await;
    let refused = place_order(
        &cards_only,
        &by_paypal,
        None,
        &client(),
        None,
        OffsetDateTime::now_utc(),
    )
    .await;
    assert!(
        matches!(refused, Err(CheckoutError::MethodNotOffered)),
        "{refused:?}"
    );
    let by_card = request(&state, "two@example.com", &[(CLEAR, 1)], None, card(VISA)).await;
    let refused = place_order(
        &paypal_only,
        &by_card,
        None,
        &client(),
        None,
        OffsetDateTime::now_utc(),
    )
    .await;
    assert!(
        matches!(refused, Err(CheckoutError::MethodNotOffered)),
        "{refused:?}"
    );
    assert_eq!(stock(db, CLEAR).await, before);
    assert_eq!(count(db, "SELECT COUNT(*) FROM orders").await, 0);
    // What each offers is what it takes.
    assert!(matches!(
        place_order(
            &paypal_only,
            &by_paypal,
            None,
            &client(),
            None,
            OffsetDateTime::now_utc()
        )
        .await,
        Ok(CheckoutOutcome::ApprovePayPal { .. })
    ));
    assert!(matches!(
        place_order(
            &cards_only,
            &by_card,
            None,
            &client(),
            None,
            OffsetDateTime::now_utc()
        )
        .await,
        Ok(CheckoutOutcome::Placed { .. })
    ));
}

on_both_backends!(
    paypal_is_paid_on_approval_and_released_on_cancel,
    only_the_configured_ways_to_pay_are_taken,
    interrupted_checkouts_are_settled_with_the_gateway,
    a_charge_for_an_order_closed_meanwhile_is_refunded,
    one_unsettled_order_never_holds_up_the_others,
    two_instances_settling_at_once_settle_each_order_once,
    a_retry_after_a_lost_answer_resumes_without_charging_twice,
);
