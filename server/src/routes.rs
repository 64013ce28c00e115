//! The HTTP surface: Leptos pages and server functions, static files with cache headers,
//! product pictures and the health check, behind the security layers.

use crate::security::{self, Guard};
use app::shop::ServerState;
use app::{shell, App};
use axum::extract::Path;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::nonce::Nonce;
use leptos::prelude::*;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// How long a browser may keep a file of the build output. A hashed WASM file's name changes
/// with its content, so it is kept for good. The JS is not: cargo-leptos names a bundle's glue
/// by a hash taken before the chunk loader's hashed name is written into it, and the loader
/// and glue name each other, so a new build can serve other JS under the last one's name. A
/// browser that kept the old glue paired it with the new WASM, whose imports name the new
/// loader, and the page never started. The JS is small and revalidated (an unchanged file is a
/// 304 answer).
fn pkg_cache(hashed: bool, file: &Response) -> &'static str {
    let wasm = file
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| kind == "application/wasm");
    if hashed && wasm {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// Hashed file names change with their content, so browsers may keep them forever.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed build output must be revalidated on every use.
pub const REVALIDATE: &str = "no-cache";
/// Product pictures are drawn from their name, which never changes meaning.
pub const PICTURE: &str = "public, max-age=604800";

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
    let hashed = options.hash_files;
    let pkg = Router::new()
        .fallback_service(
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            move |file: &Response| Some(HeaderValue::from_static(pkg_cache(hashed, file))),
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
        .route(app::checkout::stripe_events::WEBHOOK_PATH, {
            let state = state.clone();
            post(move |headers, body| stripe_webhook(state.clone(), headers, body))
        })
        .route(app::checkout::paypal_events::WEBHOOK_PATH, {
            let state = state.clone();
            post(move |headers, body| paypal_webhook(state.clone(), headers, body))
        })
        .route(app::admin::export::EXPORT_PATH, {
            let state = state.clone();
            get(move |query, headers| export_orders(state.clone(), query, headers))
        })
        .merge(app::photos::http::routes(state.clone()))
        .merge(app::affiliates::http::routes(state.clone()))
        .merge(app::catalog::pictures::routes(state.clone()))
        .nest_service(&format!("/{}", options.site_pkg_dir), pkg)
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context(context, shell))
        .with_state(options)
        .layer(from_fn_with_state(state.clone(), staff_only))
        .layer(from_fn_with_state(state, referral_link))
        .layer(from_fn(error_status))
        .layer(from_fn(crate::compress::respond))
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

/// A visit through a partner's link (`?ref=CODE`, any page): the click is counted and kept in
/// the browser's cookie (`app::affiliates::clicks`), and the visitor is sent on to the same
/// address without the code, so the page is served and cached as any other. An unknown or
/// suspended code is dropped the same way, silently.
async fn referral_link(
    axum::extract::State(state): axum::extract::State<ServerState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use app::affiliates::clicks;
    let visit = matches!(*request.method(), Method::GET | Method::HEAD)
        .then(|| clicks::referral_in(request.uri().path(), request.uri().query()))
        .flatten();
    let Some(visit) = visit else {
        return next.run(request).await;
    };
    let subject = request
        .extensions()
        .get::<app::client::ClientAddress>()
        .map(app::client::ClientAddress::subject)
        .unwrap_or_default();
    let click = clicks::follow(
        &state.db.pool,
        &visit.code,
        &visit.path,
        &subject,
        state.clock.now(),
    )
    .await
    .unwrap_or_else(|err| {
        // The visitor still gets the page; only the click is lost.
        tracing::error!(error = %err, "cannot record a referral click");
        None
    });
    let mut response = axum::response::Redirect::to(&visit.clean).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Some(cookie) = click
        .map(|click| clicks::cookie(&click, state.secure_cookies))
        .and_then(|cookie| HeaderValue::from_str(&cookie).ok())
    {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
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

/// Stripe's events (`app::checkout::stripe_events`).
async fn stripe_webhook(
    state: ServerState,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    use app::checkout::stripe_events::receive;
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    webhook_answer(receive(&state, signature, &body).await, "Stripe")
}

/// PayPal's events, with the transmission headers PayPal is asked to vouch for.
async fn paypal_webhook(
    state: ServerState,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    use app::checkout::paypal_events::receive;
    use app::payments::paypal::api::Transmission;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let transmission = Transmission {
        id: header("paypal-transmission-id"),
        time: header("paypal-transmission-time"),
        signature: header("paypal-transmission-sig"),
        cert_url: header("paypal-cert-url"),
        auth_algo: header("paypal-auth-algo"),
    };
    webhook_answer(receive(&state, &transmission, &body).await, "PayPal")
}

fn webhook_answer(answer: app::checkout::webhook_events::Answer, provider: &str) -> Response {
    use app::checkout::webhook_events::Answer;
    match answer {
        Answer::Received => (StatusCode::OK, "received".to_owned()),
        Answer::Refused(why) => (StatusCode::BAD_REQUEST, why.to_owned()),
        Answer::NotConfigured => (
            StatusCode::NOT_FOUND,
            format!("{provider} is not configured"),
        ),
        Answer::Failed => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "try again later".to_owned(),
        ),
    }
    .into_response()
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
