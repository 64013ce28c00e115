//! Refunding an order (server only), in full or per item, back to the payment that paid.
//!
//! 1. One transaction takes the order's row first (so refunds of one order queue behind each
//!    other on SQLite and PostgreSQL alike), plans the refund by the rules in `refunds`, adds
//!    its amount to the order's refunded total with an update that refuses to pass the total
//!    paid, and records the refund as pending with the staff action in the audit log.
//! 2. The gateway is asked, with the refund's own idempotency key.
//! 3. A second transaction records the answer: refunded (with the gateway's reference, on the
//!    order's timeline, and the order becomes Refunded once nothing is left), or refused (its
//!    amount released). No answer leaves it pending; `retry_pending` asks again with the same
//!    key, so the money goes back once.

use super::refunds::{RefundBasis, RefundPlan, RefundScope, RefundState, RefundableLine};
use super::repo;
use super::status::OrderStatus;
use crate::accounts::model::Customer;
use crate::audit::{self, Change};
use crate::money::Money;
use crate::payments::gateway::{GatewayError, RefundOutcome};
use crate::shop::ServerState;
use crate::tokens::random_hex;
use sqlx::{AnyConnection, AnyPool, Row};
use thiserror::Error;

/// A pending refund is asked again after this long without an answer.
pub const RETRY_AFTER_SECONDS: i64 = 60;

#[derive(Debug, Error)]
pub enum RefundError {
    #[error("no order has this number")]
    NotFound,
    /// The rules or the payment provider refused; the message says why.
    #[error("{0}")]
    Refused(String),
    /// The provider did not answer: the refund stays pending and is asked again.
    #[error("The payment provider did not answer. The refund of {0} is pending and will be retried automatically.")]
    Pending(Money),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// A refund waiting for the gateway.
#[derive(Clone, Debug)]
pub(crate) struct PendingRefund {
    id: i64,
    order_id: i64,
    number: String,
    key: String,
    amount: Money,
    /// The refund goes back through the provider that took the payment.
    by_paypal: bool,
}

impl PendingRefund {
    pub(crate) fn amount(&self) -> Money {
        self.amount
    }
}

/// Which order a refund is for, and how it was paid.
struct PaidOrder {
    id: i64,
    by_paypal: bool,
}

/// Refunds `scope` of order `number` for `staff`, with `reason` (shown on the order). Returns
/// the amount refunded.
pub async fn refund(
    state: &ServerState,
    staff: &Customer,
    number: &str,
    scope: &RefundScope,
    reason: &str,
    now: i64,
) -> Result<Money, RefundError> {
    let mut tx = crate::db::begin(&state.db.pool).await?;
    // Taking the row first makes a second refund of this order wait for the first to commit,
    // so it plans with what the first refunded.
    if !repo::lock(&mut tx, number).await? {
        return Err(RefundError::NotFound);
    }
    let pending = reserve(&mut tx, Some(staff), number, scope, reason, now).await?;
    tx.commit().await?;
    complete(state, &pending, now).await
}

/// Step 2 and 3 for a reserved refund: asks the gateway and records its answer.
pub(crate) async fn complete(
    state: &ServerState,
    pending: &PendingRefund,
    now: i64,
) -> Result<Money, RefundError> {
    let answer = match state.payments.that_took(pending.by_paypal) {
        Ok(provider) => {
            provider
                .refund(&pending.number, &pending.key, pending.amount)
                .await
        }
        Err(missing) => Err(missing),
    };
    settle(state, pending, answer, now).await
}

/// What the refund form offers for order `number`, if it can be refunded now.
pub async fn options(
    pool: &AnyPool,
    number: &str,
) -> Result<Option<super::refunds::RefundOptions>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let Some((_, basis)) = load_basis(&mut conn, number).await? else {
        return Ok(None);
    };
    Ok(basis
        .plan(&RefundScope::Full)
        .is_ok()
        .then(|| (&basis).into()))
}

