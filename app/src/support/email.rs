//! The e-mails a ticket sends its shopper (server only): that we received it, and each answer
//! from support. Each carries a private link to the conversation.

use crate::mail::{letter, Email};
use crate::shop::StoreInfo;

/// The private address of ticket `number`, opened by `key`.
pub fn ticket_link(store: &StoreInfo, number: &str, key: &str) -> String {
    format!("{}/support/tickets/{number}?key={key}", store.public_url)
}

/// Confirms a new ticket.
pub fn received(to: &str, name: &str, number: &str, link: &str, store: &StoreInfo) -> Email {
    letter(
        to,
        format!("We received your message ({number})"),
        &format!("Hello {name}, thank you for writing to {}. Your ticket number is {number}. We answer by e-mail, usually within one business day.", store.name),
        ("Read or add to the conversation", link),
        "Keep this e-mail: the link opens your ticket without an account. Please do not forward it.",
        store.support_contact(),
    )
}

/// Carries an answer from support.
pub fn answered(
    to: &str,
    number: &str,
    staff_name: &str,
    reply: &str,
    link: &str,
    store: &StoreInfo,
) -> Email {
    letter(
        to,
        format!("New answer on your ticket {number}"),
        &format!("{staff_name} from {} wrote:\n\n{reply}", store.name),
        ("Reply or read the whole conversation", link),
        "Reply through the link above, so your answer stays with your ticket.",
        store.support_contact(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> StoreInfo {
        StoreInfo::for_tests()
    }

    #[test]
    fn an_answer_carries_the_reply_escaped_and_the_private_link() {
        let link = ticket_link(&store(), "T-AB23CD45", "k3y");
        assert_eq!(link, "https://shop.test/support/tickets/T-AB23CD45?key=k3y");
        let mail = answered(
            "ada@example.com",
            "T-AB23CD45",
            "Sam",
            "Use <b>this</b>",
            &link,
            &store(),
        );
        assert!(mail.subject.contains("T-AB23CD45"));
        assert!(mail.text.contains("Use <b>this</b>") && mail.text.contains(&link));
        assert!(mail.html.contains("Use &lt;b&gt;this&lt;/b&gt;"));
        assert!(!mail.html.contains("<b>this"));
    }
}
