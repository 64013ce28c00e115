//! What the route tests share: a test shop on a fresh SQLite database behind the real router,
//! requests as browsers and the app's scripts send them, and their answers.

// Each test file uses some of these helpers and re-exported names, not all.
#![allow(dead_code, unused_imports)]

pub use app::accounts::model::Customer;
pub use app::catalog::{demo::demo_catalog, repo::seed_once};
pub use app::checkout::model::CheckoutOutcome;
pub use app::db::Db;
pub use app::error::AppError;
pub use app::forms::FormResult;
pub use app::mail::Mailer;
pub use app::pricing::coupon::{Coupon, CouponRejection};
pub use app::shop::ServerState;
pub use app::shop::StoreInfo;
pub use axum::body::{to_bytes, Body};
pub use axum::http::Request;
pub use axum::http::{header, HeaderValue, StatusCode};
pub use axum::Router;
pub use leptos::prelude::LeptosOptions;
pub use server::routes::*;
pub use server::security::Guard;
pub use tower::ServiceExt;

/// Leptos keeps one global executor, bound to the first runtime that rendered a page; every
/// test renders on this one runtime so none is left spawning onto a runtime that has shut
/// down. The tests also take turns: driven from several test threads at once, some renders
/// never complete under the test harness (the real server, loaded with concurrent
/// requests, does not show this).
pub fn on_shared_runtime(test: impl std::future::Future<Output = ()>) {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a test runtime")
    });
    RUNTIME.block_on(test);
}

pub struct TestShop {
    pub router: Router,
    pub db: Db,
    pub mailer: Mailer,
    pub dir: std::path::PathBuf,
    /// The shop's clock: a test moves it forward to pass a window.
    pub clock: app::clock::Clock,
}

impl TestShop {
    /// Runs the mail queue once, and returns every message the shop has sent.
    pub async fn sent_mail(&self) -> Vec<String> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        app::mail::queue::deliver_due(&self.db, &self.mailer, now)
            .await
            .unwrap();
        std::fs::read_dir(self.dir.join("outbox"))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect()
    }
}

impl Drop for TestShop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub async fn shop() -> TestShop {
    shop_with(false).await
}

pub async fn shop_with(hash_files: bool) -> TestShop {
    shop_at("http://shop.test", hash_files).await
}

/// A shop at `public_url`, with `hash_files` as cargo-leptos sets it for a release build.
/// Pages then need the hash file beside the running binary, so tests that render pages
/// leave it off.
pub async fn shop_at(public_url: &str, hash_files: bool) -> TestShop {
    shop_timed(public_url, hash_files, std::time::Duration::from_secs(30)).await
}

pub async fn shop_timed(
    public_url: &str,
    hash_files: bool,
    request_timeout: std::time::Duration,
) -> TestShop {
    shop_paying(
        public_url,
        hash_files,
        request_timeout,
        server::config::Payments::Test,
    )
    .await
}

/// The shop with Stripe taking its cards, through the localstripe `scripts/test.sh` starts.
pub async fn stripe_shop() -> TestShop {
    let stripe = std::env::var("LOCALSTRIPE_URL")
        .expect("LOCALSTRIPE_URL names a running localstripe (scripts/test.sh starts one)");
    let vars = [
        ("STRIPE_SECRET_KEY", "sk_test_casefront".to_owned()),
        ("STRIPE_PUBLISHABLE_KEY", "pk_test_casefront".to_owned()),
        ("STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET.to_owned()),
        ("STRIPE_API_URL", stripe.clone()),
        ("STRIPE_JS_URL", format!("{stripe}/js.stripe.com/v3/")),
    ];
    let settings = app::payments::stripe::settings::StripeSettings::from_lookup(|name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    })
    .unwrap();
    shop_paying(
        "http://shop.test",
        false,
        std::time::Duration::from_secs(30),
        server::config::Payments::Real(Box::new(server::config::RealProviders {
            stripe: Some(settings),
            paypal: None,
        })),
    )
    .await
}

