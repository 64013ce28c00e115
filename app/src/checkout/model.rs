//! What the checkout form sends and every answer it can get. Shared by browser and server.

use super::address::{Address, ShippingAddress};
use crate::accounts::model::Email;
use crate::cart::model::{CartRequest, PricedCart};
use crate::forms::FieldErrors;
use crate::money::Money;
use crate::payments::card::{
    card_brand, card_digits, check_expiry, check_number, check_security_code, CardBrand,
};
use crate::payments::gateway::{DeclineReason, PaymentChoice};
use crate::pricing::coupon::CouponRejection;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The prices the shopper saw when they pressed "Pay": if the server's differ, the shopper is
/// shown what changed and nothing is charged. The server never charges these figures.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenPrices {
    pub unit_prices: Vec<(String, Money)>,
    pub total: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutRequest {
    /// New for each submission of the form; a double click or retry repeats it.
    pub idempotency_key: String,
    pub email: String,
    pub address: Address,
    pub cart: CartRequest,
    pub seen: SeenPrices,
    pub payment: PaymentChoice,
}

/// How the order is paid, as stored and shown: never more than brand and last four digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentSummary {
    Card {
        brand: CardBrand,
        last4: String,
    },
    PayPal,
    /// Nothing was paid: a free replacement under the warranty.
    NothingToPay,
}

impl fmt::Display for PaymentSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaymentSummary::Card { brand, last4 } => write!(f, "{brand} ending in {last4}"),
            PaymentSummary::PayPal => f.write_str("PayPal"),
            PaymentSummary::NothingToPay => f.write_str("Nothing to pay (free replacement)"),
        }
    }
}

/// A checkout form whose fields all passed their checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCheckout {
    pub email: Email,
    pub address: ShippingAddress,
    pub payment: CheckedPayment,
}

/// The payment as far as the form tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckedPayment {
    Known(PaymentSummary),
    /// A card entered in the provider's own field: only the provider can say its brand and
    /// last four digits.
    ProviderToken,
}

/// Stripe's card tokens: `tok_` and letters, digits or underscores.
pub fn is_card_token(token: &str) -> bool {
    token.strip_prefix("tok_").is_some_and(|rest| {
        !rest.is_empty()
            && rest.len() <= 250
            && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// Checks the contact, address and card fields; `today` is (year, month) for the expiry.
pub fn validate_checkout(
    request: &CheckoutRequest,
    today: (i32, u8),
) -> Result<ValidCheckout, FieldErrors> {
    let mut errors = FieldErrors::default();
    let email = Email::parse(&request.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let address = match request.address.validate() {
        Ok(address) => Some(address),
        Err(address_errors) => {
            errors.0.extend(address_errors.0);
            None
        }
    };
    let payment = match &request.payment {
        PaymentChoice::PayPal => Some(CheckedPayment::Known(PaymentSummary::PayPal)),
        PaymentChoice::CardToken(token) => {
            if !is_card_token(token) {
                errors.add("card", "Enter your card details.");
            }
            Some(CheckedPayment::ProviderToken)
        }
        PaymentChoice::Card(card) => {
            let number = check_number(&card.number)
                .map_err(|p| errors.add("card_number", &p.to_string()))
                .ok();
            if let Err(problem) = check_expiry(&card.expiry, today.0, today.1) {
                errors.add("card_expiry", &problem.to_string());
            }
            // The brand shows from the first digits even when a later digit is mistyped.
            let brand = card_digits(&card.number)
                .ok()
                .and_then(|digits| card_brand(&digits))
                .unwrap_or(CardBrand::Visa);
            if let Err(problem) = check_security_code(&card.cvc, brand) {
                errors.add("card_cvc", &problem.to_string());
            }
            number
                .map(|(brand, last4)| CheckedPayment::Known(PaymentSummary::Card { brand, last4 }))
        }
    };
    match (email, address, payment) {
        (Some(email), Some(address), Some(payment)) if errors.is_empty() => Ok(ValidCheckout {
            email,
            address,
            payment,
        }),
        _ => Err(errors),
    }
}

/// Something that differs between what the shopper saw and what the shop would charge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CartChange {
    PriceChanged {
        name: String,
        from: Money,
        to: Money,
    },
    QuantityLowered {
        name: String,
        to: u32,
    },
    SoldOut {
        name: String,
    },
    NoLongerSold {
        sku: String,
    },
    TotalChanged {
        from: Money,
        to: Money,
    },
}

impl fmt::Display for CartChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CartChange::PriceChanged { name, from, to } => {
                write!(f, "The price of {name} changed from {from} to {to}.")
            }
            CartChange::QuantityLowered { name, to } => {
                write!(
                    f,
                    "Only {to} of {name} are left, so we lowered the quantity."
                )
            }
            CartChange::SoldOut { name } => write!(f, "{name} has just sold out and was removed."),
            CartChange::NoLongerSold { sku } => {
                write!(f, "{sku} is no longer sold and was removed.")
            }
            CartChange::TotalChanged { from, to } => {
                write!(f, "Your total is now {to} (it was {from}).")
            }
        }
    }
}

