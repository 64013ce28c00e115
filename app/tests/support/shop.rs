//! A demo shop for integration tests that need orders: its settings, a checkout as the
//! browser sends it, and accounts for shoppers and staff. Each test crate uses a part.
#![allow(dead_code)]

use app::accounts::model::{Customer, SignUp};
use app::accounts::repo as accounts;
use app::cart::model::{CartLine, CartRequest};
use app::cart::pricing_service;
use app::catalog::{demo::demo_catalog, repo as catalog};
use app::checkout::address::Address;
use app::checkout::model::{CheckoutOutcome, CheckoutRequest, SeenPrices};
use app::checkout::service::place_order;
use app::client::ClientAddress;
use app::coupons::demo as demo_coupons;
use app::db::Db;
use app::mail::Mailer;
use app::orders::status::OrderStatus;
use app::payments::gateway::{CardDetails, PaymentChoice};
use app::payments::providers::Providers;
use app::payments::test_gateway::TestGateway;
use app::photos::rules::PhotoLimits;
use app::photos::storage::PhotoStore;
use app::pricing::shipping::ShippingMethod;
use app::shop::{ServerState, StoreInfo};
use sqlx::Row;
use time::OffsetDateTime;

/// Clear case $19.99 (24 in stock); grip $15.99.
pub const CLEAR: &str = "SIG-IP17PM-CLR-CRYCLE";
pub const GRIP: &str = "GRP-MIDBLA";
pub const VISA: &str = "4242 4242 4242 4242";

pub fn store() -> StoreInfo {
    StoreInfo {
        name: "Test Cases".into(),
        public_url: "http://shop.test".into(),
        support_email: "care@shop.test".into(),
        support_phone: "+1 555 0100".into(),
        shipping: Default::default(),
        delivery: Default::default(),
        test_payments: true,
        payment_methods: Default::default(),
        demo_codes: false,
        time_zone: "UTC".into(),
        calendar: Default::default(),
    }
}

/// A fresh outbox folder for one test's e-mail.
pub fn new_outbox() -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "shop-outbox-{}-{}",
        std::process::id(),
        app::tokens::random_hex(6)
    ))
}

pub async fn shop(db: &Db) -> ServerState {
    shop_mailing_to(db, new_outbox()).await
}

/// The demo shop, writing its e-mail to `outbox`.
pub async fn shop_mailing_to(db: &Db, outbox: std::path::PathBuf) -> ServerState {
    let test = std::sync::Arc::new(TestGateway::new(db.pool.clone()));
    shop_paying(db, outbox, Providers::new(Some(test.clone()), Some(test))).await
}

/// The demo shop taking payments through `payments`, writing its e-mail to `outbox`.
pub async fn shop_paying(db: &Db, outbox: std::path::PathBuf, payments: Providers) -> ServerState {
    catalog::seed_once(&db.pool, &demo_catalog()).await.unwrap();
    demo_coupons::seed_once(&db.pool).await.unwrap();
    let mailer = Mailer::outbox("Test Cases <care@shop.test>", outbox.clone()).unwrap();
    let photos =
        PhotoStore::in_folder(&outbox.with_extension("photos"), PhotoLimits::default()).unwrap();
    ServerState::new(db.clone(), store(), mailer, photos, payments)
}

/// The provider references of the refunds that went through.
pub async fn refund_references(db: &Db) -> Vec<String> {
    sqlx::query("SELECT gateway_reference FROM refunds WHERE state = 'succeeded'")
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get("gateway_reference").unwrap())
        .collect()
}

pub fn card(number: &str) -> PaymentChoice {
    PaymentChoice::Card(CardDetails {
        number: number.into(),
        expiry: "12/35".into(),
        cvc: if number.starts_with('3') {
            "1234"
        } else {
            "123"
        }
        .into(),
    })
}

/// A client address of its own for each checkout, unless a test means to share one.
pub fn client() -> ClientAddress {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    ClientAddress(std::net::IpAddr::V4(std::net::Ipv4Addr::from(
        0x0a00_0000 + n,
    )))
}

pub fn key() -> String {
    format!("key-{}", app::tokens::random_hex(12))
}

