//! The HTTP surface: Leptos pages and server functions, static files with cache headers,
//! product pictures and the health check, behind the security layers.

use crate::security::{self, Guard};
use app::shop::ServerState;
use app::{shell, App};
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::nonce::Nonce;
use leptos::prelude::*;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Hashed file names change with their content, so browsers may keep them forever.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed build output must be revalidated on every use.
const REVALIDATE: &str = "no-cache";
/// Product pictures are drawn from their name, which never changes meaning.
const PICTURE: &str = "public, max-age=604800";

/// Everything the router needs besides the app's own state.
pub struct Http {
    pub guard: Guard,
    /// How long a whole request may take.
    pub request_timeout: std::time::Duration,
    /// How long a warranty photo's upload may take: a phone on a slow network needs minutes.
    pub upload_timeout: std::time::Duration,
    /// The runtime's workers, as the health check reports them.
    pub workers: crate::health::Workers,
    /// The requests being served, counted by the outermost layer.
    pub in_flight: crate::requests::InFlight,
}

pub fn router(options: LeptosOptions, state: ServerState, http: Http) -> Router {
    // Before anything renders, or Leptos settles on an executor that knows no request.
    if let Err(err) = crate::request_tasks::install() {
        tracing::debug!(%err, "the request-scoped executor was installed already");
    }
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            // The page's inline scripts carry the nonce its policy names (`security::PageNonce`).
            if let Some(nonce) = use_context::<axum::http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<security::PageNonce>().cloned())
            {
                provide_context(Nonce::from_value(nonce.0));
            }
        }
    };
    let pkg_dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let pkg_cache = if options.hash_files {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let pkg = Router::new()
        .fallback_service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(pkg_cache),
        ));
    let healthz = {
        let (db, workers, in_flight) = (state.db.clone(), http.workers, http.in_flight.clone());
        move || crate::health::check(db.clone(), workers.clone(), in_flight.clone())
    };

    Router::new()
        .route("/healthz", get(healthz))
        .route("/img/{art}/{file}", get(product_picture))
        .route("/robots.txt", {
            let robots = app::sitemap::robots(&state.store);
            get(move || async move { robots })
        })
        .route("/sitemap.xml", {
            let state = state.clone();
            get(move || sitemap(state.clone()))
        })
        .route(app::admin::export::EXPORT_PATH, {
            let state = state.clone();
            get(move |query, headers| export_orders(state.clone(), query, headers))
        })
        .merge(app::photos::http::routes(state.clone()))
        .merge(app::catalog::pictures::routes(state.clone()))
        .nest_service(&format!("/{}", options.site_pkg_dir), pkg)
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context(context, shell))
        .with_state(options)
        .layer(from_fn_with_state(state, staff_only))
        .layer(from_fn(error_status))
        .layer(CompressionLayer::new())
        .layer(from_fn(security::limit_body))
        .layer(from_fn_with_state(
            http.guard.clone(),
            security::same_origin_only,
        ))
        .layer(from_fn_with_state(
            http.guard.clone(),
            security::client_address,
        ))
        .layer(from_fn_with_state(
            TimeLimits {
                request: http.request_timeout,
                upload: http.upload_timeout,
            },
            time_limit,
        ))
        .layer(from_fn_with_state(http.guard, security::security_headers))
        .layer(TraceLayer::new_for_http())
        .layer(from_fn_with_state(http.in_flight, crate::requests::track))
}

#[derive(Clone, Copy)]
struct TimeLimits {
    request: std::time::Duration,
    upload: std::time::Duration,
}

