//! Card payments through Stripe, against localstripe and real SQLite and PostgreSQL: success,
//! both kinds of decline, 3-D Secure passed and failed, a retry that charges once, refunds,
//! a brand the shop does not take, the webhook (signatures, repeats, dashboard refunds,
//! disputes, a payment settled after its shopper left), and the job that settles a checkout
//! abandoned at 3-D Secure from Stripe's own status.

mod support;

use support::shop::*;
use support::stripe::*;

use app::checkout::model::CheckoutOutcome;
use app::checkout::service::{finish_card, place_order, settle_interrupted, PAYMENT_TIMEOUT_SECS};
use app::checkout::stripe_events::{receive, Answer};
use app::db::Db;
use app::identity::Role;
use app::money::Money;
use app::orders::refunding::{refund, RefundError};
use app::orders::refunds::RefundScope;
use app::orders::repo as orders;
use app::orders::status::OrderStatus;
use app::payments::card::CardBrand;
use app::payments::gateway::{DeclineReason, PaymentChoice};
use app::shop::ServerState;
use sqlx::Row;
use time::OffsetDateTime;

async fn pay(state: &ServerState, number: &str) -> CheckoutOutcome {
    let req = request(
        state,
        "card@example.com",
        &[(CLEAR, 1)],
        None,
        by_token(number).await,
    )
    .await;
    checkout(state, &req).await
}

async fn by_token(number: &str) -> PaymentChoice {
    PaymentChoice::CardToken(token(number).await)
}

async fn order_column(db: &Db, number: &str, column: &str) -> Option<String> {
    sqlx::query(&format!(
        "SELECT CAST({column} AS TEXT) AS v FROM orders WHERE number = $1"
    ))
    .bind(number)
    .fetch_one(&db.pool)
    .await
    .unwrap()
    .try_get("v")
    .unwrap()
}

fn declined(outcome: &CheckoutOutcome) -> DeclineReason {
    match outcome {
        CheckoutOutcome::PaymentFailed(failure) => failure.reason,
        other => panic!("expected a refused payment, got {other:?}"),
    }
}

/// A card checkout that stops at 3-D Secure: the order's number and the client secret.
async fn at_3ds(state: &ServerState) -> (String, String) {
    match pay(state, NEEDS_3DS).await {
        CheckoutOutcome::AuthenticateCard {
            number,
            client_secret,
        } => (number, client_secret),
        other => panic!("expected 3-D Secure, got {other:?}"),
    }
}

async fn a_card_payment_is_charged_by_stripe_for_the_servers_total(db: &Db) {
    let state = stripe_shop(db, &CardBrand::ALL).await;
    let before = stock(db, CLEAR).await;
    let number = placed(&pay(&state, SUCCEEDS).await);
    assert_eq!(status_of(db, &number).await, OrderStatus::Paid);
    assert_eq!(stock(db, CLEAR).await, before - 1);
    let intent = intent_of(db, &number)
        .await
        .expect("a recorded PaymentIntent");
    let at_stripe = api_get(&format!("/v1/payment_intents/{intent}")).await;
    assert_eq!(at_stripe["status"], "succeeded");
    assert_eq!(at_stripe["currency"], "usd");
    assert_eq!(at_stripe["metadata"]["order"], number.as_str());
    let total = count(
        db,
        &format!("SELECT total_cents FROM orders WHERE number = '{number}'"),
    )
    .await;
    assert_eq!(at_stripe["amount"], total);
    // Only the brand and last four digits are kept, as Stripe told them.
    assert_eq!(
        order_column(db, &number, "card_last4").await.as_deref(),
        Some("4242")
    );
    assert_eq!(
        order_column(db, &number, "payment_reference").await,
        Some(intent)
    );
}

async fn a_card_declined_when_charged_or_at_the_customer_gives_everything_back(db: &Db) {
    let state = stripe_shop(db, &CardBrand::ALL).await;
    let before = stock(db, CLEAR).await;
    for card in [DECLINED_WHEN_CHARGED, DECLINED_AT_CUSTOMER] {
        let req = request(
            &state,
            "no@example.com",
            &[(CLEAR, 1)],
            None,
            by_token(card).await,
        )
        .await;
        let outcome = checkout(&state, &req).await;
        assert_eq!(declined(&outcome), DeclineReason::Declined, "{card}");
        let mut conn = db.pool.acquire().await.unwrap();
        let order = orders::find_by_key(&mut conn, &req.idempotency_key)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(order.status, OrderStatus::PaymentFailed);
        // Refused when the Customer was created: no PaymentIntent was ever made.
        assert_eq!(
            intent_of(db, &order.number).await.is_some(),
            card == DECLINED_WHEN_CHARGED
        );
    }
    assert_eq!(stock(db, CLEAR).await, before);
}

