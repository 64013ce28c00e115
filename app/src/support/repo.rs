//! Tickets in the database (server only): the `tickets` table is read and written here and
//! nowhere else; a ticket's messages and private keys go through `conversations`.

use super::{DeliveryProblem, TicketStatus, TicketSummary, TicketTopic, TicketView};
use crate::accounts::model::BuyerRef;
use crate::conversations::{self, Thread};
use crate::db::contains_pattern;
use crate::orders::model::{order_number_from, ORDER_NUMBER_PREFIX};
use crate::tokens::random_bytes;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

/// Tickets per page of a list.
pub const TICKETS_PAGE: u32 = 25;

fn bad_value(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {what} in the tickets table").into())
}

/// A ticket to store: who wrote, about what, and the first message.
pub struct TicketDraft<'a> {
    pub customer_id: Option<i64>,
    pub name: &'a str,
    pub email: &'a str,
    pub topic: TicketTopic,
    /// The number of the writer's own order it is about.
    pub order: Option<&'a str>,
    /// An order number given that is not the writer's, kept for staff.
    pub order_given: Option<&'a str>,
    pub problem: Option<DeliveryProblem>,
    pub message: &'a str,
}

/// A stored ticket's number and id.
pub struct Created {
    pub id: i64,
    pub number: String,
}

/// Stores a new open ticket with its first message, on the caller's transaction.
pub async fn create(
    tx: &mut AnyConnection,
    draft: &TicketDraft<'_>,
    now: i64,
) -> Result<Created, sqlx::Error> {
    let number = format!(
        "T-{}",
        &order_number_from(&random_bytes(8))[ORDER_NUMBER_PREFIX.len()..]
    );
    let id: i64 = sqlx::query(
        "INSERT INTO tickets (number, customer_id, name, email, topic, status, order_id, \
         order_given, problem, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, (SELECT id FROM orders WHERE number = $7), $8, $9, \
         $10, $10) RETURNING id",
    )
    .bind(&number)
    .bind(draft.customer_id)
    .bind(draft.name)
    .bind(draft.email)
    .bind(draft.topic.slug())
    .bind(TicketStatus::Open.slug())
    .bind(draft.order)
    .bind(draft.order_given)
    .bind(draft.problem.map(DeliveryProblem::slug))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    conversations::add_message(tx, Thread::Ticket, id, None, draft.name, draft.message, now)
        .await?;
    Ok(Created { id, number })
}

