//! Stripe behind the shop's `CardGateway`. Its table, `stripe_payments`, links each order to
//! the PaymentIntent that pays it: written after the PaymentIntent is created and before it is
//! confirmed, so whatever happens next (a crash, a shopper who leaves at 3-D Secure) the shop
//! can ask Stripe what became of the payment instead of guessing.

use super::api::{IntentStatus, PaymentIntent, StripeApi, StripeError};
use super::declines::decline_reason;
use super::settings::StripeSettings;
use crate::money::Money;
use crate::payments::card::CardBrand;
use crate::payments::gateway::{
    CardEntry, CardGateway, CardInput, CardSeen, ChargeOutcome, DeclineReason, GatewayError,
    GatewayFuture, Provider, RefundOutcome,
};

use sqlx::{AnyPool, Row};

#[derive(Clone, Debug)]
pub struct StripeGateway {
    api: StripeApi,
    settings: StripeSettings,
    pool: AnyPool,
}

/// An order's payment at Stripe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripePayment {
    pub order: String,
    pub payment_intent: String,
}

fn failed(err: sqlx::Error) -> GatewayError {
    GatewayError(err.to_string())
}

impl From<StripeError> for GatewayError {
    fn from(err: StripeError) -> GatewayError {
        GatewayError(err.to_string())
    }
}

/// What a PaymentIntent's state means for the order it pays.
pub fn outcome_of(intent: &PaymentIntent) -> ChargeOutcome {
    match intent.status {
        IntentStatus::Succeeded => ChargeOutcome::Succeeded {
            reference: intent.id.clone(),
        },
        IntentStatus::RequiresAction => match &intent.client_secret {
            Some(secret) => ChargeOutcome::NeedsAuthentication {
                client_secret: secret.clone(),
            },
            None => ChargeOutcome::AwaitingApproval,
        },
        IntentStatus::RequiresPaymentMethod | IntentStatus::Canceled => {
            let error = intent.last_payment_error.as_ref();
            ChargeOutcome::Declined(match error {
                Some(e) => decline_reason(e.code.as_deref(), e.decline_code.as_deref()),
                // Cancelled before any attempt (given up at 3-D Secure or never confirmed).
                None if intent.status == IntentStatus::Canceled => {
                    DeclineReason::AuthenticationRequired
                }
                None => DeclineReason::Declined,
            })
        }
        IntentStatus::RequiresConfirmation
        | IntentStatus::Processing
        | IntentStatus::RequiresCapture => ChargeOutcome::AwaitingApproval,
    }
}

/// The brand of a card as Stripe names it, if the shop knows it.
pub fn brand_named(name: &str) -> Result<CardBrand, String> {
    match name.to_ascii_lowercase().as_str() {
        "visa" => Ok(CardBrand::Visa),
        "mastercard" => Ok(CardBrand::Mastercard),
        "american express" | "amex" => Ok(CardBrand::AmericanExpress),
        _ => Err(name.to_owned()),
    }
}

impl StripeGateway {
    pub fn new(settings: StripeSettings, pool: AnyPool) -> Result<StripeGateway, GatewayError> {
        let api = StripeApi::new(&settings.api_url, settings.secret_key.clone())?;
        Ok(StripeGateway {
            api,
            settings,
            pool,
        })
    }

    pub fn settings(&self) -> &StripeSettings {
        &self.settings
    }

    pub fn api(&self) -> &StripeApi {
        &self.api
    }

