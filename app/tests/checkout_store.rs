//! Checkout against real SQLite and PostgreSQL databases: prices recomputed, stock and promo
//! codes safe under concurrency, one order and one charge per submission, refused payments
//! leaving nothing behind, and interrupted checkouts settled with the gateway.

mod support;

use support::shop::*;

use app::accounts::model::Customer;
use app::admin::coupons::{check_coupon, CouponForm};
use app::cart::model::{CartLine, CartRequest};
use app::cart::pricing_service;
use app::checkout::model::{CartChange, CheckoutOutcome};
use app::checkout::service::{
    answer_paypal, finish_paypal, place_order, settle_interrupted, CheckoutError,
    PAYMENT_TIMEOUT_SECS,
};
use app::client::ClientAddress;
use app::coupons::repo as coupon_repo;
use app::db::Db;
use app::money::Money;
use app::orders::cancellation::{self, Cancelled};
use app::orders::changes::{self, ChangeError, ChangeOffer};
use app::orders::fulfilment;
use app::orders::model::HISTORY_PAGE_SIZE;
use app::orders::refunding::{self, RefundError};
use app::orders::refunds::{RefundScope, RefundState};
use app::orders::repo as orders;
use app::orders::repo::ActionError;
use app::orders::status::{OrderAction, OrderStatus};
use app::orders::tracking::Tracking;
use app::payments::gateway::{
    CardDetails, ChargeOutcome, DeclineReason, GatewayError, GatewayFuture, PaymentChoice,
    PaymentGateway, RefundOutcome,
};
use app::payments::test_cards::TEST_CARDS;
use app::payments::test_gateway::TestGateway;
use app::pricing::coupon::{Coupon, CouponCode, CouponKind, CouponRejection, CouponTerms};
use app::pricing::shipping::ShippingMethod;
use app::shop::ServerState;
use sqlx::Row;
use std::sync::Arc;
use time::OffsetDateTime;

/// Runs the mail queue once, and returns every message in `outbox`.
async fn delivered(state: &ServerState, outbox: &std::path::Path) -> Vec<String> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    app::mail::queue::deliver_due(&state.db, &state.mailer, now)
        .await
        .unwrap();
    std::fs::read_dir(outbox)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect()
}

async fn stock(db: &Db, sku: &str) -> i64 {
    sqlx::query("SELECT stock FROM skus WHERE code = $1")
        .bind(sku)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get("stock")
        .unwrap()
}

async fn set_stock(db: &Db, sku: &str, stock: i64) {
    sqlx::query("UPDATE skus SET stock = $1 WHERE code = $2")
        .bind(stock)
        .bind(sku)
        .execute(&db.pool)
        .await
        .unwrap();
}

async fn a_card_checkout_places_a_paid_order_confirms_it_and_takes_stock(db: &Db) {
    let outbox = new_outbox();
    let state = shop_mailing_to(db, outbox.clone()).await;
    let before = stock(db, CLEAR).await;
    let req = request(
        &state,
        "Ada@Example.com",
        &[(CLEAR, 2), (GRIP, 1)],
        Some("SAVE5"),
        card(VISA),
    )
    .await;
    let number = placed(&checkout(&state, &req).await);
    assert_eq!(stock(db, CLEAR).await, before - 2);

    let (order, owner) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner, None);
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.email, "ada@example.com");
    // 2 x 19.99 + 15.99 = 55.97, less 5.00, free standard shipping from 30.
    assert_eq!(order.totals.subtotal, Money::from_cents(5597));
    assert_eq!(order.totals.discount, Money::from_cents(500));
    assert_eq!(order.totals.shipping, Money::ZERO);
    assert_eq!(order.totals.total, Money::from_cents(5097));
    assert_eq!(order.payment.to_string(), "Visa ending in 4242");
    assert_eq!(order.lines.len(), 2);
    assert_eq!(order.events.len(), 1);
    assert_eq!(order.events[0].status, OrderStatus::Paid);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM coupon_redemptions").await,
        1
    );

    // The confirmation was queued with the order, and the mail queue sends it with both bodies.
    let mail = delivered(&state, &outbox).await;
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].contains(&number)
            && mail[0].contains("text/html")
            && mail[0].contains("text/plain")
    );
    assert!(mail[0].contains("To: ada@example.com"));

    // Only the brand and last four digits were kept: the full number is nowhere in the file.
    if let Some(files) = sqlite_files(db).await {
        let mut stored = String::new();
        for file in files {
            stored.push_str(&String::from_utf8_lossy(
                &std::fs::read(&file).unwrap_or_default(),
            ));
        }
        // The order itself is in there, so the search reads real data.
        assert!(stored.contains(&number) && stored.contains("ada@example.com"));
        assert!(!stored.contains("4242424242424242") && !stored.contains(VISA));
    }
}

