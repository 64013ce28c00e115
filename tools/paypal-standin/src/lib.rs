//! A stand-in for the parts of PayPal's REST API the shop uses, for its tests only (PayPal
//! publishes no local server). It keeps state like PayPal: access tokens that expire, orders
//! created once per `PayPal-Request-Id`, a page where the buyer approves (with PayPal balance,
//! a card the bank declines at capture, or an eCheck whose capture stays pending) or cancels,
//! captures, refunds, trackers, and webhook events with their verification.
//!
//! It is honest to the real API by construction: every request it receives and every answer
//! or event it gives is checked against PayPal's own OpenAPI documents (`contract`). A request
//! PayPal would refuse is answered 400 `INVALID_REQUEST`, and every problem, in a request or in
//! the stand-in's own answer, is kept in `violations()` for the tests to assert empty.

pub mod contract;
mod events;
mod money;
mod pages;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use contract::{Contract, Document};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub use events::Delivery;

/// How a buyer pays on the approval page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Funding {
    /// PayPal balance: captured at once.
    Balance,
    /// A card its bank declines when the shop captures (`INSTRUMENT_DECLINED`).
    DeclinedCard,
    /// An eCheck: the capture stays `PENDING` until it clears.
    ECheck,
}

/// What the stand-in accepts and where it sends events.
#[derive(Clone, Debug)]
pub struct Settings {
    pub client_id: String,
    pub client_secret: String,
    pub webhook_id: String,
    /// How long an access token lasts.
    pub token_lifetime: Duration,
    /// Where events are POSTed, if anywhere (they are kept in the outbox either way).
    pub webhook_url: Option<String>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            client_id: "standin-client".into(),
            client_secret: "standin-secret".into(),
            webhook_id: "8PT597110X687430LKGSTANDIN".into(),
            token_lifetime: Duration::from_secs(32_400),
            webhook_url: None,
        }
    }
}

#[derive(Clone, Debug)]
struct Capture {
    id: String,
    status: &'static str,
    cents: i64,
    refunds: Vec<Refund>,
}

#[derive(Clone, Debug)]
struct Refund {
    id: String,
    cents: i64,
    capture: String,
    /// The seller's own id for it, if the request gave one.
    custom_id: Option<String>,
}

#[derive(Clone, Debug)]
struct Order {
    id: String,
    request: Value,
    status: &'static str,
    funding: Option<Funding>,
    capture: Option<Capture>,
    trackers: Vec<Value>,
    created: String,
}

#[derive(Default)]
struct Books {
    orders: HashMap<String, Order>,
    /// The first answer to each (operation, `PayPal-Request-Id`).
    answered: HashMap<(String, String), (StatusCode, Value)>,
    tokens: HashMap<String, Instant>,
    violations: Vec<String>,
    outbox: Vec<Delivery>,
    /// Each API call received, as "METHOD path".
    calls: Vec<String>,
    /// How many of the next API calls PayPal fails (an outage).
    failing: usize,
    next: u64,
}

impl Books {
    /// A fresh id of PayPal's shape (upper-case letters and digits).
    fn id(&mut self, prefix: &str, len: usize) -> String {
        self.next += 1;
        let digits = format!("{:0width$X}", self.next * 7919 + 1_000_003, width = len);
        format!("{prefix}{digits}")
    }
}

#[derive(Clone)]
pub struct StandIn {
    books: Arc<Mutex<Books>>,
    settings: Arc<Settings>,
    contract: Contract,
    /// The stand-in's own address, for the links it answers with.
    base: Arc<Mutex<String>>,
    http: reqwest::Client,
}

/// A stand-in serving on a port of its own.
pub struct Running {
    pub standin: StandIn,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

impl StandIn {
    pub fn new(settings: Settings, contract: Contract) -> StandIn {
        StandIn {
            books: Arc::default(),
            settings: Arc::new(settings),
            contract,
            base: Arc::default(),
            http: reqwest::Client::new(),
        }
    }

