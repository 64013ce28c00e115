//! The program's plain HTTP answers (server only): the banners partners embed on their own
//! sites, the QR code of a partner link, and a payout run's CSV for staff.

use super::banners::{Banner, BANNER_PATH};
use super::payouts;
use super::rules::ReferralCode;
use super::{PAYOUT_CSV_PATH, QR_PATH};
use crate::audit::{self, Change};
use crate::error::AppError;
use crate::identity::session::account_from_headers;
use crate::identity::Role;
use crate::shop::ServerState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;

/// Banners are embedded by other sites: any of them may show one, and caches may keep it.
const PUBLIC_IMAGE: &str = "public, max-age=86400";

pub fn routes<S: Clone + Send + Sync + 'static>(state: ServerState) -> Router<S> {
    Router::new()
        .route(&format!("{BANNER_PATH}/{{file}}"), get(banner))
        .route(QR_PATH, get(qr))
        .route(PAYOUT_CSV_PATH, get(payout_csv))
        .with_state(state)
}

fn svg(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, PUBLIC_IMAGE),
            // Shown on partners' pages, wherever they are.
            (
                header::HeaderName::from_static("cross-origin-resource-policy"),
                "cross-origin",
            ),
        ],
        body,
    )
        .into_response()
}

async fn banner(State(state): State<ServerState>, Path(file): Path<String>) -> Response {
    match Banner::by_file(&file) {
        Some(banner) => svg(banner.svg(&state.store.name)),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The link `path` with `code` on the shop, as a QR code. Only paths on the shop, and only a
/// code's form: this draws the shop's own links, nothing else.
pub fn link_qr(shop_url: &str, path: &str, code: &str) -> Option<String> {
    let code = ReferralCode::parse(code)?;
    if !path.starts_with('/') || path.starts_with("//") || path.len() > 300 {
        return None;
    }
    let joiner = if path.contains('?') { '&' } else { '?' };
    let link = format!("{}{path}{joiner}ref={code}", shop_url.trim_end_matches('/'));
    let qr = qrcode::QrCode::new(link.as_bytes()).ok()?;
    Some(
        qr.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .build(),
    )
}

async fn qr(
    State(state): State<ServerState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let path = query.get("path").map_or("/", String::as_str);
    let code = query.get("code").map_or("", String::as_str);
    match link_qr(&state.store.public_url, path, code) {
        Some(body) => svg(body),
        None => StatusCode::BAD_REQUEST.into_response(),
    }
}

async fn payout_csv(
    State(state): State<ServerState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    match run_csv(&state, &headers, query.get("run")).await {
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

async fn run_csv(
    state: &ServerState,
    headers: &HeaderMap,
    run: Option<&String>,
) -> Result<(String, String), AppError> {
    let staff = match account_from_headers(state, headers).await? {
        Some(account) if account.role.includes(Role::Admin) => account,
        Some(_) => return Err(AppError::NotAllowed),
        None => return Err(AppError::SignInRequired),
    };
    let run: i64 = run.and_then(|r| r.parse().ok()).ok_or(AppError::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    let found = payouts::find(&mut conn, run)
        .await?
        .ok_or(AppError::NotFound)?;
    let csv = payouts::mass_payment_csv(&found, &state.store.name);
    audit::record(
        &mut conn,
        &staff,
        Change::new("download payout CSV", format!("payout run {run}")).after(format!(
            "{} partners, {}",
            found.lines.len(),
            found.total()
        )),
        state.clock.unix(),
    )
    .await?;
    Ok((format!("payout-{run}.csv"), csv))
}

#[cfg(test)]
mod tests {
    use super::link_qr;

    #[test]
    fn a_qr_code_is_drawn_for_a_shop_link_only() {
        let svg = link_qr("https://shop.test", "/shop?category=cases", "ANNA1234").unwrap();
        assert!(svg.contains("<svg"));
        assert_eq!(
            link_qr("https://shop.test", "//evil.test/", "ANNA1234"),
            None
        );
        assert_eq!(
            link_qr("https://shop.test", "https://evil.test/", "ANNA1234"),
            None
        );
        assert_eq!(link_qr("https://shop.test", "/", "<b>"), None);
    }
}
