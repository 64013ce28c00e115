//! What staff do to an order (server only): mark it as being prepared, ship it (with its
//! carrier and tracking number, e-mailing the shopper the tracking link), mark it delivered,
//! or cancel it (its stock and promo-code use given back). Each is one transaction through the
//! status machine, recorded in the audit log (the shipping e-mail queued with it); a state
//! that forbids it is refused with why.

use super::repo;
use super::status::OrderAction;
use super::tracking::Tracking;
use crate::accounts::model::Customer;
use crate::audit::{self, Change};
use crate::shop::ServerState;
use repo::ActionError;

/// The timeline note the shopper reads for each action.
fn timeline_note(action: OrderAction, tracking: Option<&Tracking>) -> String {
    match (action, tracking) {
        (OrderAction::MarkProcessing, _) => "We're preparing your order for shipping.".into(),
        (OrderAction::Ship, Some(t)) => {
            format!("Shipped with {}, tracking number {}.", t.carrier, t.number)
        }
        (OrderAction::Ship, None) => "Shipped.".into(),
        (OrderAction::MarkDelivered, _) => "Delivered.".into(),
        (OrderAction::Cancel, _) => "Cancelled by the shop; the stock was put back.".into(),
    }
}

/// Applies `action` to order `number` for `staff`. `tracking` is required to ship.
pub async fn act(
    state: &ServerState,
    staff: &Customer,
    number: &str,
    action: OrderAction,
    tracking: Option<Tracking>,
    now: i64,
) -> Result<(), ActionError> {
    if action == OrderAction::Ship && tracking.is_none() {
        return Err(ActionError::Refused(
            "Enter the carrier and tracking number to ship.".into(),
        ));
    }
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let order = repo::find_by_number(&mut tx, number)
        .await?
        .ok_or(ActionError::NotFound)?;
    if let Some(why) = action.refusal(order.status) {
        return Err(ActionError::Refused(why));
    }
    let note = timeline_note(action, tracking.as_ref());
    let to = action.target();
    if !repo::change_status(&mut tx, order.id, order.status, to, &note, now).await? {
        return Err(ActionError::Refused(
            "Someone changed this order a moment ago: reload it to see its state.".into(),
        ));
    }
    match (action, &tracking) {
        (OrderAction::Ship, Some(tracking)) => {
            repo::set_tracking(&mut tx, order.id, tracking).await?;
            if order.paid_by_paypal {
                super::tracking_reports::queue(&mut tx, &order.number, tracking, now).await?;
            }
        }
        (OrderAction::Cancel, _) => {
            super::holds::release(
                &mut tx,
                order.id,
                &order.number,
                super::holds::Release::Cancelled,
                now,
            )
            .await?;
        }
        _ => {}
    }
    let change = Change::new(action.label_for_log(), format!("order {}", order.number))
        .before(order.status.slug())
        .after(match &tracking {
            Some(t) if action == OrderAction::Ship => {
                format!("{} ({} {})", to.slug(), t.carrier, t.number)
            }
            _ => to.slug().to_owned(),
        });
    audit::record(&mut tx, staff, change, now).await?;
    if let (OrderAction::Ship, Some(tracking)) = (action, &tracking) {
        super::notify::queue_for_shopper(
            &mut tx,
            &state.store,
            &order.number,
            now,
            |detail, store| super::email::shipped(detail, tracking, store),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
