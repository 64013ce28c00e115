//! PayPal payments through PayPal's REST API, against the contract-checked stand-in and real
//! SQLite and PostgreSQL: approve and capture (a retried start makes one PayPal order), cancel,
//! a declined funding source and the second try, a capture PayPal has yet to clear, shoppers
//! who never come back (settled by the job), refunds partly, fully and never past the capture,
//! an access token renewed when PayPal stops taking it, shipments reported to PayPal (and
//! retried while it is down), and the webhook (events PayPal does not
//! vouch for refused, repeats processed once, a capture cleared later, an approval whose
//! shopper never came back, dashboard refunds, reversals and disputes). Every request the shop
//! sent and every answer or event the stand-in gave is checked against PayPal's OpenAPI
//! documents.

mod support;

use support::paypal::*;
use support::shop::*;

use app::checkout::model::CheckoutOutcome;
use app::checkout::service::{finish_paypal, settle_interrupted, PAYMENT_TIMEOUT_SECS};
use app::checkout::webhook_events::Answer;
use app::db::Db;
use app::identity::Role;
use app::orders::refunding::{refund, RefundError};
use app::orders::refunds::RefundScope;
use app::orders::status::OrderStatus;
use app::payments::gateway::{DeclineReason, PaymentChoice};
use app::shop::ServerState;
use paypal_standin::StandIn;
use sqlx::Row;
use time::{Duration, OffsetDateTime};

/// A PayPal checkout up to the approval page: the order's number and where the shopper goes.
async fn start(state: &ServerState, email: &str, items: &[(&str, u32)]) -> (String, String) {
    let req = request(state, email, items, None, PaymentChoice::PayPal).await;
    approval(&checkout(state, &req).await)
}

fn approval(outcome: &CheckoutOutcome) -> (String, String) {
    match outcome {
        CheckoutOutcome::ApprovePayPal { url, number } => (number.clone(), url.clone()),
        other => panic!("expected to be sent to PayPal, got {other:?}"),
    }
}

async fn back(state: &ServerState, number: &str, cancelled: bool) -> CheckoutOutcome {
    finish_paypal(state, number, cancelled, OffsetDateTime::now_utc())
        .await
        .unwrap()
}

fn declined(outcome: &CheckoutOutcome) -> DeclineReason {
    match outcome {
        CheckoutOutcome::PaymentFailed(failure) => failure.reason,
        other => panic!("expected a refused payment, got {other:?}"),
    }
}

/// The job, run once the checkouts have timed out.
async fn job(state: &ServerState) {
    let later = OffsetDateTime::now_utc() + Duration::seconds(PAYMENT_TIMEOUT_SECS + 60);
    settle_interrupted(state, later).await.unwrap();
}

fn clean(standin: &StandIn) {
    assert_eq!(standin.violations(), Vec::<String>::new());
}

async fn capture_of(db: &Db, number: &str) -> Option<String> {
    sqlx::query("SELECT capture_id FROM paypal_payments WHERE order_key = $1")
        .bind(number)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get("capture_id")
        .unwrap()
}

async fn approved_on_paypal_and_captured_once(db: &Db) {
    let (state, standin) = paypal_shop(db).await;
    let before = stock(db, GRIP).await;
    let req = request(
        &state,
        "pp@example.com",
        &[(CLEAR, 1), (GRIP, 2)],
        None,
        PaymentChoice::PayPal,
    )
    .await;
    let (number, url) = approval(&checkout(&state, &req).await);
    // A retried submission (a double click, a lost answer) sends the shopper to the same order.
    let (again, url_again) = approval(&checkout(&state, &req).await);
    assert_eq!((&again, &url_again), (&number, &url));
    assert_eq!(standin.order_ids().len(), 1);
    let id = token_in(&url);
    assert!(url.contains("/checkoutnow?token="), "{url}");
    // PayPal is asked for exactly what the shop computed, for this order, shipped where typed.
    let sent = standin.request_of(&id).unwrap();
    let unit = &sent["purchase_units"][0];
    assert_eq!(unit["invoice_id"], number.as_str());
    let total: i64 = sqlx::query("SELECT total_cents FROM orders WHERE number = $1")
        .bind(&number)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get("total_cents")
        .unwrap();
    assert_eq!(
        unit["amount"]["value"],
        format!("{}.{:02}", total / 100, total % 100)
    );
    assert_eq!(unit["items"].as_array().unwrap().len(), 2);
    assert_eq!(unit["shipping"]["address"]["postal_code"], "62701");
    let context = &sent["payment_source"]["paypal"]["experience_context"];
    assert_eq!(context["shipping_preference"], "SET_PROVIDED_ADDRESS");
    assert!(context["return_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/checkout/paypal/{number}")));
    assert_eq!(stock(db, GRIP).await, before - 2);

    assert!(standin.approve(&id, Funding::Balance));
    assert_eq!(placed(&back(&state, &number, false).await), number);
    assert_eq!(status_of(db, &number).await, OrderStatus::Paid);
    assert_eq!(
        standin.status(&id),
        Some(("COMPLETED".into(), Some("COMPLETED".into())))
    );
    assert!(capture_of(db, &number).await.is_some());
    // Coming back twice (a reload) takes nothing more.
    assert_eq!(placed(&back(&state, &number, false).await), number);
    assert_eq!(
        standin.count(&format!("POST /v2/checkout/orders/{id}/capture")),
        1
    );
    clean(&standin);
}

