//! What staff do to an order (server only): mark it as being prepared, ship it (with its
//! carrier and tracking number, e-mailing the shopper the tracking link), mark it delivered,
//! or cancel it (`cancellation`: its stock and promo-code use given back, refunded in full).
//! Each is one transaction through the status machine, recorded in the audit log (the
//! shipping e-mail queued with it); a state that forbids it is refused with why.

use super::repo;
use super::status::OrderAction;
use super::tracking::Tracking;
use crate::accounts::model::Customer;
use crate::audit::{self, Change};
use crate::shop::ServerState;
use repo::ActionError;

/// The timeline's note the shopper reads for each step, and how staff read it.
fn timeline_notes(action: OrderAction, tracking: Option<&Tracking>) -> (String, String) {
    match (action, tracking) {
        (OrderAction::MarkProcessing, _) => (
            "We're preparing your order for shipping.".into(),
            "Marked as being prepared.".into(),
        ),
        (OrderAction::Ship, Some(t)) => {
            let shipped = format!("Shipped with {}, tracking number {}.", t.carrier, t.number);
            (shipped.clone(), shipped)
        }
        (OrderAction::Ship, None) => ("Shipped.".into(), "Shipped.".into()),
        (OrderAction::MarkDelivered, _) => ("Delivered.".into(), "Marked as delivered.".into()),
        (OrderAction::Cancel, _) => {
            let (note, staff_note) = super::cancellation::BY_STAFF;
            (note.into(), staff_note.into())
        }
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
    if action == OrderAction::Cancel {
        use super::cancellation::{cancel, Cancelled, CancelledBy};
        return match cancel(state, CancelledBy::Staff(staff), number, now).await? {
            Cancelled::RefundFailed => {
                tracing::error!(number, "staff cancelled an order whose refund was refused");
                Ok(())
            }
            Cancelled::Refunded(_) | Cancelled::RefundPending(_) => Ok(()),
            // Staff are told, so that of two who clicked, one learns the other was first.
            Cancelled::Already => Err(ActionError::Refused(
                "This order is already cancelled.".into(),
            )),
        };
    }
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
    let (note, staff_note) = timeline_notes(action, tracking.as_ref());
    let step = repo::Step::new(&note)
        .for_staff(&staff_note)
        .by(Some(staff.id));
    let to = action.target();
    if !repo::change_status(&mut tx, order.id, order.status, to, step, now).await? {
        return Err(ActionError::Refused(
            "Someone changed this order a moment ago: reload it to see its state.".into(),
        ));
    }
    if let (OrderAction::Ship, Some(tracking)) = (action, &tracking) {
        repo::set_tracking(&mut tx, order.id, tracking).await?;
        if order.paid_by_paypal {
            super::tracking_reports::queue(&mut tx, &order.number, tracking, now).await?;
        }
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
            |detail, store, url| super::email::shipped(detail, tracking, store, url),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