/// The order and its money as the refund rules need it.
async fn load_basis(
    conn: &mut AnyConnection,
    number: &str,
) -> Result<Option<(PaidOrder, RefundBasis)>, sqlx::Error> {
    let Some(order) = sqlx::query(
        "SELECT id, status, subtotal_cents, discount_cents, shipping_cents, total_cents, \
                refunded_cents, payment_method FROM orders WHERE number = $1",
    )
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = order.try_get("id")?;
    let lines = sqlx::query(
        "SELECT l.unit_price_cents, l.quantity, \
                CAST(COALESCE((SELECT SUM(rl.quantity) FROM refund_lines rl \
                     JOIN refunds r ON r.id = rl.refund_id \
                     WHERE rl.order_line_id = l.id AND r.state <> 'failed'), 0) AS BIGINT) AS refunded \
         FROM order_lines l WHERE l.order_id = $1 ORDER BY l.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|l| {
        Ok(RefundableLine {
            unit_price: Money::from_cents(l.try_get("unit_price_cents")?),
            quantity: u32::try_from(l.try_get::<i64, _>("quantity")?).unwrap_or(0),
            refunded: u32::try_from(l.try_get::<i64, _>("refunded")?).unwrap_or(0),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let shipping_refunds: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM refunds WHERE order_id = $1 AND shipping = 1 AND state <> 'failed'",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    let status = OrderStatus::from_slug(&order.try_get::<String, _>("status")?)
        .ok_or_else(|| sqlx::Error::Decode("unexpected status in the orders table".into()))?;
    let paid = PaidOrder {
        id,
        by_paypal: order.try_get::<String, _>("payment_method")? == "paypal",
    };
    Ok(Some((
        paid,
        RefundBasis {
            status,
            lines,
            subtotal: Money::from_cents(order.try_get("subtotal_cents")?),
            discount: Money::from_cents(order.try_get("discount_cents")?),
            shipping: Money::from_cents(order.try_get("shipping_cents")?),
            total: Money::from_cents(order.try_get("total_cents")?),
            refunded: Money::from_cents(order.try_get("refunded_cents")?),
            shipping_refunded: shipping_refunds > 0,
        },
    )))
}

/// Step 1: plans the refund and reserves its amount on the order, on the caller's transaction,
/// which has taken the order's row (`repo::lock`). `staff` is who asked (audited); none for
/// the shopper's own cancellation.
pub(crate) async fn reserve(
    tx: &mut AnyConnection,
    staff: Option<&Customer>,
    number: &str,
    scope: &RefundScope,
    reason: &str,
    now: i64,
) -> Result<PendingRefund, RefundError> {
    let (paid, basis) = load_basis(&mut *tx, number)
        .await?
        .ok_or(RefundError::NotFound)?;
    let order_id = paid.id;
    let plan = basis
        .plan(scope)
        .map_err(|why| RefundError::Refused(why.to_string()))?;
    // The update itself refuses to pass the total paid: the guarantee does not rest on the
    // planning above alone.
    let reserved = sqlx::query(
        "UPDATE orders SET refunded_cents = refunded_cents + $1 \
         WHERE id = $2 AND refunded_cents + $1 <= total_cents",
    )
    .bind(plan.amount.cents())
    .bind(order_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if reserved == 0 {
        return Err(RefundError::Refused(format!(
            "Only {} of this order remains to refund.",
            basis.remaining()
        )));
    }
    let key = format!("{number}-re-{}", random_hex(8));
    let refund_id = insert_refund(&mut *tx, order_id, &key, &plan, reason, staff, now).await?;
    if let Some(staff) = staff {
        audit::record(
            &mut *tx,
            staff,
            Change::new("refund order", format!("order {number}"))
                .before(format!("{} refunded", basis.refunded))
                .after(format!(
                    "{} refunded ({} now: {reason})",
                    basis.refunded + plan.amount,
                    plan.amount
                )),
            now,
        )
        .await?;
    }
    Ok(PendingRefund {
        id: refund_id,
        order_id,
        number: number.to_owned(),
        key,
        amount: plan.amount,
        by_paypal: paid.by_paypal,
    })
}

async fn insert_refund(
    conn: &mut AnyConnection,
    order_id: i64,
    key: &str,
    plan: &RefundPlan,
    reason: &str,
    staff: Option<&Customer>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query(
        "INSERT INTO refunds (order_id, refund_key, amount_cents, shipping, reason, state, staff_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(order_id)
    .bind(key)
    .bind(plan.amount.cents())
    .bind(i64::from(plan.shipping))
    .bind(reason)
    .bind(RefundState::Pending.slug())
    .bind(staff.map(|s| s.id))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    let line_ids: Vec<i64> =
        sqlx::query("SELECT id FROM order_lines WHERE order_id = $1 ORDER BY id")
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| row.try_get("id"))
            .collect::<Result<_, _>>()?;
    for (line_id, quantity) in line_ids.iter().zip(&plan.quantities) {
        if *quantity > 0 {
            sqlx::query(
                "INSERT INTO refund_lines (refund_id, order_line_id, quantity) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(*line_id)
            .bind(i64::from(*quantity))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(id)
}

/// Step 3: records the gateway's answer to `pending`.
async fn settle(
    state: &ServerState,
    pending: &PendingRefund,
    answer: Result<RefundOutcome, GatewayError>,
    now: i64,
) -> Result<Money, RefundError> {
    let outcome = match answer {
        Ok(outcome) => outcome,
        Err(err) => {
            tracing::warn!(error = %err, number = %pending.number, "refund left pending");
            return Err(RefundError::Pending(pending.amount));
        }
    };
    let mut tx = crate::db::begin(&state.db.pool).await?;
    match outcome {
        RefundOutcome::Refunded { reference } => {
            let recorded = sqlx::query(
                "UPDATE refunds SET state = $1, gateway_reference = $2, settled_at = $3 \
                 WHERE id = $4 AND state = $5",
            )
            .bind(RefundState::Succeeded.slug())
            .bind(&reference)
            .bind(now)
            .bind(pending.id)
            .bind(RefundState::Pending.slug())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if recorded == 1 {
                close_if_fully_refunded(&mut tx, pending, &reference, now).await?;
                super::notify::queue_for_shopper(
                    &mut tx,
                    &state.store,
                    &pending.number,
                    now,
                    |detail, store, url| super::email::refunded(detail, pending.amount, store, url),
                )
                .await?;
            }
            tx.commit().await?;
            Ok(pending.amount)
        }
        RefundOutcome::Refused(why) => {
            let released = sqlx::query(
                "UPDATE refunds SET state = $1, failure = $2, settled_at = $3 \
                 WHERE id = $4 AND state = $5",
            )
            .bind(RefundState::Failed.slug())
            .bind(&why)
            .bind(now)
            .bind(pending.id)
            .bind(RefundState::Pending.slug())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if released == 1 {
                sqlx::query("UPDATE orders SET refunded_cents = refunded_cents - $1 WHERE id = $2")
                    .bind(pending.amount.cents())
                    .bind(pending.order_id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Err(RefundError::Refused(format!(
                "The payment provider refused the refund (code: {why}). Nothing was refunded."
            )))
        }
    }
}

/// Notes the refund on the order's timeline and takes back the partner's share of the
/// commission (if a partner is credited); an order with nothing left to refund becomes
/// Refunded.
async fn close_if_fully_refunded(
    conn: &mut AnyConnection,
    pending: &PendingRefund,
    reference: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    // Refunds of one order settled at once (PostgreSQL runs them side by side) are counted one
    // after the other: each reads the others that committed before it.
    repo::lock(conn, &pending.number).await?;
    let refunded: i64 = sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) AS n FROM refunds \
         WHERE order_id = $1 AND state = $2",
    )
    .bind(pending.order_id)
    .bind(RefundState::Succeeded.slug())
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    crate::affiliates::ledger::reverse(
        conn,
        &pending.number,
        crate::affiliates::ledger::Reversal::Refunded {
            refunded: Money::from_cents(refunded),
        },
        now,
    )
    .await?;
    let row = sqlx::query("SELECT status, total_cents, refunded_cents FROM orders WHERE id = $1")
        .bind(pending.order_id)
        .fetch_one(&mut *conn)
        .await?;
    let status = OrderStatus::from_slug(&row.try_get::<String, _>("status")?)
        .ok_or_else(|| sqlx::Error::Decode("unexpected status in the orders table".into()))?;
    let settled_in_full = row.try_get::<i64, _>("refunded_cents")?
        >= row.try_get::<i64, _>("total_cents")?
        && no_refund_pending(conn, pending.order_id).await?;
    let note = format!(
        "Refunded {} to the original payment method (reference {reference}). \
         It can take 5-14 working days to appear, depending on your bank or card issuer.",
        pending.amount
    );
    let asked = sqlx::query("SELECT reason, staff_id FROM refunds WHERE id = $1")
        .bind(pending.id)
        .fetch_one(&mut *conn)
        .await?;
    let staff_note = format!(
        "Refunded {} ({}), reference {reference}.",
        pending.amount,
        asked.try_get::<String, _>("reason")?
    );
    let step = repo::Step::new(&note)
        .for_staff(&staff_note)
        .by(asked.try_get("staff_id")?);
    if settled_in_full && status.next().contains(&OrderStatus::Refunded) {
        repo::change_status(
            conn,
            pending.order_id,
            status,
            OrderStatus::Refunded,
            step,
            now,
        )
        .await
        .map_err(|err| match err {
            repo::StatusChangeError::Database(err) => err,
            repo::StatusChangeError::NotAllowed(invalid) => {
                sqlx::Error::Protocol(invalid.to_string())
            }
        })?;
    } else {
        repo::add_event(conn, pending.order_id, status, step, now).await?;
    }
    Ok(())
}

async fn no_refund_pending(conn: &mut AnyConnection, order_id: i64) -> Result<bool, sqlx::Error> {
    let pending: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM refunds WHERE order_id = $1 AND state = $2")
            .bind(order_id)
            .bind(RefundState::Pending.slug())
            .fetch_one(conn)
            .await?
            .try_get("n")?;
    Ok(pending == 0)
}

/// Records a refund made outside the shop, in the payment provider's dashboard, for order
/// `number`: once per provider `reference`, on the order's timeline and in its refunded total
/// (never past what was paid), and the shopper is told. False if it was recorded already.
pub async fn record_external(
    state: &ServerState,
    number: &str,
    reference: &str,
    amount: Money,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin(&state.db.pool).await?;
    if !repo::lock(&mut tx, number).await? {
        return Ok(false);
    }
    let known: i64 = sqlx::query("SELECT COUNT(*) AS n FROM refunds WHERE gateway_reference = $1")
        .bind(reference)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
    if known > 0 {
        return Ok(false);
    }
    let order_id: i64 = sqlx::query("SELECT id FROM orders WHERE number = $1")
        .bind(number)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
    let key = format!("{number}-ext-{reference}");
    let id: i64 = sqlx::query(
        "INSERT INTO refunds (order_id, refund_key, amount_cents, shipping, reason, state,              gateway_reference, created_at, settled_at)          VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(order_id)
    .bind(&key)
    .bind(amount.cents())
    .bind("Refunded in the payment provider's dashboard")
    .bind(RefundState::Succeeded.slug())
    .bind(reference)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    sqlx::query(
        "UPDATE orders SET refunded_cents = CASE WHEN refunded_cents + $1 > total_cents              THEN total_cents ELSE refunded_cents + $1 END WHERE id = $2",
    )
    .bind(amount.cents())
    .bind(order_id)
    .execute(&mut *tx)
    .await?;
    let recorded = PendingRefund {
        id,
        order_id,
        number: number.to_owned(),
        key,
        amount,
        by_paypal: false,
    };
    close_if_fully_refunded(&mut tx, &recorded, reference, now).await?;
    super::notify::queue_for_shopper(&mut tx, &state.store, number, now, |detail, store, url| {
        super::email::refunded(detail, amount, store, url)
    })
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Asks the gateway again about refunds left pending (no answer) for longer than
/// `RETRY_AFTER_SECONDS`; returns how many got an answer.
pub async fn retry_pending(state: &ServerState, now: i64) -> Result<u32, sqlx::Error> {
    let waiting = sqlx::query(
        "SELECT r.id, r.order_id, o.number, r.refund_key, r.amount_cents, o.payment_method \
         FROM refunds r \
         JOIN orders o ON o.id = r.order_id WHERE r.state = $1 AND r.created_at < $2 ORDER BY r.id",
    )
    .bind(RefundState::Pending.slug())
    .bind(now - RETRY_AFTER_SECONDS)
    .fetch_all(&state.db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(PendingRefund {
            id: r.try_get("id")?,
            order_id: r.try_get("order_id")?,
            number: r.try_get("number")?,
            key: r.try_get("refund_key")?,
            amount: Money::from_cents(r.try_get("amount_cents")?),
            by_paypal: r.try_get::<String, _>("payment_method")? == "paypal",
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let mut answered = 0;
    for pending in waiting {
        match complete(state, &pending, now).await {
            Ok(_) | Err(RefundError::Refused(_)) => answered += 1,
            Err(RefundError::Database(err)) => return Err(err),
            Err(RefundError::Pending(_) | RefundError::NotFound) => {}
        }
    }
    Ok(answered)
}
