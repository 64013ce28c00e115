//! Filing a claim (server only), in one transaction: the order must be the asker's and
//! delivered, the item on it, a quality concern within its 30 days, and the draft's photos
//! (two to eight, already checked and stored) are taken by the claim. Any refusal leaves
//! nothing behind: the photos stay in the draft for the shopper to try again.

use super::ClaimKind;
use super::ClaimStatus;
use super::{email, repo, ClaimableItem};
use crate::conversations::{self, Thread};
use crate::mail::queue;
use crate::orders::model::{order_number_from, ORDER_NUMBER_PREFIX};
use crate::orders::status::OrderStatus;
use crate::orders::windows::{is_open, quality_concern_deadline, QUALITY_CONCERN_DAYS};
use crate::photos::rules::{check_count, PhotoRefusal};
use crate::photos::uploads::DraftKey;
use crate::shop::StoreInfo;
use crate::tokens::random_bytes;
use sqlx::{AnyConnection, AnyPool, Row};
use thiserror::Error;

/// How the conversation names the shopper's messages.
pub const CUSTOMER: &str = "Customer";

/// Who files the claim: a signed-in shopper (the order must be their account's, or a guest
/// order with their account's address), or a guest (the order must have been placed as a
/// guest with this e-mail address).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Claimant {
    Customer { id: i64, email: String },
    Guest { email: String },
}

impl Claimant {
    fn email(&self) -> &str {
        match self {
            Claimant::Customer { email, .. } | Claimant::Guest { email } => email,
        }
    }
}

/// A claim as the form sends it, after its fields were checked.
#[derive(Clone, Debug)]
pub struct ClaimRequest<'a> {
    pub claimant: Claimant,
    pub order_number: &'a str,
    pub line_id: i64,
    pub kind: ClaimKind,
    pub description: &'a str,
    pub draft: &'a DraftKey,
}

/// Why a claim was not filed, in words for the shopper.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ClaimRefusal {
    #[error("We could not find that order for you. Check the order number and the e-mail address you ordered with; if you ordered with an account, sign in first.")]
    NoSuchOrder,
    #[error("Choose the item from this order that the claim is about.")]
    NoSuchItem,
    #[error("This order has not been delivered yet. If it is late or lost, report it from the order's page.")]
    NotDelivered,
    #[error("Quality concerns about a new delivery are accepted within {QUALITY_CONCERN_DAYS} days of receiving it, and this order arrived longer ago. A defect in material or workmanship is still covered by the warranty: choose that instead.")]
    QualityWindowClosed,
    #[error(transparent)]
    Photos(#[from] PhotoRefusal),
}

/// A filed claim: its number, and the key of the private link its e-mail carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filed {
    pub id: i64,
    pub number: String,
    pub key: String,
}

/// Files `request`. The outer error is a failure of the shop; the inner one, a refusal.
pub async fn file(
    pool: &AnyPool,
    store: &StoreInfo,
    request: &ClaimRequest<'_>,
    now: i64,
) -> Result<Result<Filed, ClaimRefusal>, sqlx::Error> {
    let mut tx = crate::db::begin(pool).await?;
    let filed = match file_in(&mut tx, store, request, now).await? {
        Ok(filed) => filed,
        Err(refusal) => {
            tx.rollback().await?;
            return Ok(Err(refusal));
        }
    };
    tx.commit().await?;
    Ok(Ok(filed))
}

/// The asker's own order `number`: its id and when it was delivered (`None` if it has not
/// been).
pub struct OwnOrder {
    pub id: i64,
    pub delivered_at: Option<i64>,
}

