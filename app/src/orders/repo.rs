//! Order storage (server only): reserving an order while it is paid, marking it paid or giving
//! it back, its status and timeline, reading it for its owner and staff, and the history.
//! Guest access is in `grants`, the staff list and export in `staff_list`.

use super::model::{
    OrderDetail, OrderEvent, OrderHistoryPage, OrderLine, OrderSummary, OrderTotals,
    HISTORY_PAGE_SIZE,
};
use super::model::{OrderNote, StaffStep};
use super::refunds::{RefundEntry, RefundState};
use super::status::OrderStatus;
use super::tracking::{Carrier, Tracking};
use crate::accounts::model::BuyerRef;
use crate::accounts::model::Customer;
use crate::checkout::address::ShippingAddress;
use crate::checkout::model::PaymentSummary;
use crate::money::Money;
use crate::payments::card::CardBrand;
use crate::pricing::delivery::DeliveryEstimate;
use crate::pricing::shipping::{Country, ShippingMethod};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};
use time::Date;

/// An order as first written, before its payment is taken.
#[derive(Clone, Debug)]
pub struct NewOrder<'a> {
    pub number: &'a str,
    pub idempotency_key: &'a str,
    pub customer_id: Option<i64>,
    pub email: &'a str,
    pub address: &'a ShippingAddress,
    pub method: ShippingMethod,
    pub payment: &'a PaymentSummary,
    pub placed_at: i64,
}

/// What the checkout needs to know about an order it finds again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderState {
    pub id: i64,
    pub number: String,
    pub status: OrderStatus,
    pub total: Money,
    pub paid_by_paypal: bool,
    pub customer_id: Option<i64>,
    pub email: String,
}

pub(super) fn bad_value(what: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {what} in the orders table").into())
}

pub(super) fn status(row: &AnyRow) -> Result<OrderStatus, sqlx::Error> {
    OrderStatus::from_slug(&row.try_get::<String, _>("status")?).ok_or_else(|| bad_value("status"))
}

fn date(text: &str) -> Result<Date, sqlx::Error> {
    let mut parts = text.splitn(3, '-').map(str::parse::<i32>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad_value("date"));
    };
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(|| bad_value("date"))?;
    let day = u8::try_from(day).map_err(|_| bad_value("date"))?;
    Date::from_calendar_date(year, month, day).map_err(|_| bad_value("date"))
}

fn date_text(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Writes the order row (no lines, zero totals yet) as the first statement of the checkout
/// transaction. Fails with a unique violation if the idempotency key was used before.
pub async fn insert_order(
    conn: &mut AnyConnection,
    order: &NewOrder<'_>,
) -> Result<i64, sqlx::Error> {
    let a = order.address;
    let (method, brand, last4) = match order.payment {
        PaymentSummary::Card { brand, last4 } => {
            ("card", Some(brand_slug(*brand)), Some(last4.as_str()))
        }
        PaymentSummary::PayPal => ("paypal", None, None),
        PaymentSummary::NothingToPay => ("none", None, None),
    };
    sqlx::query(
        "INSERT INTO orders (number, idempotency_key, customer_id, email, status, ship_name, \
             ship_line1, ship_line2, ship_city, ship_region, ship_postcode, ship_country, ship_phone, \
             shipping_method, subtotal_cents, discount_cents, shipping_cents, total_cents, \
             payment_method, card_brand, card_last4, dispatch_by, delivery_from, delivery_to, placed_at) \
         VALUES ($1, $2, $3, $4, $18, $5, $6, $7, $8, $9, $10, $11, $12, $13, \
                 0, 0, 0, 0, $14, $15, $16, '', '', '', $17) RETURNING id",
    )
    .bind(order.number)
    .bind(order.idempotency_key)
    .bind(order.customer_id)
    .bind(order.email)
    .bind(&a.name)
    .bind(&a.line1)
    .bind(&a.line2)
    .bind(&a.city)
    .bind(&a.region)
    .bind(&a.postcode)
    .bind(a.country.code())
    .bind(&a.phone)
    .bind(order.method.slug())
    .bind(method)
    .bind(brand)
    .bind(last4)
    .bind(order.placed_at)
    .bind(OrderStatus::AwaitingPayment.slug())
    .fetch_one(conn)
    .await?
    .try_get("id")
}

fn brand_slug(brand: CardBrand) -> &'static str {
    match brand {
        CardBrand::Visa => "visa",
        CardBrand::Mastercard => "mastercard",
        CardBrand::AmericanExpress => "amex",
    }
}

