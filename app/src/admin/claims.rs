//! Warranty claims for staff (`/api/staff/`): the review queue, one claim with its photos,
//! order and the customer's earlier claims, and the three decisions (see
//! `warranty::review`).

use crate::error::AppError;
use crate::forms::FormResult;
use crate::warranty::{ClaimSummary, ClaimView};
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    crate::catalog::repo::replacement_choices,
    crate::forms::{needs_correcting, FieldErrors},
    crate::identity::{session::require_role, Role},
    crate::shop::server_state,
    crate::support::check_message,
    crate::warranty::review::{self, Decision, ReviewError},
    crate::warranty::{parse_claim_number, repo, ClaimStatus, Exclusion},
};

/// Claims in the review queue, a page at a time.
pub const CLAIMS_PAGE: u32 = 25;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimQueue {
    pub rows: Vec<ClaimSummary>,
    /// 1-based.
    pub page: u32,
    pub pages: u32,
    pub count: u32,
}

/// A claim as staff review it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffClaim {
    pub claim: ClaimView,
    /// The variants that may replace the item, in stock: (SKU, options).
    pub choices: Vec<(String, String)>,
    /// The same customer's other claims.
    pub earlier: Vec<ClaimSummary>,
}

/// Claims with `status` ("any" for all), oldest waiting first.
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn list_claims(status: String, page: u32) -> Result<ClaimQueue, AppError> {
    require_role(Role::Support).await?;
    let pool = &server_state()?.db.pool;
    let status = ClaimStatus::from_slug(status.trim());
    let page = page.max(1);
    let limit = i64::from(CLAIMS_PAGE);
    let (rows, count) = repo::queue(pool, status, limit, i64::from(page - 1) * limit).await?;
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    let pages = count.div_ceil(CLAIMS_PAGE).max(1);
    Ok(ClaimQueue {
        rows,
        page: page.min(pages),
        pages,
        count,
    })
}

#[server(prefix = "/api/staff", output = Postcard)]
pub async fn claim_for_staff(number: String) -> Result<StaffClaim, AppError> {
    require_role(Role::Support).await?;
    let state = server_state()?;
    let number = parse_claim_number(&number).ok_or(AppError::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    let found = repo::find(&mut conn, &number)
        .await?
        .ok_or(AppError::NotFound)?;
    let choices = replacement_choices(&mut conn, &found.view.sku)
        .await?
        .into_iter()
        .map(|c| (c.sku, c.options))
        .collect();
    drop(conn);
    let earlier = repo::others_by(&state.db.pool, &found.view.email, &number).await?;
    Ok(StaffClaim {
        claim: found.view,
        choices,
        earlier,
    })
}

/// Applies `decision` to claim `number` for the signed-in staff member; a refusal is shown by
/// the form's `field`.
#[cfg(feature = "ssr")]
async fn decide(
    number: &str,
    decision: Decision,
    field: &str,
    typed: &[(&str, &str)],
) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Support).await?;
    let state = server_state()?;
    let number = parse_claim_number(number).ok_or(AppError::NotFound)?;
    let now = state.clock.unix();
    match review::decide(&state, &staff, &number, &decision, now).await {
        Ok(_) => Ok(FormResult::Done),
        Err(ReviewError::NotFound) => Err(AppError::NotFound),
        Err(ReviewError::Database(error)) => Err(error.into()),
        Err(refusal) => needs_correcting(FieldErrors::single(field, &refusal.to_string()), typed),
    }
}

/// Approves claim `number`, sending variant `sku` free of charge.
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn approve_claim(number: String, sku: String) -> Result<FormResult, AppError> {
    let typed = [("sku", sku.as_str())];
    decide(
        &number,
        Decision::Approve { sku: sku.clone() },
        "sku",
        &typed,
    )
    .await
}

/// Asks the shopper of claim `number` for more photos or details.
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn ask_about_claim(number: String, message: String) -> Result<FormResult, AppError> {
    let typed = [("message", message.as_str())];
    let body = match check_message(&message) {
        Ok(body) => body,
        Err(why) => return needs_correcting(FieldErrors::single("message", &why), &typed),
    };
    decide(
        &number,
        Decision::AskForMore { message: body },
        "message",
        &typed,
    )
    .await
}

/// Declines claim `number` for `reason` (an exclusion), with an optional explanation.
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn decline_claim(
    number: String,
    reason: String,
    message: String,
) -> Result<FormResult, AppError> {
    let typed = [("reason", reason.as_str()), ("message", message.as_str())];
    let Some(reason) = Exclusion::from_slug(reason.trim()) else {
        return needs_correcting(
            FieldErrors::single("reason", "Choose which exclusion applies."),
            &typed,
        );
    };
    let message = message.trim().chars().take(2000).collect();
    decide(
        &number,
        Decision::Decline { reason, message },
        "reason",
        &typed,
    )
    .await
}