    /// Serves on `127.0.0.1:port` (0: any free port) until the runtime ends.
    pub async fn start(self, port: u16) -> std::io::Result<Running> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let url = format!("http://{}", listener.local_addr()?);
        *self.base.lock().unwrap_or_else(|e| e.into_inner()) = url.clone();
        let app = self.router();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Running { standin: self, url })
    }

    pub fn router(&self) -> Router {
        Router::new()
            .route("/v1/oauth2/token", post(token))
            .route("/v2/checkout/orders", post(create_order))
            .route("/v2/checkout/orders/{id}", get(show_order))
            .route("/v2/checkout/orders/{id}/capture", post(capture_order))
            .route("/v2/checkout/orders/{id}/track", post(track_order))
            .route("/v2/payments/captures/{id}/refund", post(refund_capture))
            .route(
                "/v1/notifications/verify-webhook-signature",
                post(events::verify),
            )
            .route("/checkoutnow", get(pages::approval).post(pages::answer))
            .with_state(self.clone())
    }

    fn books(&self) -> MutexGuard<'_, Books> {
        self.books.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn base(&self) -> String {
        self.base.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Every problem seen: requests PayPal would refuse, answers it would not give.
    pub fn violations(&self) -> Vec<String> {
        self.books().violations.clone()
    }

    /// The API calls received so far, as "METHOD path".
    pub fn calls(&self) -> Vec<String> {
        self.books().calls.clone()
    }

    /// Every event sent so far, oldest first.
    pub fn outbox(&self) -> Vec<Delivery> {
        self.books().outbox.clone()
    }

    /// PayPal is down for the next `calls` API calls: each is answered 503.
    pub fn fail_next(&self, calls: usize) {
        self.books().failing = calls;
    }

    /// Every access token issued so far expires now.
    pub fn expire_tokens(&self) {
        let past = Instant::now() - Duration::from_secs(1);
        for expiry in self.books().tokens.values_mut() {
            *expiry = past;
        }
    }

    /// The PayPal order made for shop order `invoice`, if any.
    pub fn order_for(&self, invoice: &str) -> Option<String> {
        self.books()
            .orders
            .values()
            .find(|o| o.request["purchase_units"][0]["invoice_id"] == invoice)
            .map(|o| o.id.clone())
    }

    /// Every PayPal order created so far.
    pub fn order_ids(&self) -> Vec<String> {
        self.books().orders.keys().cloned().collect()
    }

    /// The body order `id` was created with.
    pub fn request_of(&self, id: &str) -> Option<Value> {
        self.books().orders.get(id).map(|o| o.request.clone())
    }

    /// How many calls of `call` ("METHOD path") were received.
    pub fn count(&self, call: &str) -> usize {
        self.books().calls.iter().filter(|c| *c == call).count()
    }

    /// The status of PayPal order `id`, and of its capture.
    pub fn status(&self, id: &str) -> Option<(String, Option<String>)> {
        let books = self.books();
        let order = books.orders.get(id)?;
        Some((
            order.status.to_owned(),
            order.capture.as_ref().map(|c| c.status.to_owned()),
        ))
    }

    /// The trackers added to order `id`, as PayPal shows them.
    pub fn trackers(&self, id: &str) -> Vec<Value> {
        self.books()
            .orders
            .get(id)
            .map(|o| o.trackers.clone())
            .unwrap_or_default()
    }

    /// The buyer approves order `id` on PayPal's page, paying with `funding`; false if the
    /// order cannot be approved (unknown, or already completed or voided).
    pub fn approve(&self, id: &str, funding: Funding) -> bool {
        let event = {
            let mut books = self.books();
            let Some(order) = books.orders.get_mut(id) else {
                return false;
            };
            if !matches!(
                order.status,
                "CREATED" | "APPROVED" | "PAYER_ACTION_REQUIRED"
            ) {
                return false;
            }
            order.status = "APPROVED";
            order.funding = Some(funding);
            let order = order.clone();
            self.order_json(&order)
        };
        self.send("CHECKOUT.ORDER.APPROVED", "checkout-order", event);
        true
    }

    /// PayPal gives up order `id` (it was never approved in time).
    pub fn void(&self, id: &str) {
        if let Some(order) = self.books().orders.get_mut(id) {
            if matches!(order.status, "CREATED" | "APPROVED") {
                order.status = "VOIDED";
            }
        }
    }

    /// The pending capture of order `id` clears (`true`) or is denied.
    pub fn settle_pending(&self, id: &str, cleared: bool) {
        let capture = {
            let mut books = self.books();
            let Some(capture) = books.orders.get_mut(id).and_then(|o| o.capture.as_mut()) else {
                return;
            };
            capture.status = if cleared { "COMPLETED" } else { "DECLINED" };
            capture.clone()
        };
        let kind = if cleared {
            "PAYMENT.CAPTURE.COMPLETED"
        } else {
            "PAYMENT.CAPTURE.DENIED"
        };
        self.send(kind, "capture", self.capture_json(id, &capture));
    }

    /// The seller refunds `cents` of order `id`'s capture in PayPal's dashboard.
    pub fn refund_in_dashboard(&self, id: &str, cents: i64) -> Option<String> {
        let refund = {
            let mut books = self.books();
            let refund_id = books.id("", 17);
            let capture = books.orders.get_mut(id)?.capture.as_mut()?;
            if capture.refunds.iter().map(|r| r.cents).sum::<i64>() + cents > capture.cents {
                return None;
            }
            let refund = Refund {
                id: refund_id,
                cents,
                capture: capture.id.clone(),
                custom_id: None,
            };
            capture.refunds.push(refund.clone());
            capture.status = refunded_status(capture);
            refund
        };
        self.send(
            "PAYMENT.CAPTURE.REFUNDED",
            "refund",
            self.refund_json(&refund),
        );
        Some(refund.id)
    }

    /// The buyer opens a dispute (`reversed`: their bank took the money back) on order `id`.
    pub fn dispute(&self, id: &str, reversed: bool) {
        let Some(capture) = self.books().orders.get(id).and_then(|o| o.capture.clone()) else {
            return;
        };
        if reversed {
            if let Some(c) = self
                .books()
                .orders
                .get_mut(id)
                .and_then(|o| o.capture.as_mut())
            {
                c.status = "REVERSED";
            }
            let mut reversed = capture.clone();
            reversed.status = "REVERSED";
            self.send(
                "PAYMENT.CAPTURE.REVERSED",
                "capture",
                self.capture_json(id, &reversed),
            );
        } else {
            let resource = json!({
                "dispute_id": format!("PP-D-{}", &capture.id[..8]),
                "reason": "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
                "status": "OPEN",
                "dispute_amount": money::value(capture.cents),
                "disputed_transactions": [{ "seller_transaction_id": capture.id }],
            });
            self.send("CUSTOMER.DISPUTE.CREATED", "dispute", resource);
        }
    }

    fn violation(&self, problems: Vec<String>) {
        if !problems.is_empty() {
            eprintln!("paypal-standin: contract violations: {problems:#?}");
            self.books().violations.extend(problems);
        }
    }

    /// Checks an answer against the contract before giving it.
    fn answer(
        &self,
        document: Document,
        component: &str,
        status: StatusCode,
        body: Value,
    ) -> Response {
        self.violation(self.contract.problems(document, component, &body));
        (status, Json(body)).into_response()
    }

    fn order_json(&self, order: &Order) -> Value {
        let base = self.base();
        let mut unit = order.request["purchase_units"][0].clone();
        unit["reference_id"] = json!("default");
        if let Some(capture) = &order.capture {
            unit["payments"] = json!({ "captures": [self.capture_json(&order.id, capture)] });
        }
        if !order.trackers.is_empty() {
            unit["shipping"]["trackers"] = json!(order.trackers);
        }
        let mut links = vec![json!({
            "href": format!("{base}/v2/checkout/orders/{}", order.id),
            "rel": "self",
            "method": "GET",
        })];
        if matches!(order.status, "CREATED" | "PAYER_ACTION_REQUIRED") {
            links.push(json!({
                "href": format!("{base}/checkoutnow?token={}", order.id),
                "rel": "payer-action",
                "method": "GET",
            }));
        }
        if order.status == "APPROVED" {
            links.push(json!({
                "href": format!("{base}/v2/checkout/orders/{}/capture", order.id),
                "rel": "capture",
                "method": "POST",
            }));
        }
        let mut body = json!({
            "id": order.id,
            "intent": "CAPTURE",
            "status": order.status,
            "purchase_units": [unit],
            "create_time": order.created,
            "links": links,
        });
        if order.funding.is_some() {
            body["payment_source"] = json!({
                "paypal": {
                    "email_address": "buyer@example.com",
                    "account_id": "QYR5Z8XDVJNXQ",
                    "name": { "given_name": "Test", "surname": "Buyer" },
                }
            });
        }
        body
    }

    fn capture_json(&self, order: &str, capture: &Capture) -> Value {
        let base = self.base();
        let mut body = json!({
            "id": capture.id,
            "status": capture.status,
            "amount": money::value(capture.cents),
            "final_capture": true,
            "create_time": now(),
            "update_time": now(),
            "supplementary_data": { "related_ids": { "order_id": order } },
            "links": [{
                "href": format!("{base}/v2/payments/captures/{}/refund", capture.id),
                "rel": "refund",
                "method": "POST",
            }],
        });
        if capture.status == "PENDING" {
            body["status_details"] = json!({ "reason": "ECHECK" });
        }
        body
    }

    fn refund_json(&self, refund: &Refund) -> Value {
        let base = self.base();
        let mut body = json!({
            "id": refund.id,
            "status": "COMPLETED",
            "amount": money::value(refund.cents),
            "create_time": now(),
            "update_time": now(),
            "links": [{
                "href": format!("{base}/v2/payments/refunds/{}", refund.id),
                "rel": "self",
                "method": "GET",
            }, {
                "href": format!("{base}/v2/payments/captures/{}", refund.capture),
                "rel": "up",
                "method": "GET",
            }],
        });
        if let Some(custom_id) = &refund.custom_id {
            body["custom_id"] = json!(custom_id);
        }
        body
    }

    /// Sends an event (kept in the outbox, and POSTed to the webhook if one is set).
    fn send(&self, kind: &str, resource_type: &str, resource: Value) {
        let delivery = {
            let mut books = self.books();
            let event_id = books.id("WH-", 17);
            // PayPal's transmission ids are UUIDs.
            books.next += 1;
            let transmission = format!("{:08x}-d67a-11e5-baa3-778b53f4ae55", books.next);
            events::delivery(
                &self.settings.webhook_id,
                &event_id,
                &transmission,
                kind,
                resource_type,
                resource,
            )
        };
        self.violation(
            self.contract
                .problems(Document::Webhooks, "event", &delivery.body),
        );
        self.books().outbox.push(delivery.clone());
        if let Some(url) = self.settings.webhook_url.clone() {
            let http = self.http.clone();
            tokio::spawn(async move {
                let mut request = http.post(url).json(&delivery.body);
                for (name, value) in &delivery.headers {
                    request = request.header(name.as_str(), value.as_str());
                }
                if let Err(e) = request.send().await {
                    eprintln!("paypal-standin: the webhook was not delivered: {e}");
                }
            });
        }
    }

    /// Logs the call and checks its bearer token: PayPal's refusal (401, or 503 in an
    /// outage), if any.
    fn refusal(&self, headers: &HeaderMap, call: String) -> Option<Response> {
        let mut books = self.books();
        books.calls.push(call);
        if books.failing > 0 {
            books.failing -= 1;
            return Some(
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Json(json!({
                        "name": "SERVICE_UNAVAILABLE",
                        "message": "Service Unavailable.",
                        "debug_id": "90d2d5bd3a6e1",
                    })),
                )
                    .into_response(),
            );
        }
        let token = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let valid = token
            .and_then(|t| books.tokens.get(t))
            .is_some_and(|expiry| *expiry > Instant::now());
        if valid {
            return None;
        }
        Some(
            (
                StatusCode::UNAUTHORIZED,
                Json(json!({
                    "error": "invalid_token",
                    "error_description": "Access Token not found in cache",
                })),
            )
                .into_response(),
        )
    }

    /// A request PayPal would refuse: its 400, with what is wrong.
    fn refused_request(&self, document: Document, problems: Vec<String>) -> Response {
        let details: Vec<Value> = problems
            .iter()
            .map(|p| json!({ "issue": "INVALID_PARAMETER_SYNTAX", "description": p }))
            .collect();
        self.violation(problems);
        self.answer(
            document,
            "error_400",
            StatusCode::BAD_REQUEST,
            json!({
                "name": "INVALID_REQUEST",
                "message": "Request is not well-formed, syntactically incorrect, or violates schema.",
                "debug_id": "f3a6c2b1e0d9",
                "details": details,
            }),
        )
    }

    fn unprocessable(
        &self,
        document: Document,
        issue: &str,
        description: &str,
    ) -> (StatusCode, Value) {
        let body = json!({
            "name": "UNPROCESSABLE_ENTITY",
            "message": "The requested action could not be performed, semantically incorrect, or failed business validation.",
            "debug_id": "a1b2c3d4e5f6",
            "details": [{ "issue": issue, "description": description }],
            "links": [{
                "href": format!("https://developer.paypal.com/docs/api/orders/v2/#error-{issue}"),
                "rel": "information_link",
                "method": "GET",
            }],
        });
        self.violation(self.contract.problems(document, "error_422", &body));
        (StatusCode::UNPROCESSABLE_ENTITY, body)
    }

    fn not_found(&self, document: Document) -> Response {
        self.answer(
            document,
            "error_404",
            StatusCode::NOT_FOUND,
            json!({
                "name": "RESOURCE_NOT_FOUND",
                "message": "The specified resource does not exist.",
                "debug_id": "0b1c2d3e4f5a",
                "details": [{ "issue": "INVALID_RESOURCE_ID", "description": "Specified resource ID does not exist. Please check the resource ID and try again." }],
            }),
        )
    }

    /// The first answer to an operation with `request_id`, or a new one made by `make`.
    fn once(
        &self,
        operation: &str,
        headers: &HeaderMap,
        make: impl FnOnce() -> (StatusCode, Value),
    ) -> Response {
        let request_id = headers
            .get("paypal-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Some(id) = &request_id {
            let key = (operation.to_owned(), id.clone());
            if let Some((status, body)) = self.books().answered.get(&key).cloned() {
                return (status, Json(body)).into_response();
            }
        }
        let (status, body) = make();
        if let Some(id) = request_id {
            self.books()
                .answered
                .insert((operation.to_owned(), id), (status, body.clone()));
        }
        (status, Json(body)).into_response()
    }
}

