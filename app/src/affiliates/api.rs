//! The program's server functions for applicants and partners: apply, and a partner's own
//! dashboard.

use super::Partnership;
use crate::error::AppError;
use crate::forms::FormResult;
use crate::wire::Postcard;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::rules::PartnerStatus,
    super::PERIODS,
    super::{
        clicks, ledger, letters, partners, payouts, ApplicationForm, DayStats, PartnerDashboard,
    },
    crate::client::client_address,
    crate::forms::{needs_correcting, FieldErrors},
    crate::identity::session::{caller, require_customer},
    crate::mail::queue,
    crate::shop::server_state,
    crate::throttle::{self, store as limits},
};

/// Where a visitor lands once their application is received.
pub const APPLIED_PATH: &str = "/affiliates?applied=1";

/// Sends an application to the program. A signed-in shopper applies as their account (the
/// form's address is theirs); a visitor applies with the address they give, and opens the
/// dashboard once approved with an account made for that address (the usual e-mailed link).
#[server(output = Postcard)]
pub async fn apply_to_program(
    name: String,
    email: String,
    channel: String,
    audience: String,
    promotion: String,
    paypal_email: String,
) -> Result<FormResult, AppError> {
    let account = caller().await?;
    let form = ApplicationForm {
        email: account.as_ref().map_or(email, |a| a.email.clone()),
        name,
        channel,
        audience,
        promotion,
        paypal_email,
    };
    let typed = [
        ("name", form.name.as_str()),
        ("email", form.email.as_str()),
        ("channel", form.channel.as_str()),
        ("audience", form.audience.as_str()),
        ("promotion", form.promotion.as_str()),
        ("paypal_email", form.paypal_email.as_str()),
    ];
    let application = match form.validate() {
        Ok(application) => application,
        Err(errors) => return needs_correcting(errors, &typed),
    };
    let state = server_state()?;
    let too_many = |minutes| {
        format!("Too many applications from your network. Try again in {minutes} minutes.")
    };
    if let Err(message) = limits::take_or_explain(
        &state.db.pool,
        &throttle::SIGN_UP_PER_CLIENT,
        &client_address().subject(),
        too_many,
    )
    .await?
    {
        return needs_correcting(FieldErrors::single("email", &message), &typed);
    }
    let now = state.clock.unix();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let applied =
        partners::apply(&mut tx, &application, account.as_ref().map(|a| a.id), now).await?;
    let refusal = match applied {
        partners::Applied::Received(_) => None,
        partners::Applied::AlreadyWaiting => Some(
            "We already have an application from this address: we answer by e-mail within \
             three business days.",
        ),
        partners::Applied::AlreadyPartner => Some(
            "This address already belongs to a partner: sign in with it to open your partner \
             dashboard.",
        ),
    };
    if let Some(refusal) = refusal {
        tx.rollback().await?;
        return needs_correcting(FieldErrors::single("email", refusal), &typed);
    }
    let letter = letters::received(application.email.as_str(), &application.name, &state.store);
    queue::enqueue(&mut tx, &letter, now).await?;
    tx.commit().await?;
    leptos_axum::redirect(APPLIED_PATH);
    Ok(FormResult::Done)
}

/// The signed-in account's standing with the program, and for a partner their dashboard over
/// the last `days` days (one of `PERIODS`).
#[server(output = Postcard)]
pub async fn my_partnership(days: u32) -> Result<Partnership, AppError> {
    let account = require_customer().await?;
    if !PERIODS.contains(&days) {
        return Err(AppError::InvalidInput(
            "Choose a period of 7, 30 or 90 days.".into(),
        ));
    }
    let state = server_state()?;
    let mut conn = state.db.pool.acquire().await?;
    let Some(partner) = partners::of_account(&mut conn, account.id, &account.email).await? else {
        return Ok(Partnership::NotApplied);
    };
    if partner.customer_id.is_none() {
        partners::link_account(&mut conn, account.id, &partner.email).await?;
    }
    let code = match (partner.status, &partner.referral_code) {
        (PartnerStatus::Applied, _) => return Ok(Partnership::Waiting),
        (PartnerStatus::Declined, _) => {
            return Ok(Partnership::Declined {
                reason: partner.decline_reason.clone().unwrap_or_default(),
            })
        }
        (PartnerStatus::Suspended, _) | (_, None) => return Ok(Partnership::Suspended),
        (PartnerStatus::Approved, Some(code)) => code.to_string(),
    };
    let today = state.clock.unix().div_euclid(86_400) * 86_400;
    let from = today - i64::from(days - 1) * 86_400;
    let mut stats: Vec<DayStats> = (0..i64::from(days))
        .map(|n| DayStats {
            day: from + n * 86_400,
            ..DayStats::default()
        })
        .collect();
    let slot = |day: i64| usize::try_from((day - from) / 86_400).ok();
    for (day, clicks) in clicks::per_day(&mut conn, partner.id, from).await? {
        if let Some(stat) = slot(day).and_then(|i| stats.get_mut(i)) {
            stat.clicks = clicks;
        }
    }
    for (day, orders, commission) in ledger::orders_per_day(&mut conn, partner.id, from).await? {
        if let Some(stat) = slot(day).and_then(|i| stats.get_mut(i)) {
            stat.orders = orders;
            stat.commission = commission;
        }
    }
    Ok(Partnership::Approved(Box::new(PartnerDashboard {
        name: partner.name.clone(),
        referral_code: code,
        promo_code: partner.promo_code.clone(),
        rate: partner.rate(),
        shop_url: state.store.public_url.clone(),
        days: stats,
        balances: ledger::balances(&mut conn, partner.id).await?,
        orders: ledger::referred_orders(&mut conn, partner.id, 100).await?,
        payouts: payouts::received(&mut conn, partner.id).await?,
    })))
}