async fn cancelled_on_paypal_releases_the_order_and_a_late_approval_takes_nothing(db: &Db) {
    let (state, standin) = paypal_shop(db).await;
    let before = stock(db, GRIP).await;
    let (number, url) = start(&state, "cancel@example.com", &[(GRIP, 1)]).await;
    let outcome = back(&state, &number, true).await;
    assert_eq!(declined(&outcome), DeclineReason::PayPalCancelled);
    assert_eq!(status_of(db, &number).await, OrderStatus::PaymentFailed);
    assert_eq!(stock(db, GRIP).await, before);
    // The shopper approves in another tab after all, and comes back: nothing is taken.
    let id = token_in(&url);
    assert!(standin.approve(&id, Funding::Balance));
    assert_eq!(
        declined(&back(&state, &number, false).await),
        DeclineReason::PayPalCancelled
    );
    assert_eq!(standin.status(&id).unwrap().1, None);
    clean(&standin);
}

async fn a_declined_funding_source_sends_the_shopper_back_to_paypal(db: &Db) {
    let (state, standin) = paypal_shop(db).await;
    let (number, url) = start(&state, "declined@example.com", &[(CLEAR, 1)]).await;
    let id = token_in(&url);
    assert!(standin.approve(&id, Funding::DeclinedCard));
    // PayPal's event about the approval gets there first, and its capture meets the decline.
    let approved = sent(&standin, "CHECKOUT.ORDER.APPROVED");
    assert_eq!(post_event(&state, &approved[0]).await, Answer::Received);
    assert_eq!(status_of(db, &number).await, OrderStatus::AwaitingPayment);
    // INSTRUMENT_DECLINED: PayPal's recovery is to choose another way to pay on its page.
    let (same, retry) = approval(&back(&state, &number, false).await);
    assert_eq!(same, number);
    assert_eq!(token_in(&retry), id);
    assert_eq!(status_of(db, &number).await, OrderStatus::AwaitingPayment);
    assert!(standin.approve(&id, Funding::Balance));
    assert_eq!(placed(&back(&state, &number, false).await), number);
    assert_eq!(
        standin.status(&id),
        Some(("COMPLETED".into(), Some("COMPLETED".into())))
    );
    clean(&standin);
}

async fn a_capture_paypal_has_yet_to_clear_waits_for_paypal(db: &Db) {
    let (state, standin) = paypal_shop(db).await;
    let (number, url) = start(&state, "echeck@example.com", &[(CLEAR, 1)]).await;
    let id = token_in(&url);
    assert!(standin.approve(&id, Funding::ECheck));
    assert!(matches!(
        back(&state, &number, false).await,
        CheckoutOutcome::AwaitingPayment { .. }
    ));
    // Still pending when the checkout times out: held, not released.
    job(&state).await;
    assert_eq!(status_of(db, &number).await, OrderStatus::AwaitingPayment);
    standin.settle_pending(&id, true);
    job(&state).await;
    assert_eq!(status_of(db, &number).await, OrderStatus::Paid);
    clean(&standin);
}

