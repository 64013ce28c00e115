//! The partner credited for each order and what they earn on it (tables `referrals` and
//! `commission_entries`). Checkout decides the partner once; the order's milestones move the
//! commission: paid (earned, pending), delivered (approved 30 days later, by the job),
//! refunded or cancelled (a share taken back, also after approval or payout). Each step runs on
//! the transaction of the change that causes it.

use super::clicks;
use super::partners;
use super::rules::{self, Buyer, Candidates, ClickCookie, Source, APPROVAL_DELAY_SECS};
use crate::money::Money;
use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, AnyPool, Row};

/// What checkout knows of an order when it decides who is credited.
#[derive(Clone, Debug)]
pub struct OrderFacts<'a> {
    pub number: &'a str,
    /// The promo code on the order, if any.
    pub coupon: Option<&'a str>,
    /// Merchandise after discount, shipping excluded: what the commission is worked out on.
    pub merchandise: Money,
    /// What the shopper pays.
    pub paid: Money,
    pub buyer: Buyer,
}

/// Decides, once, which partner (if any) order `facts.number` credits, and records it with
/// its commission, still to be earned when the order is paid. A retried checkout finds the
/// order's decision already taken and changes nothing. Returns the partner credited.
pub async fn attribute(
    conn: &mut AnyConnection,
    facts: &OrderFacts<'_>,
    click: Option<&ClickCookie>,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let code_owner = match facts.coupon {
        Some(code) => partners::by_coupon(conn, code).await?,
        None => None,
    };
    let last_click = match click {
        Some(click) => clicks::partner_of(conn, click)
            .await?
            .map(|partner| (partner, click.clicked_at)),
        None => None,
    };
    let candidates = Candidates {
        code_owner: code_owner.as_ref().map(partners::PartnerRecord::facts),
        last_click: last_click
            .as_ref()
            .map(|(partner, at)| (partner.facts(), *at)),
    };
    let Some((partner_id, source)) = rules::attribute(&candidates, &facts.buyer, facts.paid, now)
    else {
        return Ok(None);
    };
    let partner = [code_owner, last_click.map(|(p, _)| p)]
        .into_iter()
        .flatten()
        .find(|p| p.id == partner_id)
        .expect("the credited partner is one of the candidates");
    let rate = partner.rate();
    let (source, clicked_at) = match source {
        Source::PersonalCode => ("code", None),
        Source::Link { clicked_at } => ("link", Some(clicked_at)),
    };
    sqlx::query(
        "INSERT INTO referrals (order_number, partner_id, source, clicked_at, merchandise_cents, \
                                paid_cents, rate_bp, commission_cents, attributed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (order_number) DO NOTHING",
    )
    .bind(facts.number)
    .bind(partner_id)
    .bind(source)
    .bind(clicked_at)
    .bind(facts.merchandise.cents())
    .bind(facts.paid.cents())
    .bind(i64::from(rate.basis_points()))
    .bind(rules::commission(facts.merchandise, rate).cents())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(Some(partner_id))
}

/// The order was paid: its partner earns the commission, pending until the order has been
/// delivered for 30 days. Once per order, however often it is called.
pub async fn order_paid(
    conn: &mut AnyConnection,
    number: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let placed = sqlx::query(
        "UPDATE referrals SET placed_at = $1 WHERE order_number = $2 AND placed_at IS NULL \
         RETURNING partner_id, commission_cents",
    )
    .bind(now)
    .bind(number)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(placed) = placed else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO commission_entries (partner_id, order_number, kind, amount_cents, state, \
                                         created_at) \
         VALUES ($1, $2, 'earned', $3, 'pending', $4)",
    )
    .bind(placed.try_get::<i64, _>("partner_id")?)
    .bind(number)
    .bind(placed.try_get::<i64, _>("commission_cents")?)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The order was delivered: its commission is approved 30 days from now.
pub async fn order_delivered(
    conn: &mut AnyConnection,
    number: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE referrals SET delivered_at = $1 WHERE order_number = $2 AND delivered_at IS NULL",
    )
    .bind(now)
    .bind(number)
    .execute(conn)
    .await?;
    Ok(())
}

/// Why a share of a commission is taken back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reversal {
    /// `refunded` of the order has gone back to the shopper so far, in all.
    Refunded {
        refunded: Money,
    },
    Cancelled,
}