/// A request's JSON body; an empty body is PayPal's empty object.
fn json_body(bytes: &[u8]) -> Option<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some(json!({}));
    }
    serde_json::from_slice(bytes).ok()
}

fn refunded_status(capture: &Capture) -> &'static str {
    let refunded: i64 = capture.refunds.iter().map(|r| r.cents).sum();
    if refunded >= capture.cents {
        "REFUNDED"
    } else {
        "PARTIALLY_REFUNDED"
    }
}

/// Now, as PayPal writes times.
fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
}

/// `POST /v1/oauth2/token`: client credentials in Basic auth (not in PayPal's OpenAPI
/// documents; the shape of its published answer).
async fn token(
    State(s): State<StandIn>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    use base64::Engine;
    let expected = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        s.settings.client_id, s.settings.client_secret
    ));
    let basic = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    s.books().calls.push("POST /v1/oauth2/token".into());
    if form
        .as_ref()
        .map_or(true, |f| f.grant_type != "client_credentials")
    {
        s.violation(vec![
            "oauth2/token: grant_type must be client_credentials".into()
        ]);
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": "unsupported_grant_type", "error_description": "Grant Type is NULL" })),
        )
            .into_response();
    }
    if basic != Some(expected.as_str()) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "invalid_client", "error_description": "Client Authentication failed" })),
        )
            .into_response();
    }
    let lifetime = s.settings.token_lifetime;
    let access_token = {
        let mut books = s.books();
        let token = books.id("A21AA", 40);
        books
            .tokens
            .insert(token.clone(), Instant::now() + lifetime);
        token
    };
    Json(json!({
        "scope": "https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund",
        "access_token": access_token,
        "token_type": "Bearer",
        "app_id": "APP-80W284485P519543T",
        "expires_in": lifetime.as_secs(),
        "nonce": "2026-12-06T00:00:00Zstandin",
    }))
    .into_response()
}

