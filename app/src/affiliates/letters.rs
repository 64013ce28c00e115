//! The e-mails partners get (pure formatting; `mail::queue` sends them): application
//! received, approved (with the dashboard link), declined (with the reason), payout sent.

use super::rules::PAYOUT_THRESHOLD;
use crate::mail::{letter, Email};
use crate::money::Money;
use crate::shop::StoreInfo;

/// Where a partner's dashboard is.
pub const DASHBOARD_PATH: &str = "/affiliates/dashboard";
/// The program's page.
pub const PROGRAM_PATH: &str = "/affiliates";

fn link(store: &StoreInfo, path: &str) -> String {
    format!("{}{path}", store.public_url.trim_end_matches('/'))
}

pub fn received(to: &str, name: &str, store: &StoreInfo) -> Email {
    letter(
        to,
        format!("We received your {} partner application", store.name),
        &format!(
            "Hello {name}, thank you for applying to the {} partner program. We read every \
             application and answer within three business days, by e-mail to this address.",
            store.name
        ),
        ("The partner program", &link(store, PROGRAM_PATH)),
        "You do not need to do anything until then.",
        store.support_contact(),
    )
}

pub fn approved(
    to: &str,
    name: &str,
    referral_link: &str,
    promo_code: &str,
    store: &StoreInfo,
) -> Email {
    letter(
        to,
        format!("Welcome to the {} partner program", store.name),
        &format!(
            "Hello {name}, your application is approved. Your referral link is {referral_link} \
             and your personal promo code is {promo_code}: it gives your audience 10% off and \
             credits you even without a click. Your dashboard has links to any page, banners \
             with the code to embed them, and your clicks, orders and commission. Sign in with \
             this e-mail address to open it (new here? create your account with it first)."
        ),
        ("Open your partner dashboard", &link(store, DASHBOARD_PATH)),
        "Happy promoting!",
        store.support_contact(),
    )
}

pub fn declined(to: &str, name: &str, reason: &str, store: &StoreInfo) -> Email {
    letter(
        to,
        format!("Your {} partner application", store.name),
        &format!(
            "Hello {name}, thank you for your interest in the {} partner program. We cannot \
             approve your application at this time, for this reason:\n\n{reason}\n\nYou are \
             welcome to apply again when that has changed.",
            store.name
        ),
        ("The partner program", &link(store, PROGRAM_PATH)),
        "Thank you for thinking of us.",
        store.support_contact(),
    )
}

pub fn payout_sent(
    to: &str,
    name: &str,
    amount: Money,
    paypal_email: &str,
    store: &StoreInfo,
) -> Email {
    letter(
        to,
        format!("Your {} partner payout of ${}", store.name, amount.amount()),
        &format!(
            "Hello {name}, we sent ${} to your PayPal account {paypal_email}: your approved \
             commission. Payouts go out monthly once your approved balance reaches ${}.",
            amount.amount(),
            PAYOUT_THRESHOLD.amount()
        ),
        ("See your payouts", &link(store, DASHBOARD_PATH)),
        "Thank you for promoting us.",
        store.support_contact(),
    )
}
