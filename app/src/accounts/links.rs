//! One-time links (server only): the e-mailed links that let someone choose a password, for
//! a forgotten password or a staff invitation. Only a digest of each token is stored; a link
//! works once, and only until it expires.

use super::model::{Customer, Email, LinkInfo, LinkPurpose};
use super::repo;
use crate::audit::{self, Change};
use crate::identity::Role;
use sqlx::{AnyConnection, AnyPool, Row};

/// How long a password-reset link works.
pub const RESET_LIFETIME_SECS: i64 = 60 * 60;
/// How long a staff invitation works.
pub const INVITE_LIFETIME_SECS: i64 = 7 * 24 * 60 * 60;

fn purpose_columns(purpose: LinkPurpose) -> (&'static str, Option<&'static str>) {
    match purpose {
        LinkPurpose::ResetPassword => ("reset_password", None),
        LinkPurpose::StaffInvite(role) => ("staff_invite", Some(role.slug())),
    }
}

fn purpose_of(row: &sqlx::any::AnyRow) -> Result<LinkPurpose, sqlx::Error> {
    let purpose: String = row.try_get("purpose")?;
    let role: Option<String> = row.try_get("role")?;
    match (purpose.as_str(), role.as_deref().and_then(Role::from_slug)) {
        ("reset_password", _) => Ok(LinkPurpose::ResetPassword),
        ("staff_invite", Some(role)) => Ok(LinkPurpose::StaffInvite(role)),
        _ => Err(sqlx::Error::ColumnDecode {
            index: "purpose".into(),
            source: format!("unknown link purpose {purpose:?}").into(),
        }),
    }
}

/// Stores a new link for `email` on the caller's transaction and returns its token, which only
/// the e-mail carries.
pub async fn issue(
    conn: &mut AnyConnection,
    email: &Email,
    purpose: LinkPurpose,
    now: i64,
    lifetime_secs: i64,
) -> Result<String, sqlx::Error> {
    let (token, digest) = crate::tokens::new_token();
    let (purpose, role) = purpose_columns(purpose);
    sqlx::query(
        "INSERT INTO one_time_links (token_hash, purpose, email, role, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(digest)
    .bind(purpose)
    .bind(email.as_str())
    .bind(role)
    .bind(now)
    .bind(now + lifetime_secs)
    .execute(conn)
    .await?;
    Ok(token)
}

/// What the link with this token is for, if it still works.
pub async fn look_up(
    pool: &AnyPool,
    token: &str,
    now: i64,
) -> Result<Option<LinkInfo>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT l.purpose, l.role, l.email, c.id AS customer_id FROM one_time_links l \
         LEFT JOIN customers c ON c.email = l.email \
         WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2",
    )
    .bind(crate::tokens::token_digest(token))
    .bind(now)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        Ok(LinkInfo {
            email: row.try_get("email")?,
            purpose: purpose_of(&row)?,
            new_account: row.try_get::<Option<i64>, _>("customer_id")?.is_none(),
        })
    })
    .transpose()
}

/// How using a link ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redemption {
    /// The password is set (and the role granted); every earlier session of the account ended.
    Done(Customer),
    /// The link creates an account, which needs a name.
    NameNeeded,
    /// Expired, already used, or never issued.
    LinkInvalid,
}

/// Uses the link with this token, in one transaction: marks it used, sets the password (and,
/// for an invitation, the role; creating the account if the address has none) and ends the
/// account's sessions. A link used twice at once works once.
pub async fn redeem(
    pool: &AnyPool,
    token: &str,
    name: Option<&str>,
    password_hash: &str,
    now: i64,
) -> Result<Redemption, sqlx::Error> {
    let mut tx = crate::db::begin(pool).await?;
    let row = sqlx::query(
        "UPDATE one_time_links SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 \
         RETURNING purpose, role, email",
    )
    .bind(now)
    .bind(crate::tokens::token_digest(token))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(Redemption::LinkInvalid);
    };
    let purpose = purpose_of(&row)?;
    let email: String = row.try_get("email")?;
    let address = Email::parse(&email).map_err(|message| sqlx::Error::ColumnDecode {
        index: "email".into(),
        source: message.into(),
    })?;
    let existing = repo::account_by_email(&mut tx, &address).await?;
    let account = match (purpose, existing) {
        (_, Some(found)) => {
            let role = match purpose {
                // An invitation never lowers a role: an admin invited as support stays admin.
                LinkPurpose::StaffInvite(role) => found.role.max(role),
                LinkPurpose::ResetPassword => found.role,
            };
            repo::replace_password(&mut tx, found.id, password_hash).await?;
            repo::set_role(&mut tx, found.id, role).await?;
            if role != found.role {
                let account = Customer {
                    role,
                    ..found.clone()
                };
                audit::record(
                    &mut tx,
                    &account,
                    Change::new("accept invitation", format!("account {email}"))
                        .before(found.role)
                        .after(role),
                    now,
                )
                .await?;
            }
            Customer { role, ..found }
        }
        (LinkPurpose::ResetPassword, None) => return Ok(Redemption::LinkInvalid),
        (LinkPurpose::StaffInvite(role), None) => {
            let Some(name) = name else {
                return Ok(Redemption::NameNeeded);
            };
            let account =
                repo::create_staff_account(&mut tx, &email, name, password_hash, role, now).await?;
            audit::record(
                &mut tx,
                &account,
                Change::new("accept invitation", format!("account {email}"))
                    .before(Role::Shopper)
                    .after(role),
                now,
            )
            .await?;
            account
        }
    };
    tx.commit().await?;
    Ok(Redemption::Done(account))
}