async fn create_order(
    State(s): State<StandIn>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refused) = s.refusal(&headers, "POST /v2/checkout/orders".into()) {
        return refused;
    }
    let problems = s
        .contract
        .problems(Document::Orders, "order_request", &body);
    if !problems.is_empty() {
        return s.refused_request(Document::Orders, problems);
    }
    if !money::adds_up(&body["purchase_units"][0]) {
        let (status, body) = s.unprocessable(
            Document::Orders,
            "AMOUNT_MISMATCH",
            "Should equal item_total + tax_total + shipping + handling + insurance - shipping_discount - discount.",
        );
        return (status, Json(body)).into_response();
    }
    s.once("create", &headers, || {
        let order = {
            let mut books = s.books();
            let id = books.id("", 17);
            let order = Order {
                id: id.clone(),
                request: body.clone(),
                status: "CREATED",
                funding: None,
                capture: None,
                trackers: Vec::new(),
                created: now(),
            };
            books.orders.insert(id, order.clone());
            order
        };
        let answer = s.order_json(&order);
        s.violation(s.contract.problems(Document::Orders, "order", &answer));
        (StatusCode::CREATED, answer)
    })
}

async fn show_order(
    State(s): State<StandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Some(refused) = s.refusal(&headers, format!("GET /v2/checkout/orders/{id}")) {
        return refused;
    }
    let order = s.books().orders.get(&id).cloned();
    match order {
        Some(order) => s.answer(
            Document::Orders,
            "order",
            StatusCode::OK,
            s.order_json(&order),
        ),
        None => s.not_found(Document::Orders),
    }
}

