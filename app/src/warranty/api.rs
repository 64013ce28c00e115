//! Warranty server functions for shoppers: find the order a claim is about, file the claim
//! (its photos were uploaded beforehand, see `http`), read it, list one's claims, and answer
//! a question from staff with more photos or details.

use super::{ClaimSummary, ClaimView, ClaimableItem};
use crate::error::AppError;
use crate::forms::FormResult;
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::claims::{self, ClaimRefusal, ClaimRequest, Claimant},
    super::review::{self, ReviewError},
    super::{parse_claim_number, repo, ClaimKind},
    crate::accounts::model::Email,
    crate::client::client_address,
    crate::conversations::{self, Thread},
    crate::forms::{needs_correcting, FieldErrors},
    crate::identity::session::{caller, require_customer},
    crate::orders::model::parse_order_number,
    crate::photos::uploads::DraftKey,
    crate::shop::{server_state, ServerState},
    crate::support::check_message,
    crate::throttle,
};

/// The items of a delivered order a claim may be about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderToClaim {
    pub order: String,
    pub items: Vec<ClaimableItem>,
}

/// Who asks: the signed-in shopper, or a guest by the e-mail address typed.
#[cfg(feature = "ssr")]
async fn claimant(email: &str) -> Result<Result<Claimant, &'static str>, AppError> {
    Ok(match caller().await? {
        Some(me) => Ok(Claimant::Customer {
            id: me.id,
            email: me.email,
        }),
        None => Email::parse(email).map(|email| Claimant::Guest {
            email: email.to_string(),
        }),
    })
}

/// The items of order `order` (the asker's own, delivered) that a claim may be about.
#[server(output = Postcard)]
pub async fn claimable_order(order: String, email: String) -> Result<OrderToClaim, AppError> {
    let number = parse_order_number(&order).ok_or_else(|| {
        AppError::InvalidInput(
            "Enter the order number from your confirmation, like CF-7KQ4XN2M.".into(),
        )
    })?;
    let who = claimant(&email)
        .await?
        .map_err(|why| AppError::InvalidInput(why.into()))?;
    let state = server_state()?;
    match claims::claimable_items(&state.db.pool, &who, &number).await? {
        Ok(items) => Ok(OrderToClaim {
            order: number,
            items,
        }),
        Err(refusal) => Err(AppError::InvalidInput(refusal.to_string())),
    }
}

/// Files a claim about item `line` of order `order`, with the photos uploaded under `draft`.
/// A refusal names the field it concerns and keeps everything typed and uploaded.
#[server(output = Postcard)]
#[allow(clippy::too_many_arguments)]
pub async fn file_claim(
    draft: String,
    order: String,
    email: String,
    line: String,
    kind: String,
    description: String,
    confirm: Option<String>,
) -> Result<FormResult, AppError> {
    let typed = [
        ("order", order.as_str()),
        ("email", email.as_str()),
        ("line", line.as_str()),
        ("kind", kind.as_str()),
        ("description", description.as_str()),
    ];
    let mut errors = FieldErrors::default();
    let number = parse_order_number(&order);
    if number.is_none() {
        errors.add("order", "Enter the order number from your confirmation.");
    }
    let line_id = line.parse::<i64>().ok();
    if line_id.is_none() {
        errors.add("line", "Choose the item the claim is about.");
    }
    let kind = ClaimKind::from_slug(&kind);
    if kind.is_none() {
        errors.add("kind", "Choose what the claim is about.");
    }
    let body = check_message(&description)
        .map_err(|why| errors.add("description", &why))
        .ok();
    if confirm.as_deref() != Some("yes") {
        errors.add(
            "confirm",
            "Confirm that the problem is none of the things the warranty does not cover.",
        );
    }
    let who = claimant(&email).await?;
    if let Err(why) = &who {
        errors.add("email", why);
    }
    let draft = DraftKey::parse(&draft);
    if draft.is_none() {
        errors.add("photos", "Reload the page and add your photos again.");
    }
    let (Some(number), Some(line_id), Some(kind), Some(body), Ok(who), Some(draft)) =
        (number, line_id, kind, body, who, draft)
    else {
        return needs_correcting(errors, &typed);
    };
    if !errors.is_empty() {
        return needs_correcting(errors, &typed);
    }
    let state = server_state()?;
    let too_many = throttle::store::take_or_explain(
        &state.db.pool,
        &throttle::CLAIMS_PER_CLIENT,
        &client_address().subject(),
        |minutes| format!("You have sent several claims just now. Try again in {minutes} minutes, or call us."),
    )
    .await?;
    if let Err(why) = too_many {
        return needs_correcting(FieldErrors::single("description", &why), &typed);
    }
    let request = ClaimRequest {
        claimant: who.clone(),
        order_number: &number,
        line_id,
        kind,
        description: &body,
        draft: &draft,
    };
    let filed =
        match claims::file(&state.db.pool, &state.store, &request, state.clock.unix()).await? {
            Ok(filed) => filed,
            Err(refusal) => {
                let field = match refusal {
                    ClaimRefusal::NoSuchOrder | ClaimRefusal::NotDelivered => "order",
                    ClaimRefusal::NoSuchItem => "line",
                    ClaimRefusal::QualityWindowClosed => "kind",
                    ClaimRefusal::Photos(_) => "photos",
                };
                return needs_correcting(FieldErrors::single(field, &refusal.to_string()), &typed);
            }
        };
    leptos_axum::redirect(&match who {
        Claimant::Customer { .. } => format!("/warranty/claims/{}?sent=1", filed.number),
        Claimant::Guest { .. } => {
            format!("/warranty/claims/{}?key={}&sent=1", filed.number, filed.key)
        }
    });
    Ok(FormResult::Done)
}

