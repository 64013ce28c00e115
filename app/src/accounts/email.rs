//! The e-mails a sign-up sends (server only): the link that finishes a new account, or, for an
//! address that already has one, a note to its owner. Pure formatting; sending is `mail`'s job.

use crate::mail::{escape, Email};
use crate::shop::StoreInfo;

fn html_page(title: &str, paragraphs: &[String]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family: sans-serif; color: #1a1a1a; max-width: 600px;\">\
         <h1>{title}</h1>{body}</body></html>",
        title = escape(title),
    )
}

fn support_line(store: &StoreInfo) -> String {
    format!(
        "Questions? Write to {} or call {}.",
        store.support_email, store.support_phone
    )
}

/// The link that turns a sign-up into an account.
pub fn confirm_sign_up(to: &str, name: &str, link: &str, store: &StoreInfo) -> Email {
    let subject = format!("Finish creating your {} account", store.name);
    let ignore =
        "If you did not sign up, ignore this e-mail: no account is created without this link.";
    let text = format!(
        "Hello {name},\n\nOpen this link to finish creating your account (it works for 24 hours):\n{link}\n\n{ignore}\n\n{}\n",
        support_line(store)
    );
    let html = html_page(
        &subject,
        &[
            format!("Hello {},", escape(name)),
            format!(
                "<a href=\"{}\">Finish creating your account</a> (the link works for 24 hours).",
                escape(link)
            ),
            ignore.to_owned(),
            escape(&support_line(store)),
        ],
    );
    Email {
        to: to.to_owned(),
        subject,
        text,
        html,
    }
}

/// Tells the owner of an existing account that someone tried to sign up with their address.
pub fn already_registered(to: &str, sign_in_link: &str, store: &StoreInfo) -> Email {
    let subject = format!("You already have a {} account", store.name);
    let ignore = "If this wasn't you, you can ignore this e-mail: nothing has changed.";
    let text = format!(
        "Someone, perhaps you, tried to create a {shop} account with this e-mail address. You already have one.\n\nSign in here:\n{sign_in_link}\n\n{ignore}\n\n{}\n",
        support_line(store),
        shop = store.name,
    );
    let html = html_page(
        &subject,
        &[
            format!(
                "Someone, perhaps you, tried to create a {} account with this e-mail address. You already have one.",
                escape(&store.name)
            ),
            format!("<a href=\"{}\">Sign in</a>", escape(sign_in_link)),
            ignore.to_owned(),
            escape(&support_line(store)),
        ],
    );
    Email {
        to: to.to_owned(),
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> StoreInfo {
        StoreInfo {
            name: "Casefront".into(),
            public_url: "https://shop.example".into(),
            support_email: "care@shop.example".into(),
            support_phone: "+1 555 0100".into(),
            shipping: Default::default(),
            delivery: Default::default(),
            test_payments: true,
        }
    }

    #[test]
    fn the_confirmation_carries_the_link_and_escapes_the_name() {
        let link = "https://shop.example/account/confirm?token=abc";
        let email = confirm_sign_up("a@example.com", "<b>Ann</b>", link, &store());
        assert!(email.text.contains(link));
        assert!(email.html.contains(link));
        assert!(email.html.contains("&lt;b&gt;Ann&lt;/b&gt;"));
        assert!(!email.html.contains("<b>Ann"));
    }

    #[test]
    fn the_owner_is_pointed_to_sign_in() {
        let email = already_registered(
            "a@example.com",
            "https://shop.example/account/sign-in",
            &store(),
        );
        assert!(email.text.contains("You already have one"));
        assert!(email.html.contains("https://shop.example/account/sign-in"));
    }
}