pub const STRIPE_WEBHOOK_SECRET: &str = "whsec_casefront";

pub async fn shop_paying(
    public_url: &str,
    hash_files: bool,
    request_timeout: std::time::Duration,
    payments: server::config::Payments,
) -> TestShop {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "shop-routes-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let db = Db::connect(&format!("sqlite://{}/shop.db", dir.display()))
        .await
        .unwrap();
    seed_once(&db.pool, &demo_catalog()).await.unwrap();
    // A built site with hashed file names, as cargo-leptos leaves it.
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(dir.join("pkg/storefront.abc123.wasm"), b"\0asm").unwrap();
    std::fs::write(dir.join("pkg/storefront.abc123.js"), b"export {};").unwrap();
    std::fs::write(dir.join("pkg/__wasm_split.def456.js"), b"export {};").unwrap();
    let options = LeptosOptions::builder()
        .output_name("storefront")
        .site_root(dir.display().to_string())
        .hash_files(hash_files)
        .build();
    let store = StoreInfo {
        name: "Test Cases".into(),
        public_url: public_url.into(),
        support_email: "care@shop.test".into(),
        support_phone: "+1 555 0100".into(),
        shipping: Default::default(),
        delivery: Default::default(),
        test_payments: false,
        payment_methods: Default::default(),
        demo_codes: false,
        time_zone: "UTC".into(),
        calendar: Default::default(),
    };
    let mailer = Mailer::outbox("Test Cases <care@shop.test>", dir.join("outbox")).unwrap();
    let photos = app::photos::storage::PhotoStore::in_folder(
        &dir.join("photos"),
        app::photos::rules::PhotoLimits::default(),
    )
    .unwrap();
    let stripe_origins = match &payments {
        server::config::Payments::Real(real) => real.stripe.as_ref().map(|s| s.page_origins()),
        server::config::Payments::Test => None,
    };
    let payments = server::providers::from_settings(
        &payments,
        app::payments::card::CardBrand::ALL.to_vec(),
        &db,
    )
    .unwrap();
    let state = ServerState::new(db.clone(), store, mailer.clone(), photos, payments);
    // Requests in these tests come from no socket (0.0.0.0), which stands for a proxy
    // here: a test names its client in X-Forwarded-For.
    let http = Http {
        guard: Guard::new(public_url, vec!["0.0.0.0/32".parse().unwrap()])
            .with_stripe(stripe_origins),
        request_timeout,
        upload_timeout: std::time::Duration::from_secs(600),
        workers: server::health::Workers::watch(tokio::runtime::Handle::current().metrics()),
        in_flight: server::requests::InFlight::default(),
    };
    let clock = state.clock.clone();
    TestShop {
        router: router(options, state, http),
        db,
        mailer,
        dir,
        clock,
    }
}

pub async fn get(shop: &TestShop, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    get_with(shop, Request::get(uri).body(Body::empty()).unwrap()).await
}

pub async fn get_with(
    shop: &TestShop,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = shop.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// A server function's answer, decoded as the browser decodes it: its value in postcard,
/// or the shop's error when the status says it failed.
pub async fn answer<T: serde::de::DeserializeOwned>(
    shop: &TestShop,
    request: Request<Body>,
) -> Result<T, app::error::AppError> {
    use leptos::server_fn::error::FromServerFnError;
    let response = shop.router.clone().oneshot(request).await.unwrap();
    let ok = response.status().is_success();
    let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    if ok {
        Ok(postcard::from_bytes(&body).expect("a postcard answer"))
    } else {
        Err(app::error::AppError::de(body))
    }
}

pub const SHOP: &str = "http://shop.test";

pub fn path_of<F: leptos::server_fn::ServerFn>() -> &'static str {
    F::PATH
}

/// A form post as a browser without JavaScript sends it, from `origin`, for `client`.
pub fn form_post(path: &str, body: &str, origin: &str, client: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::ORIGIN, origin)
        .header("x-forwarded-for", client)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

/// The same post as the app's own script sends it (the answer is data, not a page).
pub fn script_post(path: &str, body: &str, client: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, SHOP)
        .header("x-forwarded-for", client);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

