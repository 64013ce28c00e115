//! The test-mode gateway (server only): behaves like a real provider's test mode. Well-known
//! test card numbers succeed or fail with a specific reason; PayPal payments wait for the
//! shopper to approve or cancel them on the gateway's own page. Its ledger is a table of its
//! own, committed apart from the shop's orders, as a real provider's records would be.

use super::card::{card_brand, card_digits};
use super::gateway::{
    CardEntry, CardGateway, CardInput, CardSeen, ChargeOutcome, DeclineReason, GatewayError,
    GatewayFuture, Provider, RedirectGateway, RefundOutcome, VoidReason,
};
use super::paypal::order_request::OrderRequest;

use super::test_cards::test_card_outcome;
use crate::money::Money;
use crate::tokens::random_hex;
use sqlx::{AnyPool, Row};

/// Where the approval page sends the shopper back: paths on the shop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnAddresses {
    pub approved: String,
    pub cancelled: String,
}

/// The path and query of an address on the shop: the page sends the shopper back to the shop
/// that served it, whatever address the shop believes is its public one.
fn on_this_shop(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(start) if url.contains("://") => after_scheme[start..].to_owned(),
        _ if url.starts_with('/') => url.to_owned(),
        _ => "/checkout".to_owned(),
    }
}

/// A PayPal payment as the gateway's approval page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayPalApproval {
    pub amount: Money,
    pub waiting: bool,
    pub back: ReturnAddresses,
}

#[derive(Clone, Debug)]
pub struct TestGateway {
    pool: AnyPool,
}

fn failed(err: sqlx::Error) -> GatewayError {
    GatewayError(err.to_string())
}

fn outcome_of(reference: String, state: &str, code: Option<String>) -> ChargeOutcome {
    match state {
        "succeeded" => ChargeOutcome::Succeeded { reference },
        "declined" => ChargeOutcome::Declined(
            code.as_deref()
                .and_then(DeclineReason::from_code)
                .unwrap_or(DeclineReason::Declined),
        ),
        "cancelled" => ChargeOutcome::Declined(
            code.as_deref()
                .and_then(DeclineReason::from_code)
                .unwrap_or(DeclineReason::PayPalCancelled),
        ),
        "refunded" => ChargeOutcome::Refunded,
        _ => ChargeOutcome::AwaitingApproval,
    }
}

impl TestGateway {
    pub fn new(pool: AnyPool) -> TestGateway {
        TestGateway { pool }
    }

