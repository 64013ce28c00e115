//! The affiliate program for admins (`/api/admin/`): applications to approve or decline,
//! partners with their results (rate, suspension, a leaked code replaced), and payout runs
//! (prepare, download for PayPal, mark paid, discard). Every change is audited and every
//! partner told by e-mail what concerns them.

use crate::affiliates::StaffAffiliates;
use crate::error::AppError;
use crate::forms::FormResult;
use crate::wire::Postcard;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::affiliates::partners::{self, PartnerRecord},
    crate::affiliates::rules::Rate,
    crate::affiliates::{clicks, ledger, letters, payouts, StaffPartnerRow},
    crate::audit::{self, Change},
    crate::forms::correct_fields,
    crate::identity::{session::require_role, Role},
    crate::mail::queue,
    crate::shop::server_state,
    sqlx::AnyConnection,
    std::collections::HashMap,
};

/// How many payout runs the page lists.
#[cfg(feature = "ssr")]
const RECENT_RUNS: i64 = 12;

#[server(prefix = "/api/admin", output = Postcard)]
pub async fn affiliates_for_staff() -> Result<StaffAffiliates, AppError> {
    require_role(Role::Admin).await?;
    let mut conn = server_state()?.db.pool.acquire().await?;
    let clicks = clicks::counts(&mut conn).await?;
    let orders = ledger::order_counts(&mut conn).await?;
    let balances = ledger::all_balances(&mut conn, None).await?;
    let row = |p: PartnerRecord| StaffPartnerRow {
        clicks: clicks.get(&p.id).copied().unwrap_or(0),
        orders: orders.get(&p.id).copied().unwrap_or(0),
        balances: balances.get(&p.id).copied().unwrap_or_default(),
        rate: p.rate(),
        custom_rate: p.custom_rate.is_some(),
        referral_code: p.referral_code.map(|c| c.to_string()),
        id: p.id,
        name: p.name,
        email: p.email,
        channel: p.channel,
        audience: p.audience,
        promotion: p.promotion,
        paypal_email: p.paypal_email,
        status: p.status,
        promo_code: p.promo_code,
        applied_at: p.applied_at,
    };
    Ok(StaffAffiliates {
        applications: partners::waiting(&mut conn)
            .await?
            .into_iter()
            .map(row)
            .collect(),
        partners: partners::partners(&mut conn)
            .await?
            .into_iter()
            .map(row)
            .collect(),
        runs: payouts::recent(&mut conn, RECENT_RUNS).await?,
    })
}

/// A partner's record for the audit log.
#[cfg(feature = "ssr")]
fn record(partner: &PartnerRecord) -> String {
    format!("partner {} <{}>", partner.name, partner.email)
}

#[cfg(feature = "ssr")]
async fn partner(conn: &mut AnyConnection, id: i64) -> Result<PartnerRecord, AppError> {
    partners::by_id(conn, id).await?.ok_or(AppError::NotFound)
}

/// Approves or declines (`decision`: "approve" or "decline", with a `reason` the applicant is
/// told) a waiting application; the applicant is e-mailed either way.
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn decide_application(
    partner_id: i64,
    decision: String,
    reason: String,
) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Admin).await?;
    let reason = reason.trim();
    let approve = match decision.as_str() {
        "approve" => true,
        "decline" if reason.is_empty() => {
            return correct_fields(
                vec![("reason", "Give the applicant a reason.".into())],
                &[("reason", reason)],
            )
        }
        "decline" => false,
        _ => return Err(AppError::InvalidInput("Approve or decline.".into())),
    };
    let state = server_state()?;
    let now = state.clock.unix();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let decided = if approve {
        partners::approve(&mut tx, partner_id, now).await?
    } else {
        partners::decline(&mut tx, partner_id, reason, now).await?
    };
    if !decided {
        return Err(AppError::InvalidInput(
            "This application was decided already: reload the page.".into(),
        ));
    }
    let applicant = partner(&mut tx, partner_id).await?;
    let (action, letter) = if approve {
        let code = applicant
            .referral_code
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let link = format!(
            "{}/?ref={code}",
            state.store.public_url.trim_end_matches('/')
        );
        let promo = applicant.promo_code.clone().unwrap_or_default();
        (
            Change::new("approve partner", record(&applicant))
                .after(format!("code {code}, promo code {promo}")),
            letters::approved(
                &applicant.email,
                &applicant.name,
                &link,
                &promo,
                &state.store,
            ),
        )
    } else {
        (
            Change::new("decline partner", record(&applicant)).after(reason),
            letters::declined(&applicant.email, &applicant.name, reason, &state.store),
        )
    };
    audit::record(&mut tx, &staff, action, now).await?;
    queue::enqueue(&mut tx, &letter, now).await?;
    tx.commit().await?;
    Ok(FormResult::Done)
}