/// The SQLite database's files (main and write-ahead log), or None on PostgreSQL.
async fn sqlite_files(db: &Db) -> Option<Vec<String>> {
    if db.backend != app::db::Backend::Sqlite {
        return None;
    }
    let main: String = sqlx::query("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get("file")
        .unwrap();
    Some(vec![format!("{main}-wal"), main])
}

async fn tampered_prices_and_totals_are_never_charged(db: &Db) {
    let state = shop(db).await;
    let honest = request(&state, "eve@example.com", &[(CLEAR, 1)], None, card(VISA)).await;
    let mut tampered = honest.clone();
    tampered.seen.unit_prices = vec![(CLEAR.into(), Money::from_cents(1))];
    tampered.seen.total = Money::from_cents(1);
    match checkout(&state, &tampered).await {
        CheckoutOutcome::CartChanged { changes, cart } => {
            assert!(changes.contains(&CartChange::PriceChanged {
                name: cart.items[0].display_name(),
                from: Money::from_cents(1),
                to: Money::from_cents(1999),
            }));
            assert!(changes.iter().any(
                |c| matches!(c, CartChange::TotalChanged { to, .. } if *to == honest.seen.total)
            ));
        }
        other => panic!("expected the changes to be shown, got {other:?}"),
    }
    assert_eq!(count(db, "SELECT COUNT(*) FROM orders").await, 0);
    assert_eq!(count(db, "SELECT COUNT(*) FROM gateway_payments").await, 0);

    // Confirming the real figures pays the database price, whatever else was sent.
    let number = placed(&checkout(&state, &honest).await);
    let (order, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.totals.total, honest.seen.total);
    assert_eq!(order.lines[0].unit_price, Money::from_cents(1999));
    let charged: i64 = count(db, "SELECT amount_cents FROM gateway_payments").await;
    assert_eq!(charged, honest.seen.total.cents());
}

async fn concurrent_checkouts_for_the_last_unit_give_one_order(db: &Db) {
    let state = shop(db).await;
    set_stock(db, CLEAR, 1).await;
    let mut tasks = Vec::new();
    for shopper in 0..6 {
        let state = state.clone();
        let req = request(
            &state,
            &format!("s{shopper}@example.com"),
            &[(CLEAR, 1)],
            None,
            card(VISA),
        )
        .await;
        tasks.push(tokio::spawn(async move { checkout(&state, &req).await }));
    }
    let mut placed_orders = 0;
    for task in tasks {
        match task.await.unwrap() {
            CheckoutOutcome::Placed { .. } => placed_orders += 1,
            CheckoutOutcome::CartChanged { changes, .. } => {
                assert!(
                    changes
                        .iter()
                        .any(|c| matches!(c, CartChange::SoldOut { .. })),
                    "{changes:?}"
                )
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(placed_orders, 1);
    assert_eq!(stock(db, CLEAR).await, 0);
    assert_eq!(count(db, "SELECT COUNT(*) FROM orders").await, 1);
    assert_eq!(count(db, "SELECT COUNT(*) FROM gateway_payments").await, 1);
}

async fn a_coupon_usage_limit_holds_under_concurrency(db: &Db) {
    let state = shop(db).await;
    let offer = Coupon {
        code: CouponCode::parse("TWICE").unwrap(),
        kind: CouponKind::PercentOff(10),
        min_spend: Money::ZERO,
        categories: vec![],
    };
    let terms = CouponTerms {
        starts_at: None,
        expires_at: None,
        usage_limit: Some(2),
        per_customer_limit: None,
    };
    coupon_repo::create(&mut db.pool.acquire().await.unwrap(), &offer, &terms)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for shopper in 0..6 {
        let state = state.clone();
        let req = request(
            &state,
            &format!("c{shopper}@example.com"),
            &[(CLEAR, 1)],
            Some("TWICE"),
            card(VISA),
        )
        .await;
        tasks.push(tokio::spawn(async move { checkout(&state, &req).await }));
    }
    let mut placed_orders = 0;
    for task in tasks {
        match task.await.unwrap() {
            CheckoutOutcome::Placed { .. } => placed_orders += 1,
            CheckoutOutcome::CouponRefused(reason) => {
                assert_eq!(reason, CouponRejection::UsageLimitReached("TWICE".into()))
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(placed_orders, 2);
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM coupon_redemptions").await,
        2
    );
}

async fn a_per_customer_limit_counts_the_same_shopper_across_orders(db: &Db) {
    let state = shop(db).await;
    let first = request(
        &state,
        "once@example.com",
        &[(CLEAR, 1)],
        Some("ONCE15"),
        card(VISA),
    )
    .await;
    placed(&checkout(&state, &first).await);
    let again = request(
        &state,
        "ONCE@example.com",
        &[(CLEAR, 1)],
        Some("ONCE15"),
        card(VISA),
    )
    .await;
    assert_eq!(
        checkout(&state, &again).await,
        CheckoutOutcome::CouponRefused(CouponRejection::AlreadyUsed("ONCE15".into()))
    );
}

async fn the_same_idempotency_key_gives_one_order_and_one_charge(db: &Db) {
    let state = shop(db).await;
    let req = request(
        &state,
        "double@example.com",
        &[(CLEAR, 1)],
        None,
        card(VISA),
    )
    .await;
    let (a, b) = tokio::join!(checkout(&state, &req), checkout(&state, &req));
    let again = checkout(&state, &req).await;
    let number = placed(&a);
    assert_eq!(placed(&b), number);
    assert_eq!(placed(&again), number);
    assert_eq!(count(db, "SELECT COUNT(*) FROM orders").await, 1);
    assert_eq!(count(db, "SELECT COUNT(*) FROM gateway_payments").await, 1);

    // Someone else's key, or the key with another way to pay, opens nothing.
    let mut stranger = req.clone();
    stranger.email = "stranger@example.com".into();
    let mut by_paypal = req.clone();
    by_paypal.payment = PaymentChoice::PayPal;
    for other in [stranger, by_paypal] {
        let refused = place_order(&state, &other, None, &client(), OffsetDateTime::now_utc()).await;
        assert!(matches!(refused, Err(CheckoutError::BadKey)), "{refused:?}");
    }
    assert_eq!(count(db, "SELECT COUNT(*) FROM orders").await, 1);
}

/// A guest order placed by card; its number.
async fn guest_order(state: &ServerState, email: &str) -> String {
    let req = request(state, email, &[(GRIP, 1)], None, card(VISA)).await;
    placed(&checkout(state, &req).await)
}

async fn guest_grants_are_fresh_tokens_that_expire(db: &Db) {
    let state = shop(db).await;
    let first = guest_order(&state, "gail@example.com").await;
    let second = guest_order(&state, "gail@example.com").await;
    let now = 1_800_000_000;
    orders::grant(&db.pool, "token-1", None, &first, now, now + 100)
        .await
        .unwrap();
    assert!(orders::has_grant(&db.pool, "token-1", &first, now)
        .await
        .unwrap());
    // The next grant comes with a new token, which carries the browser's earlier grants; the
    // old token (perhaps planted by someone else) opens nothing any more.
    orders::grant(
        &db.pool,
        "token-2",
        Some("token-1"),
        &second,
        now + 10,
        now + 200,
    )
    .await
    .unwrap();
    assert!(!orders::has_grant(&db.pool, "token-1", &first, now + 10)
        .await
        .unwrap());
    assert!(!orders::has_grant(&db.pool, "token-1", &second, now + 10)
        .await
        .unwrap());
    assert!(orders::has_grant(&db.pool, "token-2", &first, now + 10)
        .await
        .unwrap());
    assert!(orders::has_grant(&db.pool, "token-2", &second, now + 10)
        .await
        .unwrap());
    // Grants expire, and expired ones are purged.
    assert!(!orders::has_grant(&db.pool, "token-2", &second, now + 200)
        .await
        .unwrap());
    assert_eq!(
        orders::purge_expired_grants(&db.pool, now + 200)
            .await
            .unwrap(),
        2
    );
}

async fn card_testing_pauses_card_payments(db: &Db) {
    let state = shop(db).await;
    let declined = TEST_CARDS
        .iter()
        .find(|(_, outcome)| outcome.is_some())
        .map(|(number, _)| *number)
        .unwrap();
    let tester = client();
    let at = OffsetDateTime::now_utc();
    let pay = |email: String, number: &'static str, from: ClientAddress| {
        let state = state.clone();
        async move {
            let req = request(&state, &email, &[(GRIP, 1)], None, card(number)).await;
            place_order(&state, &req, None, &from, at).await.unwrap()
        }
    };
    // Paid orders never count: only declines do.
    for i in 0..4 {
        let outcome = pay(format!("payer{i}@example.com"), VISA, tester).await;
        assert!(
            matches!(outcome, CheckoutOutcome::Placed { .. }),
            "{outcome:?}"
        );
    }
    for i in 0..3 {
        let outcome = pay(format!("tester{i}@example.com"), declined, tester).await;
        assert!(
            matches!(outcome, CheckoutOutcome::PaymentFailed(_)),
            "{outcome:?}"
        );
    }
    let orders_before = count(db, "SELECT COUNT(*) FROM orders").await;
    let paused = pay("tester9@example.com".into(), VISA, tester).await;
    let CheckoutOutcome::CardPaymentsPaused { minutes } = paused else {
        panic!("expected a pause, got {paused:?}");
    };
    assert!((1..=20).contains(&minutes));
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM orders").await,
        orders_before
    );
    // PayPal still works for that shopper.
    let req = request(
        &state,
        "tester9@example.com",
        &[(GRIP, 1)],
        None,
        PaymentChoice::PayPal,
    )
    .await;
    let outcome = place_order(&state, &req, None, &tester, at).await.unwrap();
    assert!(
        matches!(outcome, CheckoutOutcome::ApprovePayPal { .. }),
        "{outcome:?}"
    );

    // One e-mail address tried from many places is paused too.
    for _ in 0..3 {
        let outcome = pay("victim@example.com".into(), declined, client()).await;
        assert!(
            matches!(outcome, CheckoutOutcome::PaymentFailed(_)),
            "{outcome:?}"
        );
    }
    let paused = pay("VICTIM@example.com".into(), VISA, client()).await;
    assert!(
        matches!(paused, CheckoutOutcome::CardPaymentsPaused { .. }),
        "{paused:?}"
    );
}

async fn duplicate_lines_are_one_line(db: &Db) {
    let state = shop(db).await;
    // Two lines of one SKU, each within the stock but not together.
    set_stock(db, GRIP, 4).await;
    let mut req = request(&state, "dup@example.com", &[(GRIP, 3)], None, card(VISA)).await;
    req.cart.lines.push(CartLine {
        sku: GRIP.into(),
        quantity: 3,
    });
    match checkout(&state, &req).await {
        CheckoutOutcome::CartChanged { changes, .. } => assert!(
            changes
                .iter()
                .any(|c| matches!(c, CartChange::QuantityLowered { .. })),
            "{changes:?}"
        ),
        other => panic!("expected the cart to be held to the stock, got {other:?}"),
    }
    assert_eq!(stock(db, GRIP).await, 4);
    let now = OffsetDateTime::now_utc();
    let priced = pricing_service::price_cart(
        &state.db.pool,
        &state.store,
        &req.cart,
        now.unix_timestamp(),
        now.date(),
        None,
    )
    .await
    .unwrap();
    let grip_price = priced
        .items
        .iter()
        .find(|i| i.sku == GRIP)
        .unwrap()
        .unit_price;
    assert_eq!(priced.quote.subtotal, grip_price * 4);
}

async fn every_declining_card_leaves_no_order_stock_change_or_coupon_use(db: &Db) {
    let state = shop(db).await;
    let before = stock(db, CLEAR).await;
    for (i, (number, outcome)) in TEST_CARDS.iter().enumerate() {
        let Some(reason) = *outcome else { continue };
        // One address per card: declines for one address pause its card payments.
        let req = request(
            &state,
            &format!("dee{i}@example.com"),
            &[(CLEAR, 2)],
            Some("SAVE5"),
            card(number),
        )
        .await;
        match checkout(&state, &req).await {
            CheckoutOutcome::PaymentFailed(failure) => assert_eq!(failure.reason, reason),
            other => panic!("{number}: expected a refused payment, got {other:?}"),
        }
        // The order is kept, closed as unpaid with the reason on its timeline, for support.
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM orders WHERE status <> 'payment_failed'"
            )
            .await,
            0,
            "{number}"
        );
        let noted = format!(
            "SELECT COUNT(*) FROM order_events WHERE status = 'payment_failed' AND note LIKE '%{}%'",
            reason.code()
        );
        assert_eq!(count(db, &noted).await, 1, "{number}");
        assert_eq!(stock(db, CLEAR).await, before, "{number}");
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM coupon_redemptions").await,
            0,
            "{number}"
        );
    }
    // The shopper fixes the card and pays: the code still works.
    let req = request(
        &state,
        "dee@example.com",
        &[(CLEAR, 2)],
        Some("SAVE5"),
        card(VISA),
    )
    .await;
    placed(&checkout(&state, &req).await);
}

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

/// What goes wrong with the provider in a test.
#[derive(Debug)]
enum Fault {
    /// It charges (or not), then the connection drops before the answer: as if the server
    /// stopped between charge and commit.
    LostAnswer { charged: bool },
    /// It is slow to charge: meanwhile the interrupted-checkout job (on this or another
    /// instance) closes the order as unpaid.
    OrderClosedWhileCharging(Db),
    /// It cannot answer about the payment for this key (an outage on its side).
    Unreachable(String),
}

/// The test-mode gateway with one fault.
#[derive(Debug)]
struct Faulty {
    inner: TestGateway,
    fault: Fault,
}

impl Faulty {
    /// `state`, paying through the test gateway with `fault`.
    fn shop(state: &ServerState, fault: Fault) -> ServerState {
        let inner = state.test_gateway.clone().unwrap();
        ServerState {
            gateway: Arc::new(Faulty { inner, fault }),
            ..state.clone()
        }
    }

    fn reachable(&self, key: &str) -> Result<(), GatewayError> {
        match &self.fault {
            Fault::Unreachable(broken) if broken == key => Err(GatewayError("timed out".into())),
            _ => Ok(()),
        }
    }
}

impl PaymentGateway for Faulty {
    fn charge_card<'a>(
        &'a self,
        key: &'a str,
        amount: Money,
        card: &'a CardDetails,
    ) -> GatewayFuture<'a, ChargeOutcome> {
        Box::pin(async move {
            match &self.fault {
                Fault::LostAnswer { charged } => {
                    if *charged {
                        self.inner.charge_card(key, amount, card).await?;
                    }
                    Err(GatewayError("connection reset".into()))
                }
                Fault::OrderClosedWhileCharging(db) => {
                    let mut conn = db.pool.acquire().await.unwrap();
                    let order = orders::find_by_number(&mut conn, key)
                        .await
                        .unwrap()
                        .unwrap();
                    drop(conn);
                    assert!(orders::fail_payment(&db.pool, order.id, "timed out", 0)
                        .await
                        .unwrap());
                    self.inner.charge_card(key, amount, card).await
                }
                Fault::Unreachable(_) => self.inner.charge_card(key, amount, card).await,
            }
        })
    }
    fn start_paypal<'a>(&'a self, key: &'a str, amount: Money) -> GatewayFuture<'a, String> {
        self.inner.start_paypal(key, amount)
    }
    fn capture_paypal<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, ChargeOutcome> {
        Box::pin(async move {
            self.reachable(key)?;
            self.inner.capture_paypal(key).await
        })
    }
    fn find_payment<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, Option<ChargeOutcome>> {
        Box::pin(async move {
            self.reachable(key)?;
            self.inner.find_payment(key).await
        })
    }
    fn void<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, ()> {
        self.inner.void(key)
    }
    fn refund<'a>(
        &'a self,
        payment_key: &'a str,
        refund_key: &'a str,
        amount: Money,
    ) -> GatewayFuture<'a, RefundOutcome> {
        Box::pin(async move {
            self.reachable(payment_key)?;
            self.inner.refund(payment_key, refund_key, amount).await
        })
    }
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

