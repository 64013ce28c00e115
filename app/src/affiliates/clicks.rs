//! Link clicks (table `partner_clicks`): a visit through `?ref=CODE` is counted for the
//! partner (when, which page; no address or browser is kept) and remembered by the browser for
//! 30 days in a first-party cookie holding the code and the click's time.

use super::partners::{self, PartnerRecord};
use super::rules::{ClickCookie, PartnerStatus, ReferralCode, CLICK_WINDOW_SECS};
use crate::client::{cookie_value, request_cookie};
use crate::throttle::{self, store as limits};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::HashMap;
use time::OffsetDateTime;

/// The longest landing path kept.
const MAX_PATH: usize = 300;

/// Follows a referral link to `landing_path` from client `subject`: for an approved partner's
/// code, counts the click (a few per client and minute: reloads and bots do not inflate it;
/// the address is only the counter's key) and returns the cookie to set. Unknown codes and
/// partners who may not be credited give nothing, silently.
pub async fn follow(
    pool: &AnyPool,
    code: &str,
    landing_path: &str,
    subject: &str,
    now: OffsetDateTime,
) -> Result<Option<ClickCookie>, sqlx::Error> {
    let Some(code) = ReferralCode::parse(code) else {
        return Ok(None);
    };
    let mut conn = pool.acquire().await?;
    let Some(partner) = partners::by_referral_code(&mut conn, &code).await? else {
        return Ok(None);
    };
    if partner.status != PartnerStatus::Approved {
        return Ok(None);
    }
    drop(conn);
    let clicked_at = now.unix_timestamp();
    let counter = format!("{}:{subject}", partner.id);
    if limits::take(pool, &throttle::REFERRAL_CLICKS_PER_CLIENT, &counter, now)
        .await?
        .is_ok()
    {
        let path: String = landing_path.chars().take(MAX_PATH).collect();
        sqlx::query(
            "INSERT INTO partner_clicks (partner_id, clicked_at, landing_path) VALUES ($1, $2, $3)",
        )
        .bind(partner.id)
        .bind(clicked_at)
        .bind(path)
        .execute(pool)
        .await?;
    }
    Ok(Some(ClickCookie { code, clicked_at }))
}

/// A visit through a referral link: the code it carries, and the same address without it,
/// where the visitor is sent on (so the page itself is cached and shared as usual).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferralVisit {
    pub code: String,
    pub path: String,
    /// The path and what is left of the query.
    pub clean: String,
}

/// The referral in `path` and `query` (`?ref=CODE`, among other parameters or alone), if any.
pub fn referral_in(path: &str, query: Option<&str>) -> Option<ReferralVisit> {
    let query = query?;
    let mut code = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=').unwrap_or((pair, "")) {
            ("ref", value) => {
                code.get_or_insert_with(|| value.to_owned());
            }
            _ => kept.push(pair),
        }
    }
    let code = code?;
    let clean = if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    };
    Some(ReferralVisit {
        code,
        path: path.to_owned(),
        clean,
    })
}

/// The `Set-Cookie` value that keeps `click` for the window.
pub fn cookie(click: &ClickCookie, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{}={}; Path=/; Max-Age={CLICK_WINDOW_SECS}; HttpOnly; SameSite=Lax{secure}",
        ClickCookie::NAME,
        click.value()
    )
}

/// The click cookie among a request's `Cookie` header, if it has the cookie's form.
pub fn from_cookie_header(header: &str) -> Option<ClickCookie> {
    cookie_value(header, ClickCookie::NAME).and_then(ClickCookie::parse)
}

/// The click cookie this request carries, if any.
pub fn from_request() -> Option<ClickCookie> {
    request_cookie(ClickCookie::NAME).and_then(|value| ClickCookie::parse(&value))
}

/// The partner a click cookie names, whatever their standing (the attribution rules decide).
pub async fn partner_of(
    conn: &mut AnyConnection,
    click: &ClickCookie,
) -> Result<Option<PartnerRecord>, sqlx::Error> {
    partners::by_referral_code(conn, &click.code).await
}

/// A grouped count's row: its key (column `key`) and its count (column `n`).
pub(super) fn counted(row: &AnyRow, key: &str) -> Result<(i64, u32), sqlx::Error> {
    let n: i64 = row.try_get("n")?;
    Ok((row.try_get(key)?, u32::try_from(n).unwrap_or(u32::MAX)))
}

/// Partner `partner`'s clicks since `from`, per day (the day's first second).
pub async fn per_day(
    conn: &mut AnyConnection,
    partner: i64,
    from: i64,
) -> Result<Vec<(i64, u32)>, sqlx::Error> {
    sqlx::query(
        "SELECT (clicked_at / 86400) * 86400 AS day, CAST(COUNT(*) AS BIGINT) AS n \
         FROM partner_clicks WHERE partner_id = $1 AND clicked_at >= $2 \
         GROUP BY (clicked_at / 86400) * 86400",
    )
    .bind(partner)
    .bind(from)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| counted(row, "day"))
    .collect()
}

/// Every partner's clicks in all.
pub async fn counts(conn: &mut AnyConnection) -> Result<HashMap<i64, u32>, sqlx::Error> {
    sqlx::query(
        "SELECT partner_id, CAST(COUNT(*) AS BIGINT) AS n FROM partner_clicks GROUP BY partner_id",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| counted(row, "partner_id"))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_referral_is_taken_out_of_the_address_and_the_rest_kept() {
        let visit = referral_in("/shop", Some("category=cases&ref=ANNA1234&sort=new")).unwrap();
        assert_eq!(visit.code, "ANNA1234");
        assert_eq!(visit.clean, "/shop?category=cases&sort=new");
        assert_eq!(referral_in("/", Some("ref=x")).unwrap().clean, "/");
        assert_eq!(referral_in("/", Some("ref")).unwrap().code, "");
        assert_eq!(referral_in("/shop", Some("referrer=a")), None);
        assert_eq!(referral_in("/shop", None), None);
    }

    #[test]
    fn the_cookie_is_first_party_http_only_and_lasts_the_window() {
        let click = ClickCookie {
            code: ReferralCode::parse("ANNA1234").unwrap(),
            clicked_at: 1_800_000_000,
        };
        let set = cookie(&click, true);
        assert_eq!(
            set,
            "cf_ref=ANNA1234.1800000000; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax; Secure"
        );
        let header = "cf_session=abc; cf_ref=ANNA1234.1800000000; other=1";
        assert_eq!(from_cookie_header(header), Some(click));
        assert_eq!(from_cookie_header("cf_ref=garbage"), None);
    }
}