/// Cuts off a request that outlives its time (408): a photo upload gets its own, longer one.
async fn time_limit(
    axum::extract::State(limits): axum::extract::State<TimeLimits>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let limit = if security::is_photo_upload(request.uri().path()) {
        limits.upload
    } else {
        limits.request
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

/// Staff server functions (`/api/staff/`, `/api/admin/`) are refused here, before they run,
/// to a caller whose role is too low; each function checks again itself.
async fn staff_only(
    axum::extract::State(state): axum::extract::State<ServerState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use leptos::server_fn::error::FromServerFnError;
    let checked = app::identity::session::require_role_for_path(
        &state,
        request.uri().path(),
        request.headers(),
    )
    .await;
    match checked {
        Ok(()) => next.run(request).await,
        Err(refusal) => (refusal.status(), refusal.ser()).into_response(),
    }
}

/// Server functions answer every failure with 500; this gives each of the shop's errors its
/// own status (`AppError::status`), read from the error the answer carries.
async fn error_status(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use leptos::server_fn::Decodes;
    let is_server_fn = request.uri().path().starts_with(security::SERVER_FN_PREFIX);
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // An error answer is a few hundred bytes; reading stops at 64 KB.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) =
        <app::wire::PostcardEncoding as Decodes<app::error::AppError>>::decode(bytes.clone())
    {
        parts.status = error.status();
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The pages search engines may list, with the products on show now.
async fn sitemap(state: ServerState) -> Response {
    match app::sitemap::sitemap(&state.db.pool, &state.store).await {
        Ok(xml) => (
            [
                (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            xml,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "the sitemap could not be read");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The orders of `?from=YYYY-MM-DD&to=YYYY-MM-DD` as a CSV download, for staff.
async fn export_orders(
    state: ServerState,
    axum::extract::Query(range): axum::extract::Query<std::collections::HashMap<String, String>>,
    headers: axum::http::HeaderMap,
) -> Response {
    let day = |name: &str| range.get(name).map(String::as_str).unwrap_or_default();
    match app::admin::export::orders_csv(&state, &headers, day("from"), day("to")).await {
        Ok((name, csv)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            csv,
        )
            .into_response(),
        Err(refusal) => (refusal.status(), refusal.to_string()).into_response(),
    }
}

async fn product_picture(Path((art, file)): Path<(String, String)>) -> Response {
    let svg = file
        .strip_suffix(".svg")
        .and_then(|colour| app::catalog::art::render(&art, colour));
    match svg {
        Some(svg) => (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CACHE_CONTROL, PICTURE),
            ],
            svg,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such picture").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::accounts::model::Customer;
    use app::catalog::{demo::demo_catalog, repo::seed_once};
    use app::checkout::model::CheckoutOutcome;
    use app::db::Db;
    use app::error::AppError;
    use app::forms::FormResult;
    use app::mail::Mailer;
    use app::pricing::coupon::{Coupon, CouponRejection};
    use app::shop::StoreInfo;
    use axum::body::{to_bytes, Body};
    use axum::http::Request;
    use tower::ServiceExt;

    /// Leptos keeps one global executor, bound to the first runtime that rendered a page; every
    /// test renders on this one runtime so none is left spawning onto a runtime that has shut
    /// down. The tests also take turns: driven from several test threads at once, some renders
    /// never complete under the test harness (the real server, loaded with concurrent
    /// requests, does not show this).
    fn on_shared_runtime(test: impl std::future::Future<Output = ()>) {
        static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> =
            std::sync::LazyLock::new(|| {
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("a test runtime")
            });
        RUNTIME.block_on(test);
    }

    struct TestShop {
        router: Router,
        db: Db,
        mailer: Mailer,
        dir: std::path::PathBuf,
    }

    impl TestShop {
        /// Runs the mail queue once, and returns every message the shop has sent.
        async fn sent_mail(&self) -> Vec<String> {
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

    async fn shop() -> TestShop {
        shop_with(false).await
    }

    async fn shop_with(hash_files: bool) -> TestShop {
        shop_at("http://shop.test", hash_files).await
    }

    /// A shop at `public_url`, with `hash_files` as cargo-leptos sets it for a release build.
    /// Pages then need the hash file beside the running binary, so tests that render pages
    /// leave it off.
    async fn shop_at(public_url: &str, hash_files: bool) -> TestShop {
        shop_timed(public_url, hash_files, std::time::Duration::from_secs(30)).await
    }

    async fn shop_timed(
        public_url: &str,
        hash_files: bool,
        request_timeout: std::time::Duration,
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
            test_payments: true,
        };
        let mailer = Mailer::outbox("Test Cases <care@shop.test>", dir.join("outbox")).unwrap();
        let photos = app::photos::storage::PhotoStore::in_folder(
            &dir.join("photos"),
            app::photos::rules::PhotoLimits::default(),
        )
        .unwrap();
        let state = ServerState::in_test_mode(db.clone(), store, mailer.clone(), photos);
        // Requests in these tests come from no socket (0.0.0.0), which stands for a proxy
        // here: a test names its client in X-Forwarded-For.
        let http = Http {
            guard: Guard::new(public_url, vec!["0.0.0.0/32".parse().unwrap()]),
            request_timeout,
            upload_timeout: std::time::Duration::from_secs(600),
            workers: crate::health::Workers::watch(tokio::runtime::Handle::current().metrics()),
            in_flight: crate::requests::InFlight::default(),
        };
        TestShop {
            router: router(options, state, http),
            db,
            mailer,
            dir,
        }
    }

    async fn get(shop: &TestShop, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        get_with(shop, Request::get(uri).body(Body::empty()).unwrap()).await
    }

    async fn get_with(
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
    async fn answer<T: serde::de::DeserializeOwned>(
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

    #[test]
    fn health_check_reports_the_database_the_workers_and_the_requests_in_flight() {
        on_shared_runtime(async {
            let shop = shop().await;
            let (status, headers, body) = get(&shop, "/healthz").await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert!(headers.contains_key("x-request-id"));
            let health: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(health["status"], "ok");
            assert_eq!(health["database"], "ok");
            assert_eq!(health["requests_in_flight"], 0);
            let workers = health["workers"].as_array().unwrap();
            assert_eq!(workers.len(), 2, "{body}");
            assert!(workers.iter().all(|w| w["state"] != "stalled"), "{body}");
            shop.db.close().await;
            let (status, _, body) = get(&shop, "/healthz").await;
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
            assert!(body.contains(r#""database":"unavailable""#), "{body}");
        });
    }

    #[test]
    fn listing_is_rendered_on_the_server_with_its_filter() {
        on_shared_runtime(async {
            let shop = shop().await;
            let (status, _, html) = get(&shop, "/shop?category=cases").await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains("Signature Case"));
            assert!(html.contains("Eco Compostable Case"));
            assert!(!html.contains("Braided USB-C Cable"));
            assert!(
                html.contains("care@shop.test"),
                "contact details in the footer"
            );
            assert!(html.contains("<title>Shop · Test Cases</title>"));
        });
    }

    #[test]
    fn product_page_renders_the_variant_in_the_url() {
        on_shared_runtime(async {
            let shop = shop().await;
            let (status, _, html) =
                get(&shop, "/products/signature-case?sku=SIG-IP17PM-SLM-OCEBLU").await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains("$24.99"));
            assert!(html.contains("Only 3 left"));
            assert!(html.contains("SIG-IP17PM-SLM-OCEBLU"));

            // Another phone asked for: the page opens on its first variant.
            let (status, _, html) = get(&shop, "/products/signature-case?model=pixel-10").await;
            assert_eq!(status, StatusCode::OK);
            assert!(html.contains(r#"<option value="pixel-10" selected"#));
            assert!(html.contains("SIG-PX10-CLR-CRYCLE"));
        });
    }

    #[test]
    fn first_load_pages_load_the_islands_and_the_rest_the_app() {
        on_shared_runtime(async {
            let shop = shop().await;
            for path in [
                "/",
                "/shop?category=cases",
                "/products/signature-case",
                "/cart",
            ] {
                let (status, _, html) = get(&shop, path).await;
                assert_eq!(status, StatusCode::OK, "{path}");
                assert!(
                    html.contains("/pkg/islands.js"),
                    "{path} loads the islands' bundle"
                );
                assert!(
                    !html.contains("/pkg/storefront.js"),
                    "{path} loads no app bundle"
                );
                assert!(html.contains("<leptos-island"), "{path} has islands");
            }
            // The product's island carries the product, so the browser needs no second read.
            let (_, _, html) = get(&shop, "/products/signature-case").await;
            let island = html
                .split(r#"<leptos-island data-component="ProductViewIsland_"#)
                .nth(1)
                .expect("the product's island");
            let props = island.split("data-props=\"").nth(1).expect("its props");
            assert!(props.starts_with("{&quot;product&quot;:"), "{props}");
            assert!(props.contains("SIG-IP17PM-CLR-CRYCLE"), "{props}");

            for path in ["/help", "/checkout", "/account/sign-in", "/orders/find"] {
                let (status, _, html) = get(&shop, path).await;
                assert_eq!(status, StatusCode::OK, "{path}");
                assert!(
                    html.contains("/pkg/storefront.js"),
                    "{path} loads the app's bundle"
                );
                assert!(!html.contains("/pkg/islands.js"), "{path}");
                assert!(!html.contains("<leptos-island"), "{path} is hydrated whole");
            }
        });
    }

    #[test]
    fn the_listing_answers_every_filter_including_none() {
        use app::catalog::api::BrowseCatalog;
        use app::catalog::model::{CatalogFilter, Category, ProductSummary};
        on_shared_runtime(async {
            let shop = shop().await;
            let browse = |filter: CatalogFilter| {
                Request::post(path_of::<BrowseCatalog>())
                    .header(header::CONTENT_TYPE, "application/x-postcard")
                    .header(header::ORIGIN, SHOP)
                    .body(Body::from(
                        postcard::to_allocvec(&BrowseCatalog { filter }).unwrap(),
                    ))
                    .unwrap()
            };
            let all: Vec<ProductSummary> = answer(&shop, browse(CatalogFilter::default()))
                .await
                .unwrap();
            let cases: Vec<ProductSummary> = answer(
                &shop,
                browse(CatalogFilter {
                    category: Some(Category::Case),
                    model: None,
                }),
            )
            .await
            .unwrap();
            assert!(!cases.is_empty());
            assert!(all.len() > cases.len(), "{} <= {}", all.len(), cases.len());
        });
    }

    #[test]
    fn server_function_errors_carry_their_own_status() {
        on_shared_runtime(async {
            let shop = shop().await;
            let product = path_of::<app::catalog::api::GetProduct>();
            let change = path_of::<app::accounts::api::ChangePassword>();
            for (request, status, error) in [
                (
                    script_post(product, "slug=no-such-product", "192.0.2.80", None),
                    StatusCode::NOT_FOUND,
                    "NotFound",
                ),
                (
                    script_post(
                        change,
                        "current=old+password+here&new_password=a+brand+new+passphrase",
                        "192.0.2.80",
                        None,
                    ),
                    StatusCode::UNAUTHORIZED,
                    "SignInRequired",
                ),
                (
                    script_post(product, "nothing=here", "192.0.2.80", None),
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "InvalidInput",
                ),
            ] {
                let response = shop.router.clone().oneshot(request).await.unwrap();
                assert_eq!(response.status(), status, "{error}");
                let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
                let decoded =
                    <app::error::AppError as leptos::server_fn::error::FromServerFnError>::de(body);
                assert!(format!("{decoded:?}").starts_with(error), "{decoded:?}");
            }
        });
    }

    #[test]
    fn missing_pages_and_products_answer_404() {
        on_shared_runtime(async {
            let shop = shop().await;
            for uri in [
                "/no-such-page",
                "/products/no-such-product",
                "/products/Bad%20Slug",
            ] {
                let (status, _, html) = get(&shop, uri).await;
                assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
                assert!(html.contains("Page not found"), "{uri}");
            }
        });
    }

    #[test]
    fn pictures_are_drawn_and_cached() {
        on_shared_runtime(async {
            let shop = shop().await;
            let (status, headers, svg) = get(&shop, "/img/case-slim/ocean-blue.svg").await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers[header::CONTENT_TYPE], "image/svg+xml");
            assert_eq!(headers[header::CACHE_CONTROL], PICTURE);
            assert!(svg.starts_with("<svg"));
            let (status, _, _) = get(&shop, "/img/case-slim/plaid.svg").await;
            assert_eq!(status, StatusCode::NOT_FOUND);
        });
    }

    #[test]
    fn search_engines_get_the_public_pages_and_are_kept_out_of_the_rest() {
        use sqlx::Row;
        on_shared_runtime(async {
            let shop = shop().await;
            let (status, _, robots) = get(&shop, "/robots.txt").await;
            assert_eq!(status, StatusCode::OK);
            assert!(robots.lines().any(|l| l == "Disallow: /admin"), "{robots}");
            let slugs: Vec<String> =
                sqlx::query("SELECT slug FROM products ORDER BY sort_order LIMIT 2")
                    .fetch_all(&shop.db.pool)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.get("slug"))
                    .collect();
            sqlx::query("UPDATE products SET hidden = 1 WHERE slug = $1")
                .bind(&slugs[1])
                .execute(&shop.db.pool)
                .await
                .unwrap();
            let (status, headers, xml) = get(&shop, "/sitemap.xml").await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                headers[header::CONTENT_TYPE],
                "application/xml; charset=utf-8"
            );
            let base = "http://shop.test";
            assert!(xml.contains(&format!("<loc>{base}/products/{}</loc>", slugs[0])));
            assert!(!xml.contains(&format!("/products/{}<", slugs[1])), "hidden");
            assert!(xml.contains(&format!("<loc>{base}/help/shipping-costs</loc>")));
        });
    }

    #[test]
    fn hashed_build_output_is_cached_for_good() {
        on_shared_runtime(async {
            let hashed = shop_with(true).await;
            let (status, headers, _) = get(&hashed, "/pkg/storefront.abc123.wasm").await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers[header::CACHE_CONTROL], IMMUTABLE);
            let (status, _, _) = get(&hashed, "/pkg/missing.wasm").await;
            assert_eq!(status, StatusCode::NOT_FOUND);

            let unhashed = shop().await;
            let (_, headers, _) = get(&unhashed, "/pkg/storefront.abc123.wasm").await;
            assert_eq!(headers[header::CACHE_CONTROL], REVALIDATE);
        });
    }

    #[test]
    fn precompressed_build_output_is_sent_as_is() {
        on_shared_runtime(async {
            let shop = shop().await;
            std::fs::write(
                shop.dir.join("pkg/storefront.abc123.wasm.br"),
                b"brotli bytes",
            )
            .unwrap();
            let request = Request::get("/pkg/storefront.abc123.wasm")
                .header(header::ACCEPT_ENCODING, "gzip, br")
                .body(Body::empty())
                .unwrap();
            let (status, headers, body) = get_with(&shop, request).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers[header::CONTENT_ENCODING], "br");
            assert_eq!(body, "brotli bytes");
        });
    }

    #[test]
    fn pages_are_compressed_for_browsers_that_accept_it() {
        on_shared_runtime(async {
            let shop = shop().await;
            for encoding in ["br", "gzip"] {
                let request = Request::get("/shop")
                    .header(header::ACCEPT_ENCODING, encoding)
                    .body(Body::empty())
                    .unwrap();
                let (status, headers, _) = get_with(&shop, request).await;
                assert_eq!(status, StatusCode::OK);
                assert_eq!(headers[header::CONTENT_ENCODING], encoding);
            }
        });
    }

    const SHOP: &str = "http://shop.test";

    fn path_of<F: leptos::server_fn::ServerFn>() -> &'static str {
        F::PATH
    }

    /// A form post as a browser without JavaScript sends it, from `origin`, for `client`.
    fn form_post(path: &str, body: &str, origin: &str, client: &str) -> Request<Body> {
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header(header::ORIGIN, origin)
            .header("x-forwarded-for", client)
            .body(Body::from(body.to_owned()))
            .unwrap()
    }

    /// The same post as the app's own script sends it (the answer is data, not a page).
    fn script_post(path: &str, body: &str, client: &str, cookie: Option<&str>) -> Request<Body> {
        let mut request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, SHOP)
            .header("x-forwarded-for", client);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.body(Body::from(body.to_owned())).unwrap()
    }

    async fn customer(shop: &TestShop, email: &str, password: &str) {
        let sign_up = app::accounts::model::SignUp::validate("Ann", email, password).unwrap();
        let hash = app::accounts::auth::hash_password(password).unwrap();
        app::accounts::repo::create_customer(&shop.db.pool, &sign_up, &hash, 0)
            .await
            .unwrap()
            .unwrap();
    }

    fn set_cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
        headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(|v| v.split(';').next().unwrap_or_default().to_owned())
    }

    #[test]
    fn every_answer_carries_the_security_headers() {
        on_shared_runtime(async {
            let shop = shop().await;
            let (status, headers, html) = get(&shop, "/shop").await;
            assert_eq!(status, StatusCode::OK);
            let policy = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
            let nonce = policy
                .split("'nonce-")
                .nth(1)
                .and_then(|rest| rest.split('\'').next())
                .expect("the page policy names a nonce");
            assert!(
                html.contains(&format!("nonce=\"{nonce}\"")),
                "the hydration script carries it"
            );
            assert!(policy.contains("script-src 'self' 'nonce-"));
            assert!(policy.contains("frame-ancestors 'none'"));
            assert!(!policy.contains("unsafe-inline"));
            let (_, again, _) = get(&shop, "/shop").await;
            assert_ne!(
                again[header::CONTENT_SECURITY_POLICY],
                headers[header::CONTENT_SECURITY_POLICY],
                "a fresh nonce per page"
            );

            let (_, picture, _) = get(&shop, "/img/case-slim/ocean-blue.svg").await;
            let api = Request::post(path_of::<app::accounts::api::CurrentCustomer>())
                .header(header::ORIGIN, SHOP)
                .body(Body::empty())
                .unwrap();
            let (api_status, api, _) = get_with(&shop, api).await;
            assert_eq!(api_status, StatusCode::OK);
            for (what, headers) in [("page", &headers), ("picture", &picture), ("api", &api)] {
                assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{what}");
                assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY", "{what}");
                assert_eq!(
                    headers[header::REFERRER_POLICY],
                    "strict-origin-when-cross-origin",
                    "{what}"
                );
                assert!(
                    headers["permissions-policy"]
                        .to_str()
                        .unwrap()
                        .contains("camera=()"),
                    "{what}"
                );
                assert!(
                    headers[header::CONTENT_SECURITY_POLICY]
                        .to_str()
                        .unwrap()
                        .contains("frame-ancestors 'none'"),
                    "{what}"
                );
                assert!(
                    headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
                    "{what}: no HSTS over plain HTTP"
                );
            }
            assert!(picture[header::CONTENT_SECURITY_POLICY]
                .to_str()
                .unwrap()
                .starts_with("default-src 'none'"));
        });
    }

    #[test]
    fn over_https_cookies_are_host_only_and_hsts_is_sent() {
        on_shared_runtime(async {
            let shop = shop_at("https://shop.test", false).await;
            customer(&shop, "ann@example.com", "correct horse battery").await;
            let (_, headers, _) = get(&shop, "/help").await;
            assert_eq!(
                headers[header::STRICT_TRANSPORT_SECURITY],
                "max-age=63072000; includeSubDomains"
            );
            let request = form_post(
                path_of::<app::accounts::api::SignIn>(),
                "email=ann%40example.com&password=correct+horse+battery&next=%2Fcheckout",
                "https://shop.test",
                "192.0.2.10",
            );
            let (status, headers, _) = get_with(&shop, request).await;
            assert_eq!(status, StatusCode::FOUND);
            let cookie = headers
                .get_all(header::SET_COOKIE)
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .find(|v| v.contains("casefront_session"))
                .unwrap();
            assert!(cookie.starts_with("__Host-casefront_session="), "{cookie}");
            assert!(
                cookie.contains("; Secure") && cookie.contains("Path=/"),
                "{cookie}"
            );
        });
    }

    #[test]
    fn requests_from_other_sites_cannot_sign_in_out_or_check_out() {
        on_shared_runtime(async {
            let shop = shop().await;
            customer(&shop, "ann@example.com", "correct horse battery").await;
            let sign_in = path_of::<app::accounts::api::SignIn>();
            let body = "email=ann%40example.com&password=correct+horse+battery";
            let refused = [
                form_post(sign_in, body, "https://evil.test", "192.0.2.11"),
                form_post(
                    path_of::<app::accounts::api::SignOut>(),
                    "",
                    "https://evil.test",
                    "192.0.2.11",
                ),
                Request::post(path_of::<app::checkout::api::PlaceOrder>())
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("sec-fetch-site", "cross-site")
                    .body(Body::from("{}"))
                    .unwrap(),
                form_post(sign_in, body, "null", "192.0.2.11"),
            ];
            for request in refused {
                let what = request.uri().path().to_owned();
                let (status, headers, text) = get_with(&shop, request).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                assert!(
                    set_cookie(&headers, "casefront_session").is_none(),
                    "{what}"
                );
                assert!(text.contains("another site"), "{what}");
            }
            let (status, headers, _) =
                get_with(&shop, form_post(sign_in, body, SHOP, "192.0.2.11")).await;
            assert_eq!(status, StatusCode::FOUND);
            assert!(set_cookie(&headers, "casefront_session").is_some());
            let session = set_cookie(&headers, "casefront_session").unwrap();
            let mut sign_out = form_post(
                path_of::<app::accounts::api::SignOut>(),
                "",
                SHOP,
                "192.0.2.11",
            );
            sign_out
                .headers_mut()
                .insert(header::COOKIE, session.parse().unwrap());
            let (status, headers, _) = get_with(&shop, sign_out).await;
            assert_eq!(status, StatusCode::FOUND);
            assert!(set_cookie(&headers, "casefront_session")
                .is_some_and(|c| c == "casefront_session="));
        });
    }

    #[test]
    fn sign_in_returns_only_to_pages_of_the_shop() {
        on_shared_runtime(async {
            let shop = shop().await;
            customer(&shop, "ann@example.com", "correct horse battery").await;
            for (next, expected) in [
                ("%2Fcheckout", "/checkout"),
                ("%2F%09%2Fevil.test", "/account"),
                ("%2F%5Cevil.test", "/account"),
                ("%2F%2Fevil.test", "/account"),
                ("%2F%252F%252Fevil.test", "/account"),
                ("https%3A%2F%2Fevil.test", "/account"),
                ("%2Fh%C3%A9llo", "/h%C3%A9llo"),
            ] {
                let body =
                    format!("email=ann%40example.com&password=correct+horse+battery&next={next}");
                let request = form_post(
                    path_of::<app::accounts::api::SignIn>(),
                    &body,
                    SHOP,
                    "192.0.2.12",
                );
                let (status, headers, _) = get_with(&shop, request).await;
                assert_eq!(status, StatusCode::FOUND, "{next}");
                assert_eq!(headers[header::LOCATION], expected, "{next}");
            }
        });
    }

    #[test]
    fn concurrent_wrong_passwords_never_pass_the_limit_nor_lock_the_owner_out() {
        on_shared_runtime(async {
            let shop = shop().await;
            customer(&shop, "ann@example.com", "correct horse battery").await;
            let sign_in = path_of::<app::accounts::api::SignIn>();
            // The owner signs in once from her own browser, which the shop then remembers.
            let (_, headers, _) = get_with(
                &shop,
                script_post(
                    sign_in,
                    "email=ann%40example.com&password=correct+horse+battery",
                    "198.51.100.1",
                    None,
                ),
            )
            .await;
            let browser =
                set_cookie(&headers, "casefront_browser").expect("a known-browser cookie");

            // Twelve guesses at once, from twelve addresses.
            let guesses: Vec<_> = (0..12)
                .map(|i| {
                    let router = shop.router.clone();
                    let body = format!("email=ann%40example.com&password=guess+number+{i}");
                    let request = script_post(sign_in, &body, &format!("203.0.113.{i}"), None);
                    tokio::spawn(async move {
                        let response = router.oneshot(request).await.unwrap();
                        let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
                        String::from_utf8_lossy(&body).into_owned()
                    })
                })
                .collect();
            let mut answers = Vec::new();
            for guess in guesses {
                answers.push(guess.await.unwrap());
            }
            let checked = answers.iter().filter(|a| a.contains("don't match")).count();
            let slowed = answers
                .iter()
                .filter(|a| a.contains("Too many failed sign-ins"))
                .count();
            assert_eq!((checked, slowed), (5, 7), "{answers:?}");

            // A stranger, even with the right password, must wait; the owner's browser need not.
            let (_, _, stranger) = get_with(
                &shop,
                script_post(
                    sign_in,
                    "email=ann%40example.com&password=correct+horse+battery",
                    "203.0.113.99",
                    None,
                ),
            )
            .await;
            assert!(stranger.contains("Too many failed sign-ins"), "{stranger}");
            let (_, headers, owner) = get_with(
                &shop,
                script_post(
                    sign_in,
                    "email=ann%40example.com&password=correct+horse+battery",
                    "198.51.100.1",
                    Some(&browser),
                ),
            )
            .await;
            assert!(
                set_cookie(&headers, "casefront_session").is_some(),
                "{owner}"
            );

            // An unknown address is refused with the same words.
            let (_, _, unknown) = get_with(
                &shop,
                script_post(
                    sign_in,
                    "email=nobody%40example.com&password=whatever+it+is",
                    "198.51.100.2",
                    None,
                ),
            )
            .await;
            assert!(unknown.contains("don't match"), "{unknown}");
        });
    }

    #[test]
    fn sign_up_answers_alike_for_new_and_existing_addresses() {
        on_shared_runtime(async {
            let shop = shop().await;
            customer(&shop, "ann@example.com", "correct horse battery").await;
            let sign_up = path_of::<app::accounts::api::SignUp>();
            let mut answers = Vec::new();
            for email in ["ann%40example.com", "new%40example.com"] {
                let body = format!("name=Someone&email={email}&password=another+long+password");
                let (status, headers, _) =
                    get_with(&shop, form_post(sign_up, &body, SHOP, "192.0.2.20")).await;
                assert!(set_cookie(&headers, "casefront_session").is_none());
                answers.push((status, headers[header::LOCATION].clone()));
            }
            assert_eq!(answers[0], answers[1]);
            assert_eq!(answers[0].1, "/account/check-email");
            let mail = shop.sent_mail().await;
            assert_eq!(mail.len(), 2);
            assert!(mail
                .iter()
                .any(|m| m.contains("To: ann@example.com") && m.contains("You already have")));
            assert!(mail.iter().any(
                |m| m.contains("To: new@example.com") && m.contains("/account/confirm?token=")
            ));
        });
    }

    /// A session cookie for a new account `email` with `role`.
    async fn signed_in_as(shop: &TestShop, email: &str, role: app::identity::Role) -> String {
        use app::accounts::repo;
        let sign_up =
            app::accounts::model::SignUp::validate("Staff", email, "long password").unwrap();
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

    #[test]
    fn every_staff_server_function_refuses_whoever_lacks_its_role() {
        use app::identity::Role;
        use leptos::server_fn::axum::server_fn_paths;
        on_shared_runtime(async {
            let shop = shop().await;
            // Every server function a visitor may call, by name: a new one must be added here
            // on purpose, or answer under a staff address, where the router checks the role.
            let public = [
                path_of::<app::catalog::api::PhoneModels>(),
                path_of::<app::catalog::api::BrowseCatalog>(),
                path_of::<app::catalog::api::FeaturedProducts>(),
                path_of::<app::catalog::api::GetProduct>(),
                path_of::<app::catalog::api::ProductOffer>(),
                path_of::<app::orders::api::GetOrder>(),
                path_of::<app::orders::api::OrderHistory>(),
                path_of::<app::orders::api::FindOrder>(),
                path_of::<app::orders::api::CancelOrder>(),
                path_of::<app::shop::GetStoreInfo>(),
                path_of::<app::checkout::api::PlaceOrder>(),
                path_of::<app::checkout::api::SubmitOrder>(),
                path_of::<app::checkout::api::PaypalPayment>(),
                path_of::<app::checkout::api::PaypalDecision>(),
                path_of::<app::cart::api::PriceCart>(),
                path_of::<app::cart::api::CartPrices>(),
                path_of::<app::cart::api::ApplyCoupon>(),
                path_of::<app::accounts::api::CurrentCustomer>(),
                path_of::<app::accounts::api::SignUp>(),
                path_of::<app::accounts::api::ConfirmSignUp>(),
                path_of::<app::accounts::api::SignIn>(),
                path_of::<app::accounts::api::SignOut>(),
                path_of::<app::accounts::api::ChangePassword>(),
                path_of::<app::accounts::api::RequestPasswordReset>(),
                path_of::<app::accounts::api::OneTimeLink>(),
                path_of::<app::accounts::api::UseOneTimeLink>(),
                path_of::<app::orders::api::OrderChangeOffer>(),
                path_of::<app::orders::api::ChangeOrderItem>(),
                path_of::<app::help::HelpIndex>(),
                path_of::<app::help::ReadHelpAnswer>(),
                path_of::<app::search::Search>(),
                path_of::<app::support::api::SubmitTicket>(),
                path_of::<app::support::api::GetTicket>(),
                path_of::<app::support::api::ReplyToTicket>(),
                path_of::<app::support::api::MyTickets>(),
                path_of::<app::support::api::ReportDeliveryProblem>(),
                path_of::<app::warranty::api::ClaimableOrder>(),
                path_of::<app::warranty::api::FileClaim>(),
                path_of::<app::warranty::api::GetClaim>(),
                path_of::<app::warranty::api::MyClaims>(),
                path_of::<app::warranty::api::AddToClaim>(),
            ];
            let mut staff = Vec::new();
            for (path, _) in server_fn_paths() {
                match app::identity::role::required_role(path) {
                    Some(role) => staff.push((path, role)),
                    None => assert!(
                        public.contains(&path),
                        "{path} is neither public nor staff-only"
                    ),
                }
            }
            staff.sort();
            let admin_only = staff.iter().filter(|(_, r)| *r == Role::Admin).count();
            assert!(admin_only >= 4 && staff.len() > admin_only, "{staff:?}");

            let shopper = signed_in_as(&shop, "shopper@example.com", Role::Shopper).await;
            let support = signed_in_as(&shop, "support@example.com", Role::Support).await;
            let admin = signed_in_as(&shop, "admin@example.com", Role::Admin).await;
            for (path, needed) in &staff {
                let refused = |cookie: Option<&str>| script_post(path, "", "192.0.2.90", cookie);
                let visitor: Result<(), AppError> = answer(&shop, refused(None)).await;
                assert_eq!(visitor, Err(AppError::SignInRequired), "{path}");
                let as_shopper: Result<(), AppError> = answer(&shop, refused(Some(&shopper))).await;
                assert_eq!(as_shopper, Err(AppError::NotAllowed), "{path}");
                let (status, _, _) = get_with(&shop, refused(Some(&support))).await;
                if *needed == Role::Admin {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
                } else {
                    assert_ne!(status, StatusCode::FORBIDDEN, "{path}");
                }
                // Past the router, the admin reaches the function (its arguments may be missing).
                let (status, _, _) = get_with(&shop, refused(Some(&admin))).await;
                assert!(
                    status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                    "{path}: {status}"
                );
            }
        });
    }

    #[test]
    fn the_orders_export_is_a_csv_for_staff_only() {
        use app::identity::Role;
        on_shared_runtime(async {
            let shop = shop().await;
            let shopper = signed_in_as(&shop, "shopper@example.com", Role::Shopper).await;
            let support = signed_in_as(&shop, "support@example.com", Role::Support).await;
            let export = |range: &str, cookie: Option<&str>| {
                let mut request = Request::get(format!("{}?{range}", app::admin::EXPORT_PATH));
                if let Some(cookie) = cookie {
                    request = request.header(header::COOKIE, cookie);
                }
                request.body(Body::empty()).unwrap()
            };
            let days = "from=2026-11-01&to=2026-11-30";
            let (status, _, _) = get_with(&shop, export(days, None)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            let (status, _, _) = get_with(&shop, export(days, Some(&shopper))).await;
            assert_eq!(status, StatusCode::FORBIDDEN);
            let (status, headers, body) = get_with(&shop, export(days, Some(&support))).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
            assert!(headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .contains("orders-2026-11-01-to-2026-11-30.csv"));
            assert!(
                body.starts_with("order_number,placed_at_utc,status,"),
                "{body}"
            );
            let (status, _, body) = get_with(
                &shop,
                export("from=2026-11-30&to=2026-11-01", Some(&support)),
            )
            .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(body, "The first day must come before the last.");
        });
    }

    #[test]
    fn staff_pages_render_for_their_role_and_refuse_the_rest() {
        use app::identity::Role;
        on_shared_runtime(async {
            let shop = shop().await;
            let shopper = signed_in_as(&shop, "shopper@example.com", Role::Shopper).await;
            let support = signed_in_as(&shop, "support@example.com", Role::Support).await;
            let admin = signed_in_as(&shop, "admin@example.com", Role::Admin).await;
            let page = |path: &str, cookie: Option<&str>| {
                let mut request = Request::get(path);
                if let Some(cookie) = cookie {
                    request = request.header(header::COOKIE, cookie);
                }
                request.body(Body::empty()).unwrap()
            };
            for path in [
                "/admin",
                "/admin/staff",
                "/admin/audit?actor=ad&q=role",
                "/admin/products",
                "/admin/products/signature-case",
                "/admin/coupons",
                "/admin/coupons/WELCOME10",
                "/admin/customers",
                "/admin/customers/1",
            ] {
                let (status, _, _) = get_with(&shop, page(path, None)).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
                let (status, _, body) = get_with(&shop, page(path, Some(&shopper))).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
                assert!(body.contains("Not allowed"), "{path}");
            }
            let (status, _, body) = get_with(&shop, page("/admin", Some(&support))).await;
            assert_eq!(status, StatusCode::OK);
            assert!(body.contains("staff-member"), "{body}");
            assert!(
                body.contains("Support") && !body.contains(">Audit log<"),
                "{body}"
            );
            for path in [
                "/admin/staff",
                "/admin/products",
                "/admin/products/eco-case",
            ] {
                let (status, _, _) = get_with(&shop, page(path, Some(&support))).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            }
            let (status, _, body) = get_with(&shop, page("/admin/products", Some(&admin))).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                body.contains("product-row") && body.contains("Eco Compostable Case"),
                "{body}"
            );
            let (status, _, body) =
                get_with(&shop, page("/admin/products/eco-case", Some(&admin))).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                body.contains("Adjust stock") && body.contains("variant-stock"),
                "{body}"
            );
            let (status, _, _) =
                get_with(&shop, page("/admin/products/no-such-thing", Some(&admin))).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            let (status, _, body) =
                get_with(&shop, page("/admin/customers?q=SUPPORT%40", Some(&support))).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                body.contains("customer-row") && body.contains("support@example.com"),
                "{body}"
            );
            assert!(
                !body.contains("shopper@example.com") && !body.contains("argon2"),
                "{body}"
            );
            let (status, _, body) = get_with(&shop, page("/admin/coupons", Some(&admin))).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                body.contains("No promo codes yet.") && body.contains("Create promo code"),
                "{body}"
            );
            let (status, _, body) = get_with(&shop, page("/admin/staff", Some(&admin))).await;
            assert_eq!(status, StatusCode::OK);
            assert!(body.contains("support@example.com") && body.contains("Send invitation"));
            let (status, _, body) =
                get_with(&shop, page("/admin/audit?actor=nobody&q=", Some(&admin))).await;
            assert_eq!(status, StatusCode::OK);
            assert!(body.contains("No staff action matches."), "{body}");
            let change = path_of::<app::admin::staff::ChangeRole>();
            let body = "email=support%40example.com&role=admin";
            let changed: Result<FormResult, AppError> =
                answer(&shop, script_post(change, body, "192.0.2.91", Some(&admin))).await;
            assert_eq!(changed, Ok(FormResult::Done));
            let (status, _, body) = get_with(
                &shop,
                page("/admin/audit?actor=&q=support%40example.com", Some(&admin)),
            )
            .await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                body.contains("audit-row") && body.contains("change role"),
                "{body}"
            );
        });
    }

    #[test]
    fn a_sign_in_ends_the_browsers_previous_session() {
        on_shared_runtime(async {
            let shop = shop().await;
            customer(&shop, "ann@example.com", "correct horse battery").await;
            let sign_in = path_of::<app::accounts::api::SignIn>();
            let body = "email=ann%40example.com&password=correct+horse+battery";
            let (_, headers, _) =
                get_with(&shop, script_post(sign_in, body, "192.0.2.40", None)).await;
            let first = set_cookie(&headers, "casefront_session").unwrap();
            let (_, headers, _) = get_with(
                &shop,
                script_post(sign_in, body, "192.0.2.40", Some(&first)),
            )
            .await;
            let second = set_cookie(&headers, "casefront_session").unwrap();
            assert_ne!(first, second);
            let who = path_of::<app::accounts::api::CurrentCustomer>();
            let old: Option<Customer> =
                answer(&shop, script_post(who, "", "192.0.2.40", Some(&first)))
                    .await
                    .unwrap();
            let new: Option<Customer> =
                answer(&shop, script_post(who, "", "192.0.2.40", Some(&second)))
                    .await
                    .unwrap();
            assert_eq!(old, None);
            assert_eq!(new.map(|c| c.email).as_deref(), Some("ann@example.com"));
        });
    }

    /// Sends the same request `times` times from one client; the answers, in order, each as
    /// its `Debug` text (the messages a shopper would read are in it).
    async fn repeatedly<T: serde::de::DeserializeOwned + std::fmt::Debug>(
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

    #[test]
    fn sign_ups_look_ups_and_code_checks_are_limited_per_client() {
        on_shared_runtime(async {
            let shop = shop().await;
            let sign_up = path_of::<app::accounts::api::SignUp>();
            let mut n = 0;
            let answers = repeatedly::<FormResult>(&shop, 6, || {
                n += 1;
                let body = format!(
                    "name=Flood&email=flood{n}%40example.com&password=another+long+password"
                );
                script_post(sign_up, &body, "192.0.2.50", None)
            })
            .await;
            let done = format!("{:?}", Ok::<_, app::error::AppError>(FormResult::Done));
            assert!(answers[..5].iter().all(|a| a == &done), "{answers:?}");
            assert!(
                answers[5].contains("Too many sign-ups from your network"),
                "{}",
                answers[5]
            );

            let find = path_of::<app::orders::api::FindOrder>();
            let answers = repeatedly::<FormResult>(&shop, 11, || {
                script_post(
                    find,
                    "number=CF-23456789&email=who%40example.com",
                    "192.0.2.51",
                    None,
                )
            })
            .await;
            assert!(
                answers[..10]
                    .iter()
                    .all(|a| a.contains("couldn't find an order")),
                "{answers:?}"
            );
            assert!(answers[10].contains("Too many look-ups"), "{}", answers[10]);

            let check = path_of::<app::cart::api::ApplyCoupon>();
            let guess = postcard::to_allocvec(&app::cart::api::ApplyCoupon {
                code: "GUESS1".into(),
                lines: Vec::new(),
            })
            .unwrap();
            let answers = repeatedly::<Result<Coupon, CouponRejection>>(&shop, 31, || {
                Request::post(check)
                    .header(header::CONTENT_TYPE, "application/x-postcard")
                    .header(header::ORIGIN, SHOP)
                    .header("x-forwarded-for", "192.0.2.52")
                    .body(Body::from(guess.clone()))
                    .unwrap()
            })
            .await;
            assert!(
                answers[..30].iter().all(|a| !a.contains("TooManyTries")),
                "{answers:?}"
            );
            assert!(answers[30].contains("TooManyTries"), "{}", answers[30]);
            // Another client is not affected.
            let (_, _, other) = get_with(
                &shop,
                script_post(
                    find,
                    "number=CF-23456789&email=who%40example.com",
                    "192.0.2.99",
                    None,
                ),
            )
            .await;
            assert!(other.contains("couldn't find an order"), "{other}");
        });
    }

    #[test]
    fn password_changes_are_limited_per_client() {
        on_shared_runtime(async {
            let shop = shop().await;
            customer(&shop, "ann@example.com", "correct horse battery").await;
            let body = "email=ann%40example.com&password=correct+horse+battery";
            let sign_in = path_of::<app::accounts::api::SignIn>();
            let (_, headers, _) =
                get_with(&shop, script_post(sign_in, body, "192.0.2.60", None)).await;
            let session = set_cookie(&headers, "casefront_session").unwrap();
            let change = path_of::<app::accounts::api::ChangePassword>();
            let answers = repeatedly::<FormResult>(&shop, 6, || {
                let body = "current=not+my+password&new_password=a+brand+new+passphrase";
                script_post(change, body, "192.0.2.60", Some(&session))
            })
            .await;
            assert!(
                answers[..5]
                    .iter()
                    .all(|a| a.contains("current password is not right")),
                "{answers:?}"
            );
            assert!(answers[5].contains("Too many tries"), "{}", answers[5]);
        });
    }

    #[test]
    fn the_pages_postcard_and_the_scripts_json_price_a_cart_alike() {
        use app::cart::api::{CartPrices, PriceCart};
        use app::cart::model::{CartLine, CartRequest, PricedCart};
        on_shared_runtime(async {
            let shop = shop().await;
            let request = CartRequest {
                lines: vec![CartLine {
                    sku: "GRP-MIDBLA".into(),
                    quantity: 2,
                }],
                coupon: Some("NOSUCHCODE".into()),
                method: app::pricing::shipping::ShippingMethod::Express,
            };
            let page_body = postcard::to_allocvec(&CartPrices {
                request: request.clone(),
            })
            .unwrap();
            let by_page: PricedCart = answer(
                &shop,
                Request::post(path_of::<CartPrices>())
                    .header(header::CONTENT_TYPE, "application/x-postcard")
                    .header(header::ORIGIN, SHOP)
                    .body(Body::from(page_body))
                    .unwrap(),
            )
            .await
            .unwrap();
            let script_body = serde_json::to_string(&PriceCart { request }).unwrap();
            let (status, _, text) = get_with(
                &shop,
                Request::post(path_of::<PriceCart>())
                    .header(header::CONTENT_TYPE, "application/json")
                    .header(header::ORIGIN, SHOP)
                    .body(Body::from(script_body))
                    .unwrap(),
            )
            .await;
            assert_eq!(status, StatusCode::OK, "{text}");
            let by_script: PricedCart = serde_json::from_str(&text).unwrap();
            assert_eq!(by_page, by_script);
            assert!(
                matches!(by_page.coupon, Some(Err(CouponRejection::Unknown(_)))),
                "{by_page:?}"
            );
            assert_eq!(by_page.quote.total, app::money::Money::from_cents(4698));
        });
    }

    /// A guest's PayPal checkout of one grip ($15.99 and $5 shipping), sent in JSON to the
    /// scripts' fixed address (the checkout page sends the same request in postcard to
    /// `submit_order`, which shares its body); the answer and the cookies it set.
    async fn paypal_checkout(shop: &TestShop) -> (CheckoutOutcome, Option<String>) {
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
            payment: app::payments::gateway::PaymentChoice::PayPal,
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

    #[test]
    fn only_the_shopper_who_checked_out_can_answer_for_or_cancel_the_paypal_payment() {
        on_shared_runtime(async {
            let shop = shop().await;
            let (outcome, grant) = paypal_checkout(&shop).await;
            let CheckoutOutcome::ApprovePayPal { url, number } = outcome else {
                panic!("expected the PayPal step, got {outcome:?}");
            };
            let grant = grant.expect("the guest's browser may see its order");
            let reference = url.rsplit('/').next().unwrap();
            let decide = path_of::<app::checkout::api::PaypalDecision>();
            let body = format!("reference={reference}&approve=true");
            // Someone else who learnt the address can neither see nor approve the payment.
            let stranger =
                answer::<CheckoutOutcome>(&shop, script_post(decide, &body, "192.0.2.70", None))
                    .await;
            assert_eq!(stranger, Err(app::error::AppError::NotFound));
            let show = path_of::<app::checkout::api::PaypalPayment>();
            let peek = answer::<app::checkout::api::PayPalPayment>(
                &shop,
                script_post(show, &format!("reference={reference}"), "192.0.2.70", None),
            )
            .await;
            assert_eq!(peek.err(), Some(app::error::AppError::NotFound));
            // The shopper's own browser can.
            let outcome = answer::<CheckoutOutcome>(
                &shop,
                script_post(decide, &body, "192.0.2.71", Some(&grant)),
            )
            .await;
            assert_eq!(
                outcome,
                Ok(CheckoutOutcome::Placed {
                    number: number.clone()
                })
            );
            // Only the shopper's browser may cancel the order, too.
            let cancel = path_of::<app::orders::api::CancelOrder>();
            let body = format!("number={number}");
            let stranger =
                answer::<FormResult>(&shop, script_post(cancel, &body, "192.0.2.72", None)).await;
            assert_eq!(stranger, Err(app::error::AppError::NotFound));
            let own = answer::<FormResult>(
                &shop,
                script_post(cancel, &body, "192.0.2.73", Some(&grant)),
            )
            .await;
            assert_eq!(own, Ok(FormResult::Done));
        });
    }

    #[test]
    fn a_guest_ticket_is_read_with_its_private_key_only_and_replies_are_limited() {
        use app::support::{TicketStatus, TicketView};
        on_shared_runtime(async {
            let shop = shop().await;
            let submit = path_of::<app::support::api::SubmitTicket>();
            let body = "name=Gil&email=gil%40example.com&topic=shipping&order=\
                        &message=Do+you+ship+to+Norway%3F+%3Cscript%3Ex%3C%2Fscript%3E";
            let (status, headers, _) =
                get_with(&shop, form_post(submit, body, SHOP, "192.0.2.80")).await;
            assert_eq!(status, StatusCode::FOUND);
            let location = headers[header::LOCATION].to_str().unwrap().to_owned();
            let (number, key) = location
                .strip_prefix("/support/tickets/")
                .and_then(|rest| rest.split_once("?key="))
                .map(|(n, k)| (n.to_owned(), k.to_owned()))
                .expect("sent to the ticket's private page");
            // The e-mail with the private link went out.
            let mail = shop.sent_mail().await;
            assert!(mail
                .iter()
                .any(|m| m.contains("To: gil@example.com") && m.contains(&number)));

            let read = path_of::<app::support::api::GetTicket>();
            let with_key = format!("number={number}&key={key}");
            let ticket =
                answer::<TicketView>(&shop, script_post(read, &with_key, "192.0.2.81", None))
                    .await
                    .unwrap();
            assert_eq!(ticket.status, TicketStatus::Open);
            assert_eq!(ticket.messages.len(), 1);
            // Kept as typed: the page shows it as text.
            assert!(ticket.messages[0].body.contains("<script>"));
            for probe in [
                format!("number={number}"),
                format!("number={number}&key=wrong"),
                format!("number=T-23456789&key={key}"),
            ] {
                let refused =
                    answer::<TicketView>(&shop, script_post(read, &probe, "192.0.2.82", None))
                        .await;
                assert_eq!(refused, Err(app::error::AppError::NotFound), "{probe}");
            }
            let other =
                signed_in_as(&shop, "other@example.com", app::identity::Role::Shopper).await;
            let refused = answer::<TicketView>(
                &shop,
                script_post(
                    read,
                    &format!("number={number}"),
                    "192.0.2.83",
                    Some(&other),
                ),
            )
            .await;
            assert_eq!(refused, Err(app::error::AppError::NotFound));

            // The page renders the conversation for the key's holder, with the script as text.
            let (status, _, page) =
                get(&shop, &format!("/support/tickets/{number}?key={key}")).await;
            assert_eq!(status, StatusCode::OK);
            assert!(page.contains("Do you ship to Norway?"));
            assert!(!page.contains("<script>x</script>"));

            // Replies from one network are limited.
            let reply = path_of::<app::support::api::ReplyToTicket>();
            let body = format!("number={number}&key={key}&message=Any+news+on+this%3F");
            let mut answers = Vec::new();
            for _ in 0..12 {
                answers.push(
                    answer::<FormResult>(&shop, script_post(reply, &body, "192.0.2.84", None))
                        .await
                        .unwrap(),
                );
            }
            assert!(answers[..10].iter().all(|a| *a == FormResult::Done));
            let FormResult::Invalid(errors) = &answers[11] else {
                panic!("the twelfth reply within a minute is refused: {answers:?}");
            };
            assert!(errors.get("message").unwrap().contains("Try again in"));
            let ticket =
                answer::<TicketView>(&shop, script_post(read, &with_key, "192.0.2.85", None))
                    .await
                    .unwrap();
            assert_eq!(
                ticket.messages.len(),
                11,
                "the refused replies are not stored"
            );
        });
    }

    /// A photo upload as the claim form's script sends it.
    fn photo_upload(draft: &str, name: &str, bytes: Vec<u8>, origin: &str) -> Request<Body> {
        Request::post(app::photos::UPLOAD_PATH)
            .header(header::ORIGIN, origin)
            .header("x-forwarded-for", "192.0.2.95")
            .header(app::photos::DRAFT_HEADER, draft)
            .header(app::photos::NAME_HEADER, name)
            .header(header::CONTENT_LENGTH, bytes.len())
            .body(Body::from(bytes))
            .unwrap()
    }

    fn small_jpeg() -> Vec<u8> {
        let picture =
            image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8 * 8, y as u8 * 8, 90]));
        let mut out = std::io::Cursor::new(Vec::new());
        picture
            .write_to(&mut out, image::ImageFormat::Jpeg)
            .unwrap();
        out.into_inner()
    }

    /// Uploads one small JPEG per name into `draft`; their ids.
    async fn uploaded(shop: &TestShop, draft: &str, names: &[&str]) -> Vec<String> {
        let mut ids = Vec::new();
        for name in names {
            let (status, _, body) =
                get_with(shop, photo_upload(draft, name, small_jpeg(), SHOP)).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            let uploaded: serde_json::Value = serde_json::from_str(&body).unwrap();
            ids.push(uploaded["id"].as_str().unwrap().to_owned());
        }
        ids
    }

    /// Checks that photo `id` and its thumbnail are served, privately, to each of `allowed`
    /// and to none of `refused` (each: who, a key, a cookie).
    async fn photo_is_shown_only_to(
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
    async fn thread_key(shop: &TestShop, thread: app::conversations::Thread, id: i64) -> String {
        let mut conn = shop.db.pool.acquire().await.unwrap();
        app::conversations::issue_key(&mut conn, thread, id, 0)
            .await
            .unwrap()
    }

    #[test]
    fn claim_photos_are_shown_only_to_their_claims_shopper_and_staff() {
        use app::identity::Role;
        use sqlx::Row;
        on_shared_runtime(async {
            let shop = shop().await;
            let draft = app::tokens::random_hex(16);
            // Refused uploads say which file and why; another site cannot upload at all.
            let (status, _, body) = get_with(
                &shop,
                photo_upload(&draft, "notes.jpg", b"just some notes".to_vec(), SHOP),
            )
            .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                body.contains("notes.jpg is not a JPEG, PNG or WebP picture"),
                "{body}"
            );
            let (status, _, _) = get_with(
                &shop,
                photo_upload(&draft, "a.jpg", small_jpeg(), "https://evil.example"),
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN);
            let (status, _, body) = get_with(
                &shop,
                photo_upload("not-a-key", "a.jpg", small_jpeg(), SHOP),
            )
            .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            let ids = uploaded(&shop, &draft, &["front.jpg", "back.jpg"]).await;
            // Not yet part of a claim: nobody sees it, not even whoever uploaded it.
            let (status, _, _) = get(&shop, &format!("/photos/{}", ids[0])).await;
            assert_eq!(status, StatusCode::NOT_FOUND);

            let owner = signed_in_as(&shop, "owner@example.com", Role::Shopper).await;
            let other = signed_in_as(&shop, "other@example.com", Role::Shopper).await;
            let support = signed_in_as(&shop, "support@example.com", Role::Support).await;
            let (checkout, _) = paypal_checkout(&shop).await;
            let CheckoutOutcome::ApprovePayPal { number, .. } = checkout else {
                panic!("{checkout:?}");
            };
            let pool = &shop.db.pool;
            let owner_id: i64 = sqlx::query("SELECT id FROM customers WHERE email = $1")
                .bind("owner@example.com")
                .fetch_one(pool)
                .await
                .unwrap()
                .try_get("id")
                .unwrap();
            let claim_id: i64 = sqlx::query(
                "INSERT INTO warranty_claims (number, order_id, line_id, customer_id, email, kind, \
                 status, created_at, updated_at) SELECT 'W-AB23CD45', o.id, l.id, $1, \
                 'owner@example.com', 'warranty', 'submitted', 0, 0 FROM orders o \
                 JOIN order_lines l ON l.order_id = o.id WHERE o.number = $2 RETURNING id",
            )
            .bind(owner_id)
            .bind(&number)
            .fetch_one(pool)
            .await
            .unwrap()
            .try_get("id")
            .unwrap();
            sqlx::query("UPDATE photos SET claim_id = $1")
                .bind(claim_id)
                .execute(pool)
                .await
                .unwrap();
            let key = thread_key(&shop, app::conversations::Thread::Claim, claim_id).await;

            for id in &ids {
                photo_is_shown_only_to(
                    &shop,
                    id,
                    &[
                        ("the owner", None, Some(&owner)),
                        ("the e-mailed key", Some(&key), None),
                        ("support", None, Some(&support)),
                    ],
                    &[
                        ("a visitor", None, None),
                        ("another shopper", None, Some(&other)),
                        ("a wrong key", Some("0123abcd"), Some(&other)),
                    ],
                )
                .await;
            }
            // And the claim itself, through its server function.
            let read = path_of::<app::warranty::api::GetClaim>();
            let as_other: Result<app::warranty::ClaimView, AppError> = answer(
                &shop,
                script_post(read, "number=W-AB23CD45", "192.0.2.96", Some(&other)),
            )
            .await;
            assert_eq!(as_other, Err(AppError::NotFound));
            let as_owner: app::warranty::ClaimView = answer(
                &shop,
                script_post(read, "number=W-AB23CD45", "192.0.2.96", Some(&owner)),
            )
            .await
            .unwrap();
            assert_eq!(as_owner.photos, ids);
        });
    }

    /// An admin's photo of variant `sku`, as the product page's script sends it.
    fn picture_upload(
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

    #[test]
    fn only_admins_give_a_variant_a_photo_which_then_everyone_sees() {
        use app::identity::Role;
        use sqlx::Row;
        on_shared_runtime(async {
            let shop = shop().await;
            let row = sqlx::query(
                "SELECT s.code, p.slug FROM skus s JOIN products p ON p.id = s.product_id \
                 WHERE p.hidden = 0 AND s.active = 1 ORDER BY p.sort_order, s.sort_order LIMIT 1",
            )
            .fetch_one(&shop.db.pool)
            .await
            .unwrap();
            let (sku, slug): (String, String) = (row.get("code"), row.get("slug"));
            let shopper = signed_in_as(&shop, "buyer@example.com", Role::Shopper).await;
            let support = signed_in_as(&shop, "helper@example.com", Role::Support).await;
            let admin = signed_in_as(&shop, "boss@example.com", Role::Admin).await;
            for (who, cookie, refused) in [
                ("a visitor", None, StatusCode::UNAUTHORIZED),
                ("a shopper", Some(shopper.as_str()), StatusCode::FORBIDDEN),
                ("support", Some(support.as_str()), StatusCode::FORBIDDEN),
            ] {
                let (status, _, _) =
                    get_with(&shop, picture_upload(&sku, cookie, small_jpeg(), SHOP)).await;
                assert_eq!(status, refused, "{who}");
            }
            let (status, _, _) = get_with(
                &shop,
                picture_upload(&sku, Some(&admin), small_jpeg(), "https://evil.example"),
            )
            .await;
            assert_eq!(status, StatusCode::FORBIDDEN, "another site");
            let (status, _, body) = get_with(
                &shop,
                picture_upload(&sku, Some(&admin), b"not a picture".to_vec(), SHOP),
            )
            .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                body.contains("strap.jpg is not a JPEG, PNG or WebP picture"),
                "{body}"
            );
            let (status, _, _) = get_with(
                &shop,
                picture_upload("NO-SUCH-SKU", Some(&admin), small_jpeg(), SHOP),
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            let (_, _, page) = get(&shop, &format!("/products/{slug}")).await;
            assert!(!page.contains("/pictures/"), "no photo before the upload");

            let (status, _, body) = get_with(
                &shop,
                picture_upload(&sku, Some(&admin), small_jpeg(), SHOP),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
            let url = app::catalog::pictures::picture_url(answer["id"].as_str().unwrap());

            // Everyone sees it, cached for good; the storefront shows it at once.
            let response = shop
                .router
                .clone()
                .oneshot(Request::get(&url).body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(response.headers()[header::CONTENT_TYPE], "image/jpeg");
            assert_eq!(
                response.headers()[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable"
            );
            let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
            let picture = image::load_from_memory(&bytes).unwrap();
            assert_eq!(
                (picture.width(), picture.height()),
                (32, 32),
                "fitted on a square"
            );
            let (_, _, page) = get(&shop, &format!("/products/{slug}")).await;
            assert!(page.contains(&url), "the product page shows the photo");
            let (status, _, _) = get(&shop, "/pictures/0123456789abcdef0123456789abcdef.jpg").await;
            assert_eq!(status, StatusCode::NOT_FOUND);

            let audited: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'change picture' AND after = $1",
            )
            .bind(&url)
            .fetch_one(&shop.db.pool)
            .await
            .unwrap();
            assert_eq!(audited, 1);
        });
    }

    #[test]
    fn photos_sent_with_a_delivery_problem_go_to_its_ticket_for_its_shopper_and_staff() {
        use app::identity::Role;
        use app::support::TicketView;
        on_shared_runtime(async {
            let shop = shop().await;
            let other = signed_in_as(&shop, "other@example.com", Role::Shopper).await;
            let support = signed_in_as(&shop, "support@example.com", Role::Support).await;
            let (checkout, grant) = paypal_checkout(&shop).await;
            let CheckoutOutcome::ApprovePayPal { number, .. } = checkout else {
                panic!("{checkout:?}");
            };
            let guest = grant.expect("the guest's browser may see the order");
            sqlx::query("UPDATE orders SET status = 'shipped' WHERE number = $1")
                .bind(&number)
                .execute(&shop.db.pool)
                .await
                .unwrap();
            let draft = app::tokens::random_hex(16);
            let ids = uploaded(&shop, &draft, &["label.jpg"]).await;
            let report = path_of::<app::support::api::ReportDeliveryProblem>();
            let body = |number: &str, draft: &str| {
                format!(
                    "number={number}&problem=lost-or-delayed&description=Still+not+here+after+two+weeks.&draft={draft}"
                )
            };

            // Another shopper cannot send a report (or photos) about this order.
            let refused: Result<FormResult, AppError> = answer(
                &shop,
                script_post(report, &body(&number, &draft), "192.0.2.97", Some(&other)),
            )
            .await;
            assert_eq!(refused, Err(AppError::NotFound));
            // A draft that is not one is refused with a message, keeping what was typed.
            let bad: FormResult = answer(
                &shop,
                script_post(report, &body(&number, "nope"), "192.0.2.97", Some(&guest)),
            )
            .await
            .unwrap();
            let FormResult::Invalid(errors) = &bad else {
                panic!("{bad:?}");
            };
            assert!(errors
                .get("photos")
                .unwrap()
                .contains("add the photos again"));
            let tickets: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tickets")
                .fetch_one(&shop.db.pool)
                .await
                .unwrap();
            assert_eq!(tickets, (0,));

            let sent: FormResult = answer(
                &shop,
                script_post(report, &body(&number, &draft), "192.0.2.97", Some(&guest)),
            )
            .await
            .unwrap();
            assert_eq!(sent, FormResult::Done);
            let (ticket_id, ticket): (i64, String) = {
                use sqlx::Row;
                let row = sqlx::query("SELECT id, number FROM tickets")
                    .fetch_one(&shop.db.pool)
                    .await
                    .unwrap();
                (row.try_get("id").unwrap(), row.try_get("number").unwrap())
            };
            let key = thread_key(&shop, app::conversations::Thread::Ticket, ticket_id).await;
            photo_is_shown_only_to(
                &shop,
                &ids[0],
                &[
                    ("the ticket's key", Some(&key), None),
                    ("support", None, Some(&support)),
                ],
                &[
                    ("a visitor", None, None),
                    ("the order's browser without the key", None, Some(&guest)),
                    ("another shopper", None, Some(&other)),
                ],
            )
            .await;
            let read = path_of::<app::support::api::GetTicket>();
            let read_ticket = || {
                let body = format!("number={ticket}&key={key}");
                answer::<TicketView>(&shop, script_post(read, &body, "192.0.2.98", None))
            };
            let view = read_ticket().await.unwrap();
            assert_eq!(view.photos, ids);
            assert!(view.messages[0].body.contains("Still not here"));

            // A reply brings more photos; one with a draft that is not one brings nothing.
            let reply = path_of::<app::support::api::ReplyToTicket>();
            let reply_with = |draft: &str| {
                let body =
                    format!("number={ticket}&key={key}&message=Here+is+the+notice.&draft={draft}");
                answer::<FormResult>(&shop, script_post(reply, &body, "192.0.2.98", None))
            };
            let bad = reply_with("nope").await.unwrap();
            assert!(matches!(&bad, FormResult::Invalid(e) if e.get("photos").is_some()));
            let second = app::tokens::random_hex(16);
            let more = uploaded(&shop, &second, &["notice.jpg"]).await;
            assert_eq!(reply_with(&second).await.unwrap(), FormResult::Done);
            let view = read_ticket().await.unwrap();
            assert_eq!(view.photos, [ids[0].clone(), more[0].clone()]);
            assert_eq!(view.messages.len(), 2, "the refused reply is not stored");
        });
    }

    #[test]
    fn a_request_that_outlives_its_time_is_cut_off() {
        on_shared_runtime(async {
            // No time at all: the page's database reads cannot finish within it.
            let shop = shop_timed(SHOP, false, std::time::Duration::ZERO).await;
            let (status, headers, _) = get(&shop, "/shop").await;
            assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
            assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
            // A photo upload has a time of its own.
            let draft = app::tokens::random_hex(16);
            let (status, _, body) =
                get_with(&shop, photo_upload(&draft, "a.jpg", small_jpeg(), SHOP)).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        });
    }

    #[test]
    fn bodies_over_the_routes_limit_are_refused() {
        on_shared_runtime(async {
            let shop = shop().await;
            let big = format!("email={}", "a".repeat(20_000));
            let request = form_post(
                path_of::<app::accounts::api::SignIn>(),
                &big,
                SHOP,
                "192.0.2.30",
            );
            let (status, _, _) = get_with(&shop, request).await;
            assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        });
    }
}
