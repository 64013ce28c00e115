//! The payment providers the shop was started with, and the methods they let shoppers choose.
//! The server builds them once from its settings; checkout, settlement and refunds ask for a
//! provider by what it does (cards, PayPal), never by which one it is.

use super::gateway::PaymentChoice;
use serde::{Deserialize, Serialize};

/// The ways to pay the checkout offers, as the configured providers allow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethods {
    pub card: bool,
    pub paypal: bool,
}

impl PaymentMethods {
    /// Whether `choice` is one of them.
    pub fn offers(self, choice: &PaymentChoice) -> bool {
        match choice {
            PaymentChoice::Card(_) => self.card,
            PaymentChoice::PayPal => self.paypal,
        }
    }
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::payments::gateway::{CardGateway, GatewayError, Provider, RedirectGateway};
    use std::sync::Arc;

    #[derive(Clone, Debug, Default)]
    pub struct Providers {
        card: Option<Arc<dyn CardGateway>>,
        paypal: Option<Arc<dyn RedirectGateway>>,
    }

    impl Providers {
        pub fn new(
            card: Option<Arc<dyn CardGateway>>,
            paypal: Option<Arc<dyn RedirectGateway>>,
        ) -> Providers {
            Providers { card, paypal }
        }

        pub fn methods(&self) -> PaymentMethods {
            PaymentMethods {
                card: self.card.is_some(),
                paypal: self.paypal.is_some(),
            }
        }

        /// Some provider charges nothing for real.
        pub fn test_mode(&self) -> bool {
            let card = self.card.as_deref().map(|p| p as &dyn Provider);
            let paypal = self.paypal.as_deref().map(|p| p as &dyn Provider);
            card.into_iter().chain(paypal).any(Provider::test_mode)
        }

        pub fn card(&self) -> Result<&dyn CardGateway, GatewayError> {
            self.card
                .as_deref()
                .ok_or_else(|| GatewayError("no card payment provider is configured".into()))
        }

        pub fn paypal(&self) -> Result<&dyn RedirectGateway, GatewayError> {
            self.paypal
                .as_deref()
                .ok_or_else(|| GatewayError("no PayPal provider is configured".into()))
        }

        /// The provider that took (or was to take) an order's payment: refunds and
        /// settlement go back to it.
        pub fn that_took(&self, by_paypal: bool) -> Result<&dyn Provider, GatewayError> {
            Ok(if by_paypal {
                self.paypal()?
            } else {
                self.card()?
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::gateway::CardDetails;

    #[test]
    fn a_choice_is_offered_only_by_its_providers() {
        let card = PaymentChoice::Card(CardDetails::default());
        let cards_only = PaymentMethods {
            card: true,
            paypal: false,
        };
        assert!(cards_only.offers(&card));
        assert!(!cards_only.offers(&PaymentChoice::PayPal));
        assert!(!PaymentMethods::default().offers(&card));
    }
}