    async fn find(
        &self,
        key: &str,
    ) -> Result<Option<(String, String, Option<String>)>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT reference, state, decline_code FROM gateway_payments WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok((
                r.try_get("reference")?,
                r.try_get("state")?,
                r.try_get("decline_code")?,
            ))
        })
        .transpose()
    }

    /// Records a new payment unless one exists for `key` (a racing retry): either way, returns
    /// the payment that stands.
    async fn record(
        &self,
        key: &str,
        method: &str,
        amount: Money,
        state: &str,
        code: Option<&str>,
        back: Option<&ReturnAddresses>,
    ) -> Result<(String, String, Option<String>), sqlx::Error> {
        let prefix = if method == "card" { "ch" } else { "pp" };
        let inserted = sqlx::query(
            "INSERT INTO gateway_payments (reference, idempotency_key, method, amount_cents, \
                 state, decline_code, created_at, return_url, cancel_url) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (idempotency_key) DO NOTHING \
             RETURNING reference, state, decline_code",
        )
        .bind(format!("{prefix}_{}", random_hex(12)))
        .bind(key)
        .bind(method)
        .bind(amount.cents())
        .bind(state)
        .bind(code)
        .bind(time::OffsetDateTime::now_utc().unix_timestamp())
        .bind(back.map(|b| b.approved.as_str()))
        .bind(back.map(|b| b.cancelled.as_str()))
        .fetch_optional(&self.pool)
        .await?;
        match inserted {
            Some(row) => Ok((
                row.try_get("reference")?,
                row.try_get("state")?,
                row.try_get("decline_code")?,
            )),
            None => self.find(key).await?.ok_or(sqlx::Error::RowNotFound),
        }
    }

    /// Moves the payment for `key` to state `to` if it is in one of the states `from`: the
    /// ledger's transitions, each one conditional so that a repeat changes nothing.
    async fn advance(
        &self,
        key: &str,
        from: &[&str],
        to: &str,
        code: Option<&str>,
    ) -> Result<(), GatewayError> {
        let states: Vec<String> = (0..from.len()).map(|i| format!("${}", i + 4)).collect();
        let sql = format!(
            "UPDATE gateway_payments SET state = $1, decline_code = $2 \
             WHERE idempotency_key = $3 AND state IN ({})",
            states.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(to).bind(code).bind(key);
        for state in from {
            query = query.bind(*state);
        }
        query.execute(&self.pool).await.map_err(failed)?;
        Ok(())
    }

    /// A refund as a provider makes one: the refund's record is written first (a repeat of
    /// `refund_key` finds it and answers the same), then the payment's refunded total grows by
    /// a conditional update that refuses more than was paid, all in one transaction.
    async fn give_back(
        &self,
        payment_key: &str,
        refund_key: &str,
        amount: Money,
    ) -> Result<RefundOutcome, sqlx::Error> {
        let mut tx = crate::db::begin(&self.pool).await?;
        let reference = format!("re_{}", random_hex(12));
        let recorded = sqlx::query(
            "INSERT INTO gateway_refunds (reference, refund_key, payment_key, amount_cents, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (refund_key) DO NOTHING",
        )
        .bind(&reference)
        .bind(refund_key)
        .bind(payment_key)
        .bind(amount.cents())
        .bind(time::OffsetDateTime::now_utc().unix_timestamp())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if recorded == 0 {
            let earlier: String =
                sqlx::query("SELECT reference FROM gateway_refunds WHERE refund_key = $1")
                    .bind(refund_key)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("reference")?;
            return Ok(RefundOutcome::Refunded { reference: earlier });
        }
        if amount.cents() <= 0 {
            return Ok(RefundOutcome::Refused("amount_invalid".into()));
        }
        let taken = sqlx::query(
            "UPDATE gateway_payments SET refunded_cents = refunded_cents + $1, \
                 state = CASE WHEN refunded_cents + $1 = amount_cents THEN 'refunded' ELSE state END \
             WHERE idempotency_key = $2 AND state = 'succeeded' \
                 AND refunded_cents + $1 <= amount_cents",
        )
        .bind(amount.cents())
        .bind(payment_key)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken == 0 {
            return Ok(RefundOutcome::Refused(
                "charge_already_refunded_or_amount_too_large".into(),
            ));
        }
        tx.commit().await?;
        Ok(RefundOutcome::Refunded { reference })
    }

    /// The payment behind an approval page, if the reference is real.
    pub async fn approval(&self, reference: &str) -> Result<Option<PayPalApproval>, GatewayError> {
        let row = sqlx::query(
            "SELECT amount_cents, state, return_url, cancel_url FROM gateway_payments \
             WHERE reference = $1 AND method = 'paypal'",
        )
        .bind(reference)
        .fetch_optional(&self.pool)
        .await
        .map_err(failed)?;
        row.map(|r| -> Result<PayPalApproval, sqlx::Error> {
            Ok(PayPalApproval {
                amount: Money::from_cents(r.try_get("amount_cents")?),
                waiting: r.try_get::<String, _>("state")? == "awaiting_approval",
                // Payments started before the ledger kept them go back to the checkout.
                back: ReturnAddresses {
                    approved: r
                        .try_get::<Option<String>, _>("return_url")?
                        .unwrap_or_else(|| "/checkout".into()),
                    cancelled: r
                        .try_get::<Option<String>, _>("cancel_url")?
                        .unwrap_or_else(|| "/checkout".into()),
                },
            })
        })
        .transpose()
        .map_err(failed)
    }

    /// The shopper's answer on the approval page; returns where the shop asked the shopper to
    /// be sent back after such an answer. An answer after the payment stopped waiting for one
    /// changes nothing, and the shop, asked there, says why.
    pub async fn decide(
        &self,
        reference: &str,
        approve: bool,
    ) -> Result<Option<String>, GatewayError> {
        let Some(approval) = self.approval(reference).await? else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE gateway_payments SET state = $1 \
             WHERE reference = $2 AND state = 'awaiting_approval'",
        )
        .bind(if approve { "approved" } else { "cancelled" })
        .bind(reference)
        .execute(&self.pool)
        .await
        .map_err(failed)?;
        let back = approval.back;
        Ok(Some(if approve {
            back.approved
        } else {
            back.cancelled
        }))
    }
}

