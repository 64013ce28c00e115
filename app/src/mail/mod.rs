//! E-mail the shop sends. Every message is queued in the database in the transaction of the
//! change it reports (`queue`), and a background worker sends it through the configured
//! transport (`transport`) with retries, so a mail-server outage loses nothing and never holds
//! up a shopper. Staff see messages that could not be sent and send them again.

use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod transport;

#[cfg(feature = "ssr")]
pub use transport::{MailError, Mailer};

/// A message ready to send: both an HTML and a plain-text body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Escapes text for HTML: names, addresses and messages are typed by shoppers.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How shoppers reach support, at the foot of every letter (`StoreInfo::support_contact`).
#[derive(Clone, Copy, Debug)]
pub struct SupportContact<'a> {
    pub email: &'a str,
    pub phone: &'a str,
}

/// A short letter: one paragraph (its line breaks kept), a link, a closing word, and how to
/// reach support; in plain text and in HTML (everything a shopper typed escaped).
#[cfg(feature = "ssr")]
pub fn letter(
    to: &str,
    subject: String,
    lead: &str,
    link: (&str, &str),
    closing: &str,
    support: SupportContact<'_>,
) -> Email {
    let (label, href) = link;
    let support = format!(
        "Questions? Write to {} or call {}.",
        support.email, support.phone
    );
    let text = format!("{lead}\n\n{label}:\n{href}\n\n{closing}\n\n{support}\n");
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family: sans-serif; color: #1a1a1a; max-width: 600px;\">\
         <h1>{title}</h1><p style=\"white-space: pre-wrap;\">{lead}</p><p><a href=\"{href}\">{label}</a></p><p>{closing}</p>\
         <p>{support}</p></body></html>",
        title = escape(&subject),
        lead = escape(lead),
        href = escape(href),
        label = escape(label),
        closing = escape(closing),
        support = escape(&support),
    );
    Email {
        to: to.to_owned(),
        subject,
        text,
        html,
    }
}

/// Where a queued message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MailState {
    /// Waiting for its first try or its next retry.
    Pending,
    Sent,
    /// Every retry failed: it waits for staff to send it again.
    Failed,
}

impl MailState {
    pub const ALL: [MailState; 3] = [MailState::Pending, MailState::Sent, MailState::Failed];

    pub fn slug(self) -> &'static str {
        match self {
            MailState::Pending => "pending",
            MailState::Sent => "sent",
            MailState::Failed => "failed",
        }
    }

    pub fn from_slug(slug: &str) -> Option<MailState> {
        MailState::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            MailState::Pending => "Waiting to be sent",
            MailState::Sent => "Sent",
            MailState::Failed => "Not sent",
        }
    }
}

/// A queued message as staff see it: its envelope and how sending it went, never its body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedMail {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub state: MailState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip_through_their_slugs() {
        for state in MailState::ALL {
            assert_eq!(MailState::from_slug(state.slug()), Some(state));
        }
        assert_eq!(MailState::from_slug("lost"), None);
    }

    #[test]
    fn markup_typed_by_a_shopper_is_shown_as_text() {
        assert_eq!(
            escape(r#"<b onclick="x">Tom & 'Jerry'</b>"#),
            "&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }
}
