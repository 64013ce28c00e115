//! Promo codes and server-side cart pricing, against real SQLite and PostgreSQL databases.

mod support;

use app::cart::model::{Cart, CartLine, CartRequest, PricedCart};
use app::cart::pricing_service;
use app::catalog::{demo::demo_catalog, repo};
use app::coupons::{demo as demo_coupons, repo as coupon_repo};
use app::db::Db;
use app::money::Money;
use app::pricing::coupon::{Coupon, CouponCode, CouponKind, CouponRejection, CouponTerms};
use app::pricing::quote::{CouponOutcome, MAX_LINE_QUANTITY};
use app::pricing::shipping::{ShippingMethod, ShippingRates};
use app::shop::StoreInfo;
use sqlx::Row;
use time::macros::date;

/// 2026-11-26 12:00 UTC.
const NOW: i64 = 1_795_694_400;

fn store() -> StoreInfo {
    StoreInfo {
        name: "Test".into(),
        public_url: "http://shop.test".into(),
        support_email: "care@shop.test".into(),
        support_phone: "+1".into(),
        shipping: ShippingRates::default(),
        delivery: Default::default(),
        test_payments: true,
        payment_methods: Default::default(),
        demo_codes: false,
        time_zone: "UTC".into(),
        calendar: Default::default(),
    }
}

async fn seeded(db: &Db) {
    repo::seed_once(&db.pool, &demo_catalog()).await.unwrap();
    assert!(demo_coupons::seed_once(&db.pool).await.unwrap());
}

fn lines(items: &[(&str, u32)]) -> Vec<CartLine> {
    items
        .iter()
        .map(|(sku, quantity)| CartLine {
            sku: (*sku).into(),
            quantity: *quantity,
        })
        .collect()
}

/// Slim case $24.99 (3 in stock), clear case $19.99 (24), charger $24.99, grip $15.99.
const SLIM_LOW: &str = "SIG-IP17PM-SLM-OCEBLU";
const CLEAR: &str = "SIG-IP17PM-CLR-CRYCLE";
const GRIP: &str = "GRP-MIDBLA";

async fn check(db: &Db, code: &str, cart: &[(&str, u32)]) -> Result<Coupon, CouponRejection> {
    pricing_service::check_coupon(&db.pool, code, &lines(cart), NOW, None)
        .await
        .unwrap()
}

async fn demo_codes_load_once_and_are_found(db: &Db) {
    seeded(db).await;
    assert!(!demo_coupons::seed_once(&db.pool).await.unwrap());
    let save5 = coupon_repo::find(
        &mut db.pool.acquire().await.unwrap(),
        &CouponCode::parse("save5").unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        save5.offer.kind,
        CouponKind::AmountOff(Money::from_cents(500))
    );
    assert_eq!(save5.offer.min_spend, Money::from_cents(2500));
}

async fn every_refusal_has_its_reason(db: &Db) {
    seeded(db).await;
    assert!(
        matches!(check(db, "NOPE", &[(CLEAR, 1)]).await, Err(CouponRejection::Unknown(c)) if c == "NOPE")
    );
    assert!(
        matches!(check(db, "SUMMER25", &[(CLEAR, 1)]).await, Err(CouponRejection::Expired { ended, .. }) if ended == "1 September 2025")
    );
    assert!(matches!(
        check(db, "NEWYEAR27", &[(CLEAR, 1)]).await,
        Err(CouponRejection::NotStarted { .. })
    ));
    assert_eq!(
        check(db, "SAVE5", &[(CLEAR, 1)]).await,
        Err(CouponRejection::MinimumSpend {
            code: "SAVE5".into(),
            minimum: Money::from_cents(2500),
            missing: Money::from_cents(501),
        })
    );
    assert!(matches!(
        check(db, "CASES20", &[(GRIP, 1)]).await,
        Err(CouponRejection::NothingEligible { .. })
    ));
    assert_eq!(
        check(db, "WELCOME10", &[]).await,
        Err(CouponRejection::EmptyCart)
    );
    assert_eq!(
        check(db, "bad code!", &[(CLEAR, 1)]).await,
        Err(CouponRejection::Malformed)
    );

    assert_eq!(
        check(db, " save5 ", &[(CLEAR, 2)])
            .await
            .unwrap()
            .code
            .as_str(),
        "SAVE5"
    );
    assert!(check(db, "CASES20", &[(GRIP, 1), (CLEAR, 1)]).await.is_ok());
}

