//! Checkout against real SQLite and PostgreSQL databases: prices recomputed, stock and promo
//! codes safe under concurrency, one order and one charge per submission, refused payments
//! leaving nothing behind, card checks and card testing, guest access, order history.

mod support;

use support::shop::*;

use app::cart::model::CartLine;
use app::cart::pricing_service;
use app::checkout::model::{CartChange, CheckoutOutcome};
use app::checkout::service::{place_order, CheckoutError};
use app::client::ClientAddress;
use app::coupons::repo as coupon_repo;
use app::db::Db;
use app::money::Money;
use app::orders::grants;
use app::orders::model::HISTORY_PAGE_SIZE;
use app::orders::repo as orders;
use app::orders::status::OrderStatus;
use app::payments::gateway::{CardDetails, PaymentChoice};
use app::payments::test_cards::TEST_CARDS;
use app::pricing::coupon::{Coupon, CouponCode, CouponKind, CouponRejection, CouponTerms};
use app::shop::ServerState;
use sqlx::Row;
use time::OffsetDateTime;

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
        let refused = place_order(
            &state,
            &other,
            None,
            &client(),
            None,
            OffsetDateTime::now_utc(),
        )
        .await;
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
    grants::grant(&db.pool, "token-1", None, &first, now, now + 100)
        .await
        .unwrap();
    assert!(grants::has_grant(&db.pool, "token-1", &first, now)
        .await
        .unwrap());
    // The next grant comes with a new token, which carries the browser's earlier grants; the
    // old token (perhaps planted by someone else) opens nothing any more.
    grants::grant(
        &db.pool,
        "token-2",
        Some("token-1"),
        &second,
        now + 10,
        now + 200,
    )
    .await
    .unwrap();
    assert!(!grants::has_grant(&db.pool, "token-1", &first, now + 10)
        .await
        .unwrap());
    assert!(!grants::has_grant(&db.pool, "token-1", &second, now + 10)
        .await
        .unwrap());
    assert!(grants::has_grant(&db.pool, "token-2", &first, now + 10)
        .await
        .unwrap());
    assert!(grants::has_grant(&db.pool, "token-2", &second, now + 10)
        .await
        .unwrap());
    // Grants expire, and expired ones are purged.
    assert!(!grants::has_grant(&db.pool, "token-2", &second, now + 200)
        .await
        .unwrap());
    assert_eq!(
        grants::purge_expired_grants(&db.pool, now + 200)
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
            place_order(&state, &req, None, &from, None, at)
                .await
                .unwrap()
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
    let outcome = place_order(&state, &req, None, &tester, None, at)
        .await
        .unwrap();
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
            &place_order(&state, &req, Some(&pat), &client(), None, at)
                .await
                .unwrap(),
        ));
    }
    let first = orders::history(&db.pool, app::accounts::model::BuyerRef::Account(pat.id), 1)
        .await
        .unwrap();
    assert_eq!((first.page, first.pages), (1, 2));
    assert_eq!(first.orders.len(), HISTORY_PAGE_SIZE as usize);
    assert_eq!(first.orders[0].number, *numbers.last().unwrap());
    assert!(first
        .orders
        .windows(2)
        .all(|w| w[0].placed_at >= w[1].placed_at));
    let second = orders::history(&db.pool, app::accounts::model::BuyerRef::Account(pat.id), 2)
        .await
        .unwrap();
    assert_eq!(second.orders.len(), 2);
    assert_eq!(second.orders[1].number, numbers[0]);
    assert_eq!(
        orders::history(
            &db.pool,
            app::accounts::model::BuyerRef::Account(pat.id),
            99
        )
        .await
        .unwrap()
        .page,
        2
    );

    let theirs = orders::history(&db.pool, app::accounts::model::BuyerRef::Account(sam.id), 1)
        .await
        .unwrap();
    assert!(theirs.orders.is_empty());
    let (_, owner) = orders::detail(&mut db.pool.acquire().await.unwrap(), &numbers[0])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner, Some(pat.id));
    assert_eq!(
        grants::find_for_guest(&db.pool, &numbers[0], "sam@example.com")
            .await
            .unwrap(),
        None
    );
}

on_both_backends!(
    a_card_checkout_places_a_paid_order_confirms_it_and_takes_stock,
    tampered_prices_and_totals_are_never_charged,
    concurrent_checkouts_for_the_last_unit_give_one_order,
    a_coupon_usage_limit_holds_under_concurrency,
    a_per_customer_limit_counts_the_same_shopper_across_orders,
    the_same_idempotency_key_gives_one_order_and_one_charge,
    guest_grants_are_fresh_tokens_that_expire,
    card_testing_pauses_card_payments,
    duplicate_lines_are_one_line,
    every_declining_card_leaves_no_order_stock_change_or_coupon_use,
    the_server_checks_card_details_itself,
    history_is_newest_first_paginated_and_only_the_owners,
);