async fn capture_order(
    State(s): State<StandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    if let Some(refused) = s.refusal(&headers, format!("POST /v2/checkout/orders/{id}/capture")) {
        return refused;
    }
    let Some(body) = json_body(&body) else {
        return s.refused_request(Document::Orders, vec!["the body is not JSON".into()]);
    };
    let problems = s
        .contract
        .problems(Document::Orders, "order_capture_request", &body);
    if !problems.is_empty() {
        return s.refused_request(Document::Orders, problems);
    }
    if !s.books().orders.contains_key(&id) {
        return s.not_found(Document::Orders);
    }
    s.once(&format!("capture {id}"), &headers, || {
        let mut books = s.books();
        let (next_id, order) = (books.id("", 17), books.orders.get_mut(&id));
        let Some(order) = order else {
            drop(books);
            return s.unprocessable(Document::Orders, "ORDER_NOT_APPROVED", "unknown order");
        };
        match (order.status, order.funding) {
            ("COMPLETED", _) => {
                drop(books);
                s.unprocessable(Document::Orders, "ORDER_ALREADY_CAPTURED", "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.")
            }
            ("APPROVED", Some(Funding::DeclinedCard)) => {
                // PayPal's recovery: the buyer goes back to the approval page and picks
                // another way to pay.
                order.status = "PAYER_ACTION_REQUIRED";
                order.funding = None;
                drop(books);
                s.unprocessable(Document::Orders, "INSTRUMENT_DECLINED", "The instrument presented  was either declined by the processor or bank, or it can't be used for this payment.")
            }
            ("APPROVED", Some(funding)) => {
                let cents = money::cents(&order.request["purchase_units"][0]["amount"]["value"]).unwrap_or_default();
                order.status = "COMPLETED";
                order.capture = Some(Capture {
                    id: next_id,
                    status: if funding == Funding::ECheck { "PENDING" } else { "COMPLETED" },
                    cents,
                    refunds: Vec::new(),
                });
                let order = order.clone();
                drop(books);
                let answer = s.order_json(&order);
                s.violation(s.contract.problems(Document::Orders, "order", &answer));
                let capture = order.capture.clone().unwrap_or_else(|| unreachable!());
                if capture.status == "COMPLETED" {
                    s.send("PAYMENT.CAPTURE.COMPLETED", "capture", s.capture_json(&order.id, &capture));
                } else {
                    s.send("PAYMENT.CAPTURE.PENDING", "capture", s.capture_json(&order.id, &capture));
                }
                (StatusCode::CREATED, answer)
            }
            _ => {
                drop(books);
                s.unprocessable(Document::Orders, "ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.")
            }
        }
    })
}

