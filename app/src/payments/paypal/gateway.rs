//! PayPal behind the shop's `RedirectGateway`. Its table, `paypal_payments`, links each shop
//! order to the PayPal order that pays it, recorded as soon as PayPal creates it, so the shop
//! can always ask PayPal what became of a payment instead of guessing; PayPal's own answer
//! (never the address the shopper comes back on) decides.

use super::api::{Order, PayPalApi, PayPalError, Transmission};
use super::order_request::OrderRequest;
use super::settings::PayPalSettings;
use crate::money::Money;
use crate::payments::gateway::{
    ChargeOutcome, DeclineReason, GatewayError, GatewayFuture, Provider, RedirectGateway,
    RefundOutcome, VoidReason,
};
use sqlx::{AnyPool, Row};

#[derive(Debug)]
pub struct PayPalGateway {
    api: PayPalApi,
    settings: PayPalSettings,
    pool: AnyPool,
}

/// An order's payment at PayPal, as the shop recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayPalPayment {
    pub order: String,
    pub paypal_order: String,
    /// Where the buyer approves it (again, after a declined funding source).
    pub approve_url: String,
    pub capture_id: Option<String>,
    /// Captures PayPal refused so far: each new try needs a request id of its own.
    refused_captures: i64,
    /// PayPal declined the funding the buyer chose, and they have not approved again since.
    declined: bool,
    given_up: Option<DeclineReason>,
}

fn failed(err: sqlx::Error) -> GatewayError {
    GatewayError(err.to_string())
}

impl From<PayPalError> for GatewayError {
    fn from(err: PayPalError) -> GatewayError {
        GatewayError(err.to_string())
    }
}

/// What a PayPal order's state means for the shop order it pays.
pub fn outcome_of(order: &Order) -> ChargeOutcome {
    match order.capture().map(|c| c.status.as_str()) {
        Some("COMPLETED") => ChargeOutcome::Succeeded {
            reference: order.capture().map(|c| c.id.clone()).unwrap_or_default(),
        },
        Some("PENDING") => ChargeOutcome::AwaitingApproval,
        Some("REFUNDED" | "PARTIALLY_REFUNDED" | "REVERSED") => ChargeOutcome::Refunded,
        Some(_) => ChargeOutcome::Declined(DeclineReason::Declined),
        None if order.status == "VOIDED" => ChargeOutcome::Declined(DeclineReason::PayPalExpired),
        None => ChargeOutcome::AwaitingApproval,
    }
}

impl PayPalGateway {
    pub fn new(settings: PayPalSettings, pool: AnyPool) -> Result<PayPalGateway, GatewayError> {
        Ok(PayPalGateway {
            api: PayPalApi::new(&settings)?,
            settings,
            pool,
        })
    }

    pub fn settings(&self) -> &PayPalSettings {
        &self.settings
    }

    /// The payment recorded for shop order `order`.
    pub async fn payment(&self, order: &str) -> Result<Option<PayPalPayment>, sqlx::Error> {
        self.payment_where("order_key", order).await
    }

    /// The payment of PayPal order `paypal_order`, if it is one of the shop's.
    pub async fn payment_of(
        &self,
        paypal_order: &str,
    ) -> Result<Option<PayPalPayment>, sqlx::Error> {
        self.payment_where("paypal_order", paypal_order).await
    }

    /// The payment whose capture is `capture_id`, if it is one of the shop's.
    pub async fn payment_captured_by(
        &self,
        capture_id: &str,
    ) -> Result<Option<PayPalPayment>, sqlx::Error> {
        self.payment_where("capture_id", capture_id).await
    }

