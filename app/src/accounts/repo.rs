//! Account storage: customers, sessions, browsers known to an account, pending sign-ups.

use super::model::{Buyer, CustomerList, CustomerRow, CUSTOMERS_PAGE};
use super::model::{Customer, Email, SignUp};
use crate::identity::Role;
use sqlx::{AnyConnection, AnyPool, Row};

pub(crate) fn customer(row: &sqlx::any::AnyRow) -> Result<Customer, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(Customer {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        role: Role::from_slug(&role).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "role".into(),
            source: format!("unknown role {role:?}").into(),
        })?,
    })
}

/// Creates a customer, or `None` if the e-mail address already has an account.
pub async fn create_customer(
    pool: &AnyPool,
    sign_up: &SignUp,
    password_hash: &str,
    now: i64,
) -> Result<Option<Customer>, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO customers (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (email) DO NOTHING RETURNING id, name, email, role",
    )
    .bind(sign_up.email.as_str())
    .bind(&sign_up.name)
    .bind(password_hash)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    inserted.as_ref().map(customer).transpose()
}

/// Creates the account of someone who accepted a staff invitation, with its role, on the
/// caller's transaction.
pub async fn create_staff_account(
    conn: &mut sqlx::AnyConnection,
    email: &str,
    name: &str,
    password_hash: &str,
    role: Role,
    now: i64,
) -> Result<Customer, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO customers (email, name, password_hash, created_at, role) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id, name, email, role",
    )
    .bind(email)
    .bind(name)
    .bind(password_hash)
    .bind(now)
    .bind(role.slug())
    .fetch_one(conn)
    .await?;
    customer(&row)
}

