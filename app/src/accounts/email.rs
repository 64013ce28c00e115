//! The e-mails a sign-up sends (server only): the link that finishes a new account, or, for an
//! address that already has one, a note to its owner. Pure formatting; sending is `mail`'s job.

use crate::identity::Role;
use crate::mail::{letter, Email};
use crate::shop::StoreInfo;

/// The link that turns a sign-up into an account.
pub fn confirm_sign_up(to: &str, name: &str, link: &str, store: &StoreInfo) -> Email {
    letter(
        to,
        format!("Finish creating your {} account", store.name),
        &format!("Hello {name}, open the link below to finish creating your account. It works for 24 hours."),
        ("Finish creating your account", link),
        "If you did not sign up, ignore this e-mail: no account is created without this link.",
        store.support_contact(),
    )
}

/// Tells the owner of an existing account that someone tried to sign up with their address.
pub fn already_registered(to: &str, sign_in_link: &str, store: &StoreInfo) -> Email {
    letter(
        to,
        format!("You already have a {} account", store.name),
        &format!(
            "Someone, perhaps you, tried to create a {} account with this e-mail address. You already have one.",
            store.name
        ),
        ("Sign in", sign_in_link),
        "If this wasn't you, you can ignore this e-mail: nothing has changed.",
        store.support_contact(),
    )
}

/// The link that lets the owner of an account choose a new password.
pub fn reset_password(to: &str, link: &str, store: &StoreInfo) -> Email {
    letter(
        to,
        format!("Choose a new {} password", store.name),
        "Someone, perhaps you, asked to reset the password of your account. Open the link below to choose a new one. It works for one hour, once.",
        ("Choose a new password", link),
        "If you didn't ask, ignore this e-mail: your password stays as it is.",
        store.support_contact(),
    )
}

/// An invitation to join the shop's staff.
pub fn staff_invitation(
    to: &str,
    role: Role,
    invited_by: &str,
    link: &str,
    store: &StoreInfo,
) -> Email {
    letter(
        to,
        format!("You're invited to run {} as {role}", store.name),
        &format!(
            "{invited_by} invited you to the staff of {} with the {role} role. Open the link below to set your password and start. It works for 7 days, once.",
            store.name
        ),
        ("Accept the invitation", link),
        "If you weren't expecting this, ignore this e-mail: nothing changes without the link.",
        store.support_contact(),
    )
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
            ..StoreInfo::for_tests()
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

    #[test]
    fn invitations_name_the_role_and_who_invited_and_escape_them() {
        let link = "https://shop.example/account/set-password?token=abc";
        let email = staff_invitation(
            "b@example.com",
            Role::Support,
            "<i>ann</i>@shop.example",
            link,
            &store(),
        );
        assert!(email.subject.contains("as Support"));
        assert!(email.text.contains(link) && email.html.contains(link));
        assert!(email.html.contains("&lt;i&gt;ann") && !email.html.contains("<i>ann"));
        let reset = reset_password("b@example.com", link, &store());
        assert!(reset.text.contains("one hour") && reset.html.contains(link));
    }
}
