//! E-mail to an order's shopper about something that happened to it (server only), queued on
//! the transaction of the change it reports: the message exists exactly when the change does,
//! and the mail queue sends it.

use super::model::OrderDetail;
use super::repo;
use crate::mail::{queue, Email};
use crate::shop::StoreInfo;
use sqlx::AnyConnection;

/// Reads order `number` on `tx` and queues for its shopper the message `compose` writes
/// (subject, text, HTML) with a private link to the order (`links`), which it is given.
/// Nothing is queued for an order shoppers do not see.
pub async fn queue_for_shopper(
    tx: &mut AnyConnection,
    store: &StoreInfo,
    number: &str,
    now: i64,
    compose: impl FnOnce(&OrderDetail, &StoreInfo, &str) -> (String, String, String),
) -> Result<(), sqlx::Error> {
    let Some((detail, _)) = repo::detail(tx, number).await? else {
        return Ok(());
    };
    let order_url = super::links::issue(tx, &store.public_url, number, now).await?;
    let (subject, text, html) = compose(&detail, store, &order_url);
    let mail = Email {
        to: detail.email.clone(),
        subject,
        text,
        html,
    };
    queue::enqueue(tx, &mail, now).await
}