pub(super) fn brand_from_slug(slug: &str) -> Option<CardBrand> {
    [
        CardBrand::Visa,
        CardBrand::Mastercard,
        CardBrand::AmericanExpress,
    ]
    .into_iter()
    .find(|b| brand_slug(*b) == slug)
}

pub async fn insert_line(
    conn: &mut AnyConnection,
    order_id: i64,
    line: &OrderLine,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_lines (order_id, sku, product_name, options, image_path, unit_price_cents, quantity) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order_id)
    .bind(&line.sku)
    .bind(&line.product_name)
    .bind(&line.options)
    .bind(&line.image)
    .bind(line.unit_price.cents())
    .bind(i64::from(line.quantity))
    .execute(conn)
    .await?;
    Ok(())
}

/// Fills in the totals, the code and the delivery estimate once the lines are written.
pub async fn set_totals(
    conn: &mut AnyConnection,
    order_id: i64,
    totals: &OrderTotals,
    dispatch_by: Date,
    estimate: DeliveryEstimate,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE orders SET subtotal_cents = $1, discount_cents = $2, shipping_cents = $3, \
             total_cents = $4, coupon_code = $5, dispatch_by = $6, delivery_from = $7, delivery_to = $8 \
         WHERE id = $9",
    )
    .bind(totals.subtotal.cents())
    .bind(totals.discount.cents())
    .bind(totals.shipping.cents())
    .bind(totals.total.cents())
    .bind(totals.coupon.as_deref())
    .bind(date_text(dispatch_by))
    .bind(date_text(estimate.earliest))
    .bind(date_text(estimate.latest))
    .bind(order_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The orders a shopper placed (see `OrderStatus::is_placed`), as an SQL condition.
pub(crate) fn placed() -> String {
    let unplaced: Vec<String> = OrderStatus::ALL
        .into_iter()
        .filter(|s| !s.is_placed())
        .map(|s| format!("'{}'", s.slug()))
        .collect();
    format!("status NOT IN ({})", unplaced.join(", "))
}

const STATE_COLUMNS: &str = "id, number, status, total_cents, payment_method, customer_id, email";

fn order_state(row: &AnyRow) -> Result<OrderState, sqlx::Error> {
    Ok(OrderState {
        id: row.try_get("id")?,
        number: row.try_get("number")?,
        status: status(row)?,
        total: Money::from_cents(row.try_get("total_cents")?),
        paid_by_paypal: row.try_get::<String, _>("payment_method")? == "paypal",
        customer_id: row.try_get("customer_id")?,
        email: row.try_get("email")?,
    })
}

pub async fn find_by_key(
    conn: &mut AnyConnection,
    key: &str,
) -> Result<Option<OrderState>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {STATE_COLUMNS} FROM orders WHERE idempotency_key = $1"
    ))
    .bind(key)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(order_state)
    .transpose()
}

pub async fn find_by_number(
    conn: &mut AnyConnection,
    number: &str,
) -> Result<Option<OrderState>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {STATE_COLUMNS} FROM orders WHERE number = $1"
    ))
    .bind(number)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(order_state)
    .transpose()
}

/// Orders still awaiting payment that were started before `before`: checkouts interrupted by a
/// stop or abandoned at PayPal.
pub async fn stale_awaiting_payment(
    pool: &AnyPool,
    before: i64,
) -> Result<Vec<OrderState>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {STATE_COLUMNS} FROM orders WHERE status = $2 AND placed_at < $1 ORDER BY id"
    ))
    .bind(before)
    .bind(OrderStatus::AwaitingPayment.slug())
    .fetch_all(pool)
    .await?
    .iter()
    .map(order_state)
    .collect()
}

