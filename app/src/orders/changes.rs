//! Changing an order: within 12 hours of placing it, and while it is not being prepared, the
//! shopper swaps an item for another variant (phone model, case type or colour) of the same
//! product at the same price, if it is in stock. The shipping method never changes.

use super::status::OrderStatus;
use super::windows::{change_deadline, is_open, CHANGE_WINDOW_HOURS};
use serde::{Deserialize, Serialize};

/// An ordered item and what it may become.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeChoice {
    pub sku: String,
    pub product_name: String,
    pub options: String,
    pub quantity: u32,
    /// (SKU, what it is), in catalog order.
    pub alternatives: Vec<(String, String)>,
}

/// What the order page offers about changing an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeOffer {
    /// Changes are possible until `until` (unix seconds).
    Open {
        until: i64,
        choices: Vec<ChangeChoice>,
    },
    /// Why the order can no longer be changed.
    Closed(String),
}

/// Why an order that is `status`, placed at `placed_at`, cannot be changed at `now`, if so.
pub fn change_refusal(status: OrderStatus, placed_at: i64, now: i64) -> Option<String> {
    match status {
        OrderStatus::Paid if is_open(change_deadline(placed_at), now) => None,
        OrderStatus::Paid => Some(format!(
            "Orders can be changed within {CHANGE_WINDOW_HOURS} hours of placing them, and that time has passed for this one."
        )),
        OrderStatus::Processing | OrderStatus::Shipped | OrderStatus::Delivered => Some(
            "We have started preparing this order, so it can no longer be changed.".into(),
        ),
        _ => Some("This order is closed, so it cannot be changed.".into()),
    }
}

#[cfg(feature = "ssr")]
pub use service::{change_item, offer, ChangeError};

#[cfg(feature = "ssr")]
mod service {
    use super::{change_refusal, ChangeChoice, ChangeOffer};
    use crate::catalog::{repo as catalog, stock};
    use crate::orders::repo;
    use crate::shop::ServerState;
    use sqlx::Row;
    use thiserror::Error;

    #[derive(Debug, Error)]
    pub enum ChangeError {
        /// The order's state, its window, or the variant refuses the change; says why.
        #[error("{0}")]
        Refused(String),
        #[error(transparent)]
        Database(#[from] sqlx::Error),
    }

    struct Line {
        id: i64,
        sku: String,
        product_name: String,
        options: String,
        unit_price_cents: i64,
        quantity: i64,
    }