async fn shoppers_who_never_come_back_are_settled_from_paypal(db: &Db) {
    let (state, standin) = paypal_shop(db).await;
    let before = stock(db, GRIP).await;
    let (approved, url) = start(&state, "gone@example.com", &[(GRIP, 1)]).await;
    let (abandoned, abandoned_url) = start(&state, "left@example.com", &[(GRIP, 1)]).await;
    assert!(standin.approve(&token_in(&url), Funding::Balance));
    job(&state).await;
    // Approved but never back: captured and placed. Never approved: released.
    assert_eq!(status_of(db, &approved).await, OrderStatus::Paid);
    assert_eq!(status_of(db, &abandoned).await, OrderStatus::PaymentFailed);
    assert_eq!(stock(db, GRIP).await, before - 1);
    // An approval after the release takes nothing.
    let late = token_in(&abandoned_url);
    assert!(standin.approve(&late, Funding::Balance));
    assert_eq!(
        declined(&back(&state, &abandoned, false).await),
        DeclineReason::PayPalExpired
    );
    assert_eq!(standin.status(&late).unwrap().1, None);
    clean(&standin);
}

async fn refunds_go_through_paypal_partly_then_fully_and_never_past_the_capture(db: &Db) {
    let (state, standin) = paypal_shop(db).await;
    let (number, url) = start(&state, "refund@example.com", &[(CLEAR, 1), (GRIP, 1)]).await;
    let id = token_in(&url);
    assert!(standin.approve(&id, Funding::Balance));
    placed(&back(&state, &number, false).await);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    deliver(&state, &number, now).await;
    let admin = staff(db, "refunds@shop.test", Role::Admin).await;
    let grip_only = RefundScope::Items {
        quantities: vec![0, 1],
        shipping: false,
    };
    refund(&state, &admin, &number, &grip_only, "damaged", now)
        .await
        .unwrap();
    assert_eq!(
        standin.status(&id).unwrap().1.as_deref(),
        Some("PARTIALLY_REFUNDED")
    );
    refund(&state, &admin, &number, &RefundScope::Full, "returned", now)
        .await
        .unwrap();
    assert_eq!(standin.status(&id).unwrap().1.as_deref(), Some("REFUNDED"));
    // PayPal's refund ids are kept with the shop's records.
    let references = refund_references(db).await;
    assert_eq!(references.len(), 2);
    assert!(references.iter().all(|r| r.len() == 17), "{references:?}");
    assert_eq!(status_of(db, &number).await, OrderStatus::Refunded);
    let over = refund(&state, &admin, &number, &RefundScope::Full, "again", now).await;
    assert!(matches!(over, Err(RefundError::Refused(_))), "{over:?}");
    let capture = capture_of(db, &number).await.unwrap();
    assert_eq!(
        standin.count(&format!("POST /v2/payments/captures/{capture}/refund")),
        2
    );
    clean(&standin);
}

async fn an_expired_access_token_is_renewed_once(db: &Db) {
    let (state, standin) = paypal_shop(db).await;
    let (number, url) = start(&state, "token@example.com", &[(CLEAR, 1)]).await;
    assert_eq!(standin.count("POST /v1/oauth2/token"), 1);
    // Kept while it lasts: the next call asks for no new one.
    let id = token_in(&url);
    assert!(standin.approve(&id, Funding::DeclinedCard));
    approval(&back(&state, &number, false).await);
    assert_eq!(standin.count("POST /v1/oauth2/token"), 1);
    // PayPal stops taking it before the shop expected: one 401, one new token, and on.
    standin.expire_tokens();
    assert!(standin.approve(&id, Funding::Balance));
    assert_eq!(placed(&back(&state, &number, false).await), number);
    assert_eq!(standin.count("POST /v1/oauth2/token"), 2);
    clean(&standin);
}

async fn shop_refunded(db: &Db, number: &str) -> i64 {
    sqlx::query("SELECT refunded_cents FROM orders WHERE number = $1")
        .bind(number)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get("refunded_cents")
        .unwrap()
}

async fn paid(state: &ServerState, standin: &StandIn, email: &str) -> (String, String) {
    let (number, url) = start(state, email, &[(CLEAR, 1), (GRIP, 1)]).await;
    let id = token_in(&url);
    assert!(standin.approve(&id, Funding::Balance));
    placed(&back(state, &number, false).await);
    (number, id)
}