impl Provider for TestGateway {
    fn test_mode(&self) -> bool {
        true
    }

    fn find_payment<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, Option<ChargeOutcome>> {
        Box::pin(async move {
            Ok(self
                .find(key)
                .await
                .map_err(failed)?
                .map(|(reference, state, code)| outcome_of(reference, &state, code)))
        })
    }

    fn refund<'a>(
        &'a self,
        payment_key: &'a str,
        refund_key: &'a str,
        amount: Money,
    ) -> GatewayFuture<'a, RefundOutcome> {
        Box::pin(async move {
            self.give_back(payment_key, refund_key, amount)
                .await
                .map_err(failed)
        })
    }
}

impl CardGateway for TestGateway {
    fn entry(&self) -> CardEntry {
        CardEntry::Typed
    }

    fn inspect<'a>(&'a self, card: CardInput<'a>) -> GatewayFuture<'a, Option<CardSeen>> {
        Box::pin(async move {
            let CardInput::Typed(card) = card else {
                return Ok(None);
            };
            Ok(card_digits(&card.number).ok().map(|digits| CardSeen {
                brand: card_brand(&digits).ok_or_else(|| "another brand".to_owned()),
                last4: digits[digits.len() - 4..]
                    .iter()
                    .map(|d| char::from(b'0' + d))
                    .collect(),
            }))
        })
    }

    fn charge<'a>(
        &'a self,
        key: &'a str,
        amount: Money,
        card: CardInput<'a>,
    ) -> GatewayFuture<'a, ChargeOutcome> {
        Box::pin(async move {
            let CardInput::Typed(card) = card else {
                return Err(GatewayError(
                    "the test-mode gateway takes typed test cards, not tokens".into(),
                ));
            };
            // A retry with the same key finds the first charge's result in `record`.
            let declined = test_card_outcome(&card.number);
            let (state, code) = match declined {
                None => ("succeeded", None),
                Some(reason) => ("declined", Some(reason.code())),
            };
            let (reference, state, code) = self
                .record(key, "card", amount, state, code, None)
                .await
                .map_err(failed)?;
            Ok(outcome_of(reference, &state, code))
        })
    }

    /// A test card is answered at once: nothing is ever left to give up.
    fn cancel<'a>(&'a self, _key: &'a str) -> GatewayFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
}

impl RedirectGateway for TestGateway {
    fn start<'a>(&'a self, order: &'a OrderRequest) -> GatewayFuture<'a, String> {
        Box::pin(async move {
            let back = ReturnAddresses {
                approved: on_this_shop(&order.return_url),
                cancelled: on_this_shop(&order.cancel_url),
            };
            let (key, amount) = (&order.invoice, order.breakdown.total);
            let (reference, _, _) = self
                .record(
                    key,
                    "paypal",
                    amount,
                    "awaiting_approval",
                    None,
                    Some(&back),
                )
                .await
                .map_err(failed)?;
            Ok(format!("/pay/paypal/{reference}"))
        })
    }

    fn capture<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, ChargeOutcome> {
        Box::pin(async move {
            self.advance(key, &["approved"], "succeeded", None).await?;
            match self.find(key).await.map_err(failed)? {
                Some((reference, state, code)) => Ok(outcome_of(reference, &state, code)),
                None => Err(GatewayError(format!("no PayPal payment for {key}"))),
            }
        })
    }

    fn void<'a>(&'a self, key: &'a str, why: VoidReason) -> GatewayFuture<'a, ()> {
        let code = match why {
            VoidReason::Cancelled => DeclineReason::PayPalCancelled,
            VoidReason::Expired => DeclineReason::PayPalExpired,
        };
        Box::pin(self.advance(
            key,
            &["awaiting_approval", "approved"],
            "cancelled",
            Some(code.code()),
        ))
    }
}
