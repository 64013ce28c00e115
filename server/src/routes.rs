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
use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
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
}

pub fn router(options: LeptosOptions, state: ServerState, http: Http) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            // A page gets a policy that lets its own inline hydration script run by nonce.
            if let (Some(nonce), Some(response)) =
                (use_nonce(), use_context::<leptos_axum::ResponseOptions>())
            {
                if let Ok(policy) = HeaderValue::from_str(&security::page_policy(&nonce)) {
                    response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
                }
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
    let db = state.db.clone();

    Router::new()
        .route("/healthz", get(move || healthz(db.clone())))
        .route("/img/{art}/{file}", get(product_picture))
        .nest_service(&format!("/{}", options.site_pkg_dir), pkg)
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context(context, shell))
        .with_state(options)
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
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            http.request_timeout,
        ))
        .layer(from_fn_with_state(http.guard, security::security_headers))
        .layer(TraceLayer::new_for_http())
}

async fn healthz(db: app::db::Db) -> Response {
    if db.is_healthy().await {
        (StatusCode::OK, "ok").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
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
    use app::catalog::{demo::demo_catalog, repo::seed_once};
    use app::db::Db;
    use app::mail::Mailer;
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
        dir: std::path::PathBuf,
    }

    impl Drop for TestShop {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    async fn shop() -> TestShop {
        shop_with(false).await
    }

    /// `hash_files` as cargo-leptos sets it for a release build. Pages then need the hash file
    /// beside the running binary, so tests that render pages leave it off.
    async fn shop_with(hash_files: bool) -> TestShop {
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
            public_url: "http://shop.test".into(),
            support_email: "care@shop.test".into(),
            support_phone: "+1 555 0100".into(),
            shipping: Default::default(),
            delivery: Default::default(),
            test_payments: true,
        };
        let mailer = Mailer::outbox("Test Cases <care@shop.test>", dir.join("outbox")).unwrap();
        let state = ServerState::in_test_mode(db.clone(), store, mailer);
        let http = Http {
            guard: Guard::new("http://shop.test", vec![]),
            request_timeout: std::time::Duration::from_secs(30),
        };
        TestShop {
            router: router(options, state, http),
            db,
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

    #[test]
    fn health_check_reports_the_database() {
        on_shared_runtime(async {
            let shop = shop().await;
            let (status, _, body) = get(&shop, "/healthz").await;
            assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
            shop.db.close().await;
            let (status, _, _) = get(&shop, "/healthz").await;
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
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
}