async fn the_webhook_settles_what_the_shopper_did_not_come_back_for(db: &Db) {
    let (state, standin) = paypal_shop(db).await;
    // Approved, and the tab closed before the return: PayPal's event has it captured.
    let (gone, url) = start(&state, "gone@example.com", &[(GRIP, 1)]).await;
    assert!(standin.approve(&token_in(&url), Funding::Balance));
    let approved = sent(&standin, "CHECKOUT.ORDER.APPROVED");
    assert_eq!(approved.len(), 1);
    assert_eq!(post_event(&state, &approved[0]).await, Answer::Received);
    assert_eq!(status_of(db, &gone).await, OrderStatus::Paid);
    // An eCheck that PayPal clears days later.
    let (slow, url) = start(&state, "slow@example.com", &[(CLEAR, 1)]).await;
    let id = token_in(&url);
    assert!(standin.approve(&id, Funding::ECheck));
    assert!(matches!(
        back(&state, &slow, false).await,
        CheckoutOutcome::AwaitingPayment { .. }
    ));
    standin.settle_pending(&id, true);
    let cleared = sent(&standin, "PAYMENT.CAPTURE.COMPLETED");
    let cleared = cleared.last().unwrap();
    assert_eq!(post_event(&state, cleared).await, Answer::Received);
    assert_eq!(status_of(db, &slow).await, OrderStatus::Paid);
    // One PayPal denies: the order is released.
    let (denied, url) = start(&state, "denied@example.com", &[(CLEAR, 1)]).await;
    let id = token_in(&url);
    assert!(standin.approve(&id, Funding::ECheck));
    back(&state, &denied, false).await;
    standin.settle_pending(&id, false);
    let event = sent(&standin, "PAYMENT.CAPTURE.DENIED");
    assert_eq!(post_event(&state, &event[0]).await, Answer::Received);
    assert_eq!(status_of(db, &denied).await, OrderStatus::PaymentFailed);
    clean(&standin);
}

async fn an_event_paypal_does_not_vouch_for_changes_nothing_and_a_repeat_is_processed_once(
    db: &Db,
) {
    let (state, standin) = paypal_shop(db).await;
    let (number, id) = paid(&state, &standin, "dash@example.com").await;
    let refund = standin.refund_in_dashboard(&id, 500).unwrap();
    let event = sent(&standin, "PAYMENT.CAPTURE.REFUNDED")
        .into_iter()
        .find(|d| d.body["resource"]["id"] == refund.as_str())
        .unwrap();
    // Altered on the way (a bigger refund), or signed for another webhook: refused.
    let mut forged = event.clone();
    forged.body["resource"]["amount"]["value"] = serde_json::json!("50.00");
    assert_eq!(
        post_event(&state, &forged).await,
        Answer::Refused("not verified by PayPal")
    );
    let mut resigned = event.clone();
    resigned
        .headers
        .retain(|(n, _)| n != "PAYPAL-TRANSMISSION-SIG");
    resigned.headers.push((
        "PAYPAL-TRANSMISSION-SIG".into(),
        "c2lnbmVkIGJ5IG5vYm9keQ==".into(),
    ));
    assert_eq!(
        post_event(&state, &resigned).await,
        Answer::Refused("not verified by PayPal")
    );
    assert_eq!(shop_refunded(db, &number).await, 0);
    // The real one, twice: recorded once.
    assert_eq!(post_event(&state, &event).await, Answer::Received);
    assert_eq!(post_event(&state, &event).await, Answer::Received);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) AS n FROM refunds WHERE state = 'succeeded'"
        )
        .await,
        1
    );
    assert_eq!(shop_refunded(db, &number).await, 500);
    clean(&standin);
}