/// Sets ticket `id`'s status; returns the one it had.
pub async fn set_status(
    tx: &mut AnyConnection,
    id: i64,
    status: TicketStatus,
    now: i64,
) -> Result<Option<TicketStatus>, sqlx::Error> {
    let before = sqlx::query("SELECT status FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| ticket_status(&row))
        .transpose()?;
    sqlx::query("UPDATE tickets SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status.slug())
        .bind(now)
        .bind(id)
        .execute(tx)
        .await?;
    Ok(before)
}

fn ticket_status(row: &AnyRow) -> Result<TicketStatus, sqlx::Error> {
    TicketStatus::from_slug(&row.try_get::<String, _>("status")?).ok_or_else(|| bad_value("status"))
}

fn ticket_topic(row: &AnyRow) -> Result<TicketTopic, sqlx::Error> {
    TicketTopic::from_slug(&row.try_get::<String, _>("topic")?).ok_or_else(|| bad_value("topic"))
}

const SUMMARY_COLUMNS: &str =
    "t.number, t.name, t.email, t.topic, t.status, t.updated_at, o.number AS order_number";

fn summary(row: &AnyRow) -> Result<TicketSummary, sqlx::Error> {
    Ok(TicketSummary {
        number: row.try_get("number")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        topic: ticket_topic(row)?,
        status: ticket_status(row)?,
        order: row.try_get("order_number")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// A stored ticket: its id, the account it belongs to (if any), and what its reader sees.
pub struct Found {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub view: TicketView,
}

/// Ticket `number` with its conversation, oldest message first.
pub async fn find(conn: &mut AnyConnection, number: &str) -> Result<Option<Found>, sqlx::Error> {
    let Some(row) = sqlx::query(&format!(
        "SELECT t.id, t.customer_id, t.order_given, t.problem, t.created_at, {SUMMARY_COLUMNS} \
         FROM tickets t LEFT JOIN orders o ON o.id = t.order_id WHERE t.number = $1"
    ))
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    let messages = conversations::messages(conn, Thread::Ticket, id).await?;
    let photos = conversations::photos(conn, Thread::Ticket, id).await?;
    let head = summary(&row)?;
    let problem = row
        .try_get::<Option<String>, _>("problem")?
        .map(|p| DeliveryProblem::from_slug(&p).ok_or_else(|| bad_value("problem")))
        .transpose()?;
    Ok(Some(Found {
        id,
        customer_id: row.try_get("customer_id")?,
        view: TicketView {
            number: head.number,
            name: head.name,
            email: head.email,
            topic: head.topic,
            status: head.status,
            order: head.order,
            order_given: row.try_get("order_given")?,
            problem,
            created_at: row.try_get("created_at")?,
            updated_at: head.updated_at,
            messages,
            photos,
        },
    }))
}

/// A buyer's tickets, most recently active first.
pub async fn for_buyer(
    pool: &AnyPool,
    buyer: BuyerRef<'_>,
) -> Result<Vec<TicketSummary>, sqlx::Error> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM tickets t LEFT JOIN orders o ON o.id = t.order_id \
         WHERE {} ORDER BY t.updated_at DESC, t.id DESC LIMIT 100",
        buyer.condition("t")
    );
    buyer
        .bind(sqlx::query(&sql))
        .fetch_all(pool)
        .await?
        .iter()
        .map(summary)
        .collect()
}

/// The staff queue: tickets in `status` (any when `None`) whose number, name, e-mail or order
/// number contains `search`, oldest activity first (the longest waiting on top), one page.
pub async fn staff_list(
    pool: &AnyPool,
    status: Option<TicketStatus>,
    search: &str,
    page: u32,
) -> Result<(Vec<TicketSummary>, i64), sqlx::Error> {
    let filter = "FROM tickets t LEFT JOIN orders o ON o.id = t.order_id \
         WHERE ($1 = '' OR t.status = $1) AND ($2 = '%%' OR LOWER(t.number) LIKE $2 ESCAPE '\\' \
         OR LOWER(t.name) LIKE $2 ESCAPE '\\' OR LOWER(t.email) LIKE $2 ESCAPE '\\' \
         OR LOWER(COALESCE(o.number, '')) LIKE $2 ESCAPE '\\')";
    let status = status.map_or("", TicketStatus::slug);
    let pattern = contains_pattern(search);
    let total: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n {filter}"))
        .bind(status)
        .bind(&pattern)
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    let offset = i64::from(page.max(1) - 1) * i64::from(TICKETS_PAGE);
    let rows = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS} {filter} ORDER BY t.updated_at, t.id LIMIT $3 OFFSET $4"
    ))
    .bind(status)
    .bind(&pattern)
    .bind(i64::from(TICKETS_PAGE))
    .bind(offset)
    .fetch_all(pool)
    .await?
    .iter()
    .map(summary)
    .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// The tickets about order `number`, for its staff page.
pub async fn for_order(pool: &AnyPool, number: &str) -> Result<Vec<TicketSummary>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM tickets t JOIN orders o ON o.id = t.order_id \
         WHERE o.number = $1 ORDER BY t.created_at"
    ))
    .bind(number)
    .fetch_all(pool)
    .await?
    .iter()
    .map(summary)
    .collect()
}

/// How many tickets wait for support.
pub async fn open_count(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM tickets WHERE status = $1")
        .bind(TicketStatus::Open.slug())
        .fetch_one(pool)
        .await?
        .try_get("n")
}