async fn track_order(
    State(s): State<StandIn>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refused) = s.refusal(&headers, format!("POST /v2/checkout/orders/{id}/track")) {
        return refused;
    }
    let problems = s
        .contract
        .problems(Document::Orders, "order_tracker_request", &body);
    if !problems.is_empty() {
        return s.refused_request(Document::Orders, problems);
    }
    s.once(&format!("track {id}"), &headers, || {
        let mut books = s.books();
        let tracker_id = books.id("", 17);
        let Some(order) = books.orders.get_mut(&id) else {
            drop(books);
            return s.unprocessable(Document::Orders, "INVALID_RESOURCE_ID", "unknown order");
        };
        let capture_id = order.capture.as_ref().map(|c| c.id.clone());
        if capture_id.as_deref() != body["capture_id"].as_str() {
            drop(books);
            return s.unprocessable(
                Document::Orders,
                "CAPTURE_ID_NOT_FOUND",
                "Specified capture ID does not exist. Check the capture ID and try again.",
            );
        }
        order.trackers.push(json!({
            "id": format!("{}-{tracker_id}", body["capture_id"].as_str().unwrap_or_default()),
            "status": "SHIPPED",
            "create_time": now(),
            "update_time": now(),
        }));
        let order = order.clone();
        drop(books);
        let answer = s.order_json(&order);
        s.violation(s.contract.problems(Document::Orders, "order", &answer));
        (StatusCode::CREATED, answer)
    })
}