/// The customer with this address and their password hash.
pub async fn find_by_email(
    pool: &AnyPool,
    email: &Email,
) -> Result<Option<(Customer, String)>, sqlx::Error> {
    let row =
        sqlx::query("SELECT id, name, email, role, password_hash FROM customers WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(pool)
            .await?;
    row.map(|r| Ok((customer(&r)?, r.try_get("password_hash")?)))
        .transpose()
}

pub async fn password_hash(
    pool: &AnyPool,
    customer_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query("SELECT password_hash FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_optional(pool)
        .await?;
    row.map(|r| r.try_get("password_hash")).transpose()
}

/// Replaces the password and ends every session but `keep_token_hash`, in one transaction.
pub async fn change_password(
    pool: &AnyPool,
    customer_id: i64,
    password_hash: &str,
    keep_token_hash: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = crate::db::begin(pool).await?;
    sqlx::query("UPDATE customers SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(customer_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE customer_id = $1 AND token_hash <> $2")
        .bind(customer_id)
        .bind(keep_token_hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn create_session(
    pool: &AnyPool,
    token_hash: &str,
    customer_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, customer_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(customer_id)
    .bind(now)
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// The customer signed in with this session, if it exists and has not expired.
pub async fn session_customer(
    pool: &AnyPool,
    token_hash: &str,
    now: i64,
) -> Result<Option<Customer>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT c.id, c.name, c.email, c.role FROM sessions s JOIN customers c ON c.id = s.customer_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(customer).transpose()
}

pub async fn delete_session(pool: &AnyPool, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// True if `token_hash` names a browser that has signed in to the account of `email`.
pub async fn is_known_browser(
    pool: &AnyPool,
    token_hash: &str,
    email: &Email,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT 1 AS ok FROM known_browsers k JOIN customers c ON c.id = k.customer_id \
         WHERE k.token_hash = $1 AND c.email = $2 AND k.expires_at > $3",
    )
    .bind(token_hash)
    .bind(email.as_str())
    .bind(now)
    .fetch_optional(pool)
    .await?
    .is_some())
}

pub async fn remember_browser(
    pool: &AnyPool,
    token_hash: &str,
    customer_id: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO known_browsers (token_hash, customer_id, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (token_hash, customer_id) DO UPDATE SET expires_at = excluded.expires_at",
    )
    .bind(token_hash)
    .bind(customer_id)
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

/// A sign-up waiting for the link sent to its address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingSignUp {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub return_to: String,
}

pub async fn save_pending_sign_up(
    conn: &mut AnyConnection,
    token_hash: &str,
    pending: &PendingSignUp,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO pending_sign_ups (token_hash, email, name, password_hash, return_to, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(&pending.email)
    .bind(&pending.name)
    .bind(&pending.password_hash)
    .bind(&pending.return_to)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Turns the pending sign-up behind `token_hash` into an account, in one transaction: a link
/// works once, and only before it expires.
pub async fn complete_sign_up(
    pool: &AnyPool,
    token_hash: &str,
    now: i64,
) -> Result<SignUpCompletion, sqlx::Error> {
    let mut tx = crate::db::begin(pool).await?;
    let row = sqlx::query(
        "DELETE FROM pending_sign_ups WHERE token_hash = $1 AND expires_at > $2 \
         RETURNING email, name, password_hash, return_to",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(SignUpCompletion::LinkInvalid);
    };
    let return_to: String = row.try_get("return_to")?;
    let inserted = sqlx::query(
        "INSERT INTO customers (email, name, password_hash, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (email) DO NOTHING RETURNING id, name, email, role",
    )
    .bind(row.try_get::<String, _>("email")?)
    .bind(row.try_get::<String, _>("name")?)
    .bind(row.try_get::<String, _>("password_hash")?)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    let completion = match inserted.as_ref().map(customer).transpose()? {
        Some(customer) => SignUpCompletion::Created {
            customer,
            return_to,
        },
        None => SignUpCompletion::Taken,
    };
    tx.commit().await?;
    Ok(completion)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignUpCompletion {
    Created {
        customer: Customer,
        return_to: String,
    },
    /// The address got an account meanwhile (another link of the same address was used).
    Taken,
    LinkInvalid,
}

/// Deletes expired sessions, browser memories, sign-up links and one-time links.
pub async fn purge_expired(pool: &AnyPool, now: i64) -> Result<u64, sqlx::Error> {
    let mut purged = 0;
    for table in [
        "sessions",
        "known_browsers",
        "pending_sign_ups",
        "one_time_links",
    ] {
        purged += sqlx::query(&format!("DELETE FROM {table} WHERE expires_at <= $1"))
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected();
    }
    Ok(purged)
}

/// The shop's staff: every account whose role is above shopper, by role then address.
pub async fn staff_members(pool: &AnyPool) -> Result<Vec<Customer>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, email, role FROM customers WHERE role <> 'shopper' \
         ORDER BY CASE role WHEN 'admin' THEN 0 ELSE 1 END, email",
    )
    .fetch_all(pool)
    .await?;
    rows.iter().map(customer).collect()
}

/// The account with this address, on the caller's connection or transaction.
pub async fn account_by_email(
    conn: &mut sqlx::AnyConnection,
    email: &Email,
) -> Result<Option<Customer>, sqlx::Error> {
    let row = sqlx::query("SELECT id, name, email, role FROM customers WHERE email = $1")
        .bind(email.as_str())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(customer).transpose()
}

/// Gives the account a role, on the caller's transaction.
pub async fn set_role(
    conn: &mut sqlx::AnyConnection,
    customer_id: i64,
    role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET role = $1 WHERE id = $2")
        .bind(role.slug())
        .bind(customer_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the password and ends every session of the account, on the caller's transaction.
pub async fn replace_password(
    conn: &mut sqlx::AnyConnection,
    customer_id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(customer_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE customer_id = $1")
        .bind(customer_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The query of staff `CustomerRow`s: every account, and every guest buyer (the placed orders
/// without an account, by e-mail address), with their placed orders and total less refunds.
fn customer_rows() -> String {
    let placed = crate::orders::repo::placed();
    format!(
        "SELECT * FROM (\
           SELECT c.id, c.name, c.email, c.role, c.created_at, \
             (SELECT CAST(COUNT(*) AS BIGINT) FROM orders o \
              WHERE o.customer_id = c.id AND o.{placed}) AS orders, \
             (SELECT CAST(COALESCE(SUM(o.total_cents - o.refunded_cents), 0) AS BIGINT) FROM orders o \
              WHERE o.customer_id = c.id AND o.{placed}) AS spent \
           FROM customers c \
           UNION ALL \
           SELECT CAST(NULL AS BIGINT) AS id, MAX(o.ship_name) AS name, LOWER(o.email) AS email, \
             'guest' AS role, MIN(o.placed_at) AS created_at, CAST(COUNT(*) AS BIGINT) AS orders, \
             CAST(SUM(o.total_cents - o.refunded_cents) AS BIGINT) AS spent \
           FROM orders o WHERE o.customer_id IS NULL AND o.{placed} GROUP BY LOWER(o.email)\
         ) everyone"
    )
}

fn customer_row_from(row: &sqlx::any::AnyRow) -> Result<CustomerRow, sqlx::Error> {
    let buyer = match row.try_get::<Option<i64>, _>("id")? {
        Some(_) => {
            let account = customer(row)?;
            Buyer::Account {
                id: account.id,
                role: account.role,
            }
        }
        None => Buyer::Guest,
    };
    Ok(CustomerRow {
        buyer,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        joined_at: row.try_get("created_at")?,
        orders: u32::try_from(row.try_get::<i64, _>("orders")?).unwrap_or(0),
        spent: crate::money::Money::from_cents(row.try_get("spent")?),
    })
}

/// One page of the customers (accounts and guest buyers) whose name or e-mail contains
/// `search`, newest first. `page` is 1-based and clamped.
pub async fn customer_list(
    pool: &AnyPool,
    search: &str,
    page: u32,
) -> Result<CustomerList, sqlx::Error> {
    let pattern = crate::db::contains_pattern(search);
    let filter = "WHERE LOWER(email) LIKE $1 ESCAPE '\\' OR LOWER(name) LIKE $1 ESCAPE '\\'";
    let count: i64 = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM ({}) c {filter}",
        customer_rows()
    ))
    .bind(&pattern)
    .fetch_one(pool)
    .await?
    .try_get("n")?;
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    let pages = count.div_ceil(CUSTOMERS_PAGE).max(1);
    let page = page.clamp(1, pages);
    let rows = sqlx::query(&format!(
        "{} {filter} ORDER BY created_at DESC, email LIMIT $2 OFFSET $3",
        customer_rows()
    ))
    .bind(&pattern)
    .bind(i64::from(CUSTOMERS_PAGE))
    .bind(i64::from((page - 1) * CUSTOMERS_PAGE))
    .fetch_all(pool)
    .await?
    .iter()
    .map(customer_row_from)
    .collect::<Result<Vec<_>, _>>()?;
    Ok(CustomerList {
        rows,
        page,
        pages,
        count,
    })
}

/// One account as the staff list shows it.
pub async fn customer_row(pool: &AnyPool, id: i64) -> Result<Option<CustomerRow>, sqlx::Error> {
    sqlx::query(&format!("{} WHERE id = $1", customer_rows()))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(customer_row_from)
        .transpose()
}

/// One guest buyer as the staff list shows them, by the e-mail address of their orders.
pub async fn guest_row(pool: &AnyPool, email: &str) -> Result<Option<CustomerRow>, sqlx::Error> {
    sqlx::query(&format!(
        "{} WHERE id IS NULL AND email = $1",
        customer_rows()
    ))
    .bind(email.trim().to_lowercase())
    .fetch_optional(pool)
    .await?
    .as_ref()
    .map(customer_row_from)
    .transpose()
}
