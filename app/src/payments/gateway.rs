//! The payment provider interfaces: what the shop asks of a provider and the answers it can
//! get. Cards are charged through a `CardGateway`, PayPal is approved on the provider's site
//! through a `RedirectGateway`; `providers` holds the ones the shop was started with.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Card details as typed at checkout. They go to the gateway and are never stored: only the
/// brand and last four digits are kept with the order.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardDetails {
    pub number: String,
    pub expiry: String,
    pub cvc: String,
}

impl fmt::Debug for CardDetails {
    // Card numbers and security codes must never reach a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CardDetails(redacted)")
    }
}

/// Where the shopper types a card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardEntry {
    /// In the shop's own fields (the test-mode gateway).
    Typed,
    /// In Stripe's own field, from Stripe.js: the page loads `script` on the checkout only.
    Stripe {
        script: String,
        publishable_key: String,
    },
}

/// How the shopper pays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentChoice {
    /// A card typed into the shop's own fields: the test-mode gateway only.
    Card(CardDetails),
    /// A card entered in the card provider's own field (Stripe.js), which hands the page a
    /// token for it: the number never reaches the shop.
    CardToken(String),
    PayPal,
}

impl PaymentChoice {
    /// The card, if the shopper pays by card.
    pub fn card(&self) -> Option<CardInput<'_>> {
        match self {
            PaymentChoice::Card(typed) => Some(CardInput::Typed(typed)),
            PaymentChoice::CardToken(token) => Some(CardInput::Token(token)),
            PaymentChoice::PayPal => None,
        }
    }
}

/// A card as the checkout received it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardInput<'a> {
    Typed(&'a CardDetails),
    Token(&'a str),
}

/// Why a provider refused a payment, as far as it says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeclineReason {
    Declined,
    InsufficientFunds,
    IncorrectSecurityCode,
    ExpiredCard,
    ProcessingError,
    /// The card's bank asked the shopper to confirm the payment (3-D Secure), and it was not
    /// confirmed.
    AuthenticationRequired,
    PayPalCancelled,
    /// The shopper answered on the PayPal page after the checkout had timed out.
    PayPalExpired,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 8] = [
        DeclineReason::Declined,
        DeclineReason::InsufficientFunds,
        DeclineReason::IncorrectSecurityCode,
        DeclineReason::ExpiredCard,
        DeclineReason::ProcessingError,
        DeclineReason::AuthenticationRequired,
        DeclineReason::PayPalCancelled,
        DeclineReason::PayPalExpired,
    ];

    /// The provider's code, quoted to the card issuer or support.
    pub fn code(self) -> &'static str {
        match self {
            DeclineReason::Declined => "card_declined",
            DeclineReason::InsufficientFunds => "insufficient_funds",
            DeclineReason::IncorrectSecurityCode => "incorrect_cvc",
            DeclineReason::ExpiredCard => "expired_card",
            DeclineReason::ProcessingError => "processing_error",
            DeclineReason::AuthenticationRequired => "authentication_required",
            DeclineReason::PayPalCancelled => "paypal_cancelled",
            DeclineReason::PayPalExpired => "paypal_expired",
        }
    }

    pub fn from_code(code: &str) -> Option<DeclineReason> {
        DeclineReason::ALL.into_iter().find(|r| r.code() == code)
    }
}

impl fmt::Display for DeclineReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = match self {
            DeclineReason::Declined => "Your card was declined.",
            DeclineReason::InsufficientFunds => "Your card has insufficient funds.",
            DeclineReason::IncorrectSecurityCode => "Your card's security code is incorrect.",
            DeclineReason::ExpiredCard => "Your card has expired.",
            DeclineReason::ProcessingError => {
                "An error occurred while processing your card. Try again in a little bit."
            }
            DeclineReason::AuthenticationRequired => {
                "Your card's bank asked to confirm this payment (3-D Secure), and it was not confirmed."
            }
            DeclineReason::PayPalCancelled => "The PayPal payment was cancelled.",
            DeclineReason::PayPalExpired => {
                "The PayPal approval came after the checkout had timed out."
            }
        };
        write!(f, "{message} (code: {})", self.code())
    }
}

/// The provider's answer to a payment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChargeOutcome {
    /// Money taken; `reference` is the provider's id for it.
    Succeeded {
        reference: String,
    },
    Declined(DeclineReason),
    /// The card's bank wants the shopper to confirm (3-D Secure): the page hands
    /// `client_secret` to the provider's script, then the shop asks the provider the outcome.
    NeedsAuthentication {
        client_secret: String,
    },
    /// PayPal: the shopper has not yet approved or cancelled; a card: still processing.
    AwaitingApproval,
    /// PayPal: the funding the shopper approved was declined when the shop took the payment;
    /// they choose another way to pay at `url` (PayPal's documented recovery).
    ChooseAnotherWay {
        url: String,
    },
    /// Taken, then given back in full.
    Refunded,
}

