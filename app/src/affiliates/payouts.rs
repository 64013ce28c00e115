//! Payouts (tables `payout_runs`, `payouts`): staff prepare a run, which sets aside every
//! approved partner's approved balance of at least USD 50; download it as PayPal's
//! mass-payment CSV; pay it in PayPal; then mark it paid, which moves those commissions to paid
//! exactly once. A prepared run that was not paid can be discarded.

use super::rules::PAYOUT_THRESHOLD;
use super::{PayoutLine, PayoutRun, Received};
use crate::money::Money;
use sqlx::{AnyConnection, Row};

/// Prepares a run: for each approved partner whose approved commissions not yet in a run come
/// to at least the threshold, a payout that takes them. Commissions are taken by a conditional
/// update, so two runs prepared at once never take one commission twice; a partner whose
/// balance the other run took is left out. `None` when nobody is due.
pub async fn prepare(
    conn: &mut AnyConnection,
    staff_id: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let due = sqlx::query(
        "SELECT e.partner_id, p.paypal_email FROM commission_entries e \
         JOIN partners p ON p.id = e.partner_id \
         WHERE e.state = 'approved' AND e.payout_id IS NULL AND p.status = 'approved' \
         GROUP BY e.partner_id, p.paypal_email HAVING SUM(e.amount_cents) >= $1 \
         ORDER BY e.partner_id",
    )
    .bind(PAYOUT_THRESHOLD.cents())
    .fetch_all(&mut *conn)
    .await?;
    if due.is_empty() {
        return Ok(None);
    }
    let run: i64 = sqlx::query(
        "INSERT INTO payout_runs (created_at, created_by) VALUES ($1, $2) RETURNING id",
    )
    .bind(now)
    .bind(staff_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    let mut paid_anyone = false;
    for row in due {
        let partner: i64 = row.try_get("partner_id")?;
        // The amount is what the update below actually takes; the threshold keeps the row
        // valid until then.
        let payout: i64 = sqlx::query(
            "INSERT INTO payouts (run_id, partner_id, amount_cents, paypal_email) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(run)
        .bind(partner)
        .bind(PAYOUT_THRESHOLD.cents())
        .bind(row.try_get::<String, _>("paypal_email")?)
        .fetch_one(&mut *conn)
        .await?
        .try_get("id")?;
        let taken = sqlx::query(
            "UPDATE commission_entries SET payout_id = $1 \
             WHERE partner_id = $2 AND state = 'approved' AND payout_id IS NULL \
             RETURNING amount_cents",
        )
        .bind(payout)
        .bind(partner)
        .fetch_all(&mut *conn)
        .await?;
        let amount = taken
            .iter()
            .map(|r| r.try_get::<i64, _>("amount_cents"))
            .sum::<Result<i64, _>>()?;
        if amount >= PAYOUT_THRESHOLD.cents() {
            sqlx::query("UPDATE payouts SET amount_cents = $1 WHERE id = $2")
                .bind(amount)
                .bind(payout)
                .execute(&mut *conn)
                .await?;
            paid_anyone = true;
        } else {
            // Another run took this balance meanwhile (or a refund lowered it).
            release(conn, payout).await?;
        }
    }
    if !paid_anyone {
        sqlx::query("DELETE FROM payout_runs WHERE id = $1")
            .bind(run)
            .execute(&mut *conn)
            .await?;
        return Ok(None);
    }
    Ok(Some(run))
}

/// Gives a payout's commissions back to the approved balance and deletes it.
async fn release(conn: &mut AnyConnection, payout: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE commission_entries SET payout_id = NULL WHERE payout_id = $1 AND state = 'approved'",
    )
    .bind(payout)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM payouts WHERE id = $1")
        .bind(payout)
        .execute(conn)
        .await?;
    Ok(())
}

/// Discards a prepared run that was not paid: its commissions go back to the balances. False
/// if it was paid (or is gone).
pub async fn discard(conn: &mut AnyConnection, run: i64) -> Result<bool, sqlx::Error> {
    let open =
        sqlx::query("DELETE FROM payout_runs WHERE id = $1 AND paid_at IS NULL RETURNING id")
            .bind(run)
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
    if !open {
        return Ok(false);
    }
    let payouts = sqlx::query("SELECT id FROM payouts WHERE run_id = $1")
        .bind(run)
        .fetch_all(&mut *conn)
        .await?;
    for payout in payouts {
        release(conn, payout.try_get("id")?).await?;
    }
    Ok(true)
}

/// Marks a run paid, once: its payouts are recorded as paid and their commissions move to
/// paid. Returns the lines it paid (for the partners' e-mails), none if it was paid already.
pub async fn mark_paid(
    conn: &mut AnyConnection,
    run: i64,
    now: i64,
) -> Result<Vec<PayoutLine>, sqlx::Error> {
    let claimed =
        sqlx::query("UPDATE payout_runs SET paid_at = $1 WHERE id = $2 AND paid_at IS NULL")
            .bind(now)
            .bind(run)
            .execute(&mut *conn)
            .await?
            .rows_affected();
    if claimed == 0 {
        return Ok(vec![]);
    }
    sqlx::query("UPDATE payouts SET paid_at = $1 WHERE run_id = $2")
        .bind(now)
        .bind(run)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE commission_entries SET state = 'paid' WHERE state = 'approved' AND payout_id IN \
         (SELECT id FROM payouts WHERE run_id = $1)",
    )
    .bind(run)
    .execute(&mut *conn)
    .await?;
    Ok(find(conn, run).await?.map(|r| r.lines).unwrap_or_default())
}