async fn three_d_secure_passed_places_the_order_and_failed_releases_it(db: &Db) {
    let state = stripe_shop(db, &CardBrand::ALL).await;
    let (number, secret) = at_3ds(&state).await;
    assert_eq!(status_of(db, &number).await, OrderStatus::AwaitingPayment);
    authenticate(&secret, true).await;
    let outcome = finish_card(&state, &number, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(placed(&outcome), number);
    assert_eq!(status_of(db, &number).await, OrderStatus::Paid);

    let before = stock(db, CLEAR).await;
    let (number, secret) = at_3ds(&state).await;
    authenticate(&secret, false).await;
    let outcome = finish_card(&state, &number, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(declined(&outcome), DeclineReason::AuthenticationRequired);
    assert_eq!(status_of(db, &number).await, OrderStatus::PaymentFailed);
    assert_eq!(stock(db, CLEAR).await, before);
}

async fn a_retried_checkout_charges_once(db: &Db) {
    let state = stripe_shop(db, &CardBrand::ALL).await;
    let first = request(
        &state,
        "twice@example.com",
        &[(CLEAR, 1)],
        None,
        by_token(SUCCEEDS).await,
    )
    .await;
    // The same submission again (its answer was lost), with the new token a second press of
    // Pay makes, and a third at the same moment as the first.
    let mut again = first.clone();
    again.payment = by_token(SUCCEEDS).await;
    let (a, b) = tokio::join!(checkout(&state, &first), checkout(&state, &again));
    let c = checkout(&state, &again).await;
    let number = placed(&a);
    for outcome in [&b, &c] {
        // The racing twin may find the payment still being confirmed: it waits for it.
        match outcome {
            CheckoutOutcome::Placed { number: n }
            | CheckoutOutcome::AwaitingPayment { number: n } => {
                assert_eq!(n, &number)
            }
            other => panic!("expected the same order, got {other:?}"),
        }
    }
    let intent = intent_of(db, &number).await.unwrap();
    let customer = api_get(&format!("/v1/payment_intents/{intent}")).await["customer"]
        .as_str()
        .unwrap()
        .to_owned();
    let charges = api_get(&format!("/v1/charges?customer={customer}")).await;
    assert_eq!(charges["data"].as_array().unwrap().len(), 1);
    let recorded: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM stripe_payments WHERE order_key = $1")
            .bind(&number)
            .fetch_one(&db.pool)
            .await
            .unwrap()
            .try_get("n")
            .unwrap();
    assert_eq!(recorded, 1);
}

async fn refunds_go_through_stripe_partly_then_fully_and_never_past_the_payment(db: &Db) {
    let state = stripe_shop(db, &CardBrand::ALL).await;
    let req = request(
        &state,
        "back@example.com",
        &[(CLEAR, 1), (GRIP, 1)],
        None,
        by_token(SUCCEEDS).await,
    )
    .await;
    let number = placed(&checkout(&state, &req).await);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    deliver(&state, &number, now).await;
    let admin = staff(db, "refunds@shop.test", Role::Admin).await;
    let grip_only = RefundScope::Items {
        quantities: vec![0, 1],
        shipping: false,
    };
    let partial = refund(&state, &admin, &number, &grip_only, "damaged", now)
        .await
        .unwrap();
    let rest = refund(&state, &admin, &number, &RefundScope::Full, "returned", now)
        .await
        .unwrap();
    let intent = intent_of(db, &number).await.unwrap();
    let charge = api_get(&format!("/v1/payment_intents/{intent}")).await["latest_charge"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let at_stripe = api_get(&format!("/v1/refunds?charge={charge}")).await;
    let mut amounts: Vec<i64> = at_stripe["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["amount"].as_i64().unwrap())
        .collect();
    amounts.sort();
    let mut expected = vec![partial.cents(), rest.cents()];
    expected.sort();
    assert_eq!(amounts, expected);
    // Stripe's refund ids are kept with the shop's records.
    let references = refund_references(db).await;
    assert_eq!(references.len(), 2);
    assert!(references.iter().all(|r| r.starts_with("re_")));
    assert_eq!(status_of(db, &number).await, OrderStatus::Refunded);
    let over = refund(&state, &admin, &number, &RefundScope::Full, "again", now).await;
    assert!(matches!(over, Err(RefundError::Refused(_))), "{over:?}");
    let after = api_get(&format!("/v1/refunds?charge={charge}")).await;
    assert_eq!(after["data"].as_array().unwrap().len(), 2);
}

async fn a_brand_the_shop_does_not_take_is_refused_before_charging(db: &Db) {
    let state = stripe_shop(db, &[CardBrand::Mastercard, CardBrand::AmericanExpress]).await;
    let before = stock(db, CLEAR).await;
    let req = request(
        &state,
        "visa@example.com",
        &[(CLEAR, 1)],
        None,
        by_token(SUCCEEDS).await,
    )
    .await;
    let CheckoutOutcome::Invalid(errors) = checkout(&state, &req).await else {
        panic!("expected the card to be refused");
    };
    let message = errors.get("card").unwrap();
    assert!(
        message.contains("Mastercard and American Express"),
        "{message}"
    );
    assert!(message.contains("Visa"), "{message}");
    let mut conn = db.pool.acquire().await.unwrap();
    assert!(orders::find_by_key(&mut conn, &req.idempotency_key)
        .await
        .unwrap()
        .is_none());
    assert_eq!(stock(db, CLEAR).await, before);
    // A card number typed into a form of someone's own is never taken.
    let typed = request(&state, "typed@example.com", &[(CLEAR, 1)], None, card(VISA)).await;
    let refused = place_order(
        &state,
        &typed,
        None,
        &client(),
        None,
        OffsetDateTime::now_utc(),
    )
    .await;
    assert!(matches!(
        refused,
        Err(app::checkout::service::CheckoutError::MethodNotOffered)
    ));
    // A token Stripe never made is not a card.
    let mut forged = req.clone();
    forged.payment = PaymentChoice::CardToken("tok_forged".into());
    let CheckoutOutcome::Invalid(errors) = checkout(&state, &forged).await else {
        panic!("expected the forged token to be refused");
    };
    assert!(errors.get("card").is_some());
}

async fn a_webhook_with_a_bad_or_stale_signature_changes_nothing(db: &Db) {
    let state = stripe_shop(db, &CardBrand::ALL).await;
    let (number, secret) = at_3ds(&state).await;
    authenticate(&secret, true).await;
    let intent = intent_of(db, &number).await.unwrap();
    let body = event(
        "payment_intent.succeeded",
        serde_json::json!({"id": intent}),
        None,
    );
    let wrong = signature("whsec_someone_else", now(), &body);
    let stale = signature(WEBHOOK_SECRET, now() - 301, &body);
    for header in [
        Some(wrong.as_str()),
        Some(stale.as_str()),
        None,
        Some("t=1,v1=00"),
    ] {
        assert!(matches!(
            receive(&state, header, body.as_bytes()).await,
            Answer::Refused(_)
        ));
    }
    let tampered = body.replace("payment_intent.succeeded", "charge.refunded");
    let signed = signature(WEBHOOK_SECRET, now(), &body);
    assert!(matches!(
        receive(&state, Some(&signed), tampered.as_bytes()).await,
        Answer::Refused(_)
    ));
    assert_eq!(status_of(db, &number).await, OrderStatus::AwaitingPayment);
    // Signed by the shop's secret, the event settles the order the shopper left.
    assert_eq!(
        receive(&state, Some(&signed), body.as_bytes()).await,
        Answer::Received
    );
    assert_eq!(status_of(db, &number).await, OrderStatus::Paid);
}

async fn a_dashboard_refund_is_recorded_once_however_often_its_event_comes(db: &Db) {
    let state = stripe_shop(db, &CardBrand::ALL).await;
    let number = placed(&pay(&state, SUCCEEDS).await);
    let intent = intent_of(db, &number).await.unwrap();
    let charge = api_get(&format!("/v1/payment_intents/{intent}")).await["latest_charge"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Made in Stripe's dashboard: the shop did not ask for it.
    let made = api_post("/v1/refunds", &[("charge", &charge), ("amount", "500")]).await;
    let body = event(
        "charge.refunded",
        serde_json::json!({"id": charge, "object": "charge", "payment_intent": intent, "amount_refunded": 500}),
        None,
    );
    for _ in 0..2 {
        let header = signature(WEBHOOK_SECRET, now(), &body);
        assert_eq!(
            receive(&state, Some(&header), body.as_bytes()).await,
            Answer::Received
        );
    }
    let rows = sqlx::query("SELECT amount_cents, gateway_reference FROM refunds")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].try_get::<i64, _>("amount_cents").unwrap(), 500);
    assert_eq!(
        rows[0].try_get::<String, _>("gateway_reference").unwrap(),
        made["id"].as_str().unwrap()
    );
    assert_eq!(
        order_column(db, &number, "refunded_cents").await.as_deref(),
        Some("500")
    );
    // A refund the shop made itself is already recorded: its event adds nothing.
    deliver(&state, &number, now()).await;
    let admin = staff(db, "staff-refund@shop.test", Role::Admin).await;
    let rest = refund(
        &state,
        &admin,
        &number,
        &RefundScope::Full,
        "returned",
        now(),
    )
    .await
    .unwrap();
    let body = event(
        "charge.refunded",
        serde_json::json!({"id": charge, "payment_intent": intent}),
        None,
    );
    let header = signature(WEBHOOK_SECRET, now(), &body);
    assert_eq!(
        receive(&state, Some(&header), body.as_bytes()).await,
        Answer::Received
    );
    let total = count(
        db,
        &format!("SELECT total_cents FROM orders WHERE number = '{number}'"),
    )
    .await;
    assert_eq!(rest, Money::from_cents(total - 500));
    assert_eq!(
        order_column(db, &number, "refunded_cents").await,
        Some(total.to_string())
    );
}

async fn a_dispute_flags_the_order_and_unknown_events_are_acknowledged(db: &Db) {
    let state = stripe_shop(db, &CardBrand::ALL).await;
    let number = placed(&pay(&state, SUCCEEDS).await);
    let intent = intent_of(db, &number).await.unwrap();
    let body = event(
        "charge.dispute.created",
        serde_json::json!({"id": "dp_1", "object": "dispute", "charge": "ch_x", "payment_intent": intent,
            "amount": 2599, "reason": "fraudulent", "status": "needs_response"}),
        None,
    );
    let header = signature(WEBHOOK_SECRET, now(), &body);
    assert_eq!(
        receive(&state, Some(&header), body.as_bytes()).await,
        Answer::Received
    );
    assert_eq!(
        order_column(db, &number, "dispute_reason").await.as_deref(),
        Some("fraudulent")
    );
    let notes: Vec<String> = sqlx::query(
        "SELECT e.note FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.number = $1",
    )
    .bind(&number)
    .fetch_all(&db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("note").unwrap())
    .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Payment disputed") && n.contains("fraudulent")),
        "{notes:?}"
    );
    let body = event("customer.created", serde_json::json!({"id": "cus_1"}), None);
    let header = signature(WEBHOOK_SECRET, now(), &body);
    assert_eq!(
        receive(&state, Some(&header), body.as_bytes()).await,
        Answer::Received
    );
}

async fn a_shopper_who_leaves_at_3_d_secure_is_settled_from_stripes_status(db: &Db) {
    let state = stripe_shop(db, &CardBrand::ALL).await;
    let before = stock(db, CLEAR).await;
    let (left, _) = at_3ds(&state).await;
    // Another shopper confirmed with their bank but their page never came back.
    let (confirmed, secret) = at_3ds(&state).await;
    authenticate(&secret, true).await;
    let later = OffsetDateTime::now_utc() + time::Duration::seconds(PAYMENT_TIMEOUT_SECS + 60);
    assert_eq!(settle_interrupted(&state, later).await.unwrap(), 2);
    assert_eq!(status_of(db, &left).await, OrderStatus::PaymentFailed);
    assert_eq!(status_of(db, &confirmed).await, OrderStatus::Paid);
    assert_eq!(stock(db, CLEAR).await, before - 1);
    // The abandoned payment can no longer take money.
    let intent = intent_of(db, &left).await.unwrap();
    assert_eq!(
        api_get(&format!("/v1/payment_intents/{intent}")).await["status"],
        "canceled"
    );
}

async fn the_shopper_is_counted_for_declines_as_with_any_card(db: &Db) {
    let state = stripe_shop(db, &CardBrand::ALL).await;
    let client = client();
    let mut paused = false;
    for _ in 0..8 {
        let req = request(
            &state,
            "tester@example.com",
            &[(CLEAR, 1)],
            None,
            by_token(DECLINED_WHEN_CHARGED).await,
        )
        .await;
        let outcome = place_order(&state, &req, None, &client, None, OffsetDateTime::now_utc())
            .await
            .unwrap();
        if matches!(outcome, CheckoutOutcome::CardPaymentsPaused { .. }) {
            paused = true;
            break;
        }
    }
    assert!(
        paused,
        "declined Stripe payments must count toward the card-testing limit"
    );
}

on_both_backends!(
    a_card_payment_is_charged_by_stripe_for_the_servers_total,
    a_card_declined_when_charged_or_at_the_customer_gives_everything_back,
    three_d_secure_passed_places_the_order_and_failed_releases_it,
    a_retried_checkout_charges_once,
    refunds_go_through_stripe_partly_then_fully_and_never_past_the_payment,
    a_brand_the_shop_does_not_take_is_refused_before_charging,
    a_webhook_with_a_bad_or_stale_signature_changes_nothing,
    a_dashboard_refund_is_recorded_once_however_often_its_event_comes,
    a_dispute_flags_the_order_and_unknown_events_are_acknowledged,
    a_shopper_who_leaves_at_3_d_secure_is_settled_from_stripes_status,
    the_shopper_is_counted_for_declines_as_with_any_card,
);