/// Takes back the share of order `number`'s commission that its refunds (or its
/// cancellation) call for and that was not taken back yet. Entries for a commission still
/// pending are pending with it; after approval (or payout) they are approved at once, so the
/// next payout carries them. The referral's row is locked first: concurrent refunds of one
/// order take their shares one after the other, and never more than the commission.
pub async fn reverse(
    conn: &mut AnyConnection,
    number: &str,
    why: Reversal,
    now: i64,
) -> Result<Money, sqlx::Error> {
    let locked = sqlx::query(
        "UPDATE referrals SET reversed_cents = reversed_cents WHERE order_number = $1 \
         AND placed_at IS NOT NULL",
    )
    .bind(number)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if locked == 0 {
        return Ok(Money::ZERO);
    }
    let row = sqlx::query(
        "SELECT r.partner_id, r.commission_cents, r.reversed_cents, r.paid_cents, e.state \
         FROM referrals r JOIN commission_entries e \
              ON e.order_number = r.order_number AND e.kind = 'earned' \
         WHERE r.order_number = $1",
    )
    .bind(number)
    .fetch_one(&mut *conn)
    .await?;
    let commission = Money::from_cents(row.try_get("commission_cents")?);
    let already = Money::from_cents(row.try_get("reversed_cents")?);
    let (target, kind) = match why {
        Reversal::Refunded { refunded } => {
            let paid = Money::from_cents(row.try_get("paid_cents")?);
            (
                rules::reversed_by_refunds(commission, refunded, paid),
                "refund",
            )
        }
        Reversal::Cancelled => (commission, "cancellation"),
    };
    let step = rules::next_reversal(commission, already, target);
    if step.is_zero() {
        return Ok(Money::ZERO);
    }
    let earned_state: String = row.try_get("state")?;
    let state = if earned_state == "pending" {
        "pending"
    } else {
        "approved"
    };
    sqlx::query(
        "UPDATE referrals SET reversed_cents = reversed_cents + $1 WHERE order_number = $2",
    )
    .bind(step.cents())
    .bind(number)
    .execute(&mut *conn)
    .await?;
    if why == Reversal::Cancelled {
        sqlx::query("UPDATE referrals SET cancelled_at = $1 WHERE order_number = $2")
            .bind(now)
            .bind(number)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "INSERT INTO commission_entries (partner_id, order_number, kind, amount_cents, state, \
                                         created_at, approved_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(row.try_get::<i64, _>("partner_id")?)
    .bind(number)
    .bind(kind)
    .bind(-step.cents())
    .bind(state)
    .bind(now)
    .bind((state == "approved").then_some(now))
    .execute(conn)
    .await?;
    Ok(step)
}

/// Approves the commissions whose orders were delivered at least 30 days ago, and those of
/// cancelled orders (nothing is left of them to wait for). One statement: any number of
/// servers may run it at once, and each entry is approved once. Returns how many were.
pub async fn approve_due(pool: &AnyPool, now: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE commission_entries SET state = 'approved', approved_at = $1 \
         WHERE state = 'pending' AND order_number IN \
               (SELECT order_number FROM referrals \
                WHERE cancelled_at IS NOT NULL OR delivered_at <= $2)",
    )
    .bind(now)
    .bind(now - APPROVAL_DELAY_SECS)
    .execute(pool)
    .await?
    .rows_affected())
}

/// Who an order credits, for staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReferral {
    pub partner_id: i64,
    pub partner_name: String,
    /// "their personal code" or "their link, clicked …".
    pub by_code: bool,
    pub clicked_at: Option<i64>,
    pub commission: Money,
    pub reversed: Money,
}

/// The partner order `number` credits, if any.
pub async fn of_order(
    conn: &mut AnyConnection,
    number: &str,
) -> Result<Option<OrderReferral>, sqlx::Error> {
    sqlx::query(
        "SELECT r.partner_id, p.name, r.source, r.clicked_at, r.commission_cents, \
                r.reversed_cents \
         FROM referrals r JOIN partners p ON p.id = r.partner_id WHERE r.order_number = $1",
    )
    .bind(number)
    .fetch_optional(conn)
    .await?
    .map(|row| {
        Ok(OrderReferral {
            partner_id: row.try_get("partner_id")?,
            partner_name: row.try_get("name")?,
            by_code: row.try_get::<String, _>("source")? == "code",
            clicked_at: row.try_get("clicked_at")?,
            commission: Money::from_cents(row.try_get("commission_cents")?),
            reversed: Money::from_cents(row.try_get("reversed_cents")?),
        })
    })
    .transpose()
}