/// A checkout as the browser sends it, with the prices the server quotes right now.
pub async fn request(
    state: &ServerState,
    email: &str,
    items: &[(&str, u32)],
    coupon: Option<&str>,
    payment: PaymentChoice,
) -> CheckoutRequest {
    let cart = CartRequest {
        lines: items
            .iter()
            .map(|(sku, quantity)| CartLine {
                sku: (*sku).into(),
                quantity: *quantity,
            })
            .collect(),
        coupon: coupon.map(Into::into),
        method: ShippingMethod::Standard,
    };
    let now = OffsetDateTime::now_utc();
    let priced = pricing_service::price_cart(
        &state.db.pool,
        &state.store,
        &cart,
        now.unix_timestamp(),
        None,
    )
    .await
    .unwrap();
    CheckoutRequest {
        idempotency_key: key(),
        email: email.into(),
        address: Address {
            name: "Ada Lovelace".into(),
            line1: "1 Main Street".into(),
            line2: String::new(),
            city: "Springfield".into(),
            region: "IL".into(),
            postcode: "62701".into(),
            country: "US".into(),
            phone: String::new(),
        },
        cart,
        seen: SeenPrices {
            unit_prices: priced
                .items
                .iter()
                .map(|i| (i.sku.clone(), i.unit_price))
                .collect(),
            total: priced.quote.total,
        },
        payment,
    }
}

pub async fn checkout(state: &ServerState, request: &CheckoutRequest) -> CheckoutOutcome {
    place_order(
        state,
        request,
        None,
        &client(),
        None,
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap()
}

pub fn placed(outcome: &CheckoutOutcome) -> String {
    match outcome {
        CheckoutOutcome::Placed { number } => number.clone(),
        other => panic!("expected a placed order, got {other:?}"),
    }
}

pub async fn customer(db: &Db, email: &str) -> Customer {
    let sign_up = SignUp::validate("Pat", email, "long enough password").unwrap();
    accounts::create_customer(&db.pool, &sign_up, "not-a-real-hash", 0)
        .await
        .unwrap()
        .unwrap()
}

/// A staff member with `role`, as the fulfilment actions see them.
pub async fn staff(db: &Db, email: &str, role: app::identity::Role) -> Customer {
    let account = customer(db, email).await;
    let mut conn = db.pool.acquire().await.unwrap();
    accounts::set_role(&mut conn, account.id, role)
        .await
        .unwrap();
    Customer { role, ..account }
}

/// A guest order of one clear case paid by card, then prepared, shipped and delivered by
/// support at `delivered_at`; its number.
pub async fn delivered_order(state: &ServerState, email: &str, delivered_at: i64) -> String {
    let number = placed(
        &checkout(
            state,
            &request(state, email, &[(CLEAR, 1)], None, card(VISA)).await,
        )
        .await,
    );
    deliver(state, &number, delivered_at).await;
    number
}

/// Prepares, ships and delivers paid order `number`, by support, at `delivered_at`.
pub async fn deliver(state: &ServerState, number: &str, delivered_at: i64) {
    use app::orders::fulfilment::act;
    use app::orders::status::OrderAction;
    use app::orders::tracking::Tracking;
    let support = staff(
        &state.db,
        &format!("support-{}@shop.test", app::tokens::random_hex(4)),
        app::identity::Role::Support,
    )
    .await;
    let tracking = Tracking::parse("ups", "1Z999AA10123456784").unwrap();
    for action in [
        OrderAction::MarkProcessing,
        OrderAction::Ship,
        OrderAction::MarkDelivered,
    ] {
        let tracked = (action == OrderAction::Ship).then(|| tracking.clone());
        act(state, &support, number, action, tracked, delivered_at)
            .await
            .unwrap();
    }
}

/// The first column of the first row `sql` returns.
pub async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

pub async fn delivered(state: &ServerState, outbox: &std::path::Path) -> Vec<String> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    app::mail::queue::deliver_due(&state.db, &state.mailer, now)
        .await
        .unwrap();
    std::fs::read_dir(outbox)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect()
}

pub async fn stock(db: &Db, sku: &str) -> i64 {
    sqlx::query("SELECT stock FROM skus WHERE code = $1")
        .bind(sku)
        .fetch_one(&db.pool)
        .await
        .unwrap()
        .try_get("stock")
        .unwrap()
}

pub async fn set_stock(db: &Db, sku: &str, stock: i64) {
    sqlx::query("UPDATE skus SET stock = $1 WHERE code = $2")
        .bind(stock)
        .bind(sku)
        .execute(&db.pool)
        .await
        .unwrap();
}

pub async fn status_of(db: &Db, number: &str) -> OrderStatus {
    let mut conn = db.pool.acquire().await.unwrap();
    app::orders::repo::find_by_number(&mut conn, number)
        .await
        .unwrap()
        .unwrap()
        .status
}

/// What the shop and the test gateway say was refunded of order `number`, in cents.
pub async fn refunded_cents(db: &Db, number: &str) -> (i64, i64) {
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
