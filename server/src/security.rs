//! What every request passes through before the app sees it: the client's address, the
//! refusal of state-changing requests from other sites, a size limit on each kind of body,
//! and the security headers on every answer.

use app::checkout::paypal_events::WEBHOOK_PATH as PAYPAL_WEBHOOK;
use app::checkout::stripe_events::WEBHOOK_PATH as STRIPE_WEBHOOK;
use app::client::ClientAddress;
use app::payments::stripe::settings::StripeOrigins;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// What the security layers need to know about the shop.
#[derive(Clone, Debug)]
pub struct Guard {
    /// Origins a state-changing request may come from: the public address (and, for a shop
    /// on this machine, the other names of this machine).
    allowed_origins: Arc<Vec<String>>,
    trusted_proxies: Arc<Vec<IpNet>>,
    https: bool,
    /// Stripe's origins, which the checkout page's policy lets Stripe.js use.
    stripe: Option<Arc<StripeOrigins>>,
    /// The live-reload socket of `cargo leptos watch` (`scripts/dev.sh`), which the pages'
    /// policy lets them reach while the shop runs under it.
    live_reload: Option<Arc<str>>,
}

impl Guard {
    pub fn new(public_url: &str, trusted_proxies: Vec<IpNet>) -> Guard {
        let origin = public_url.trim_end_matches('/').to_ascii_lowercase();
        let mut allowed = vec![origin.clone()];
        // On this machine, 127.0.0.1, localhost and [::1] are one shop.
        const LOOPBACK: [&str; 3] = ["127.0.0.1", "localhost", "[::1]"];
        if let Some((scheme, authority)) = origin.split_once("://") {
            let port = LOOPBACK.iter().find_map(|name| {
                authority
                    .strip_prefix(name)
                    .filter(|port| port.is_empty() || port.starts_with(':'))
            });
            if let Some(port) = port {
                allowed.extend(
                    LOOPBACK
                        .iter()
                        .map(|name| format!("{scheme}://{name}{port}")),
                );
            }
        }
        allowed.sort();
        allowed.dedup();
        Guard {
            allowed_origins: Arc::new(allowed),
            trusted_proxies: Arc::new(trusted_proxies),
            https: origin.starts_with("https://"),
            stripe: None,
            live_reload: None,
        }
    }

    /// Lets Stripe.js, from `origins`, run on the checkout page.
    pub fn with_stripe(self, origins: Option<StripeOrigins>) -> Guard {
        Guard {
            stripe: origins.map(Arc::new),
            ..self
        }
    }

    /// Lets the pages connect to the live-reload socket on `port` of the shop's host.
    pub fn with_live_reload(self, port: Option<u16>) -> Guard {
        Guard {
            live_reload: port.map(|port| Arc::from(format!("ws://*:{port}"))),
            ..self
        }
    }

    /// True if a request with these headers comes from the shop's own pages, or from no
    /// browser at all (a browser always names the origin of a cross-site request).
    fn same_origin(&self, headers: &HeaderMap) -> bool {
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or_default().to_ascii_lowercase();
            return self.allowed_origins.contains(&origin);
        }
        match headers.get("sec-fetch-site").map(HeaderValue::to_str) {
            Some(Ok("same-origin" | "none")) | None => true,
            Some(_) => false,
        }
    }
}

/// Decides the client's address (see `ClientAddress::of_request`) for the rate limits.
pub async fn client_address(
    State(guard): State<Guard>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let client = ClientAddress::of_request(peer, request.headers(), &guard.trusted_proxies);
    request.extensions_mut().insert(client);
    next.run(request).await
}

/// Refuses state-changing requests sent from another site: a page elsewhere must not sign a
/// visitor in or out, nor order or pay in their name.
pub async fn same_origin_only(
    State(guard): State<Guard>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // The providers post their events from their own servers; each is checked by its
    // signature (Stripe's) or by the provider itself (PayPal's) instead.
    let webhook = [STRIPE_WEBHOOK, PAYPAL_WEBHOOK].contains(&request.uri().path());
    if safe || webhook || guard.same_origin(request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "cross-site request refused");
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "This request came from another site, so the shop refused it. If you were using the shop, reload the page and try again.",
    )
        .into_response()
}