pub async fn add_event(
    conn: &mut AnyConnection,
    order_id: i64,
    status: OrderStatus,
    step: Step<'_>,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_events (order_id, status, note, staff_note, actor_id, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(order_id)
    .bind(status.slug())
    .bind(step.note)
    .bind(step.staff_note)
    .bind(step.actor_id)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A step on an order's timeline: the note the shopper reads, how staff word it when that
/// differs, and the staff member who took it, if one did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step<'a> {
    pub note: &'a str,
    pub staff_note: Option<&'a str>,
    pub actor_id: Option<i64>,
}

impl<'a> Step<'a> {
    /// A step worded the same for the shopper and staff, taken by the shop or the shopper.
    pub fn new(note: &'a str) -> Step<'a> {
        Step {
            note,
            staff_note: None,
            actor_id: None,
        }
    }

    pub fn for_staff(self, staff_note: &'a str) -> Step<'a> {
        Step {
            staff_note: Some(staff_note),
            ..self
        }
    }

    pub fn by(self, actor_id: Option<i64>) -> Step<'a> {
        Step { actor_id, ..self }
    }
}

/// Moves order `order_id` from `from` to `to`, with `note` on its timeline, on the caller's
/// transaction: the one place an order's status changes. The status machine must allow the
/// change (`OrderStatus::transition`). False, with nothing changed, if the order was not
/// `from` any more: the conditional update is the row lock, so of two requests racing to
/// change an order, one does and the other is told.
pub async fn change_status(
    conn: &mut AnyConnection,
    order_id: i64,
    from: OrderStatus,
    to: OrderStatus,
    step: Step<'_>,
    now: i64,
) -> Result<bool, StatusChangeError> {
    from.transition(to)?;
    let updated = sqlx::query("UPDATE orders SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to.slug())
        .bind(order_id)
        .bind(from.slug())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if updated == 1 {
        add_event(conn, order_id, to, step, now).await?;
        commission_follows(conn, order_id, to, now).await?;
    }
    Ok(updated == 1)
}

/// A partner's commission on the order follows its milestones (`affiliates::ledger`): earned
/// when paid, approved 30 days after delivery, taken back when cancelled.
async fn commission_follows(
    conn: &mut AnyConnection,
    order_id: i64,
    to: OrderStatus,
    now: i64,
) -> Result<(), sqlx::Error> {
    use crate::affiliates::ledger;
    if !matches!(
        to,
        OrderStatus::Paid | OrderStatus::Delivered | OrderStatus::Cancelled
    ) {
        return Ok(());
    }
    let number: String = sqlx::query("SELECT number FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get("number")?;
    match to {
        OrderStatus::Paid => ledger::order_paid(conn, &number, now).await,
        OrderStatus::Delivered => ledger::order_delivered(conn, &number, now).await,
        _ => ledger::reverse(conn, &number, ledger::Reversal::Cancelled, now)
            .await
            .map(drop),
    }
}

/// Takes order `number`'s row for the rest of the caller's transaction (a write that changes
/// nothing), so that actions on one order run one after the other and each reads what the
/// previous one committed, on SQLite and PostgreSQL alike. False if there is no such order.
pub async fn lock(conn: &mut AnyConnection, number: &str) -> Result<bool, sqlx::Error> {
    let locked = sqlx::query("UPDATE orders SET refunded_cents = refunded_cents WHERE number = $1")
        .bind(number)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(locked == 1)
}

/// Records how a shipped order is tracked, on the caller's transaction.
pub async fn set_tracking(
    conn: &mut AnyConnection,
    order_id: i64,
    tracking: &Tracking,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orders SET carrier = $1, tracking_number = $2 WHERE id = $3")
        .bind(tracking.carrier.slug())
        .bind(&tracking.number)
        .bind(order_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Why an order's status could not change.
#[derive(Debug, thiserror::Error)]
pub enum StatusChangeError {
    #[error(transparent)]
    NotAllowed(#[from] super::status::InvalidTransition),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<StatusChangeError> for sqlx::Error {
    // For callers whose transitions are fixed and valid: a refusal there is a bug.
    fn from(err: StatusChangeError) -> sqlx::Error {
        match err {
            StatusChangeError::Database(err) => err,
            StatusChangeError::NotAllowed(invalid) => bad_value(&invalid.to_string()),
        }
    }
}

/// Why an action on an order (a shopper's cancellation, a staff member's move) did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("no order has this number")]
    NotFound,
    /// The order's state forbids it; the message says why.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl From<StatusChangeError> for ActionError {
    fn from(err: StatusChangeError) -> Self {
        match err {
            StatusChangeError::Database(err) => ActionError::Database(err),
            StatusChangeError::NotAllowed(invalid) => ActionError::Refused(invalid.to_string()),
        }
    }
}

impl ActionError {
    /// The answer to the form that asked: the refusal by its `field`, keeping what was typed.
    pub fn into_answer(
        self,
        field: &str,
        typed: &[(&str, &str)],
    ) -> Result<crate::forms::FormResult, crate::error::AppError> {
        match self {
            ActionError::NotFound => Err(crate::error::AppError::NotFound),
            ActionError::Refused(why) => crate::forms::needs_correcting(
                crate::forms::FieldErrors::single(field, &why),
                typed,
            ),
            ActionError::Database(err) => Err(err.into()),
        }
    }
}

/// Marks an order awaiting payment as paid, with its timeline entry, on the caller's
/// transaction. False if it was not awaiting payment (already settled by a racing request).
pub async fn mark_paid(
    tx: &mut AnyConnection,
    order_id: i64,
    reference: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let paid = change_status(
        tx,
        order_id,
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        Step::new("Order placed and payment received."),
        now,
    )
    .await?;
    if paid {
        sqlx::query("UPDATE orders SET payment_reference = $1, placed_at = $2 WHERE id = $3")
            .bind(reference)
            .bind(now)
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
    }
    Ok(paid)
}

/// Closes an order whose payment failed: gives back what it held (its stock and its promo-code
/// use) and marks it `payment_failed` with `why` on its timeline, in one transaction. The row
/// stays, for support and audit. False if it was not awaiting payment any more.
pub async fn fail_payment(
    pool: &AnyPool,
    order_id: i64,
    why: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin(pool).await?;
    // Written first: the conditional update is the row lock (and SQLite's write lock), so of
    // two settlements racing, one closes the order and the other finds it closed.
    let closed = change_status(
        &mut tx,
        order_id,
        OrderStatus::AwaitingPayment,
        OrderStatus::PaymentFailed,
        Step::new(why),
        now,
    )
    .await?;
    if !closed {
        tx.rollback().await?;
        return Ok(false);
    }
    let number: String = sqlx::query("SELECT number FROM orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("number")?;
    super::holds::release(
        &mut tx,
        order_id,
        &number,
        super::holds::Release::PaymentFailed,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The current state of order `order_id`.
pub async fn state(pool: &AnyPool, order_id: i64) -> Result<Option<OrderState>, sqlx::Error> {
    sqlx::query(&format!("SELECT {STATE_COLUMNS} FROM orders WHERE id = $1"))
        .bind(order_id)
        .fetch_optional(pool)
        .await?
        .as_ref()
        .map(order_state)
        .transpose()
}

/// The whole order, and whose it is. Orders awaiting or refused payment are not shown to
/// shoppers.
pub async fn detail(
    conn: &mut AnyConnection,
    number: &str,
) -> Result<Option<(OrderDetail, Option<i64>)>, sqlx::Error> {
    load_detail(conn, number, &placed()).await
}

/// Order `number`'s timeline as staff read it, oldest first.
pub async fn staff_timeline(pool: &AnyPool, number: &str) -> Result<Vec<StaffStep>, sqlx::Error> {
    sqlx::query(
        "SELECT e.status, COALESCE(e.staff_note, e.note) AS note, e.at, c.email AS actor \
         FROM order_events e JOIN orders o ON o.id = e.order_id \
         LEFT JOIN customers c ON c.id = e.actor_id WHERE o.number = $1 ORDER BY e.at, e.id",
    )
    .bind(number)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|e| {
        Ok(StaffStep {
            status: status(e)?,
            note: e.try_get("note")?,
            by: e.try_get("actor")?,
            at: e.try_get("at")?,
        })
    })
    .collect()
}

/// Any order, as staff see it: its details, whose it is, and the staff's notes.
pub async fn staff_detail(
    pool: &AnyPool,
    number: &str,
) -> Result<Option<(OrderDetail, Option<i64>, Vec<OrderNote>)>, sqlx::Error> {
    let Some((detail, customer)) =
        load_detail(&mut *pool.acquire().await?, number, "1 = 1").await?
    else {
        return Ok(None);
    };
    let notes = sqlx::query(
        "SELECT n.author_name, n.body, n.at FROM order_notes n JOIN orders o ON o.id = n.order_id \
         WHERE o.number = $1 ORDER BY n.at, n.id",
    )
    .bind(number)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|n| {
        Ok(OrderNote {
            author: n.try_get("author_name")?,
            body: n.try_get("body")?,
            at: n.try_get("at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Some((detail, customer, notes)))
}

/// Adds a staff note to order `order_id`, on the caller's transaction.
pub async fn add_note(
    conn: &mut AnyConnection,
    order_id: i64,
    author: &Customer,
    body: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO order_notes (order_id, author_id, author_name, body, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(order_id)
    .bind(author.id)
    .bind(&author.name)
    .bind(body)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

async fn load_detail(
    conn: &mut AnyConnection,
    number: &str,
    condition: &str,
) -> Result<Option<(OrderDetail, Option<i64>)>, sqlx::Error> {
    let Some(row) = sqlx::query(&format!(
        "SELECT * FROM orders WHERE number = $1 AND {condition}"
    ))
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    let lines = sqlx::query(
        "SELECT sku, product_name, options, image_path, unit_price_cents, quantity \
         FROM order_lines WHERE order_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|l| {
        Ok(OrderLine {
            sku: l.try_get("sku")?,
            product_name: l.try_get("product_name")?,
            options: l.try_get("options")?,
            image: l.try_get("image_path")?,
            unit_price: Money::from_cents(l.try_get("unit_price_cents")?),
            quantity: u32::try_from(l.try_get::<i64, _>("quantity")?).unwrap_or(0),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let events = sqlx::query(
        "SELECT status, note, at FROM order_events WHERE order_id = $1 ORDER BY at, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|e| {
        Ok(OrderEvent {
            status: status(e)?,
            note: e.try_get("note")?,
            at: e.try_get("at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let refunds = sqlx::query(
        "SELECT amount_cents, created_at, state, reason, gateway_reference FROM refunds \
         WHERE order_id = $1 AND state <> $2 ORDER BY created_at, id",
    )
    .bind(id)
    .bind(RefundState::Failed.slug())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(RefundEntry {
            amount: Money::from_cents(r.try_get("amount_cents")?),
            at: r.try_get("created_at")?,
            state: RefundState::from_slug(&r.try_get::<String, _>("state")?)
                .ok_or_else(|| bad_value("refund state"))?,
            reason: r.try_get("reason")?,
            reference: r.try_get("gateway_reference")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let payment = match row.try_get::<String, _>("payment_method")?.as_str() {
        "paypal" => PaymentSummary::PayPal,
        "none" => PaymentSummary::NothingToPay,
        _ => PaymentSummary::Card {
            brand: brand_from_slug(&row.try_get::<String, _>("card_brand")?)
                .ok_or_else(|| bad_value("card brand"))?,
            last4: row.try_get("card_last4")?,
        },
    };
    let detail = OrderDetail {
        number: row.try_get("number")?,
        status: status(&row)?,
        email: row.try_get("email")?,
        placed_at: row.try_get("placed_at")?,
        address: ShippingAddress {
            name: row.try_get("ship_name")?,
            line1: row.try_get("ship_line1")?,
            line2: row.try_get("ship_line2")?,
            city: row.try_get("ship_city")?,
            region: row.try_get("ship_region")?,
            postcode: row.try_get("ship_postcode")?,
            country: Country::from_code(&row.try_get::<String, _>("ship_country")?)
                .map_err(|_| bad_value("country"))?,
            phone: row.try_get("ship_phone")?,
        },
        method: ShippingMethod::from_slug(&row.try_get::<String, _>("shipping_method")?)
            .ok_or_else(|| bad_value("shipping method"))?,
        payment,
        lines,
        totals: OrderTotals {
            subtotal: Money::from_cents(row.try_get("subtotal_cents")?),
            discount: Money::from_cents(row.try_get("discount_cents")?),
            coupon: row.try_get("coupon_code")?,
            shipping: Money::from_cents(row.try_get("shipping_cents")?),
            total: Money::from_cents(row.try_get("total_cents")?),
        },
        estimate: DeliveryEstimate {
            earliest: date(&row.try_get::<String, _>("delivery_from")?)?,
            latest: date(&row.try_get::<String, _>("delivery_to")?)?,
        },
        events,
        tracking: match (
            row.try_get::<Option<String>, _>("carrier")?,
            row.try_get::<Option<String>, _>("tracking_number")?,
        ) {
            (Some(carrier), Some(number)) => Some(Tracking {
                carrier: Carrier::from_slug(&carrier).ok_or_else(|| bad_value("carrier"))?,
                number,
            }),
            _ => None,
        },
        refunds,
        tracking_hint: None,
        report_deadline: None,
    };
    Ok(Some((detail, row.try_get("customer_id")?)))
}

/// One page of a customer's orders, newest first. `page` is 1-based and clamped.
pub async fn history(
    pool: &AnyPool,
    buyer: BuyerRef<'_>,
    page: u32,
) -> Result<OrderHistoryPage, sqlx::Error> {
    let whose = buyer.condition("o");
    let count_sql = format!(
        "SELECT COUNT(*) AS n FROM orders o WHERE {whose} AND o.{}",
        placed()
    );
    let count: i64 = buyer
        .bind(sqlx::query(&count_sql))
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    let pages = u32::try_from(count)
        .unwrap_or(0)
        .div_ceil(HISTORY_PAGE_SIZE)
        .max(1);
    let page = page.clamp(1, pages);
    let page_sql = format!(
        "SELECT o.number, o.status, o.placed_at, o.total_cents, \
                (SELECT CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT) FROM order_lines l WHERE l.order_id = o.id) AS items \
         FROM orders o WHERE {whose} AND o.{} \
         ORDER BY o.placed_at DESC, o.id DESC LIMIT $2 OFFSET $3",
        placed()
    );
    let orders = buyer
        .bind(sqlx::query(&page_sql))
        .bind(i64::from(HISTORY_PAGE_SIZE))
        .bind(i64::from((page - 1) * HISTORY_PAGE_SIZE))
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(OrderSummary {
                number: r.try_get("number")?,
                status: status(r)?,
                placed_at: r.try_get("placed_at")?,
                item_count: u32::try_from(r.try_get::<i64, _>("items")?).unwrap_or(0),
                total: Money::from_cents(r.try_get("total_cents")?),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(OrderHistoryPage {
        orders,
        page,
        pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn malformed_dates_are_an_error_not_a_guess() {
        assert!(date("2026-13-01").is_err());
        assert!(date("2026-11").is_err());
        assert!(date("").is_err());
    }

    proptest! {
        #[test]
        fn stored_dates_read_back_unchanged(day in 0i32..40_000) {
            let original = Date::from_julian_day(2_440_588 + day).unwrap();
            prop_assert_eq!(date(&date_text(original)).unwrap(), original);
        }
    }
}
