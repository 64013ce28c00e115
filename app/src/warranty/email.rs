//! The e-mails a claim sends its shopper (server only): that it arrived, and each decision or
//! question from staff. Each carries a private link to the claim.

use crate::mail::{letter, Email};
use crate::shop::StoreInfo;

/// The private address of claim `number`, opened by `key`.
pub fn claim_link(store: &StoreInfo, number: &str, key: &str) -> String {
    format!("{}/warranty/claims/{number}?key={key}", store.public_url)
}

/// Confirms a new claim.
pub fn received(to: &str, number: &str, link: &str, store: &StoreInfo) -> Email {
    letter(
        to,
        format!("We received your warranty claim ({number})"),
        &format!("Thank you: your claim {number} and its photos reached {}. We review every claim by hand and write to you when it is decided, usually within two business days. Please keep the item: nothing is accepted back without an approved claim.", store.name),
        ("See your claim", link),
        "Keep this e-mail: the link opens your claim without an account. Please do not forward it.",
        store.support_contact(),
    )
}

/// Tells the shopper what staff decided or asked on claim `number`.
pub fn update(
    to: &str,
    number: &str,
    headline: &str,
    message: &str,
    link: &str,
    store: &StoreInfo,
) -> Email {
    letter(
        to,
        format!("Your warranty claim {number}: {headline}"),
        message,
        ("See your claim", link),
        "Answer through the link above, so your reply stays with your claim.",
        store.support_contact(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mail_carries_the_private_link() {
        let store = StoreInfo::for_tests();
        let link = claim_link(&store, "W-AB23CD45", "k3y");
        assert_eq!(link, "https://shop.test/warranty/claims/W-AB23CD45?key=k3y");
        let mail = received("ada@example.com", "W-AB23CD45", &link, &store);
        assert!(mail.subject.contains("W-AB23CD45"));
        assert!(mail.text.contains(&link));
        let mail = update(
            "ada@example.com",
            "W-AB23CD45",
            "approved",
            "We are sending a new case.",
            &link,
            &store,
        );
        assert!(mail.subject.ends_with("approved"));
        assert!(mail.text.contains("We are sending a new case."));
    }
}