    async fn intent_of(&self, order: &str) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT payment_intent FROM stripe_payments WHERE order_key = $1")
            .bind(order)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("payment_intent")).transpose()
    }

    /// The order a PaymentIntent pays, if it is one of the shop's.
    pub async fn order_paid_by(&self, intent: &str) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT order_key FROM stripe_payments WHERE payment_intent = $1")
            .bind(intent)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("order_key")).transpose()
    }

    /// Records the PaymentIntent for `order`; false if another request for the same order
    /// recorded one first.
    async fn record(&self, order: &str, intent: &str, customer: &str) -> Result<bool, sqlx::Error> {
        let inserted = sqlx::query(
            "INSERT INTO stripe_payments (order_key, payment_intent, customer, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (order_key) DO NOTHING",
        )
        .bind(order)
        .bind(intent)
        .bind(customer)
        .bind(time::OffsetDateTime::now_utc().unix_timestamp())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }

    /// The first charge: the token becomes a Customer's card, a PaymentIntent is created and
    /// recorded, then confirmed. Each request's idempotency key is made from the order and the
    /// attempt (the token, then what it became), so Stripe answers a repeated request with its
    /// first answer; only the PaymentIntent recorded first for an order is ever confirmed.
    async fn first_charge(
        &self,
        order: &str,
        amount: Money,
        token: &str,
    ) -> Result<ChargeOutcome, GatewayError> {
        let customer = match self
            .api
            .create_customer(token, order, &format!("{order}-customer-{token}"))
            .await
        {
            Ok(customer) => customer,
            Err(StripeError::Card { code, decline_code }) => {
                return Ok(ChargeOutcome::Declined(decline_reason(
                    code.as_deref(),
                    decline_code.as_deref(),
                )));
            }
            Err(err) => return Err(err.into()),
        };
        let Some(card) = customer.default_source.as_ref().map(|c| c.id().to_owned()) else {
            return Err(GatewayError(format!(
                "Stripe kept no card for customer {}",
                customer.id
            )));
        };
        let intent = self
            .api
            .create_intent(
                amount.cents(),
                &customer.id,
                &card,
                order,
                &format!("{order}-intent-{}", customer.id),
            )
            .await?;
        if !self
            .record(order, &intent.id, &customer.id)
            .await
            .map_err(failed)?
        {
            // A second request for this order lost the race: the first one's payment stands,
            // and this one's, never confirmed, is given up.
            let _ = self
                .api
                .cancel_intent(&intent.id, &format!("{order}-cancel-{}", intent.id))
                .await;
            return self.current(order).await;
        }
        match self
            .api
            .confirm_intent(&intent.id, &format!("{order}-confirm-{}", intent.id))
            .await
        {
            Ok(confirmed) => Ok(outcome_of(&confirmed)),
            Err(StripeError::Card { code, decline_code }) => Ok(ChargeOutcome::Declined(
                decline_reason(code.as_deref(), decline_code.as_deref()),
            )),
            Err(err) => Err(err.into()),
        }
    }

    /// What Stripe says now of the payment recorded for `order`.
    async fn current(&self, order: &str) -> Result<ChargeOutcome, GatewayError> {
        match self.find(order).await? {
            Some(outcome) => Ok(outcome),
            None => Err(GatewayError(format!(
                "no Stripe payment is recorded for {order}"
            ))),
        }
    }

    async fn find(&self, order: &str) -> Result<Option<ChargeOutcome>, GatewayError> {
        let Some(intent) = self.intent_of(order).await.map_err(failed)? else {
            return Ok(None);
        };
        Ok(Some(outcome_of(&self.api.intent(&intent).await?)))
    }
}

impl Provider for StripeGateway {
    fn test_mode(&self) -> bool {
        self.settings.test_mode()
    }

    fn find_payment<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, Option<ChargeOutcome>> {
        Box::pin(self.find(key))
    }

    fn refund<'a>(
        &'a self,
        payment_key: &'a str,
        refund_key: &'a str,
        amount: Money,
    ) -> GatewayFuture<'a, RefundOutcome> {
        Box::pin(async move {
            let Some(intent) = self.intent_of(payment_key).await.map_err(failed)? else {
                return Ok(RefundOutcome::Refused("no_stripe_payment".into()));
            };
            match self
                .api
                .refund(&intent, amount.cents(), payment_key, refund_key)
                .await
            {
                Ok(refund) if refund.status.as_deref() == Some("failed") => {
                    Ok(RefundOutcome::Refused("refund_failed".into()))
                }
                Ok(refund) => Ok(RefundOutcome::Refunded {
                    reference: refund.id,
                }),
                Err(StripeError::Refused { code, message, .. }) => {
                    Ok(RefundOutcome::Refused(code.unwrap_or(message)))
                }
                Err(err) => Err(err.into()),
            }
        })
    }
}

impl CardGateway for StripeGateway {
    fn entry(&self) -> CardEntry {
        CardEntry::Stripe {
            script: self.settings.js_url.clone(),
            publishable_key: self.settings.publishable_key.clone(),
        }
    }