pub async fn customer(shop: &TestShop, email: &str, password: &str) {
    let sign_up = app::accounts::model::SignUp::validate("Ann", email, password).unwrap();
    let hash = app::accounts::auth::hash_password(password).unwrap();
    app::accounts::repo::create_customer(&shop.db.pool, &sign_up, &hash, 0)
        .await
        .unwrap()
        .unwrap();
}

pub fn set_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// A session cookie for a new account `email` with `role`.
pub async fn signed_in_as(shop: &TestShop, email: &str, role: app::identity::Role) -> String {
    use app::accounts::repo;
    let sign_up = app::accounts::model::SignUp::validate("Staff", email, "long password").unwrap();
    let account = repo::create_customer(&shop.db.pool, &sign_up, "hash", 0)
        .await
        .unwrap()
        .unwrap();
    let mut conn = shop.db.pool.acquire().await.unwrap();
    repo::set_role(&mut conn, account.id, role).await.unwrap();
    let (token, digest) = app::tokens::new_token();
    repo::create_session(&shop.db.pool, &digest, account.id, 0, i64::MAX / 2)
        .await
        .unwrap();
    format!("casefront_session={token}")
}

/// Sends the same request `times` times from one client; the answers, in order, each as
/// its `Debug` text (the messages a shopper would read are in it).
pub async fn repeatedly<T: serde::de::DeserializeOwned + std::fmt::Debug>(
    shop: &TestShop,
    times: usize,
    mut request: impl FnMut() -> Request<Body>,
) -> Vec<String> {
    let mut answers = Vec::new();
    for _ in 0..times {
        answers.push(format!("{:?}", answer::<T>(shop, request()).await));
    }
    answers
}

/// A guest's PayPal checkout of one grip ($15.99 and $5 shipping), sent in JSON to the
/// scripts' fixed address (the checkout page sends the same request in postcard to
/// `submit_order`, which shares its body); the answer and the cookies it set.
pub async fn paypal_checkout(shop: &TestShop) -> (CheckoutOutcome, Option<String>) {
    guest_checkout(shop, app::payments::gateway::PaymentChoice::PayPal).await
}

/// A guest's checkout of one grip paid with `payment`, as `paypal_checkout` sends it.
pub async fn guest_checkout(
    shop: &TestShop,
    payment: app::payments::gateway::PaymentChoice,
) -> (CheckoutOutcome, Option<String>) {
    use app::cart::model::{CartLine, CartRequest};
    use app::checkout::model::{CheckoutRequest, SeenPrices};
    use app::money::Money;
    let request = CheckoutRequest {
        idempotency_key: format!("key-{}", app::tokens::random_hex(12)),
        email: "gail@example.com".into(),
        address: app::checkout::address::Address {
            name: "Gail Guest".into(),
            line1: "1 Compiler Way".into(),
            city: "Springfield".into(),
            region: "IL".into(),
            postcode: "62701".into(),
            country: "US".into(),
            ..Default::default()
        },
        cart: CartRequest {
            lines: vec![CartLine {
                sku: "GRP-MIDBLA".into(),
                quantity: 1,
            }],
            coupon: None,
            method: app::pricing::shipping::ShippingMethod::Standard,
        },
        seen: SeenPrices {
            unit_prices: vec![("GRP-MIDBLA".into(), Money::from_cents(1599))],
            total: Money::from_cents(2099),
        },
        payment,
    };
    let body = serde_json::to_string(&app::checkout::api::PlaceOrder { request }).unwrap();
    let post = Request::post(path_of::<app::checkout::api::PlaceOrder>())
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, SHOP)
        .body(Body::from(body))
        .unwrap();
    let (status, headers, answer) = get_with(shop, post).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    (
        serde_json::from_str(&answer).unwrap(),
        set_cookie(&headers, "casefront_orders"),
    )
}