/// Where the server functions answer (Leptos' default prefix).
pub const SERVER_FN_PREFIX: &str = "/api/";

/// The largest body each kind of request may carry: a checkout or cart (up to 50 lines, in
/// postcard from the pages or JSON from scripts), a form, a photo, and nothing at all for
/// pages and files.
pub fn body_limit(path: &str) -> usize {
    use app::{cart::api as cart, checkout::api as checkout};
    use leptos::server_fn::ServerFn;
    // Named by their types, so a renamed or added twin cannot be missed here.
    const CART_ENDPOINTS: [&str; 5] = [
        checkout::PlaceOrder::PATH,
        checkout::SubmitOrder::PATH,
        cart::PriceCart::PATH,
        cart::CartPrices::PATH,
        cart::ApplyCoupon::PATH,
    ];
    if CART_ENDPOINTS.iter().any(|p| path.starts_with(p)) {
        64 * 1024
    } else if path == STRIPE_WEBHOOK || path == PAYPAL_WEBHOOK {
        // The providers' events are a few kilobytes.
        256 * 1024
    } else if is_photo_upload(path) {
        // The upload streams and enforces the shop's configured photo limits itself, with a
        // message that names the file.
        usize::MAX
    } else if path.starts_with(SERVER_FN_PREFIX) {
        8 * 1024
    } else {
        0
    }
}

/// A shopper's photo for a claim or a report, or an admin's photo of a product: the
/// requests whose body is a picture.
pub fn is_photo_upload(path: &str) -> bool {
    path == app::photos::UPLOAD_PATH
        || path
            .strip_prefix(app::catalog::PICTURE_UPLOAD_PATH)
            .is_some_and(|sku| sku.starts_with('/'))
}

/// Enforces `body_limit`: a declared length over it is refused at once, and a body without
/// one is cut off where it passes it.
pub async fn limit_body(request: Request, next: Next) -> Response {
    let limit = body_limit(request.uri().path());
    // A body's size hint is its declared length (exact when the client sent Content-Length).
    let declared =
        usize::try_from(http_body::Body::size_hint(request.body()).lower()).unwrap_or(usize::MAX);
    if declared > limit {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "This request is larger than the shop accepts.",
        )
            .into_response();
    }
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(request).await
}

