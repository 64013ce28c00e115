//! The partner credited for each order and what they earn on it (tables `referrals` and
//! `commission_entries`). Checkout decides the partner once; the order's milestones move the
//! commission: paid (earned, pending), delivered (approved 30 days later, by the job),
//! refunded or cancelled (a share taken back, also after approval or payout). Each step runs on
//! the transaction of the change that causes it.

use super::clicks;
use super::partners;
use super::rules::{self, Buyer, Candidates, ClickCookie, Source, APPROVAL_DELAY_SECS};
use super::{Balances, OrderReferral, ReferralState, ReferredOrder};
use crate::money::Money;
use sqlx::{AnyConnection, AnyPool, Row};
use std::collections::HashMap;

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

/// Partner `partner`'s commission by state.
pub async fn balances(conn: &mut AnyConnection, partner: i64) -> Result<Balances, sqlx::Error> {
    Ok(all_balances(conn, Some(partner))
        .await?
        .remove(&partner)
        .unwrap_or_default())
}

/// Every partner's commission by state (or one partner's).
pub async fn all_balances(
    conn: &mut AnyConnection,
    partner: Option<i64>,
) -> Result<HashMap<i64, Balances>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT partner_id, state, CAST(SUM(amount_cents) AS BIGINT) AS cents \
         FROM commission_entries WHERE $1 IS NULL OR partner_id = $1 \
         GROUP BY partner_id, state",
    )
    .bind(partner)
    .fetch_all(conn)
    .await?;
    let mut all: HashMap<i64, Balances> = HashMap::new();
    for row in rows {
        let balances = all.entry(row.try_get("partner_id")?).or_default();
        let cents = Money::from_cents(row.try_get("cents")?);
        match row.try_get::<String, _>("state")?.as_str() {
            "pending" => balances.pending = cents,
            "approved" => balances.approved = cents,
            _ => balances.paid = cents,
        }
    }
    Ok(all)
}

/// How many paid orders each partner referred.
pub async fn order_counts(conn: &mut AnyConnection) -> Result<HashMap<i64, u32>, sqlx::Error> {
    sqlx::query(
        "SELECT partner_id, CAST(COUNT(*) AS BIGINT) AS n FROM referrals \
         WHERE placed_at IS NOT NULL GROUP BY partner_id",
    )
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| clicks::counted(row, "partner_id"))
    .collect()
}

/// Partner `partner`'s paid orders since `from`, per day: (day, orders, commission less
/// what was taken back).
pub async fn orders_per_day(
    conn: &mut AnyConnection,
    partner: i64,
    from: i64,
) -> Result<Vec<(i64, u32, Money)>, sqlx::Error> {
    sqlx::query(
        "SELECT (placed_at / 86400) * 86400 AS day, CAST(COUNT(*) AS BIGINT) AS n, \
                CAST(SUM(commission_cents - reversed_cents) AS BIGINT) AS cents \
         FROM referrals WHERE partner_id = $1 AND placed_at >= $2 \
         GROUP BY (placed_at / 86400) * 86400",
    )
    .bind(partner)
    .bind(from)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        let n: i64 = row.try_get("n")?;
        Ok((
            row.try_get("day")?,
            u32::try_from(n).unwrap_or(u32::MAX),
            Money::from_cents(row.try_get("cents")?),
        ))
    })
    .collect()
}

/// Partner `partner`'s latest paid orders, newest first.
pub async fn referred_orders(
    conn: &mut AnyConnection,
    partner: i64,
    limit: i64,
) -> Result<Vec<ReferredOrder>, sqlx::Error> {
    sqlx::query(
        "SELECT r.order_number, r.placed_at, r.paid_cents, r.commission_cents, \
                r.reversed_cents, r.delivered_at, r.cancelled_at, e.state \
         FROM referrals r JOIN commission_entries e \
              ON e.order_number = r.order_number AND e.kind = 'earned' \
         WHERE r.partner_id = $1 ORDER BY r.placed_at DESC, r.order_number LIMIT $2",
    )
    .bind(partner)
    .bind(limit)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        let commission: i64 = row.try_get("commission_cents")?;
        let reversed: i64 = row.try_get("reversed_cents")?;
        let delivered: Option<i64> = row.try_get("delivered_at")?;
        let cancelled: Option<i64> = row.try_get("cancelled_at")?;
        let state = match (row.try_get::<String, _>("state")?.as_str(), delivered) {
            _ if cancelled.is_some() => ReferralState::Cancelled,
            _ if commission > 0 && reversed >= commission => ReferralState::Refunded,
            ("paid", _) => ReferralState::Paid,
            ("approved", _) => ReferralState::Approved,
            (_, Some(at)) => ReferralState::Delivered {
                approves_at: at + APPROVAL_DELAY_SECS,
            },
            (_, None) => ReferralState::AwaitingDelivery,
        };
        Ok(ReferredOrder {
            number: row.try_get("order_number")?,
            placed_at: row.try_get("placed_at")?,
            total: Money::from_cents(row.try_get("paid_cents")?),
            commission: Money::from_cents(commission - reversed),
            state,
        })
    })
    .collect()
}
