//! E-mail to an order's shopper about something that happened to it (server only). The
//! change already stands: a mail that could not be sent is logged for staff to follow up,
//! never undone.

use super::model::OrderDetail;
use super::repo;
use crate::mail::Email;
use crate::shop::{ServerState, StoreInfo};

/// Reads order `number` and sends its shopper the message `compose` writes (subject, text,
/// HTML); `what` names the message in the log.
pub async fn tell_shopper(
    state: &ServerState,
    number: &str,
    what: &'static str,
    compose: impl FnOnce(&OrderDetail, &StoreInfo) -> (String, String, String),
) {
    let detail = match repo::detail(&state.db.pool, number).await {
        Ok(Some((detail, _))) => detail,
        Ok(None) => return,
        Err(err) => {
            tracing::error!(error = %err, number, what, "cannot read the order for its e-mail");
            return;
        }
    };
    let (subject, text, html) = compose(&detail, &state.store);
    let mail = Email {
        to: detail.email.clone(),
        subject,
        text,
        html,
    };
    if let Err(err) = state.mailer.send(&mail).await {
        tracing::error!(error = %err, number, what, "cannot send the e-mail");
    }
}