/// A photo upload as the claim form's script sends it.
pub fn photo_upload(draft: &str, name: &str, bytes: Vec<u8>, origin: &str) -> Request<Body> {
    Request::post(app::photos::UPLOAD_PATH)
        .header(header::ORIGIN, origin)
        .header("x-forwarded-for", "192.0.2.95")
        .header(app::photos::DRAFT_HEADER, draft)
        .header(app::photos::NAME_HEADER, name)
        .header(header::CONTENT_LENGTH, bytes.len())
        .body(Body::from(bytes))
        .unwrap()
}

pub fn small_jpeg() -> Vec<u8> {
    let picture =
        image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8 * 8, y as u8 * 8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .unwrap();
    out.into_inner()
}

/// Uploads one small JPEG per name into `draft`; their ids.
pub async fn uploaded(shop: &TestShop, draft: &str, names: &[&str]) -> Vec<String> {
    let mut ids = Vec::new();
    for name in names {
        let (status, _, body) = get_with(shop, photo_upload(draft, name, small_jpeg(), SHOP)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let uploaded: serde_json::Value = serde_json::from_str(&body).unwrap();
        ids.push(uploaded["id"].as_str().unwrap().to_owned());
    }
    ids
}

/// Checks that photo `id` and its thumbnail are served, privately, to each of `allowed`
/// and to none of `refused` (each: who, a key, a cookie).
pub async fn photo_is_shown_only_to(
    shop: &TestShop,
    id: &str,
    allowed: &[(&str, Option<&str>, Option<&str>)],
    refused: &[(&str, Option<&str>, Option<&str>)],
) {
    let photo = |size: &str, key: Option<&str>, cookie: Option<&str>| {
        let query = key.map(|k| format!("?key={k}")).unwrap_or_default();
        let mut request = Request::get(format!("/photos/{id}{size}{query}"));
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.body(Body::empty()).unwrap()
    };
    for size in ["", "/thumb"] {
        for (who, key, cookie) in refused {
            let (status, _, _) = get_with(shop, photo(size, *key, *cookie)).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who} {size}");
        }
        for (who, key, cookie) in allowed {
            let (status, headers, _) = get_with(shop, photo(size, *key, *cookie)).await;
            assert_eq!(status, StatusCode::OK, "{who} {size}");
            assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
            assert!(headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .starts_with("private"));
        }
    }
}

/// A new private key for `thread` `id`, as its e-mails carry.
pub async fn thread_key(shop: &TestShop, thread: app::conversations::Thread, id: i64) -> String {
    let mut conn = shop.db.pool.acquire().await.unwrap();
    app::conversations::issue_key(&mut conn, thread, id, 0)
        .await
        .unwrap()
}

/// An admin's photo of variant `sku`, as the product page's script sends it.
pub fn picture_upload(
    sku: &str,
    cookie: Option<&str>,
    bytes: Vec<u8>,
    origin: &str,
) -> Request<Body> {
    let mut request = Request::post(format!("{}/{sku}", app::catalog::PICTURE_UPLOAD_PATH))
        .header(header::ORIGIN, origin)
        .header(app::photos::NAME_HEADER, "strap.jpg")
        .header(header::CONTENT_LENGTH, bytes.len());
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(bytes)).unwrap()
}

/// A guest's PayPal checkout, approved on the test gateway's PayPal page from the guest's
/// browser (`client`): the order's number, the browser's cookies, and where PayPal sends the
/// shopper back.
pub async fn approved_paypal_checkout(shop: &TestShop, client: &str) -> (String, String, String) {
    let (outcome, grant) = paypal_checkout(shop).await;
    let CheckoutOutcome::ApprovePayPal { url, number } = outcome else {
        panic!("expected the PayPal step, got {outcome:?}");
    };
    let grant = grant.expect("the guest's browser may see its order");
    let reference = url.rsplit('/').next().unwrap();
    let decide = path_of::<app::payments::paypal_page::PaypalDecision>();
    let body = format!("reference={reference}&approve=true");
    let back = answer::<String>(shop, script_post(decide, &body, client, Some(&grant)))
        .await
        .unwrap();
    (number, grant, back)
}