/// Claim `number` if the asker may read it (its account, or one of its private keys); anyone
/// else is told it does not exist.
#[cfg(feature = "ssr")]
async fn readable(
    state: &ServerState,
    number: &str,
    key: Option<&str>,
) -> Result<repo::Found, AppError> {
    let number = parse_claim_number(number).ok_or(AppError::NotFound)?;
    let found = repo::find(&mut *state.db.pool.acquire().await?, &number).await?;
    let ids = |found: &repo::Found| (found.id, found.customer_id);
    conversations::if_readable(&state.db.pool, Thread::Claim, found, ids, key).await
}

/// Claim `number` for its shopper. A guest reading it also gets their free replacement order
/// opened in this browser, as checking out would have: the claim's key proves the address.
#[server(output = Postcard)]
pub async fn get_claim(number: String, key: Option<String>) -> Result<ClaimView, AppError> {
    let state = server_state()?;
    let found = readable(&state, &number, key.as_deref()).await?;
    if let (None, Some(replacement)) = (found.customer_id, &found.view.replacement) {
        crate::orders::access::grant_to_this_browser(&state, replacement, state.clock.unix())
            .await?;
    }
    Ok(found.view)
}

/// The signed-in shopper's claims.
#[server(output = Postcard)]
pub async fn my_claims() -> Result<Vec<ClaimSummary>, AppError> {
    let me = require_customer().await?;
    Ok(repo::for_buyer(
        &server_state()?.db.pool,
        crate::accounts::model::BuyerRef::Account(me.id),
    )
    .await?)
}

/// The shopper answers staff's question with `message` and the photos uploaded under `draft`.
#[server(output = Postcard)]
pub async fn add_to_claim(
    number: String,
    key: Option<String>,
    draft: String,
    message: String,
) -> Result<FormResult, AppError> {
    let typed = [("message", message.as_str())];
    let body = match check_message(&message) {
        Ok(body) => body,
        Err(why) => return needs_correcting(FieldErrors::single("message", &why), &typed),
    };
    let Some(draft) = DraftKey::parse(&draft) else {
        return needs_correcting(
            FieldErrors::single("photos", "Reload the page and add your photos again."),
            &typed,
        );
    };
    let state = server_state()?;
    let found = readable(&state, &number, key.as_deref()).await?;
    match review::add_information(
        &state,
        &found.view.number,
        &body,
        &draft,
        state.clock.unix(),
    )
    .await
    {
        Ok(()) => Ok(FormResult::Done),
        Err(ReviewError::Database(error)) => Err(error.into()),
        Err(refusal) => {
            needs_correcting(FieldErrors::single("message", &refusal.to_string()), &typed)
        }
    }
}
