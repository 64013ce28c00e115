//! The audit log: every staff action, with who did it, when, to which record, and the record
//! before and after. Written in the same transaction as the action it records, so neither
//! exists without the other. A shared service: features and staff pages write it, the admin
//! page reads it.

use serde::{Deserialize, Serialize};

/// One line of the audit log, as the admin page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub actor_email: String,
    pub action: String,
    pub record: String,
    pub before: String,
    pub after: String,
    /// Unix seconds.
    pub at: i64,
}

/// A filter over the audit log; empty fields match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the acting staff member's e-mail address.
    pub actor: String,
    /// Part of the action's name or of the record's.
    pub text: String,
}

/// A page of the audit log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub page: u32,
    pub more: bool,
}

pub const AUDIT_PAGE_SIZE: u32 = 50;

/// Who acted: a staff member's account id and e-mail address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor<'a> {
    pub id: i64,
    pub email: &'a str,
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::db::contains_pattern;
    use sqlx::{AnyConnection, AnyPool, Row};
    use std::fmt::Display;

    /// What an action changed, for the log.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Change {
        action: &'static str,
        record: String,
        before: String,
        after: String,
    }

    impl Change {
        pub fn new(action: &'static str, record: String) -> Change {
            Change {
                action,
                record,
                before: String::new(),
                after: String::new(),
            }
        }

        pub fn before(mut self, before: impl Display) -> Change {
            self.before = before.to_string();
            self
        }

        pub fn after(mut self, after: impl Display) -> Change {
            self.after = after.to_string();
            self
        }
    }

    /// Writes `change` by `actor` into the log, on the action's own connection or transaction.
    pub async fn record<'a>(
        conn: &mut AnyConnection,
        actor: impl Into<Actor<'a>>,
        change: Change,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let actor = actor.into();
        sqlx::query(
            "INSERT INTO audit_log (actor_id, actor_email, action, record, before, after, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(actor.id)
        .bind(actor.email)
        .bind(change.action)
        .bind(change.record)
        .bind(change.before)
        .bind(change.after)
        .bind(now)
        .execute(conn)
        .await?;
        Ok(())
    }

    /// One page of the log, newest first, filtered.
    pub async fn list(
        pool: &AnyPool,
        filter: &AuditFilter,
        page: u32,
    ) -> Result<AuditPage, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, actor_email, action, record, before, after, at FROM audit_log \
             WHERE LOWER(actor_email) LIKE $1 ESCAPE '\\' \
               AND (LOWER(action) LIKE $2 ESCAPE '\\' OR LOWER(record) LIKE $2 ESCAPE '\\') \
             ORDER BY at DESC, id DESC LIMIT $3 OFFSET $4",
        )
        .bind(contains_pattern(&filter.actor))
        .bind(contains_pattern(&filter.text))
        .bind(i64::from(AUDIT_PAGE_SIZE) + 1)
        .bind(i64::from(page) * i64::from(AUDIT_PAGE_SIZE))
        .fetch_all(pool)
        .await?;
        let more = rows.len() > AUDIT_PAGE_SIZE as usize;
        let entries = rows
            .iter()
            .take(AUDIT_PAGE_SIZE as usize)
            .map(|row| {
                Ok(AuditEntry {
                    id: row.try_get("id")?,
                    actor_email: row.try_get("actor_email")?,
                    action: row.try_get("action")?,
                    record: row.try_get("record")?,
                    before: row.try_get("before")?,
                    after: row.try_get("after")?,
                    at: row.try_get("at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(AuditPage {
            entries,
            page,
            more,
        })
    }
}