/// Changes a partner: `change` is "rate" (with `rate` as a percentage, blank for the
/// program's), "suspend", "reinstate" or "new_code" (retires their personal promo code).
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn change_partner(
    partner_id: i64,
    change: String,
    rate: String,
) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Admin).await?;
    let state = server_state()?;
    let now = state.clock.unix();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let before = partner(&mut tx, partner_id).await?;
    let (changed, action, after) = match change.as_str() {
        "rate" => {
            let new_rate = if rate.trim().is_empty() {
                None
            } else {
                match Rate::parse_percent(&rate) {
                    Some(rate) => Some(rate),
                    None => {
                        return correct_fields(
                            vec![(
                                "rate",
                                "Enter a percentage from 0 to 50, such as 12.5, or leave it \
                                 blank for the program's."
                                    .into(),
                            )],
                            &[("rate", rate.as_str())],
                        )
                    }
                }
            };
            let changed = partners::set_rate(&mut tx, partner_id, new_rate).await?;
            let shown = new_rate.map_or_else(|| "the program's".to_owned(), |r| r.to_string());
            (changed, "change partner rate", format!("rate {shown}"))
        }
        "suspend" | "reinstate" => {
            let suspend = change == "suspend";
            let changed = partners::set_suspended(&mut tx, partner_id, suspend).await?;
            let (action, after) = if suspend {
                ("suspend partner", "suspended")
            } else {
                ("reinstate partner", "approved")
            };
            (changed, action, after.to_owned())
        }
        "new_code" => {
            let changed = partners::replace_promo_code(&mut tx, partner_id).await?;
            let fresh = partner(&mut tx, partner_id)
                .await?
                .promo_code
                .unwrap_or_default();
            (
                changed,
                "replace partner promo code",
                format!("promo code {fresh}"),
            )
        }
        _ => return Err(AppError::InvalidInput("Choose a change.".into())),
    };
    if !changed {
        return Err(AppError::InvalidInput(
            "This partner cannot be changed that way now: reload the page.".into(),
        ));
    }
    let was = format!(
        "rate {}, {}, promo code {}",
        before.rate(),
        before.status.slug(),
        before.promo_code.as_deref().unwrap_or("none")
    );
    audit::record(
        &mut tx,
        &staff,
        Change::new(action, record(&before))
            .before(was)
            .after(after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(FormResult::Done)
}

/// A payout run: `action` "prepare" (a new run of every balance due), or "paid" / "discard"
/// for run `run`. Marked paid, each partner in it is e-mailed.
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn payout_action(action: String, run: Option<i64>) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Admin).await?;
    let state = server_state()?;
    let now = state.clock.unix();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let change =
        match (action.as_str(), run) {
            ("prepare", _) => {
                match payouts::prepare(&mut tx, staff.id, now).await? {
                    Some(run) => {
                        let prepared = payouts::find(&mut tx, run)
                            .await?
                            .ok_or(AppError::NotFound)?;
                        Change::new("prepare payout run", format!("payout run {run}")).after(
                            format!("{} partners, {}", prepared.lines.len(), prepared.total()),
                        )
                    }
                    None => return Err(AppError::InvalidInput(
                        "Nobody is due a payout: no partner has an approved balance of USD 50 or \
                     more outside a run."
                            .into(),
                    )),
                }
            }
            ("paid", Some(run)) => {
                let lines = payouts::mark_paid(&mut tx, run, now).await?;
                if lines.is_empty() {
                    return Err(AppError::InvalidInput(
                        "This run was marked paid already: reload the page.".into(),
                    ));
                }
                let emails: HashMap<i64, String> = partners::partners(&mut tx)
                    .await?
                    .into_iter()
                    .map(|p| (p.id, p.email))
                    .collect();
                for line in &lines {
                    let to = emails.get(&line.partner_id).unwrap_or(&line.paypal_email);
                    let letter = letters::payout_sent(
                        to,
                        &line.partner_name,
                        line.amount,
                        &line.paypal_email,
                        &state.store,
                    );
                    queue::enqueue(&mut tx, &letter, now).await?;
                }
                Change::new("mark payout run paid", format!("payout run {run}"))
                    .after(format!("{} partners paid", lines.len()))
            }
            ("discard", Some(run)) => {
                if !payouts::discard(&mut tx, run).await? {
                    return Err(AppError::InvalidInput(
                        "A paid run cannot be discarded: reload the page.".into(),
                    ));
                }
                Change::new("discard payout run", format!("payout run {run}"))
            }
            _ => return Err(AppError::InvalidInput("Choose a payout action.".into())),
        };
    audit::record(&mut tx, &staff, change, now).await?;
    tx.commit().await?;
    Ok(FormResult::Done)
}