    fn inspect<'a>(&'a self, card: CardInput<'a>) -> GatewayFuture<'a, Option<CardSeen>> {
        Box::pin(async move {
            let CardInput::Token(token) = card else {
                return Ok(None);
            };
            match self.api.token(token).await {
                Ok(token) => Ok(Some(CardSeen {
                    brand: brand_named(&token.card.brand),
                    last4: token.card.last4,
                })),
                // Not a token of this account (a forged or mistyped id).
                Err(StripeError::Refused {
                    status: 400 | 404, ..
                }) => Ok(None),
                Err(err) => Err(err.into()),
            }
        })
    }

    fn charge<'a>(
        &'a self,
        key: &'a str,
        amount: Money,
        card: CardInput<'a>,
    ) -> GatewayFuture<'a, ChargeOutcome> {
        Box::pin(async move {
            // A retried checkout finds the payment it started: a token is never charged twice.
            if let Some(outcome) = self.find(key).await? {
                return Ok(outcome);
            }
            match card {
                CardInput::Token(token) => self.first_charge(key, amount, token).await,
                CardInput::Typed(_) => Err(GatewayError(
                    "Stripe takes cards only from its own field, never a typed number".into(),
                )),
            }
        })
    }

    fn cancel<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, ()> {
        Box::pin(async move {
            let Some(intent) = self.intent_of(key).await.map_err(failed)? else {
                return Ok(());
            };
            match self
                .api
                .cancel_intent(&intent, &format!("{key}-cancel-{intent}"))
                .await
            {
                // Refused: it succeeded or was cancelled meanwhile; its state says which.
                Ok(_) | Err(StripeError::Refused { .. }) => Ok(()),
                Err(err) => Err(err.into()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::stripe::api::PaymentError;

    fn intent(status: IntentStatus, error: Option<(&str, Option<&str>)>) -> PaymentIntent {
        PaymentIntent {
            id: "pi_1".into(),
            status,
            amount: 2599,
            client_secret: Some("pi_1_secret_2".into()),
            last_payment_error: error.map(|(code, decline)| PaymentError {
                code: Some(code.into()),
                decline_code: decline.map(Into::into),
            }),
            latest_charge: None,
            metadata: Default::default(),
        }
    }

    #[test]
    fn a_payment_intents_state_decides_the_orders() {
        assert_eq!(
            outcome_of(&intent(IntentStatus::Succeeded, None)),
            ChargeOutcome::Succeeded {
                reference: "pi_1".into()
            }
        );
        assert_eq!(
            outcome_of(&intent(IntentStatus::RequiresAction, None)),
            ChargeOutcome::NeedsAuthentication {
                client_secret: "pi_1_secret_2".into()
            }
        );
        assert_eq!(
            outcome_of(&intent(
                IntentStatus::RequiresPaymentMethod,
                Some(("card_declined", Some("insufficient_funds")))
            )),
            ChargeOutcome::Declined(DeclineReason::InsufficientFunds)
        );
        assert_eq!(
            outcome_of(&intent(
                IntentStatus::RequiresPaymentMethod,
                Some(("payment_intent_authentication_failure", None))
            )),
            ChargeOutcome::Declined(DeclineReason::AuthenticationRequired)
        );
        assert_eq!(
            outcome_of(&intent(IntentStatus::Canceled, None)),
            ChargeOutcome::Declined(DeclineReason::AuthenticationRequired)
        );
        for waiting in [
            IntentStatus::Processing,
            IntentStatus::RequiresConfirmation,
            IntentStatus::RequiresCapture,
        ] {
            assert_eq!(
                outcome_of(&intent(waiting, None)),
                ChargeOutcome::AwaitingApproval
            );
        }
    }

    #[test]
    fn brands_as_stripe_names_them() {
        assert_eq!(brand_named("Visa"), Ok(CardBrand::Visa));
        assert_eq!(brand_named("MasterCard"), Ok(CardBrand::Mastercard));
        assert_eq!(
            brand_named("American Express"),
            Ok(CardBrand::AmericanExpress)
        );
        assert_eq!(brand_named("Discover"), Err("Discover".into()));
    }
}