/// Why a payment failed, with the policy's advice shown beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentFailure {
    pub reason: DeclineReason,
}

/// The checkout page.
pub const CHECKOUT_PATH: &str = "/checkout";

/// Where PayPal sends the shopper back: `/checkout/paypal/{order number}`, with
/// `?cancelled=1` if they cancelled there.
pub const PAYPAL_RETURN_PATH: &str = "/checkout/paypal";

/// Every answer to "Pay".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckoutOutcome {
    /// Paid and placed.
    Placed { number: String },
    /// Fields to correct; nothing was charged.
    Invalid(FieldErrors),
    /// The cart changed on the shop's side; nothing was charged. `cart` is the fresh pricing.
    CartChanged {
        changes: Vec<CartChange>,
        cart: Box<PricedCart>,
    },
    /// The promo code can no longer be used; nothing was charged.
    CouponRefused(CouponRejection),
    /// The payment was refused; the order was not placed and nothing was kept.
    PaymentFailed(PaymentFailure),
    /// PayPal: the shopper approves the payment for order `number` at `url`.
    ApprovePayPal { url: String, number: String },
    /// The provider has not confirmed the payment for order `number` yet: the order is held,
    /// and settled once the provider answers or the checkout times out.
    AwaitingPayment { number: String },
    /// The card's bank asks the shopper to confirm the payment for order `number` (3-D
    /// Secure): the page hands `client_secret` to Stripe.js, then asks the shop to finish.
    AuthenticateCard {
        number: String,
        client_secret: String,
    },
    /// Too many declined card payments from this client or for this e-mail address: card
    /// payments pause for `minutes`. Nothing was charged or reserved.
    CardPaymentsPaused { minutes: u64 },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::gateway::CardDetails;
    use crate::pricing::shipping::ShippingMethod;

    fn request(payment: PaymentChoice) -> CheckoutRequest {
        CheckoutRequest {
            idempotency_key: "k".into(),
            email: "Ada@Example.com".into(),
            address: Address {
                name: "Ada".into(),
                line1: "1 Main St".into(),
                line2: String::new(),
                city: "Springfield".into(),
                region: "IL".into(),
                postcode: "62701".into(),
                country: "US".into(),
                phone: String::new(),
            },
            cart: CartRequest {
                lines: vec![],
                coupon: None,
                method: ShippingMethod::Standard,
            },
            seen: SeenPrices::default(),
            payment,
        }
    }

    fn card(number: &str, expiry: &str, cvc: &str) -> PaymentChoice {
        PaymentChoice::Card(CardDetails {
            number: number.into(),
            expiry: expiry.into(),
            cvc: cvc.into(),
        })
    }

    #[test]
    fn a_valid_card_checkout_keeps_only_brand_and_last_four() {
        let valid = validate_checkout(
            &request(card("4242 4242 4242 4242", "12/30", "123")),
            (2026, 11),
        )
        .unwrap();
        assert_eq!(valid.email.as_str(), "ada@example.com");
        let summary = PaymentSummary::Card {
            brand: CardBrand::Visa,
            last4: "4242".into(),
        };
        assert_eq!(summary.to_string(), "Visa ending in 4242");
        assert_eq!(valid.payment, CheckedPayment::Known(summary));
    }

    #[test]
    fn each_card_field_reports_its_own_problem() {
        let errors = validate_checkout(
            &request(card("4242 4242 4242 4241", "01/20", "12")),
            (2026, 11),
        )
        .unwrap_err();
        assert!(errors.get("card_number").unwrap().contains("mistyped"));
        assert!(errors.get("card_expiry").unwrap().contains("expired"));
        assert!(errors.get("card_cvc").unwrap().contains("3-digit"));
        let errors = validate_checkout(
            &request(card("378282246310005", "12/30", "123")),
            (2026, 11),
        )
        .unwrap_err();
        assert!(errors.get("card_cvc").unwrap().contains("4-digit"));
    }

    #[test]
    fn a_card_token_is_checked_for_its_shape_only() {
        let token = |t: &str| request(PaymentChoice::CardToken(t.into()));
        let valid = validate_checkout(&token("tok_1NzXyZ2eZvKYlo2C"), (2026, 11)).unwrap();
        assert_eq!(valid.payment, CheckedPayment::ProviderToken);
        for bad in ["", "tok_", "pm_123", "tok_../x", "4242424242424242"] {
            let errors = validate_checkout(&token(bad), (2026, 11)).unwrap_err();
            assert!(errors.get("card").is_some(), "{bad}");
        }
    }

    #[test]
    fn paypal_needs_no_card_and_bad_contact_is_reported() {
        assert!(validate_checkout(&request(PaymentChoice::PayPal), (2026, 11)).is_ok());
        let mut bad = request(PaymentChoice::PayPal);
        bad.email = "not an address".into();
        bad.address.city = " ".into();
        let errors = validate_checkout(&bad, (2026, 11)).unwrap_err();
        assert!(errors.get("email").is_some() && errors.get("city").is_some());
    }
}
