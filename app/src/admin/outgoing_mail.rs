//! The mail queue for staff (`/api/staff/`): every message the shop sent or is sending, and
//! sending again one that every retry failed to deliver.

use crate::error::AppError;
use crate::forms::FormResult;
use crate::mail::QueuedMail;
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    crate::audit::{self, Change},
    crate::identity::{session::require_role, Role},
    crate::mail::{queue, MailState},
    crate::shop::server_state,
};

/// Messages per page.
pub const MAIL_PAGE: u32 = 25;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub rows: Vec<QueuedMail>,
    /// 1-based.
    pub page: u32,
    pub pages: u32,
    pub count: u32,
    /// Messages waiting for staff, whatever the filter.
    pub failed: u32,
}

#[server(prefix = "/api/staff", output = Postcard)]
pub async fn mail_queue(state: String, page: u32) -> Result<OutgoingMail, AppError> {
    require_role(Role::Support).await?;
    let pool = &server_state()?.db.pool;
    let filter = MailState::from_slug(state.trim());
    let (rows, count) = queue::list(pool, filter, page, MAIL_PAGE).await?;
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    let pages = count.div_ceil(MAIL_PAGE).max(1);
    Ok(OutgoingMail {
        rows,
        page: page.clamp(1, pages),
        pages,
        count,
        failed: u32::try_from(queue::failed_count(pool).await?).unwrap_or(u32::MAX),
    })
}

/// Queues a message that was given up on again; the worker sends it within seconds.
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn send_mail_again(id: i64) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Support).await?;
    let state = server_state()?;
    let now = state.clock.unix();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    if !queue::send_again(&mut tx, id, now).await? {
        return Err(AppError::InvalidInput(
            "This message is not waiting to be sent again: reload the list to see where it stands."
                .into(),
        ));
    }
    let change = Change::new("send e-mail again", format!("e-mail {id}"))
        .before(MailState::Failed.slug())
        .after(MailState::Pending.slug());
    audit::record(&mut tx, &staff, change, now).await?;
    tx.commit().await?;
    Ok(FormResult::Done)
}