    async fn payment_where(
        &self,
        column: &'static str,
        value: &str,
    ) -> Result<Option<PayPalPayment>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT order_key, paypal_order, approve_url, capture_id, refused_captures, \
                    declined_at, given_up \
             FROM paypal_payments WHERE {column} = $1"
        ))
        .bind(value)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let given_up: Option<String> = r.try_get("given_up")?;
            Ok(PayPalPayment {
                order: r.try_get("order_key")?,
                paypal_order: r.try_get("paypal_order")?,
                approve_url: r.try_get("approve_url")?,
                capture_id: r.try_get("capture_id")?,
                refused_captures: r.try_get("refused_captures")?,
                declined: r.try_get::<Option<i64>, _>("declined_at")?.is_some(),
                given_up: given_up.as_deref().and_then(DeclineReason::from_code),
            })
        })
        .transpose()
    }

    /// Runs `sql` (an update whose `$1` is `value` and `$2` the order) on an order's payment.
    async fn update(&self, sql: &str, value: &str, order: &str) -> Result<(), GatewayError> {
        sqlx::query(sql)
            .bind(value)
            .bind(order)
            .execute(&self.pool)
            .await
            .map_err(failed)?;
        Ok(())
    }

    async fn recorded(&self, key: &str) -> Result<PayPalPayment, GatewayError> {
        self.payment(key)
            .await
            .map_err(failed)?
            .ok_or_else(|| GatewayError(format!("no PayPal payment was started for {key}")))
    }

    /// Reads the order back from PayPal and records its capture, if it has one.
    async fn read_back(&self, payment: &PayPalPayment) -> Result<ChargeOutcome, GatewayError> {
        let order = match self.api.order(&payment.paypal_order).await {
            Ok(order) => order,
            // PayPal forgets an order that was never approved once it expires.
            Err(PayPalError::NotFound) => {
                return Ok(ChargeOutcome::Declined(DeclineReason::PayPalExpired))
            }
            Err(e) => return Err(e.into()),
        };
        self.note_capture(payment, &order).await?;
        Ok(outcome_of(&order))
    }

    async fn note_capture(
        &self,
        payment: &PayPalPayment,
        order: &Order,
    ) -> Result<(), GatewayError> {
        if let (None, Some(capture)) = (&payment.capture_id, order.capture()) {
            self.update(
                "UPDATE paypal_payments SET capture_id = $1 WHERE order_key = $2",
                &capture.id,
                &payment.order,
            )
            .await?;
        }
        Ok(())
    }

    /// Adds a shipment's tracking number to the PayPal order that paid shop order `order`;
    /// `carrier` is the shop's name for it (usps, ups, fedex, dhl: PayPal's codes are the same
    /// in capitals). `Ok(false)`: the order was not paid through PayPal.
    pub async fn add_tracking(
        &self,
        order: &str,
        carrier: &str,
        number: &str,
    ) -> Result<bool, GatewayError> {
        let Some(payment) = self.payment(order).await.map_err(failed)? else {
            return Ok(false);
        };
        let Some(capture_id) = &payment.capture_id else {
            return Ok(false);
        };
        let request_id = format!("{order}-track-{number}");
        self.api
            .track(
                &payment.paypal_order,
                capture_id,
                &carrier.to_ascii_uppercase(),
                number,
                &request_id,
            )
            .await?;
        Ok(true)
    }

    /// Whether PayPal vouches for a webhook event as received.
    pub async fn verify_event(
        &self,
        transmission: &Transmission,
        event: &serde_json::Value,
    ) -> Result<bool, GatewayError> {
        Ok(self
            .api
            .verify_event(transmission, &self.settings.webhook_id, event)
            .await?)
    }
}

impl Provider for PayPalGateway {
    fn test_mode(&self) -> bool {
        self.settings.test_mode()
    }

    fn find_payment<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, Option<ChargeOutcome>> {
        Box::pin(async move {
            let Some(payment) = self.payment(key).await.map_err(failed)? else {
                return Ok(None);
            };
            let outcome = self.read_back(&payment).await?;
            Ok(Some(match (outcome, payment.given_up) {
                // Given up by the shop and never captured: nothing can be taken any more.
                (ChargeOutcome::AwaitingApproval, Some(reason)) if payment.capture_id.is_none() => {
                    ChargeOutcome::Declined(reason)
                }
                (outcome, _) => outcome,
            }))
        })
    }

    fn refund<'a>(
        &'a self,
        payment_key: &'a str,
        refund_key: &'a str,
        amount: Money,
    ) -> GatewayFuture<'a, RefundOutcome> {
        Box::pin(async move {
            let payment = self.recorded(payment_key).await?;
            let capture_id = match payment.capture_id.clone() {
                Some(id) => id,
                None => {
                    self.read_back(&payment).await?;
                    self.recorded(payment_key)
                        .await?
                        .capture_id
                        .ok_or_else(|| GatewayError(format!("{payment_key} was never captured")))?
                }
            };
            match self
                .api
                .refund(&capture_id, amount.cents(), payment_key, refund_key)
                .await
            {
                Ok(refund) => Ok(RefundOutcome::Refunded {
                    reference: refund.id,
                }),
                Err(PayPalError::Unprocessable { issue, description }) => {
                    Ok(RefundOutcome::Refused(format!("{description} ({issue})")))
                }
                Err(e) => Err(e.into()),
            }
        })
    }
}

impl RedirectGateway for PayPalGateway {
    fn start<'a>(&'a self, request: &'a OrderRequest) -> GatewayFuture<'a, String> {
        Box::pin(async move {
            let key = &request.invoice;
            // The same request id for a retry of this order's creation: PayPal answers it with
            // the order it made the first time.
            let order = self
                .api
                .create_order(&request.to_json(), &format!("{key}-create"))
                .await?;
            let approve_url = order
                .payer_action()
                .ok_or_else(|| GatewayError("PayPal gave no approval link".into()))?;
            sqlx::query(
                "INSERT INTO paypal_payments (order_key, paypal_order, approve_url, created_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (order_key) DO NOTHING",
            )
            .bind(key)
            .bind(&order.id)
            .bind(approve_url)
            .bind(time::OffsetDateTime::now_utc().unix_timestamp())
            .execute(&self.pool)
            .await
            .map_err(failed)?;
            Ok(approve_url.to_owned())
        })
    }

