//! Deciding a claim (server only), each decision one transaction that also writes the
//! conversation, queues the shopper's e-mail and the audit record: approve with a free
//! replacement, ask for more, or decline naming an exclusion. The shopper answers a question
//! with text and more photos. A claim already decided refuses every further decision, even
//! from two staff members at once.

use super::repo::{self, Found};
use super::{email, ClaimStatus, Exclusion};
use crate::accounts::model::Customer;
use crate::audit::{self, Change};
use crate::catalog::repo::replacement_choices;
use crate::conversations::{self, Thread};
use crate::mail::queue;
use crate::orders::replacement::{self, Placed, Replacement, Settles};
use crate::photos::rules::{PhotoRefusal, MAX_PHOTOS};
use crate::photos::uploads::DraftKey;
use crate::shop::ServerState;
use sqlx::AnyConnection;
use thiserror::Error;

/// What staff decide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Send variant `sku` (the claimed one, or another of the product) for free.
    Approve {
        sku: String,
    },
    AskForMore {
        message: String,
    },
    Decline {
        reason: Exclusion,
        message: String,
    },
}

#[derive(Debug, Error)]
pub enum ReviewError {
    #[error("No claim has this number.")]
    NotFound,
    #[error("This claim is already decided ({}).", .0.label())]
    Decided(ClaimStatus),
    #[error("That variant cannot replace this item: choose one of the same product.")]
    NotAVariant,
    #[error("That variant has just sold out. Choose another, or restock it first.")]
    OutOfStock,
    #[error("Photos and details can be added while the claim waits for a decision.")]
    Closed,
    #[error(transparent)]
    Photos(#[from] PhotoRefusal),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Claim `number`, locked for the rest of the transaction.
async fn locked(tx: &mut AnyConnection, number: &str) -> Result<Found, ReviewError> {
    sqlx::query("UPDATE warranty_claims SET updated_at = updated_at WHERE number = $1")
        .bind(number)
        .execute(&mut *tx)
        .await?;
    repo::find(tx, number).await?.ok_or(ReviewError::NotFound)
}

async fn set_status(
    tx: &mut AnyConnection,
    id: i64,
    status: ClaimStatus,
    reason: Option<Exclusion>,
    replacement: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE warranty_claims SET status = $1, decline_reason = $2, \
         replacement_order_id = (SELECT id FROM orders WHERE number = $3), updated_at = $4 \
         WHERE id = $5",
    )
    .bind(status.slug())
    .bind(reason.map(Exclusion::slug))
    .bind(replacement)
    .bind(now)
    .bind(id)
    .execute(tx)
    .await?;
    Ok(())
}

/// Applies `decision` to claim `number` as `staff`.
pub async fn decide(
    state: &ServerState,
    staff: &Customer,
    number: &str,
    decision: &Decision,
    now: i64,
) -> Result<ClaimStatus, ReviewError> {
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let claim = locked(&mut tx, number).await?;
    let before = claim.view.status;
    if !before.is_open() {
        return Err(ReviewError::Decided(before));
    }
    let (status, headline, message) = match decision {
        Decision::Approve { sku } => {
            let choices = replacement_choices(&mut tx, &claim.view.sku).await?;
            let variant = choices
                .iter()
                .find(|c| &c.sku == sku)
                .ok_or(ReviewError::NotAVariant)?;
            let product_name = &claim.product_name;
            let replacement = Replacement {
                original: &claim.view.order,
                settles: Settles::Warranty {
                    claim_number: number,
                    product_name,
                    variant,
                },
            };
            let placed = match replacement::place(&mut tx, &state.store, &replacement, now).await? {
                Placed::New(placed) | Placed::Already(placed) => placed,
                Placed::OutOfStock => return Err(ReviewError::OutOfStock),
            };
            set_status(
                &mut tx,
                claim.id,
                ClaimStatus::Approved,
                None,
                Some(&placed),
                now,
            )
            .await?;
            let message = format!(
                "Your claim is approved. We are sending you a new {product_name} ({}) free of charge as order {placed}; you will get its tracking by e-mail when it ships. There is nothing to send back.",
                variant.options
            );
            (ClaimStatus::Approved, "approved", message)
        }
        Decision::AskForMore { message } => {
            set_status(&mut tx, claim.id, ClaimStatus::NeedsInfo, None, None, now).await?;
            (
                ClaimStatus::NeedsInfo,
                "we need more from you",
                message.clone(),
            )
        }
        Decision::Decline { reason, message } => {
            set_status(
                &mut tx,
                claim.id,
                ClaimStatus::Declined,
                Some(*reason),
                None,
                now,
            )
            .await?;
            let message = format!(
                "We are sorry: the warranty does not cover {}. {message}",
                reason.label()
            );
            (ClaimStatus::Declined, "declined", message)
        }
    };
    conversations::add_message(
        &mut tx,
        Thread::Claim,
        claim.id,
        Some(staff.id),
        &staff.name,
        &message,
        now,
    )
    .await?;
    let key = conversations::issue_key(&mut tx, Thread::Claim, claim.id, now).await?;
    let link = email::claim_link(&state.store, number, &key);
    let mail = email::update(
        &claim.view.email,
        number,
        headline,
        &message,
        &link,
        &state.store,
    );
    queue::enqueue(&mut tx, &mail, now).await?;
    let action = match status {
        ClaimStatus::Approved => "approve claim",
        ClaimStatus::NeedsInfo => "ask about claim",
        _ => "decline claim",
    };
    let change = Change::new(action, format!("claim {number}"))
        .before(before.slug())
        .after(status.slug());
    audit::record(&mut tx, staff, change, now).await?;
    tx.commit().await?;
    Ok(status)
}

/// The shopper adds `message` and the photos of `draft` to claim `number`, which then waits
/// for staff again.
pub async fn add_information(
    state: &ServerState,
    number: &str,
    message: &str,
    draft: &DraftKey,
    now: i64,
) -> Result<(), ReviewError> {
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let claim = locked(&mut tx, number).await?;
    if !claim.view.status.is_open() {
        return Err(ReviewError::Closed);
    }
    let added = conversations::attach_photos(&mut tx, Thread::Claim, claim.id, draft).await?;
    if claim.view.photos.len() + added > 2 * MAX_PHOTOS {
        return Err(PhotoRefusal::TooMany.into());
    }
    conversations::add_message(
        &mut tx,
        Thread::Claim,
        claim.id,
        None,
        super::claims::CUSTOMER,
        message,
        now,
    )
    .await?;
    set_status(&mut tx, claim.id, ClaimStatus::Submitted, None, None, now).await?;
    tx.commit().await?;
    Ok(())
}