/// Order `number` if it is `claimant`'s; anyone else is told it was not found.
pub async fn own_order(
    conn: &mut AnyConnection,
    claimant: &Claimant,
    number: &str,
) -> Result<Result<OwnOrder, ClaimRefusal>, sqlx::Error> {
    let order = sqlx::query("SELECT id, customer_id, email, status FROM orders WHERE number = $1")
        .bind(number)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(order) = order else {
        return Ok(Err(ClaimRefusal::NoSuchOrder));
    };
    let id: i64 = order.try_get("id")?;
    let owner: Option<i64> = order.try_get("customer_id")?;
    let order_email: String = order.try_get("email")?;
    // A guest order is also the shopper's whose account has its (confirmed) address.
    let mine = match claimant {
        Claimant::Customer { id, email } => {
            owner == Some(*id) || (owner.is_none() && order_email.eq_ignore_ascii_case(email))
        }
        Claimant::Guest { email } => owner.is_none() && order_email.eq_ignore_ascii_case(email),
    };
    if !mine {
        return Ok(Err(ClaimRefusal::NoSuchOrder));
    }
    let status: String = order.try_get("status")?;
    let delivered_at: Option<i64> = sqlx::query(
        "SELECT CAST(MAX(at) AS BIGINT) AS at FROM order_events WHERE order_id = $1 AND status = $2",
    )
    .bind(id)
    .bind(OrderStatus::Delivered.slug())
    .fetch_one(&mut *conn)
    .await?
    .try_get("at")?;
    Ok(Ok(OwnOrder {
        id,
        delivered_at: delivered_at.filter(|_| status == OrderStatus::Delivered.slug()),
    }))
}

/// The items of `claimant`'s delivered order `number` that a claim may be about.
pub async fn claimable_items(
    pool: &AnyPool,
    claimant: &Claimant,
    number: &str,
) -> Result<Result<Vec<ClaimableItem>, ClaimRefusal>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let order = match own_order(&mut conn, claimant, number).await? {
        Ok(order) if order.delivered_at.is_some() => order,
        Ok(_) => return Ok(Err(ClaimRefusal::NotDelivered)),
        Err(refusal) => return Ok(Err(refusal)),
    };
    let items = sqlx::query(
        "SELECT id, product_name, options FROM order_lines WHERE order_id = $1 ORDER BY id",
    )
    .bind(order.id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        Ok(ClaimableItem {
            line_id: row.try_get("id")?,
            item: repo::item(row)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(Ok(items))
}

async fn file_in(
    tx: &mut AnyConnection,
    store: &StoreInfo,
    request: &ClaimRequest<'_>,
    now: i64,
) -> Result<Result<Filed, ClaimRefusal>, sqlx::Error> {
    let order = match own_order(tx, &request.claimant, request.order_number).await? {
        Ok(order) => order,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let on_order = sqlx::query("SELECT 1 AS one FROM order_lines WHERE id = $1 AND order_id = $2")
        .bind(request.line_id)
        .bind(order.id)
        .fetch_optional(&mut *tx)
        .await?;
    if on_order.is_none() {
        return Ok(Err(ClaimRefusal::NoSuchItem));
    }
    let Some(delivered_at) = order.delivered_at else {
        return Ok(Err(ClaimRefusal::NotDelivered));
    };
    if request.kind == ClaimKind::Quality && !is_open(quality_concern_deadline(delivered_at), now) {
        return Ok(Err(ClaimRefusal::QualityWindowClosed));
    }
    let order_id = order.id;

    let number = format!(
        "W-{}",
        &order_number_from(&random_bytes(8))[ORDER_NUMBER_PREFIX.len()..]
    );
    let customer_id = match request.claimant {
        Claimant::Customer { id, .. } => Some(id),
        Claimant::Guest { .. } => None,
    };
    let id: i64 = sqlx::query(
        "INSERT INTO warranty_claims (number, order_id, line_id, customer_id, email, kind, \
         status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(&number)
    .bind(order_id)
    .bind(request.line_id)
    .bind(customer_id)
    .bind(request.claimant.email())
    .bind(request.kind.slug())
    .bind(ClaimStatus::Submitted.slug())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let photos = conversations::attach_photos(tx, Thread::Claim, id, request.draft).await?;
    if let Err(refusal) = check_count(photos) {
        return Ok(Err(refusal.into()));
    }
    conversations::add_message(
        tx,
        Thread::Claim,
        id,
        None,
        CUSTOMER,
        request.description,
        now,
    )
    .await?;
    let key = conversations::issue_key(tx, Thread::Claim, id, now).await?;
    let link = email::claim_link(store, &number, &key);
    let mail = email::received(request.claimant.email(), &number, &link, store);
    queue::enqueue(tx, &mail, now).await?;
    Ok(Ok(Filed { id, number, key }))
}