    async fn lines(
        conn: &mut sqlx::AnyConnection,
        order_id: i64,
    ) -> Result<Vec<Line>, sqlx::Error> {
        sqlx::query(
            "SELECT id, sku, product_name, options, unit_price_cents, quantity FROM order_lines \
             WHERE order_id = $1 ORDER BY id",
        )
        .bind(order_id)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Line {
                id: r.try_get("id")?,
                sku: r.try_get("sku")?,
                product_name: r.try_get("product_name")?,
                options: r.try_get("options")?,
                unit_price_cents: r.try_get("unit_price_cents")?,
                quantity: r.try_get("quantity")?,
            })
        })
        .collect()
    }

    async fn placed_at(conn: &mut sqlx::AnyConnection, order_id: i64) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT placed_at FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(conn)
            .await?
            .try_get("placed_at")
    }

    /// What order `number` may become now, for its page.
    pub async fn offer(
        state: &ServerState,
        number: &str,
        now: i64,
    ) -> Result<ChangeOffer, ChangeError> {
        let mut conn = state.db.pool.acquire().await?;
        let order = repo::find_by_number(&mut conn, number)
            .await?
            .ok_or_else(|| ChangeError::Refused("No order has this number.".into()))?;
        let placed = placed_at(&mut conn, order.id).await?;
        if let Some(why) = change_refusal(order.status, placed, now) {
            return Ok(ChangeOffer::Closed(why));
        }
        let mut choices = Vec::new();
        for line in lines(&mut conn, order.id).await? {
            let alternatives =
                catalog::alternatives(&mut conn, &line.sku, line.unit_price_cents, line.quantity)
                    .await?
                    .into_iter()
                    .map(|a| (a.sku, a.options))
                    .collect();
            choices.push(ChangeChoice {
                sku: line.sku,
                product_name: line.product_name,
                options: line.options,
                quantity: u32::try_from(line.quantity).unwrap_or(0),
                alternatives,
            });
        }
        Ok(ChangeOffer::Open {
            until: super::change_deadline(placed),
            choices,
        })
    }

    /// Swaps the item `from` of order `number` for variant `to`, in one transaction: the order
    /// is taken first (so a change and staff starting to prepare it queue behind each other),
    /// the state and window are checked, the stock moves, and the timeline says what changed.
    pub async fn change_item(
        state: &ServerState,
        number: &str,
        from: &str,
        to: &str,
        now: i64,
    ) -> Result<(), ChangeError> {
        let refused = |why: &str| ChangeError::Refused(why.to_owned());
        let mut tx = crate::db::begin(&state.db.pool).await?;
        if !repo::lock(&mut tx, number).await? {
            return Err(refused("No order has this number."));
        }
        let order = repo::find_by_number(&mut tx, number)
            .await?
            .ok_or_else(|| refused("No order has this number."))?;
        let placed = placed_at(&mut tx, order.id).await?;
        if let Some(why) = change_refusal(order.status, placed, now) {
            return Err(ChangeError::Refused(why));
        }
        let lines = lines(&mut tx, order.id).await?;
        let line = lines
            .iter()
            .find(|l| l.sku == from)
            .ok_or_else(|| refused("This item is not in the order any more: reload the page."))?;
        if from == to {
            return Err(refused(
                "This is the item as it is now: choose another variant to change to.",
            ));
        }
        if lines.iter().any(|l| l.sku == to) {
            return Err(refused(
                "The order already has this variant. Choose another, or send us a message.",
            ));
        }
        let alternatives =
            catalog::alternatives(&mut tx, from, line.unit_price_cents, line.quantity).await?;
        let Some(target) = alternatives.into_iter().find(|a| a.sku == to) else {
            return Err(refused(
                "That variant is not available for this item: it must be the same product, at the same price, and in stock.",
            ));
        };
        let quantity = u32::try_from(line.quantity).unwrap_or(0);
        if !stock::swap(&mut tx, from, to, quantity, number, now).await? {
            return Err(refused("That variant has just sold out. Choose another."));
        }
        sqlx::query("UPDATE order_lines SET sku = $1, options = $2, image_path = $3 WHERE id = $4")
            .bind(&target.sku)
            .bind(&target.options)
            .bind(&target.image)
            .bind(line.id)
            .execute(&mut *tx)
            .await?;
        let note = format!(
            "Item changed: {} from {} to {}.",
            line.product_name, line.options, target.options
        );
        let staff_note = format!(
            "Item changed by the shopper: {} from {} to {}.",
            line.product_name, line.options, target.options
        );
        let step = repo::Step::new(&note).for_staff(&staff_note);
        repo::add_event(&mut tx, order.id, order.status, step, now).await?;
        let change = crate::orders::email::ItemChange {
            product: &line.product_name,
            before: &line.options,
            after: &target.options,
        };
        crate::orders::notify::queue_for_shopper(
            &mut tx,
            &state.store,
            number,
            now,
            |detail, store, url| crate::orders::email::item_changed(detail, &change, store, url),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLACED: i64 = 1_795_780_800;
    const HOUR: i64 = 3600;

    #[test]
    fn a_paid_order_may_change_until_twelve_hours_have_passed() {
        assert_eq!(change_refusal(OrderStatus::Paid, PLACED, PLACED), None);
        assert_eq!(
            change_refusal(OrderStatus::Paid, PLACED, PLACED + 12 * HOUR),
            None
        );
        let late = change_refusal(OrderStatus::Paid, PLACED, PLACED + 12 * HOUR + 1).unwrap();
        assert!(late.contains("12 hours"));
    }

    #[test]
    fn once_preparing_starts_nothing_changes_whatever_the_time() {
        for status in [
            OrderStatus::Processing,
            OrderStatus::Shipped,
            OrderStatus::Delivered,
        ] {
            let why = change_refusal(status, PLACED, PLACED + 60).unwrap();
            assert!(why.contains("preparing"), "{status:?}");
        }
        for status in [OrderStatus::Cancelled, OrderStatus::Refunded] {
            assert!(change_refusal(status, PLACED, PLACED + 60).is_some());
        }
    }
}