async fn the_shops_own_refunds_are_not_recorded_twice_and_disputes_are_flagged(db: &Db) {
    let (state, standin) = paypal_shop(db).await;
    let (number, _) = paid(&state, &standin, "own@example.com").await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    deliver(&state, &number, now).await;
    let admin = staff(db, "staff@shop.test", Role::Admin).await;
    refund(&state, &admin, &number, &RefundScope::Full, "returned", now)
        .await
        .unwrap();
    // PayPal tells the shop of the refund it made itself: nothing more is recorded.
    for event in sent(&standin, "PAYMENT.CAPTURE.REFUNDED") {
        assert_eq!(post_event(&state, &event).await, Answer::Received);
    }
    assert_eq!(count(db, "SELECT COUNT(*) AS n FROM refunds").await, 1);
    // A buyer's dispute on another order, and a bank reversal on a third, are flagged.
    let (disputed, disputed_id) = paid(&state, &standin, "dispute@example.com").await;
    standin.dispute(&disputed_id, false);
    let (reversed, reversed_id) = paid(&state, &standin, "reversal@example.com").await;
    standin.dispute(&reversed_id, true);
    for kind in ["CUSTOMER.DISPUTE.CREATED", "PAYMENT.CAPTURE.REVERSED"] {
        for event in sent(&standin, kind) {
            assert_eq!(post_event(&state, &event).await, Answer::Received);
        }
    }
    let reason = |number: String| async move {
        sqlx::query("SELECT dispute_reason FROM orders WHERE number = $1")
            .bind(number)
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .try_get::<Option<String>, _>("dispute_reason")
            .unwrap()
    };
    assert_eq!(
        reason(disputed).await.as_deref(),
        Some("merchandise_or_service_not_received")
    );
    assert_eq!(reason(reversed).await.as_deref(), Some("reversed"));
    assert_eq!(reason(number).await, None);
    clean(&standin);
}

async fn a_shipment_is_reported_to_paypal_and_retried_until_paypal_takes_it(db: &Db) {
    use app::orders::fulfilment::act;
    use app::orders::status::OrderAction;
    use app::orders::tracking::{Carrier, Tracking};
    use app::orders::tracking_reports::report_due;
    let (state, standin) = paypal_shop(db).await;
    let (number, id) = paid(&state, &standin, "ship@example.com").await;
    let admin = staff(db, "ship@shop.test", Role::Admin).await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    act(
        &state,
        &admin,
        &number,
        OrderAction::MarkProcessing,
        None,
        now,
    )
    .await
    .unwrap();
    // PayPal is down when the order ships: the shipment goes through all the same.
    standin.fail_next(1);
    let tracking = Tracking {
        carrier: Carrier::Ups,
        number: "1Z999AA10123456784".into(),
    };
    act(
        &state,
        &admin,
        &number,
        OrderAction::Ship,
        Some(tracking),
        now,
    )
    .await
    .unwrap();
    assert_eq!(status_of(db, &number).await, OrderStatus::Shipped);
    assert_eq!(report_due(&state, now).await.unwrap(), 0);
    assert!(standin.trackers(&id).is_empty());
    // Not yet due again a moment later; taken once the wait is over, and only once.
    assert_eq!(report_due(&state, now + 1).await.unwrap(), 0);
    assert_eq!(report_due(&state, now + 61).await.unwrap(), 1);
    assert_eq!(report_due(&state, now + 3600).await.unwrap(), 0);
    assert_eq!(standin.trackers(&id).len(), 1);
    let path = format!("POST /v2/checkout/orders/{id}/track");
    assert_eq!(standin.count(&path), 2);
    // An order paid by card is never reported.
    let req = request(
        &state,
        "card@example.com",
        &[(CLEAR, 1)],
        None,
        card("4242424242424242"),
    )
    .await;
    let card_order = placed(&checkout(&state, &req).await);
    act(
        &state,
        &admin,
        &card_order,
        OrderAction::MarkProcessing,
        None,
        now,
    )
    .await
    .unwrap();
    let tracking = Tracking {
        carrier: Carrier::Usps,
        number: "9400111899223100012345".into(),
    };
    act(
        &state,
        &admin,
        &card_order,
        OrderAction::Ship,
        Some(tracking),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        count(db, "SELECT COUNT(*) AS n FROM tracking_reports").await,
        0
    );
    clean(&standin);
}

on_both_backends!(
    a_shipment_is_reported_to_paypal_and_retried_until_paypal_takes_it,
    the_webhook_settles_what_the_shopper_did_not_come_back_for,
    an_event_paypal_does_not_vouch_for_changes_nothing_and_a_repeat_is_processed_once,
    the_shops_own_refunds_are_not_recorded_twice_and_disputes_are_flagged,
    approved_on_paypal_and_captured_once,
    cancelled_on_paypal_releases_the_order_and_a_late_approval_takes_nothing,
    a_declined_funding_source_sends_the_shopper_back_to_paypal,
    a_capture_paypal_has_yet_to_clear_waits_for_paypal,
    shoppers_who_never_come_back_are_settled_from_paypal,
    refunds_go_through_paypal_partly_then_fully_and_never_past_the_capture,
    an_expired_access_token_is_renewed_once,
);