/// The provider's answer to a refund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefundOutcome {
    /// Given back; `reference` is the provider's id for the refund.
    Refunded { reference: String },
    /// The provider would not refund, and says why.
    Refused(String),
}

/// The provider could not be reached or answered nonsense: the payment's fate is unknown.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the payment provider did not answer: {0}")]
pub struct GatewayError(pub String);

impl From<GatewayError> for crate::error::AppError {
    fn from(err: GatewayError) -> Self {
        #[cfg(feature = "ssr")]
        tracing::error!(error = %err, "payment gateway failure");
        #[cfg(not(feature = "ssr"))]
        let _ = err;
        crate::error::AppError::PaymentUnconfirmed
    }
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::money::Money;
    use crate::payments::paypal::order_request::OrderRequest;
    use std::future::Future;
    use std::pin::Pin;

    pub type GatewayFuture<'a, T> =
        Pin<Box<dyn Future<Output = Result<T, GatewayError>> + Send + 'a>>;

    /// What the shop asks of every provider about a payment it took. Every call is idempotent
    /// by `key` (the order number): asking again, after a timeout or a crash, never takes the
    /// money twice.
    pub trait Provider: Send + Sync + fmt::Debug {
        /// Nothing is really charged (the shop then says so on every page).
        fn test_mode(&self) -> bool;

        /// What became of the payment for `key`, if the provider ever saw it: for settling
        /// checkouts the server was interrupted in.
        fn find_payment<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, Option<ChargeOutcome>>;

        /// Gives `amount` of the completed payment `payment_key` back to the method that paid.
        /// Idempotent by `refund_key`: asking again answers the first refund's outcome. The
        /// provider refuses more than remains of the payment.
        fn refund<'a>(
            &'a self,
            payment_key: &'a str,
            refund_key: &'a str,
            amount: Money,
        ) -> GatewayFuture<'a, RefundOutcome>;
    }

    /// A provider that charges a card the shopper enters at checkout.
    pub trait CardGateway: Provider {
        /// Where the shopper enters the card for this provider.
        fn entry(&self) -> CardEntry;

        /// What card was entered, before anything is charged: its brand, as far as the shop
        /// knows brands, and last four digits. `Ok(None)` if the provider does not know it.
        fn inspect<'a>(&'a self, card: CardInput<'a>) -> GatewayFuture<'a, Option<CardSeen>>;

        fn charge<'a>(
            &'a self,
            key: &'a str,
            amount: Money,
            card: CardInput<'a>,
        ) -> GatewayFuture<'a, ChargeOutcome>;

        /// Gives up a payment that never completed (3-D Secure never answered): it can no
        /// longer take money.
        fn cancel<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, ()>;
    }

    /// A card as its provider describes it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct CardSeen {
        /// The brand, or its name when the shop knows no such brand.
        pub brand: Result<crate::payments::card::CardBrand, String>,
        pub last4: String,
    }

    /// A provider whose payments the shopper approves on the provider's own site (PayPal): the
    /// shop sends them there, and takes the payment once they come back or the provider says
    /// they approved.
    pub trait RedirectGateway: Provider {
        /// Starts the payment of `order` (its invoice is the key of every later call); returns
        /// where the shopper approves it. Asking again for the same order answers the same.
        fn start<'a>(&'a self, order: &'a OrderRequest) -> GatewayFuture<'a, String>;

        /// Takes the payment if the shopper approved it; `AwaitingApproval` while they have not
        /// answered.
        fn capture<'a>(&'a self, key: &'a str) -> GatewayFuture<'a, ChargeOutcome>;

        /// Gives up a payment that was never completed (cancelled, or never approved in time).
        fn void<'a>(&'a self, key: &'a str, why: VoidReason) -> GatewayFuture<'a, ()>;
    }

    /// Why the shop gave up a redirect payment, as the provider records it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum VoidReason {
        /// The shopper came back through the cancel address.
        Cancelled,
        /// The checkout timed out before the shopper approved.
        Expired,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decline_codes_round_trip_and_are_quoted_in_the_message() {
        for reason in DeclineReason::ALL {
            assert_eq!(DeclineReason::from_code(reason.code()), Some(reason));
            assert!(reason.to_string().contains(reason.code()));
        }
    }

    #[test]
    fn card_details_never_print() {
        let card = CardDetails {
            number: "4242424242424242".into(),
            expiry: "12/30".into(),
            cvc: "123".into(),
        };
        let printed = format!("{:?}", PaymentChoice::Card(card));
        assert!(!printed.contains("4242") && !printed.contains("123"));
    }
}
