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
use crate::money::Money;
use rules::{PartnerStatus, Rate};
use serde::{Deserialize, Serialize};

pub mod api;
pub mod banners;
pub mod pages;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod http;

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

/// The QR code of a partner link, drawn by the shop: `?path=/shop&code=CODE` (not `ref`,
/// which any page takes as a click).
pub const QR_PATH: &str = "/affiliates/qr.svg";
/// A payout run's CSV for PayPal, under the admin prefix (the router refuses other roles).
pub const PAYOUT_CSV_PATH: &str = "/api/admin/affiliates/payout.csv";

/// A partner's commission by state. Approved is what the next payout pays (less than zero
/// when a refund after a payout is still to be carried).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balances {
    pub pending: Money,
    pub approved: Money,
    pub paid: Money,
}

/// One day of a partner's results.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayStats {
    /// The day's first second (UTC).
    pub day: i64,
    pub clicks: u32,
    pub orders: u32,
    /// Commission earned by the day's orders, less what refunds took back.
    pub commission: Money,
}

/// Where an order's commission stands, as its partner sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReferralState {
    AwaitingDelivery,
    /// Delivered; approved at this time unless it is returned.
    Delivered {
        approves_at: i64,
    },
    Approved,
    Paid,
    Cancelled,
    Refunded,
}

impl ReferralState {
    pub fn label(self) -> String {
        match self {
            ReferralState::AwaitingDelivery => "Pending: not delivered yet".into(),
            ReferralState::Delivered { approves_at } => format!(
                "Pending: approved on {}",
                crate::local_time::format_day(approves_at)
            ),
            ReferralState::Approved => "Approved".into(),
            ReferralState::Paid => "Paid".into(),
            ReferralState::Cancelled => "Cancelled: no commission".into(),
            ReferralState::Refunded => "Refunded: no commission".into(),
        }
    }
}

/// An order a partner referred: no name or address of its buyer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferredOrder {
    pub number: String,
    pub placed_at: i64,
    pub total: Money,
    /// What it earns now: the commission less what refunds took back.
    pub commission: Money,
    pub state: ReferralState,
}

/// A payout a partner received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    pub paid_at: i64,
    pub amount: Money,
    pub paypal_email: String,
}

/// What an approved partner's dashboard shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerDashboard {
    pub name: String,
    pub referral_code: String,
    pub promo_code: Option<String>,
    pub rate: Rate,
    /// The shop's address, which links start with.
    pub shop_url: String,
    /// Every day of the chosen period, oldest first.
    pub days: Vec<DayStats>,
    pub balances: Balances,
    pub orders: Vec<ReferredOrder>,
    pub payouts: Vec<Received>,
}

impl PartnerDashboard {
    /// The link to `path` (a path on the shop, or a whole address on it) that credits them.
    pub fn link(&self, path: &str) -> String {
        let shop = self.shop_url.trim_end_matches('/');
        let path = path.trim();
        let path = path.strip_prefix(shop).unwrap_or(path);
        let path = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        let joiner = if path.contains('?') { '&' } else { '?' };
        format!("{shop}{path}{joiner}ref={}", self.referral_code)
    }
}

/// Where an account stands with the program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Partnership {
    NotApplied,
    Waiting,
    Declined { reason: String },
    Suspended,
    Approved(Box<PartnerDashboard>),
}

/// Who an order credits, for staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderReferral {
    pub partner_id: i64,
    pub partner_name: String,
    /// By their personal code; otherwise by their link, clicked at `clicked_at`.
    pub by_code: bool,
    pub clicked_at: Option<i64>,
    pub commission: Money,
    pub reversed: Money,
}

/// The periods the dashboard offers, in days.
pub const PERIODS: [u32; 3] = [7, 30, 90];

/// A partner or an applicant, for staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPartnerRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub channel: String,
    pub audience: String,
    pub promotion: String,
    pub paypal_email: String,
    pub status: PartnerStatus,
    pub referral_code: Option<String>,
    pub promo_code: Option<String>,
    pub rate: Rate,
    pub custom_rate: bool,
    pub applied_at: i64,
    pub clicks: u32,
    pub orders: u32,
    pub balances: Balances,
}

/// One partner's line of a payout run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutLine {
    pub partner_id: i64,
    pub partner_name: String,
    pub paypal_email: String,
    pub amount: Money,
}

/// A payout run and its lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutRun {
    pub id: i64,
    pub created_at: i64,
    pub paid_at: Option<i64>,
    pub lines: Vec<PayoutLine>,
}

impl PayoutRun {
    pub fn total(&self) -> Money {
        self.lines.iter().map(|l| l.amount).sum()
    }
}

/// The program as staff run it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAffiliates {
    pub applications: Vec<StaffPartnerRow>,
    pub partners: Vec<StaffPartnerRow>,
    pub runs: Vec<PayoutRun>,
}

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