async fn refund_capture(
    State(s): State<StandIn>,
    headers: HeaderMap,
    Path(capture_id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    if let Some(refused) = s.refusal(
        &headers,
        format!("POST /v2/payments/captures/{capture_id}/refund"),
    ) {
        return refused;
    }
    let Some(body) = json_body(&body) else {
        return s.refused_request(Document::Orders, vec!["the body is not JSON".into()]);
    };
    let problems = s
        .contract
        .problems(Document::Payments, "refund_request", &body);
    if !problems.is_empty() {
        return s.refused_request(Document::Payments, problems);
    }
    s.once(&format!("refund {capture_id}"), &headers, || {
        let mut books = s.books();
        let refund_id = books.id("", 17);
        let capture = books
            .orders
            .values_mut()
            .filter_map(|o| o.capture.as_mut())
            .find(|c| c.id == capture_id);
        let Some(capture) = capture else {
            drop(books);
            return s.unprocessable(Document::Payments, "INVALID_RESOURCE_ID", "Specified resource ID does not exist.");
        };
        let refunded: i64 = capture.refunds.iter().map(|r| r.cents).sum();
        let left = capture.cents - refunded;
        let cents = match body.get("amount") {
            Some(amount) => money::cents(&amount["value"]).unwrap_or(i64::MAX),
            None => left,
        };
        if !matches!(capture.status, "COMPLETED" | "PARTIALLY_REFUNDED") {
            drop(books);
            return s.unprocessable(Document::Payments, "CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded");
        }
        if cents > left {
            drop(books);
            return s.unprocessable(Document::Payments, "REFUND_AMOUNT_EXCEEDED", "The refund amount must be less than or equal to the capture amount that has not yet been refunded.");
        }
        let refund = Refund {
            id: refund_id,
            cents,
            capture: capture.id.clone(),
            custom_id: body["custom_id"].as_str().map(str::to_owned),
        };
        capture.refunds.push(refund.clone());
        capture.status = refunded_status(capture);
        drop(books);
        let answer = s.refund_json(&refund);
        s.violation(s.contract.problems(Document::Payments, "refund", &answer));
        s.send("PAYMENT.CAPTURE.REFUNDED", "refund", answer.clone());
        (StatusCode::CREATED, answer)
    })
}
