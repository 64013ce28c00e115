//! Account storage: customers, sessions and failed sign-ins.

use super::model::{Customer, Email, SignUp};
use sqlx::{AnyPool, Row};

fn customer(row: &sqlx::any::AnyRow) -> Result<Customer, sqlx::Error> {
    Ok(Customer {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
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
         ON CONFLICT (email) DO NOTHING RETURNING id, name, email",
    )
    .bind(sign_up.email.as_str())
    .bind(&sign_up.name)
    .bind(password_hash)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    inserted.as_ref().map(customer).transpose()
}

/// The customer with this address and their password hash.
pub async fn find_by_email(
    pool: &AnyPool,
    email: &Email,
) -> Result<Option<(Customer, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT id, name, email, password_hash FROM customers WHERE email = $1")
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
    let mut tx = pool.begin().await?;
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
        "SELECT c.id, c.name, c.email FROM sessions s JOIN customers c ON c.id = s.customer_id \
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

pub async fn record_failed_sign_in(
    pool: &AnyPool,
    email: &Email,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO failed_sign_ins (email, attempted_at) VALUES ($1, $2)")
        .bind(email.as_str())
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

/// Times of this address's failed sign-ins since `since`.
pub async fn failed_sign_ins_since(
    pool: &AnyPool,
    email: &Email,
    since: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT attempted_at FROM failed_sign_ins WHERE email = $1 AND attempted_at > $2",
    )
    .bind(email.as_str())
    .bind(since)
    .fetch_all(pool)
    .await?;
    rows.iter().map(|r| r.try_get("attempted_at")).collect()
}

pub async fn clear_failed_sign_ins(pool: &AnyPool, email: &Email) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM failed_sign_ins WHERE email = $1")
        .bind(email.as_str())
        .execute(pool)
        .await?;
    Ok(())
}
