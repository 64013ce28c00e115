//! Reading claims (server only): one claim with its photos and conversation, a shopper's
//! claims, the staff queue. Messages and private keys go through `conversations`.

use super::{ClaimKind, ClaimStatus, ClaimSummary, ClaimView, Exclusion};
use crate::accounts::model::BuyerRef;
use crate::conversations::{self, Thread};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

/// A claim and who owns it.
pub struct Found {
    pub id: i64,
    pub customer_id: Option<i64>,
    /// The claimed item's product, as ordered.
    pub product_name: String,
    pub view: ClaimView,
}

fn bad(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {what} in the claims table").into())
}

fn status(row: &AnyRow) -> Result<ClaimStatus, sqlx::Error> {
    ClaimStatus::from_slug(&row.try_get::<String, _>("status")?).ok_or_else(|| bad("status"))
}

const SUMMARY_COLUMNS: &str =
    "c.number, c.status, c.email, c.created_at, o.number AS order_number, \
     l.product_name, l.options, \
     (SELECT p.id FROM photos p WHERE p.claim_id = c.id ORDER BY p.seq LIMIT 1) AS first_photo";
const SUMMARY_JOINS: &str = "warranty_claims c JOIN orders o ON o.id = c.order_id \
     JOIN order_lines l ON l.id = c.line_id";

/// An order line as a claim names it: its product and options.
pub(super) fn item(row: &AnyRow) -> Result<String, sqlx::Error> {
    Ok(format!(
        "{} ({})",
        row.try_get::<String, _>("product_name")?,
        row.try_get::<String, _>("options")?
    ))
}

fn summary(row: &AnyRow) -> Result<ClaimSummary, sqlx::Error> {
    Ok(ClaimSummary {
        number: row.try_get("number")?,
        status: status(row)?,
        order: row.try_get("order_number")?,
        item: item(row)?,
        email: row.try_get("email")?,
        created_at: row.try_get("created_at")?,
        first_photo: row.try_get("first_photo")?,
    })
}

/// Claim `number` with its photos and messages.
pub async fn find(conn: &mut AnyConnection, number: &str) -> Result<Option<Found>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT c.id, c.customer_id, c.number, c.kind, c.status, c.email, c.created_at, \
         c.decline_reason, o.number AS order_number, l.product_name, l.options, l.sku, \
         r.number AS replacement \
         FROM warranty_claims c JOIN orders o ON o.id = c.order_id \
         JOIN order_lines l ON l.id = c.line_id \
         LEFT JOIN orders r ON r.id = c.replacement_order_id WHERE c.number = $1",
    )
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    let photos = conversations::photos(conn, Thread::Claim, id).await?;
    let messages = conversations::messages(conn, Thread::Claim, id).await?;
    let decline_reason = match row.try_get::<Option<String>, _>("decline_reason")? {
        Some(slug) => Some(Exclusion::from_slug(&slug).ok_or_else(|| bad("decline reason"))?),
        None => None,
    };
    Ok(Some(Found {
        id,
        customer_id: row.try_get("customer_id")?,
        product_name: row.try_get("product_name")?,
        view: ClaimView {
            number: row.try_get("number")?,
            kind: ClaimKind::from_slug(&row.try_get::<String, _>("kind")?)
                .ok_or_else(|| bad("kind"))?,
            status: status(&row)?,
            order: row.try_get("order_number")?,
            item: item(&row)?,
            sku: row.try_get("sku")?,
            email: row.try_get("email")?,
            created_at: row.try_get("created_at")?,
            decline_reason,
            replacement: row.try_get("replacement")?,
            photos,
            messages,
        },
    }))
}

/// A buyer's claims, newest first.
pub async fn for_buyer(
    pool: &AnyPool,
    buyer: BuyerRef<'_>,
) -> Result<Vec<ClaimSummary>, sqlx::Error> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_JOINS} WHERE {} \
         ORDER BY c.created_at DESC, c.id DESC LIMIT 100",
        buyer.condition("c")
    );
    buyer
        .bind(sqlx::query(&sql))
        .fetch_all(pool)
        .await?
        .iter()
        .map(summary)
        .collect()
}

/// The other claims made with `email`'s address (any case), newest first: staff weigh a
/// claim against the customer's history.
pub async fn others_by(
    pool: &AnyPool,
    email: &str,
    except: &str,
) -> Result<Vec<ClaimSummary>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_JOINS} \
         WHERE LOWER(c.email) = LOWER($1) AND c.number <> $2 \
         ORDER BY c.created_at DESC, c.id DESC LIMIT 50"
    ))
    .bind(email)
    .bind(except)
    .fetch_all(pool)
    .await?
    .iter()
    .map(summary)
    .collect()
}

/// Claims with `status` (all if `None`), oldest waiting first, `limit` from `offset`; and how
/// many there are.
pub async fn queue(
    pool: &AnyPool,
    status: Option<ClaimStatus>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ClaimSummary>, i64), sqlx::Error> {
    let slug = status.map(ClaimStatus::slug).unwrap_or("");
    let condition = "($1 = '' OR c.status = $1)";
    let rows = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_JOINS} WHERE {condition} \
         ORDER BY c.updated_at, c.id LIMIT $2 OFFSET $3"
    ))
    .bind(slug)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?
    .iter()
    .map(summary)
    .collect::<Result<_, _>>()?;
    let count: i64 = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM warranty_claims c WHERE {condition}"
    ))
    .bind(slug)
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    Ok((rows, count))
}

/// How many claims wait for staff.
pub async fn waiting(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM warranty_claims WHERE status = $1")
        .bind(ClaimStatus::Submitted.slug())
        .fetch_one(pool)
        .await?
        .try_get("n")
}