async fn usage_limits_count_redemptions(db: &Db) {
    seeded(db).await;
    let offer = Coupon {
        code: CouponCode::parse("TWICE").unwrap(),
        kind: CouponKind::PercentOff(50),
        min_spend: Money::ZERO,
        categories: vec![],
    };
    let terms = CouponTerms {
        starts_at: None,
        expires_at: None,
        usage_limit: Some(2),
        per_customer_limit: None,
    };
    let mut conn = db.pool.acquire().await.unwrap();
    let id = coupon_repo::create(&mut conn, &offer, &terms)
        .await
        .unwrap();
    drop(conn);
    let redeem = |n: u32, customer: &'static str| {
        let pool = db.pool.clone();
        async move {
            sqlx::query(
                "INSERT INTO coupon_redemptions (coupon_id, customer_key, order_number, redeemed_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(customer)
            .bind(format!("ORDER-{n}"))
            .bind(NOW)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    redeem(1, "a@shop.test").await;
    assert!(check(db, "TWICE", &[(CLEAR, 1)]).await.is_ok());
    redeem(2, "b@shop.test").await;
    assert_eq!(
        check(db, "TWICE", &[(CLEAR, 1)]).await,
        Err(CouponRejection::UsageLimitReached("TWICE".into()))
    );

    // ONCE15 allows one use per customer.
    let once: i64 = sqlx::query("SELECT id FROM coupons WHERE code = 'ONCE15'")
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get("id")
        .unwrap();
    sqlx::query(
        "INSERT INTO coupon_redemptions (coupon_id, customer_key, order_number, redeemed_at) \
         VALUES ($1, 'a@shop.test', 'ORDER-3', $2)",
    )
    .bind(once)
    .bind(NOW)
    .execute(&db.pool)
    .await
    .unwrap();
    let for_a = pricing_service::check_coupon(
        &db.pool,
        "ONCE15",
        &lines(&[(CLEAR, 1)]),
        NOW,
        Some("a@shop.test"),
    )
    .await
    .unwrap();
    assert_eq!(for_a, Err(CouponRejection::AlreadyUsed("ONCE15".into())));
    let for_b = pricing_service::check_coupon(
        &db.pool,
        "ONCE15",
        &lines(&[(CLEAR, 1)]),
        NOW,
        Some("b@shop.test"),
    )
    .await
    .unwrap();
    assert!(for_b.is_ok());
}

async fn server_prices_from_the_database(db: &Db) {
    seeded(db).await;
    let request = CartRequest {
        lines: lines(&[(SLIM_LOW, 5), (CLEAR, 1), ("NO-SUCH-SKU", 2)]),
        coupon: Some("WELCOME10".into()),
        method: ShippingMethod::Express,
    };
    let priced = pricing_service::price_cart(&db.pool, &store(), &request, NOW, None)
        .await
        .unwrap();
    // Only 3 slim cases are in stock; the unknown SKU is not priced.
    assert_eq!(priced.items.len(), 2);
    assert_eq!(priced.quote.subtotal, Money::from_cents(3 * 2499 + 1999));
    assert_eq!(priced.quote.discount, Money::from_cents(950));
    assert_eq!(priced.quote.shipping, Money::from_cents(1500));
    assert_eq!(priced.quote.total, Money::from_cents(9496 - 950 + 1500));
    assert!(matches!(priced.quote.coupon, CouponOutcome::Applied { .. }));
    let estimate = priced.estimate.unwrap();
    assert_eq!(estimate.earliest, date!(2026 - 12 - 02));
    // A shop holiday within the estimate moves it on by a business day.
    let mut closed = store();
    closed.calendar.holidays.push(app::calendar::Holiday {
        day: date!(2026 - 11 - 30),
        name: "Stocktaking".into(),
    });
    let later = pricing_service::price_cart(&db.pool, &closed, &request, NOW, None)
        .await
        .unwrap()
        .estimate
        .unwrap();
    assert_eq!(later.earliest, date!(2026 - 12 - 03));

    // A price change in the database is what the next quote charges.
    sqlx::query("UPDATE skus SET price_cents = 999 WHERE code = $1")
        .bind(CLEAR)
        .execute(&db.pool)
        .await
        .unwrap();
    let request = CartRequest {
        lines: lines(&[(CLEAR, 1)]),
        coupon: Some("SUMMER25".into()),
        method: ShippingMethod::Standard,
    };
    let priced = pricing_service::price_cart(&db.pool, &store(), &request, NOW, None)
        .await
        .unwrap();
    assert_eq!(priced.quote.subtotal, Money::from_cents(999));
    assert!(matches!(
        priced.coupon,
        Some(Err(CouponRejection::Expired { .. }))
    ));
    assert_eq!(priced.quote.discount, Money::ZERO);
    assert_eq!(priced.quote.total, Money::from_cents(1499));
}

/// A small deterministic generator, so failures reproduce.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

async fn browser_and_server_totals_agree(db: &Db) {
    seeded(db).await;
    let all_skus: Vec<String> = sqlx::query("SELECT code FROM skus ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("code").unwrap())
        .collect();
    let codes = [
        None,
        Some("WELCOME10"),
        Some("SAVE5"),
        Some("FREESHIP"),
        Some("CASES20"),
        Some("SUMMER25"),
    ];
    let mut rng = Lcg(7);
    for _ in 0..60 {
        let mut cart = Cart::default();
        for _ in 0..=rng.next(5) {
            let sku = &all_skus[rng.next(all_skus.len() as u64) as usize];
            cart.add(sku, 1 + rng.next(u64::from(MAX_LINE_QUANTITY)) as u32);
        }
        cart.coupon = codes[rng.next(codes.len() as u64) as usize].map(Into::into);
        cart.method = if rng.next(2) == 0 {
            ShippingMethod::Standard
        } else {
            ShippingMethod::Express
        };

        let server =
            pricing_service::price_cart(&db.pool, &store(), &CartRequest::from(&cart), NOW, None)
                .await
                .unwrap();
        // What the browser receives, and what it computes from it.
        let wire: PricedCart =
            serde_json::from_str(&serde_json::to_string(&server).unwrap()).unwrap();
        let coupon = wire.coupon.as_ref().and_then(|c| c.as_ref().ok());
        let browser = cart.quote(&wire.items_by_sku(), coupon, &store().shipping);
        assert_eq!(browser, server.quote, "cart {cart:?}");
    }
}

on_both_backends!(
    demo_codes_load_once_and_are_found,
    every_refusal_has_its_reason,
    usage_limits_count_redemptions,
    server_prices_from_the_database,
    browser_and_server_totals_agree,
);
