//! The payment providers the shop was started with, and the methods they let shoppers choose.
//! The server builds them once from its settings; checkout, settlement and refunds ask for a
//! provider by what it does (cards, PayPal), never by which one it is.

use super::card::CardBrand;
use super::gateway::{CardEntry, PaymentChoice};
use serde::{Deserialize, Serialize};

/// The ways to pay the checkout offers, as the configured providers allow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethods {
    /// How a card is entered, if cards are taken.
    pub card: Option<CardEntry>,
    pub paypal: bool,
    /// The card brands the shop takes (a setting).
    pub brands: Vec<CardBrand>,
}

impl PaymentMethods {
    /// Whether `choice` is one of them.
    pub fn offers(&self, choice: &PaymentChoice) -> bool {
        match choice {
            PaymentChoice::Card(_) => self.card == Some(CardEntry::Typed),
            PaymentChoice::CardToken(_) => matches!(self.card, Some(CardEntry::Stripe { .. })),
            PaymentChoice::PayPal => self.paypal,
        }
    }

    pub fn takes_cards(&self) -> bool {
        self.card.is_some()
    }

    /// The accepted brands in words: "Visa, Mastercard and American Express".
    pub fn brands_in_words(&self) -> String {
        let names: Vec<String> = self.brands.iter().map(ToString::to_string).collect();
        match names.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// Stripe.js's address and the shop's publishable key, when cards are entered there.
    pub fn stripe(&self) -> Option<(&str, &str)> {
        match &self.card {
            Some(CardEntry::Stripe {
                script,
                publishable_key,
            }) => Some((script, publishable_key)),
            _ => None,
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
        brands: Vec<CardBrand>,
        /// Stripe, for its webhook, when it takes the cards.
        stripe: Option<Arc<crate::payments::stripe::gateway::StripeGateway>>,
        /// PayPal's REST API, for its webhook and tracking, when it takes PayPal.
        paypal_api: Option<Arc<crate::payments::paypal::gateway::PayPalGateway>>,
    }

    impl Providers {
        /// The providers, taking every card brand the shop knows.
        pub fn new(
            card: Option<Arc<dyn CardGateway>>,
            paypal: Option<Arc<dyn RedirectGateway>>,
        ) -> Providers {
            Providers {
                card,
                paypal,
                brands: CardBrand::ALL.to_vec(),
                stripe: None,
                paypal_api: None,
            }
        }

        /// PayPal through its REST API: its webhook's events are then received, and shipments
        /// of orders it paid are reported to it.
        pub fn with_paypal(
            self,
            paypal: Arc<crate::payments::paypal::gateway::PayPalGateway>,
        ) -> Providers {
            Providers {
                paypal: Some(paypal.clone()),
                paypal_api: Some(paypal),
                ..self
            }
        }

        /// PayPal, when the shop takes it through PayPal's REST API.
        pub fn paypal_api(&self) -> Option<&crate::payments::paypal::gateway::PayPalGateway> {
            self.paypal_api.as_deref()
        }

        /// Stripe taking the cards: its webhook's events are then received.
        pub fn stripe(
            stripe: Arc<crate::payments::stripe::gateway::StripeGateway>,
            paypal: Option<Arc<dyn RedirectGateway>>,
        ) -> Providers {
            Providers {
                stripe: Some(stripe.clone()),
                ..Providers::new(Some(stripe), paypal)
            }
        }

        /// Stripe, when it takes the cards: for the events its webhook receives.
        pub fn stripe_events(&self) -> Option<&crate::payments::stripe::gateway::StripeGateway> {
            self.stripe.as_deref()
        }

        /// Takes cards of `brands` only.
        pub fn accepting(self, brands: Vec<CardBrand>) -> Providers {
            Providers { brands, ..self }
        }

        pub fn methods(&self) -> PaymentMethods {
            PaymentMethods {
                card: self.card.as_ref().map(|card| card.entry()),
                paypal: self.paypal.is_some(),
                brands: self.brands.clone(),
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
        let token = PaymentChoice::CardToken("tok_visa".into());
        let typed_only = PaymentMethods {
            card: Some(CardEntry::Typed),
            ..Default::default()
        };
        assert!(typed_only.offers(&card));
        assert!(!typed_only.offers(&token));
        assert!(!typed_only.offers(&PaymentChoice::PayPal));
        assert!(!PaymentMethods::default().offers(&card));
        let stripe = PaymentMethods {
            card: Some(CardEntry::Stripe {
                script: "https://js.stripe.com/v3/".into(),
                publishable_key: "pk_test_1".into(),
            }),
            paypal: true,
            brands: vec![],
        };
        // With Stripe a card number never reaches the shop: typed cards are refused.
        assert!(stripe.offers(&token) && !stripe.offers(&card));
        assert!(stripe.offers(&PaymentChoice::PayPal));
        assert_eq!(
            stripe.stripe(),
            Some(("https://js.stripe.com/v3/", "pk_test_1"))
        );
    }

    #[test]
    fn accepted_brands_are_named_in_a_sentence() {
        let mut methods = PaymentMethods {
            brands: vec![CardBrand::Visa],
            ..Default::default()
        };
        assert_eq!(methods.brands_in_words(), "Visa");
        methods.brands = vec![
            CardBrand::Visa,
            CardBrand::Mastercard,
            CardBrand::AmericanExpress,
        ];
        assert_eq!(
            methods.brands_in_words(),
            "Visa, Mastercard and American Express"
        );
    }
}
