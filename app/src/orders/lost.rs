//! A package lost in the post (server only). The shopper reports it (`support`); staff review
//! it with the carrier, then either refund the shipped order (`refunding`) or send its items
//! again for free: a replacement order, placed here in one transaction with the original's
//! timeline step and the audit record. One replacement per order, however often staff click.

use super::replacement::{self, Placed, Replacement, Settles};
use super::repo::{self, ActionError};
use super::status::OrderStatus;
use crate::accounts::model::Customer;
use crate::audit::{self, Change};
use crate::shop::ServerState;

/// Sends the items of shipped order `number` again, for free; the replacement's number.
pub async fn replace(
    state: &ServerState,
    staff: &Customer,
    number: &str,
    now: i64,
) -> Result<String, ActionError> {
    let mut tx = crate::db::begin(&state.db.pool).await?;
    // Taken first, so two clicks queue and the second finds the replacement.
    if !repo::lock(&mut tx, number).await? {
        return Err(ActionError::NotFound);
    }
    let order = repo::find_by_number(&mut tx, number)
        .await?
        .ok_or(ActionError::NotFound)?;
    if order.status != OrderStatus::Shipped {
        return Err(ActionError::Refused(format!(
            "This order is {}: only a shipped order can be replaced as lost.",
            order.status
        )));
    }
    let replacement = Replacement {
        original: number,
        settles: Settles::LostPackage,
    };
    let new = match replacement::place(&mut tx, &state.store, &replacement, now).await? {
        Placed::New(new) => new,
        Placed::Already(earlier) => {
            return Err(ActionError::Refused(format!(
                "A replacement was already sent for this order: {earlier}."
            )))
        }
        Placed::OutOfStock => {
            return Err(ActionError::Refused(
                "An item of this order is out of stock, so nothing was sent. Restock it, or refund the order instead."
                    .into(),
            ))
        }
    };
    let note = format!(
        "Reported lost in the post: we're sending your items again for free, as order {new}."
    );
    let staff_note = format!("Package lost: replacement sent as order {new}.");
    let step = repo::Step::new(&note)
        .for_staff(&staff_note)
        .by(Some(staff.id));
    repo::add_event(&mut tx, order.id, order.status, step, now).await?;
    audit::record(
        &mut tx,
        staff,
        Change::new("replace lost order", format!("order {number}")).after(format!("order {new}")),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}

/// The free replacement already sent for lost order `number`, if any.
pub async fn replaced_by(
    conn: &mut sqlx::AnyConnection,
    number: &str,
) -> Result<Option<String>, sqlx::Error> {
    Ok(repo::find_by_key(conn, &replacement::lost_key(number))
        .await?
        .map(|order| order.number))
}