    fn capture<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, ChargeOutcome> {
        Box::pin(async move {
            let payment = self.recorded(key).await?;
            if let Some(reason) = payment.given_up {
                return Ok(self
                    .find_payment(key)
                    .await?
                    .unwrap_or(ChargeOutcome::Declined(reason)));
            }
            if payment.capture_id.is_some() {
                return self.read_back(&payment).await;
            }
            // A request id per try: after a refusal (a declined funding source, an approval
            // not given yet) the next capture is a new request, not a replay of the refused one.
            let request_id = format!("{key}-capture-{}", payment.refused_captures);
            match self.api.capture(&payment.paypal_order, &request_id).await {
                Ok(order) => {
                    self.note_capture(&payment, &order).await?;
                    Ok(outcome_of(&order))
                }
                Err(PayPalError::Unprocessable { issue, .. }) => {
                    if issue == "ORDER_ALREADY_CAPTURED" {
                        return self.read_back(&payment).await;
                    }
                    let declined = matches!(
                        issue.as_str(),
                        "INSTRUMENT_DECLINED" | "PAYER_ACTION_REQUIRED"
                    );
                    let declined_at =
                        declined.then(|| time::OffsetDateTime::now_utc().unix_timestamp());
                    sqlx::query(
                        "UPDATE paypal_payments SET refused_captures = refused_captures + 1, \
                         declined_at = COALESCE($1, declined_at) WHERE order_key = $2",
                    )
                    .bind(declined_at)
                    .bind(key)
                    .execute(&self.pool)
                    .await
                    .map_err(failed)?;
                    match issue.as_str() {
                        // PayPal's recovery: the buyer chooses another way to pay on its page.
                        // An approval not given again since a decline (the webhook's capture
                        // met the decline first) is the same.
                        _ if declined || (issue == "ORDER_NOT_APPROVED" && payment.declined) => {
                            let order = self.api.order(&payment.paypal_order).await?;
                            let url = order.payer_action().unwrap_or(&payment.approve_url);
                            Ok(ChargeOutcome::ChooseAnotherWay {
                                url: url.to_owned(),
                            })
                        }
                        "ORDER_NOT_APPROVED" => Ok(ChargeOutcome::AwaitingApproval),
                        _ => Ok(ChargeOutcome::Declined(DeclineReason::Declined)),
                    }
                }
                Err(PayPalError::NotFound) => {
                    Ok(ChargeOutcome::Declined(DeclineReason::PayPalExpired))
                }
                Err(e) => Err(e.into()),
            }
        })
    }

    fn void<'a>(&'a self, key: &'a str, why: VoidReason) -> GatewayFuture<'a, ()> {
        Box::pin(async move {
            // PayPal has no void for an order with intent CAPTURE that was never captured: it
            // expires on its own. The shop records that it gave the payment up, and never
            // captures it afterwards; a payment already captured stands.
            let reason = match why {
                VoidReason::Cancelled => DeclineReason::PayPalCancelled,
                VoidReason::Expired => DeclineReason::PayPalExpired,
            };
            self.update(
                "UPDATE paypal_payments SET given_up = $1 \
                 WHERE order_key = $2 AND given_up IS NULL AND capture_id IS NULL",
                reason.code(),
                key,
            )
            .await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::paypal::api::{Capture, Payments, PurchaseUnit};

    fn order(status: &str, capture: Option<&str>) -> Order {
        Order {
            id: "5O190127TN364715T".into(),
            status: status.into(),
            purchase_units: vec![PurchaseUnit {
                invoice_id: Some("CF-1".into()),
                payments: capture.map(|status| Payments {
                    captures: vec![Capture {
                        id: "3C679366HH908993F".into(),
                        status: status.into(),
                    }],
                }),
            }],
            links: vec![],
        }
    }

    #[test]
    fn a_paypal_order_settles_only_when_its_capture_completes() {
        assert_eq!(
            outcome_of(&order("COMPLETED", Some("COMPLETED"))),
            ChargeOutcome::Succeeded {
                reference: "3C679366HH908993F".into()
            }
        );
        assert_eq!(
            outcome_of(&order("COMPLETED", Some("PENDING"))),
            ChargeOutcome::AwaitingApproval
        );
        assert_eq!(
            outcome_of(&order("COMPLETED", Some("DECLINED"))),
            ChargeOutcome::Declined(DeclineReason::Declined)
        );
        assert_eq!(
            outcome_of(&order("APPROVED", None)),
            ChargeOutcome::AwaitingApproval
        );
        assert_eq!(
            outcome_of(&order("VOIDED", None)),
            ChargeOutcome::Declined(DeclineReason::PayPalExpired)
        );
        assert_eq!(
            outcome_of(&order("COMPLETED", Some("REFUNDED"))),
            ChargeOutcome::Refunded
        );
    }
}