async fn history_is_newest_first_paginated_and_only_the_owners(db: &Db) {
    let state = shop(db).await;
    let pat = customer(db, "pat@example.com").await;
    let sam = customer(db, "sam@example.com").await;
    let start = OffsetDateTime::now_utc();
    let mut numbers = Vec::new();
    for i in 0..(HISTORY_PAGE_SIZE + 2) {
        let req = request(&state, "pat@example.com", &[(GRIP, 1)], None, card(VISA)).await;
        let at = start + time::Duration::seconds(i64::from(i));
        numbers.push(placed(
            &place_order(&state, &req, Some(&pat), &client(), at)
                .await
                .unwrap(),
        ));
    }
    let first = orders::history(&db.pool, pat.id, 1).await.unwrap();
    assert_eq!((first.page, first.pages), (1, 2));
    assert_eq!(first.orders.len(), HISTORY_PAGE_SIZE as usize);
    assert_eq!(first.orders[0].number, *numbers.last().unwrap());
    assert!(first
        .orders
        .windows(2)
        .all(|w| w[0].placed_at >= w[1].placed_at));
    let second = orders::history(&db.pool, pat.id, 2).await.unwrap();
    assert_eq!(second.orders.len(), 2);
    assert_eq!(second.orders[1].number, numbers[0]);
    assert_eq!(orders::history(&db.pool, pat.id, 99).await.unwrap().page, 2);

    let theirs = orders::history(&db.pool, sam.id, 1).await.unwrap();
    assert!(theirs.orders.is_empty());
    let (_, owner) = orders::detail(&mut db.pool.acquire().await.unwrap(), &numbers[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner, Some(pat.id));
    assert_eq!(
        orders::find_for_guest(&db.pool, &numbers[0], "sam@example.com")
            .await
            .unwrap(),
        None
    );
}

async fn the_server_checks_card_details_itself(db: &Db) {
    let state = shop(db).await;
    let before = stock(db, CLEAR).await;
    for (number, expiry, cvc, field) in [
        ("4242 4242 4242 4241", "12/35", "123", "card_number"),
        ("6011 1111 1111 1117", "12/35", "123", "card_number"),
        ("4242 4242 4242 4242", "01/20", "123", "card_expiry"),
        ("3782 822463 10005", "12/35", "123", "card_cvc"),
    ] {
        let mut req = request(&state, "skip@example.com", &[(CLEAR, 1)], None, card(VISA)).await;
        req.payment = PaymentChoice::Card(CardDetails {
            number: number.into(),
            expiry: expiry.into(),
            cvc: cvc.into(),
        });
        match checkout(&state, &req).await {
            CheckoutOutcome::Invalid(errors) => {
                assert!(errors.get(field).is_some(), "{number}: {errors:?}")
            }
            other => panic!("{number}: expected field errors, got {other:?}"),
        }
    }
    assert_eq!(count(db, "SELECT COUNT(*) FROM orders").await, 0);
    assert_eq!(count(db, "SELECT COUNT(*) FROM gateway_payments").await, 0);
    assert_eq!(stock(db, CLEAR).await, before);
}

async fn status_of(db: &Db, number: &str) -> OrderStatus {
    let mut conn = db.pool.acquire().await.unwrap();
    orders::find_by_number(&mut conn, number)
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn an_order_is_prepared_shipped_and_delivered_and_refused_out_of_turn(db: &Db) {
    let outbox = new_outbox();
    let state = shop_mailing_to(db, outbox.clone()).await;
    let support = staff(db, "sid@shop.test", app::identity::Role::Support).await;
    let number = placed(
        &checkout(
            &state,
            &request(&state, "ada@example.com", &[(CLEAR, 1)], None, card(VISA)).await,
        )
        .await,
    );
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let tracking = Tracking::parse("ups", "1Z999AA10123456784").unwrap();

    // Out of turn: shipping or delivering a paid order, or shipping without tracking.
    for (action, tracked) in [
        (OrderAction::Ship, true),
        (OrderAction::MarkDelivered, false),
    ] {
        let result = fulfilment::act(
            &state,
            &support,
            &number,
            action,
            tracked.then(|| tracking.clone()),
            now,
        )
        .await;
        assert!(
            matches!(result, Err(ActionError::Refused(_))),
            "{action:?}: {result:?}"
        );
    }
    fulfilment::act(
        &state,
        &support,
        &number,
        OrderAction::MarkProcessing,
        None,
        now,
    )
    .await
    .unwrap();
    let untracked = fulfilment::act(&state, &support, &number, OrderAction::Ship, None, now).await;
    assert!(matches!(untracked, Err(ActionError::Refused(_))));
    // Once being prepared, the order can no longer be cancelled.
    match fulfilment::act(&state, &support, &number, OrderAction::Cancel, None, now).await {
        Err(ActionError::Refused(why)) => assert_eq!(
            why,
            "This order is being prepared for shipping: it can't be cancelled."
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    fulfilment::act(
        &state,
        &support,
        &number,
        OrderAction::Ship,
        Some(tracking.clone()),
        now,
    )
    .await
    .unwrap();
    assert_eq!(status_of(db, &number).await, OrderStatus::Shipped);
    let (detail, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.tracking, Some(tracking.clone()));
    assert!(detail
        .events
        .iter()
        .any(|e| e.note.contains("1Z999AA10123456784")));
    let mail = delivered(&state, &outbox).await;
    assert!(mail
        .iter()
        .any(|m| m.contains("on its way") && m.contains("ups.com/track")));

    fulfilment::act(
        &state,
        &support,
        &number,
        OrderAction::MarkDelivered,
        None,
        now,
    )
    .await
    .unwrap();
    assert_eq!(status_of(db, &number).await, OrderStatus::Delivered);
    let again = fulfilment::act(
        &state,
        &support,
        &number,
        OrderAction::MarkDelivered,
        None,
        now,
    )
    .await;
    assert!(matches!(again, Err(ActionError::Refused(_))));

    // Every action is in the audit log, by whom, with the status before and after.
    let log = app::audit::list(&db.pool, &Default::default(), 0)
        .await
        .unwrap();
    let actions: Vec<(&str, &str, &str)> = log
        .entries
        .iter()
        .rev()
        .map(|e| (e.action.as_str(), e.before.as_str(), e.after.as_str()))
        .collect();
    assert_eq!(
        actions,
        vec![
            ("mark order processing", "paid", "processing"),
            (
                "ship order",
                "processing",
                "shipped (UPS 1Z999AA10123456784)"
            ),
            ("mark order delivered", "shipped", "delivered"),
        ]
    );
    assert!(log
        .entries
        .iter()
        .all(|e| e.actor_email == "sid@shop.test" && e.record == format!("order {number}")));
}

async fn cancelling_gives_the_stock_back_once_even_when_two_staff_click(db: &Db) {
    let state = shop(db).await;
    let ann = staff(db, "ann@shop.test", app::identity::Role::Admin).await;
    let bob = staff(db, "bob@shop.test", app::identity::Role::Support).await;
    let before = stock(db, CLEAR).await;
    let number = placed(
        &checkout(
            &state,
            &request(&state, "ada@example.com", &[(CLEAR, 2)], None, card(VISA)).await,
        )
        .await,
    );
    assert_eq!(stock(db, CLEAR).await, before - 2);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let (a, b) = tokio::join!(
        fulfilment::act(&state, &ann, &number, OrderAction::Cancel, None, now),
        fulfilment::act(&state, &bob, &number, OrderAction::Cancel, None, now),
    );
    let done = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(done, 1, "{a:?} {b:?}");
    assert_eq!(status_of(db, &number).await, OrderStatus::Cancelled);
    assert_eq!(stock(db, CLEAR).await, before);
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM stock_movements WHERE reason = 'cancelled'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            db,
            "SELECT CAST(COALESCE(SUM(quantity_change), 0) AS BIGINT) FROM stock_movements"
        )
        .await,
        0
    );
}

async fn staff_find_orders_by_status_day_email_and_number(db: &Db) {
    use app::orders::model::OrderFilter;
    let state = shop(db).await;
    let first = placed(
        &checkout(
            &state,
            &request(&state, "ada@example.com", &[(CLEAR, 1)], None, card(VISA)).await,
        )
        .await,
    );
    let second = placed(
        &checkout(
            &state,
            &request(&state, "bob@example.com", &[(GRIP, 1)], None, card(VISA)).await,
        )
        .await,
    );
    let support = staff(db, "sid@shop.test", app::identity::Role::Support).await;
    let now = OffsetDateTime::now_utc();
    fulfilment::act(
        &state,
        &support,
        &second,
        OrderAction::MarkProcessing,
        None,
        now.unix_timestamp(),
    )
    .await
    .unwrap();
    let list = |filter: OrderFilter| {
        let pool = db.pool.clone();
        async move {
            let query = orders::StaffQuery::from_filter(&filter).unwrap();
            orders::staff_list(&pool, &query, 1)
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| r.number)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(OrderFilter::default()).await,
        vec![second.clone(), first.clone()]
    );
    let processing = OrderFilter {
        status: "processing".into(),
        ..Default::default()
    };
    assert_eq!(list(processing).await, vec![second.clone()]);
    let by_email = OrderFilter {
        email: "ADA@".into(),
        ..Default::default()
    };
    assert_eq!(list(by_email).await, vec![first.clone()]);
    let by_number = OrderFilter {
        number: first[3..].to_lowercase(),
        ..Default::default()
    };
    assert_eq!(list(by_number).await, vec![first.clone()]);
    let today = now.date().to_string();
    let today_only = OrderFilter {
        from: today.clone(),
        to: today,
        ..Default::default()
    };
    assert_eq!(list(today_only).await.len(), 2);
    let tomorrow = (now.date() + time::Duration::days(1)).to_string();
    let later = OrderFilter {
        from: tomorrow,
        ..Default::default()
    };
    assert!(list(later).await.is_empty());
    for bad in [
        OrderFilter {
            status: "lost".into(),
            ..Default::default()
        },
        OrderFilter {
            from: "28/11/2026".into(),
            ..Default::default()
        },
        OrderFilter {
            from: "2026-11-29".into(),
            to: "2026-11-28".into(),
            ..Default::default()
        },
    ] {
        assert!(orders::StaffQuery::from_filter(&bad).is_err(), "{bad:?}");
    }
}

/// A paid order of two clear cases ($19.99) and a grip ($15.99), shipped free: $55.97.
async fn cancelled_order(state: &ServerState, staff: &Customer) -> String {
    let number = placed(
        &checkout(
            state,
            &request(
                state,
                "ada@example.com",
                &[(CLEAR, 2), (GRIP, 1)],
                None,
                card(VISA),
            )
            .await,
        )
        .await,
    );
    let now = OffsetDateTime::now_utc().unix_timestamp();
    fulfilment::act(state, staff, &number, OrderAction::Cancel, None, now)
        .await
        .unwrap();
    number
}

async fn refunded_cents(db: &Db, number: &str) -> (i64, i64) {
    let row = sqlx::query(
        "SELECT o.refunded_cents AS shop, g.refunded_cents AS gateway FROM orders o \
         JOIN gateway_payments g ON g.idempotency_key = o.number WHERE o.number = $1",
    )
    .bind(number)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    (
        row.try_get("shop").unwrap(),
        row.try_get("gateway").unwrap(),
    )
}

/// A refund of `quantities` of each (clear case, grip) of an order from `cancelled_order`.
async fn items(db: &Db, number: &str, (clear, grip): (u32, u32)) -> RefundScope {
    let (detail, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), number)
        .await
        .unwrap()
        .unwrap();
    RefundScope::Items {
        quantities: detail
            .lines
            .iter()
            .map(|line| if line.sku == CLEAR { clear } else { grip })
            .collect(),
        shipping: false,
    }
}

async fn refunds_per_item_then_in_full_give_back_exactly_what_was_paid(db: &Db) {
    let outbox = new_outbox();
    let state = shop_mailing_to(db, outbox.clone()).await;
    let sid = staff(db, "sid@shop.test", app::identity::Role::Support).await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    // A paid order is not refunded: it is cancelled first.
    let paid = placed(
        &checkout(
            &state,
            &request(&state, "ada@example.com", &[(CLEAR, 1)], None, card(VISA)).await,
        )
        .await,
    );
    match refunding::refund(&state, &sid, &paid, &RefundScope::Full, "asked", now).await {
        Err(RefundError::Refused(why)) => assert!(why.contains("only a cancelled or delivered")),
        other => panic!("expected a refusal, got {other:?}"),
    }

    let number = cancelled_order(&state, &sid).await;
    let one_case = refunding::refund(
        &state,
        &sid,
        &number,
        &items(db, &number, (1, 0)).await,
        "scratched",
        now,
    )
    .await
    .unwrap();
    assert_eq!(one_case, Money::from_cents(1999));
    assert_eq!(refunded_cents(db, &number).await, (1999, 1999));
    assert_eq!(status_of(db, &number).await, OrderStatus::Cancelled);
    match refunding::refund(
        &state,
        &sid,
        &number,
        &items(db, &number, (2, 0)).await,
        "again",
        now,
    )
    .await
    {
        Err(RefundError::Refused(why)) => assert!(why.starts_with("Only 1 of item"), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let rest = refunding::refund(&state, &sid, &number, &RefundScope::Full, "cancelled", now)
        .await
        .unwrap();
    assert_eq!(rest, Money::from_cents(5597 - 1999));
    assert_eq!(refunded_cents(db, &number).await, (5597, 5597));
    assert_eq!(status_of(db, &number).await, OrderStatus::Refunded);
    assert!(matches!(
        refunding::refund(&state, &sid, &number, &RefundScope::Full, "more", now).await,
        Err(RefundError::Refused(_))
    ));

    // The shopper's order shows both refunds with the gateway's references, and got e-mails.
    let (detail, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    let refunds: Vec<(Money, RefundState, bool)> = detail
        .refunds
        .iter()
        .map(|r| {
            (
                r.amount,
                r.state,
                r.reference.as_deref().is_some_and(|x| x.starts_with("re_")),
            )
        })
        .collect();
    assert_eq!(
        refunds,
        vec![
            (Money::from_cents(1999), RefundState::Succeeded, true),
            (Money::from_cents(3598), RefundState::Succeeded, true),
        ]
    );
    let mail = delivered(&state, &outbox).await;
    assert_eq!(
        mail.iter()
            .filter(|m| m.contains("5-14 working days"))
            .count(),
        2
    );
    let log = app::audit::list(&db.pool, &Default::default(), 0)
        .await
        .unwrap();
    let refund_entries: Vec<&str> = log
        .entries
        .iter()
        .rev()
        .filter(|e| e.action == "refund order")
        .map(|e| e.after.as_str())
        .collect();
    assert_eq!(
        refund_entries,
        vec![
            "$19.99 refunded ($19.99 now: scratched)",
            "$55.97 refunded ($35.98 now: cancelled)"
        ]
    );
}

async fn two_staff_refunding_at_once_never_give_back_more_than_was_paid(db: &Db) {
    let state = shop(db).await;
    let ann = staff(db, "ann@shop.test", app::identity::Role::Admin).await;
    let bob = staff(db, "bob@shop.test", app::identity::Role::Support).await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    for (first, second) in [
        (None, None),
        (Some((2, 1)), None),
        (Some((1, 0)), Some((2, 0))),
    ] {
        let number = cancelled_order(&state, &ann).await;
        let first = match first {
            Some(q) => items(db, &number, q).await,
            None => RefundScope::Full,
        };
        let second = match second {
            Some(q) => items(db, &number, q).await,
            None => RefundScope::Full,
        };
        let (a, b) = tokio::join!(
            refunding::refund(&state, &ann, &number, &first, "a", now),
            refunding::refund(&state, &bob, &number, &second, "b", now),
        );
        let given: Money = [&a, &b]
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .copied()
            .sum();
        let (shop, gateway) = refunded_cents(db, &number).await;
        assert!(shop <= 5597, "{a:?} {b:?}");
        assert_eq!(shop, given.cents(), "{a:?} {b:?}");
        assert_eq!(gateway, shop);
        assert!(a.is_ok() || b.is_ok(), "{a:?} {b:?}");
        assert!(
            [&a, &b]
                .iter()
                .all(|r| matches!(r, Ok(_) | Err(RefundError::Refused(_)))),
            "{a:?} {b:?}"
        );
    }
}

async fn a_refund_the_gateway_did_not_answer_is_retried_and_made_once(db: &Db) {
    let state = shop(db).await;
    let sid = staff(db, "sid@shop.test", app::identity::Role::Support).await;
    let number = cancelled_order(&state, &sid).await;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let outage = Faulty::shop(&state, Fault::Unreachable(number.clone()));
    match refunding::refund(&outage, &sid, &number, &RefundScope::Full, "cancelled", now).await {
        Err(RefundError::Pending(amount)) => assert_eq!(amount, Money::from_cents(5597)),
        other => panic!("expected a pending refund, got {other:?}"),
    }
    // The amount stays reserved while pending: nothing more can be refunded meanwhile.
    assert_eq!(refunded_cents(db, &number).await, (5597, 0));
    assert!(matches!(
        refunding::refund(
            &state,
            &sid,
            &number,
            &items(db, &number, (1, 0)).await,
            "twice",
            now
        )
        .await,
        Err(RefundError::Refused(_))
    ));
    // Not yet due, or still unreachable: it stays pending.
    assert_eq!(refunding::retry_pending(&state, now).await.unwrap(), 0);
    let later = now + refunding::RETRY_AFTER_SECONDS + 1;
    assert_eq!(refunding::retry_pending(&outage, later).await.unwrap(), 0);
    assert_eq!(refunding::retry_pending(&state, later).await.unwrap(), 1);
    assert_eq!(refunding::retry_pending(&state, later).await.unwrap(), 0);
    assert_eq!(refunded_cents(db, &number).await, (5597, 5597));
    assert_eq!(status_of(db, &number).await, OrderStatus::Refunded);
    assert_eq!(count(db, "SELECT COUNT(*) FROM gateway_refunds").await, 1);
}

async fn a_code_made_by_staff_discounts_checkout_until_disabled(db: &Db) {
    let state = shop(db).await;
    let form = CouponForm {
        code: "winter15".into(),
        kind: "percent".into(),
        value: "15".into(),
        cases: Some("on".into()),
        ..Default::default()
    };
    let (offer, terms) = check_coupon(&form).unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let id = coupon_repo::create(&mut conn, &offer, &terms)
        .await
        .unwrap();
    drop(conn);
    // 15% off the clear case ($19.99) only, not the grip: $3.00 off.
    let req = request(
        &state,
        "ada@example.com",
        &[(CLEAR, 1), (GRIP, 1)],
        Some("WINTER15"),
        card(VISA),
    )
    .await;
    let number = placed(&checkout(&state, &req).await);
    let (detail, _) = orders::detail(&mut db.pool.acquire().await.unwrap(), &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.totals.discount, Money::from_cents(300));
    let mut conn = db.pool.acquire().await.unwrap();
    let used = coupon_repo::redemptions(&mut conn, id).await.unwrap();
    assert_eq!(used.len(), 1);
    assert_eq!(
        (used[0].order_number.as_str(), used[0].email.as_str()),
        (number.as_str(), "ada@example.com")
    );
    let listed = coupon_repo::staff_list(&db.pool).await.unwrap();
    let row = listed.iter().find(|r| r.code == "WINTER15").unwrap();
    assert_eq!(
        (row.redemptions, row.active, row.offer.as_str()),
        (1, true, "15% off phone cases")
    );

    // Disabled, the code is unknown to the cart; the staff still find it.
    coupon_repo::update(&mut conn, id, &offer, &terms, false)
        .await
        .unwrap();
    let (_, active) = coupon_repo::find_any(&mut conn, &offer.code)
        .await
        .unwrap()
        .unwrap();
    assert!(!active);
    drop(conn);
    let now = OffsetDateTime::now_utc();
    let cart = CartRequest {
        lines: vec![CartLine {
            sku: CLEAR.into(),
            quantity: 1,
        }],
        coupon: Some("WINTER15".into()),
        method: ShippingMethod::Standard,
    };
    let priced = pricing_service::price_cart(
        &db.pool,
        &state.store,
        &cart,
        now.unix_timestamp(),
        now.date(),
        None,
    )
    .await
    .unwrap();
    assert!(
        matches!(priced.coupon, Some(Err(CouponRejection::Unknown(_)))),
        "{:?}",
        priced.coupon
    );
}

async fn the_export_lists_the_orders_placed_in_its_days(db: &Db) {
    let state = shop(db).await;
    let first = placed(
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
    let second = placed(
        &checkout(
            &state,
            &request(&state, "bob@example.com", &[(GRIP, 1)], None, card(VISA)).await,
        )
        .await,
    );
    let now = OffsetDateTime::now_utc();
    let (from, until) =
        app::admin::export::range(&now.date().to_string(), &now.date().to_string()).unwrap();
    let rows = orders::export_rows(&db.pool, from, until).await.unwrap();
    let numbers: Vec<&str> = rows.iter().map(|r| r.number.as_str()).collect();
    assert_eq!(numbers, vec![first.as_str(), second.as_str()]);
    assert_eq!(rows[0].item_count, 3);
    assert_eq!(rows[0].coupon.as_deref(), Some("SAVE5"));
    assert_eq!(rows[0].total, Money::from_cents(5597 - 500));
    assert_eq!(rows[0].payment, "Visa ending in 4242");
    assert!(
        rows[0].items.contains("2 × Signature Case"),
        "{}",
        rows[0].items
    );
    let text = String::from_utf8(app::admin::export::write_csv(&rows).unwrap()).unwrap();
    assert_eq!(
        csv::Reader::from_reader(text.as_bytes()).records().count(),
        2
    );
    // The day before holds none of them.
    let yesterday = (now.date() - time::Duration::days(1)).to_string();
    let (from, until) = app::admin::export::range(&yesterday, &yesterday).unwrap();
    assert!(orders::export_rows(&db.pool, from, until)
        .await
        .unwrap()
        .is_empty());
}

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
        cancellation::cancel_by_shopper(&state, &number, now),
        cancellation::cancel_by_shopper(&state, &number, now),
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
        cancellation::cancel_by_shopper(&state, &number, now)
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
    match cancellation::cancel_by_shopper(&state, &number, now).await {
        Err(ActionError::Refused(why)) => {
            assert!(why.contains("can no longer be cancelled"), "{why}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(status_of(db, &number).await, OrderStatus::Processing);
    assert_eq!(stock(db, CLEAR).await, held);
    assert_eq!(count(db, "SELECT COUNT(*) FROM refunds").await, 0);
    assert!(matches!(
        cancellation::cancel_by_shopper(&state, "CF-NOTHERE", now).await,
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
    assert!(detail.events.iter().any(|e| e.note.starts_with("Changed")));
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
    a_shopper_changes_an_item_within_twelve_hours_and_the_stock_follows,
    a_shopper_cancels_once_and_is_refunded_once_even_clicking_twice,
    once_preparing_starts_the_shopper_cannot_cancel,
    the_export_lists_the_orders_placed_in_its_days,
    a_code_made_by_staff_discounts_checkout_until_disabled,
    refunds_per_item_then_in_full_give_back_exactly_what_was_paid,
    two_staff_refunding_at_once_never_give_back_more_than_was_paid,
    a_refund_the_gateway_did_not_answer_is_retried_and_made_once,
    an_order_is_prepared_shipped_and_delivered_and_refused_out_of_turn,
    cancelling_gives_the_stock_back_once_even_when_two_staff_click,
    staff_find_orders_by_status_day_email_and_number,
    the_server_checks_card_details_itself,
    a_card_checkout_places_a_paid_order_confirms_it_and_takes_stock,
    tampered_prices_and_totals_are_never_charged,
    concurrent_checkouts_for_the_last_unit_give_one_order,
    a_coupon_usage_limit_holds_under_concurrency,
    a_per_customer_limit_counts_the_same_shopper_across_orders,
    the_same_idempotency_key_gives_one_order_and_one_charge,
    every_declining_card_leaves_no_order_stock_change_or_coupon_use,
    card_testing_pauses_card_payments,
    guest_grants_are_fresh_tokens_that_expire,
    duplicate_lines_are_one_line,
    paypal_is_paid_on_approval_and_released_on_cancel,
    interrupted_checkouts_are_settled_with_the_gateway,
    a_retry_after_a_lost_answer_resumes_without_charging_twice,
    a_charge_for_an_order_closed_meanwhile_is_refunded,
    one_unsettled_order_never_holds_up_the_others,
    two_instances_settling_at_once_settle_each_order_once,
    history_is_newest_first_paginated_and_only_the_owners,
);