/// Run `run` with its lines.
pub async fn find(conn: &mut AnyConnection, run: i64) -> Result<Option<PayoutRun>, sqlx::Error> {
    let Some(head) = sqlx::query("SELECT id, created_at, paid_at FROM payout_runs WHERE id = $1")
        .bind(run)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let lines = sqlx::query(
        "SELECT o.partner_id, p.name, o.paypal_email, o.amount_cents FROM payouts o \
         JOIN partners p ON p.id = o.partner_id WHERE o.run_id = $1 ORDER BY LOWER(p.name), o.id",
    )
    .bind(run)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok(PayoutLine {
            partner_id: row.try_get("partner_id")?,
            partner_name: row.try_get("name")?,
            paypal_email: row.try_get("paypal_email")?,
            amount: Money::from_cents(row.try_get("amount_cents")?),
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(PayoutRun {
        id: head.try_get("id")?,
        created_at: head.try_get("created_at")?,
        paid_at: head.try_get("paid_at")?,
        lines,
    }))
}

/// The latest runs, newest first.
pub async fn recent(conn: &mut AnyConnection, limit: i64) -> Result<Vec<PayoutRun>, sqlx::Error> {
    let ids = sqlx::query("SELECT id FROM payout_runs ORDER BY id DESC LIMIT $1")
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    let mut runs = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(run) = find(conn, id.try_get("id")?).await? {
            runs.push(run);
        }
    }
    Ok(runs)
}

/// A run in PayPal's mass-payment upload format: one line per payout, no header: recipient's
/// e-mail, amount, currency, note.
pub fn mass_payment_csv(run: &PayoutRun, shop_name: &str) -> String {
    let mut out = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let note = format!("{shop_name} partner commission, payout {}", run.id);
    for line in &run.lines {
        out.write_record([
            line.paypal_email.as_str(),
            &line.amount.amount().to_string(),
            "USD",
            &note,
        ])
        .expect("writing to memory cannot fail");
    }
    String::from_utf8(out.into_inner().expect("writing to memory cannot fail"))
        .expect("the fields are text")
}

/// A partner's payouts received, newest first.
pub async fn received(
    conn: &mut AnyConnection,
    partner: i64,
) -> Result<Vec<Received>, sqlx::Error> {
    sqlx::query(
        "SELECT paid_at, amount_cents, paypal_email FROM payouts \
         WHERE partner_id = $1 AND paid_at IS NOT NULL ORDER BY paid_at DESC, id DESC",
    )
    .bind(partner)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|row| {
        Ok(Received {
            paid_at: row.try_get("paid_at")?,
            amount: Money::from_cents(row.try_get("amount_cents")?),
            paypal_email: row.try_get("paypal_email")?,
        })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csv_is_paypal_mass_payment_lines_quoted_where_needed() {
        let run = PayoutRun {
            id: 3,
            created_at: 0,
            paid_at: None,
            lines: vec![PayoutLine {
                partner_id: 1,
                partner_name: "Anna".into(),
                paypal_email: "anna@example.com".into(),
                amount: Money::from_cents(5_320),
            }],
        };
        assert_eq!(
            mass_payment_csv(&run, "Casefront, Inc"),
            "anna@example.com,53.20,USD,\"Casefront, Inc partner commission, payout 3\"\n"
        );
    }
}
