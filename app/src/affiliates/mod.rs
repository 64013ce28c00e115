//! The affiliate program: partners apply, staff approve them, and an approved partner's links
//! (`?ref=CODE`) and personal promo code credit them with a commission on the orders they bring.
//!
//! - `rules`: who is credited, what the commission is, what a refund takes back (pure);
//! - `partners`: applications and partners (table `partners`);
//! - `clicks`: link clicks and the browser's click cookie (table `partner_clicks`);
//! - `ledger`: the partner credited for each order and the commission ledger (tables
//!   `referrals`, `commission_entries`), moved by checkout, fulfilment, refunds and the job;
//! - `payouts`: payout runs, their PayPal CSV and "mark paid" (tables `payout_runs`, `payouts`);
//! - `letters`: the e-mails partners get;
//! - `banners`: the ready-made ads partners embed.

use crate::accounts::model::Email;
use crate::forms::FieldErrors;
use serde::{Deserialize, Serialize};

pub mod banners;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod clicks;
#[cfg(feature = "ssr")]
pub mod ledger;
#[cfg(feature = "ssr")]
pub mod letters;
#[cfg(feature = "ssr")]
pub mod partners;
#[cfg(feature = "ssr")]
pub mod payouts;

/// The application form as it is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationForm {
    pub name: String,
    pub email: String,
    /// A website or a social channel.
    pub channel: String,
    /// One of `AUDIENCE_SIZES`.
    pub audience: String,
    /// How they will promote the shop.
    pub promotion: String,
    /// Where payouts go.
    pub paypal_email: String,
}

/// The audience sizes the form offers.
pub const AUDIENCE_SIZES: [&str; 4] = [
    "Under 1,000",
    "1,000 to 10,000",
    "10,000 to 100,000",
    "Over 100,000",
];

/// An application that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Application {
    pub name: String,
    pub email: Email,
    pub channel: String,
    pub audience: String,
    pub promotion: String,
    pub paypal_email: Email,
}

const MAX_NAME: usize = 100;
const MAX_CHANNEL: usize = 300;
const MAX_PROMOTION: usize = 2_000;

impl ApplicationForm {
    /// The application, or a message for each field to correct.
    pub fn validate(&self) -> Result<Application, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = self.name.trim();
        if name.is_empty() {
            errors.add("name", "Enter your name or your brand's.");
        } else if name.chars().count() > MAX_NAME {
            errors.add("name", "Keep the name to 100 characters.");
        }
        let email = Email::parse(&self.email).map_err(|m| errors.add("email", m));
        let channel = self.channel.trim();
        if channel.is_empty() {
            errors.add(
                "channel",
                "Enter your website or social channel, such as instagram.com/yourname.",
            );
        } else if channel.chars().count() > MAX_CHANNEL {
            errors.add("channel", "Keep the address to 300 characters.");
        }
        if !AUDIENCE_SIZES.contains(&self.audience.as_str()) {
            errors.add("audience", "Choose the size of your audience.");
        }
        let promotion = self.promotion.trim();
        if promotion.chars().count() < 10 {
            errors.add(
                "promotion",
                "Tell us in a sentence or two how you will promote us.",
            );
        } else if promotion.chars().count() > MAX_PROMOTION {
            errors.add("promotion", "Keep it to 2,000 characters.");
        }
        let paypal = Email::parse(&self.paypal_email).map_err(|_| {
            errors.add(
                "paypal_email",
                "Enter the e-mail address of your PayPal account, like name@example.com.",
            )
        });
        match (email, paypal) {
            (Ok(email), Ok(paypal_email)) if errors.is_empty() => Ok(Application {
                name: name.to_owned(),
                email,
                channel: channel.to_owned(),
                audience: self.audience.clone(),
                promotion: promotion.to_owned(),
                paypal_email,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ApplicationForm {
        ApplicationForm {
            name: " Anna Reviews ".into(),
            email: "Anna@Example.com".into(),
            channel: "youtube.com/@annareviews".into(),
            audience: AUDIENCE_SIZES[1].into(),
            promotion: "Unboxing videos of new phone cases every month.".into(),
            paypal_email: "pay@example.com".into(),
        }
    }

    #[test]
    fn a_complete_application_is_accepted_trimmed_and_lower_cased() {
        let application = form().validate().unwrap();
        assert_eq!(application.name, "Anna Reviews");
        assert_eq!(application.email.as_str(), "anna@example.com");
    }

    #[test]
    fn each_missing_or_wrong_field_is_named() {
        let empty = ApplicationForm::default().validate().unwrap_err();
        for field in [
            "name",
            "email",
            "channel",
            "audience",
            "promotion",
            "paypal_email",
        ] {
            assert!(empty.get(field).is_some(), "{field}");
        }
        let mut wrong = form();
        wrong.audience = "a million".into();
        wrong.paypal_email = "not-an-address".into();
        let errors = wrong.validate().unwrap_err();
        assert_eq!(errors.0.len(), 2);
        assert!(errors.get("paypal_email").unwrap().contains("PayPal"));
    }
}