/// The policy for pages: scripts only from the shop (the inline hydration script carries the
/// page's nonce, as does the inline stylesheet), WebAssembly allowed to compile, everything else from the shop alone, but for
/// the previews of photos chosen for a warranty claim, drawn from the files themselves (blob:).
/// The checkout page adds exactly Stripe's origins when Stripe takes the cards: its script,
/// its card field's frames, and its API. While the shop runs under `cargo leptos watch`, pages
/// may also reach its live-reload socket.
pub fn page_policy(
    nonce: &str,
    stripe: Option<&StripeOrigins>,
    live_reload: Option<&str>,
) -> String {
    let (script, frame, mut connect) = match stripe {
        Some(stripe) => (
            format!(" {}", stripe.script),
            format!("frame-src {}; ", stripe.frames.join(" ")),
            format!(" {}", stripe.connect),
        ),
        None => Default::default(),
    };
    if let Some(socket) = live_reload {
        connect.push(' ');
        connect.push_str(socket);
    }
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'{script}; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' blob:; font-src 'self'; connect-src 'self'{connect}; \
         {frame}object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The policy for everything that is not a page (files, pictures, API answers): nothing may
/// run or load, so an SVG or a JSON answer opened directly cannot carry a script.
const RESOURCE_POLICY: &str =
    "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const PERMISSIONS: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

/// The nonce a page's inline scripts carry, chosen before the page renders so that its
/// policy is set here on the answer itself. (Set from inside the renderer, through
/// `ResponseOptions`, the header was now and then missing from a page, which then could not
/// run its scripts: seen twice in eight browser-test runs.)
#[derive(Clone, Debug)]
pub struct PageNonce(pub String);

/// Adds the security headers to every answer: a page gets the policy that lets its own
/// inline scripts run by nonce, everything else the policy that lets nothing run.
pub async fn security_headers(
    State(guard): State<Guard>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = leptos::nonce::Nonce::new().to_string();
    request.extensions_mut().insert(PageNonce(nonce.clone()));
    let stripe = guard
        .stripe
        .as_deref()
        .filter(|_| request.uri().path() == app::checkout::model::CHECKOUT_PATH);
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if is_page {
        let policy = page_policy(&nonce, stripe, guard.live_reload.as_deref());
        if let Ok(policy) = HeaderValue::from_str(&policy) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    let headers = response.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, RESOURCE_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(
        header::HeaderName::from_static("permissions-policy"),
        PERMISSIONS,
    );
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if guard.https {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_checkout_policy_names_exactly_stripes_origins() {
        let stripe = StripeOrigins {
            script: "https://js.stripe.com".into(),
            frames: vec![
                "https://js.stripe.com".into(),
                "https://hooks.stripe.com".into(),
            ],
            connect: "https://api.stripe.com".into(),
        };
        let policy = page_policy("n0nce", Some(&stripe), None);
        assert!(policy
            .contains("script-src 'self' 'nonce-n0nce' 'wasm-unsafe-eval' https://js.stripe.com;"));
        assert!(policy.contains("frame-src https://js.stripe.com https://hooks.stripe.com;"));
        assert!(policy.contains("connect-src 'self' https://api.stripe.com;"));
        let plain = page_policy("n0nce", None, None);
        assert!(!plain.contains("stripe") && !plain.contains("frame-src"));
        assert!(plain.contains("connect-src 'self';"));
    }

    #[test]
    fn only_a_watched_shop_lets_pages_reach_the_live_reload_socket() {
        let guard = Guard::new("http://127.0.0.1:3000", vec![]);
        assert!(guard.live_reload.is_none());
        let watched = guard.with_live_reload(Some(3001));
        let policy = page_policy("n0nce", None, watched.live_reload.as_deref());
        assert!(policy.contains("connect-src 'self' ws://*:3001;"));
    }

    #[test]
    fn only_the_shops_own_origin_may_change_things() {
        let guard = Guard::new("https://cases.example", vec![]);
        assert!(guard.same_origin(&headers(&[("origin", "https://cases.example")])));
        assert!(!guard.same_origin(&headers(&[("origin", "https://evil.test")])));
        assert!(!guard.same_origin(&headers(&[("origin", "http://cases.example")])));
        assert!(!guard.same_origin(&headers(&[("origin", "https://cases.example.evil.test")])));
        assert!(!guard.same_origin(&headers(&[("origin", "null")])));
        assert!(!guard.same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!guard.same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(guard.same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        // No browser: nothing for another site to abuse.
        assert!(guard.same_origin(&HeaderMap::new()));
    }

    #[test]
    fn a_shop_on_this_machine_answers_to_all_its_names() {
        let guard = Guard::new("http://127.0.0.1:3000", vec![]);
        assert!(guard.same_origin(&headers(&[("origin", "http://localhost:3000")])));
        assert!(guard.same_origin(&headers(&[("origin", "http://[::1]:3000")])));
        assert!(!guard.same_origin(&headers(&[("origin", "http://localhost:3001")])));
        assert!(!guard.same_origin(&headers(&[("origin", "http://127.0.0.2:3000")])));
        let public = Guard::new("http://localhost.example:3000", vec![]);
        assert!(!public.same_origin(&headers(&[("origin", "http://127.0.0.1:3000")])));
    }

    #[test]
    fn bodies_are_limited_by_what_the_route_needs() {
        assert_eq!(body_limit("/api/place_order123"), 64 * 1024);
        for browser_twin in ["/api/submit_order", "/api/cart_prices"] {
            assert_eq!(body_limit(browser_twin), 64 * 1024);
        }
        assert_eq!(body_limit("/api/sign_in123"), 8 * 1024);
        assert_eq!(body_limit("/shop"), 0);
        assert_eq!(body_limit("/uploads/photos"), usize::MAX);
        assert_eq!(body_limit("/uploads/pictures/SIG-IP17-BLK"), usize::MAX);
        assert_eq!(body_limit("/uploads/pictures"), 0);
        assert_eq!(body_limit("/uploads/picturesque"), 0);
    }
}
