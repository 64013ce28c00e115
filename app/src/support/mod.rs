//! Support tickets: anyone writes to the shop (signed in or not), follows the conversation in
//! their account or through the private link e-mailed to them, and replies; support staff
//! answer from their queue. Delivery-problem and lost-package reports from an order's page
//! become tickets too, linked to the order.

use crate::accounts::model::Email;
use crate::forms::FieldErrors;
use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod repo;

/// What a ticket is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketTopic {
    Order,
    Payment,
    Shipping,
    Product,
    /// A damaged item, wrong or missing items, or a parcel marked delivered but not received.
    DeliveryProblem,
    LostPackage,
    Warranty,
    Other,
}

impl TicketTopic {
    pub const ALL: [TicketTopic; 8] = [
        TicketTopic::Order,
        TicketTopic::Payment,
        TicketTopic::Shipping,
        TicketTopic::Product,
        TicketTopic::DeliveryProblem,
        TicketTopic::LostPackage,
        TicketTopic::Warranty,
        TicketTopic::Other,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            TicketTopic::Order => "order",
            TicketTopic::Payment => "payment",
            TicketTopic::Shipping => "shipping",
            TicketTopic::Product => "product",
            TicketTopic::DeliveryProblem => "delivery-problem",
            TicketTopic::LostPackage => "lost-package",
            TicketTopic::Warranty => "warranty",
            TicketTopic::Other => "other",
        }
    }

    pub fn from_slug(slug: &str) -> Option<TicketTopic> {
        TicketTopic::ALL.into_iter().find(|t| t.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            TicketTopic::Order => "An order: changes, cancelling, anything else",
            TicketTopic::Payment => "Paying or a promo code",
            TicketTopic::Shipping => "Shipping and delivery times",
            TicketTopic::Product => "A product",
            TicketTopic::DeliveryProblem => "A problem with a delivery",
            TicketTopic::LostPackage => "A lost or late package",
            TicketTopic::Warranty => "Warranty",
            TicketTopic::Other => "Something else",
        }
    }
}

/// Where a ticket stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketStatus {
    /// Waiting for support.
    Open,
    /// Support answered and waits for the shopper.
    WaitingOnCustomer,
    Resolved,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 3] = [
        TicketStatus::Open,
        TicketStatus::WaitingOnCustomer,
        TicketStatus::Resolved,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::WaitingOnCustomer => "waiting",
            TicketStatus::Resolved => "resolved",
        }
    }

    pub fn from_slug(slug: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            TicketStatus::Open => "Open",
            TicketStatus::WaitingOnCustomer => "Waiting on customer",
            TicketStatus::Resolved => "Resolved",
        }
    }
}

/// What went wrong with a delivery, as reported from the order's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryProblem {
    Damaged,
    WrongOrMissing,
    NotReceived,
    /// Reported on a shipped order: the parcel is lost or late.
    LostOrDelayed,
}

impl DeliveryProblem {
    pub const ALL: [DeliveryProblem; 4] = [
        DeliveryProblem::Damaged,
        DeliveryProblem::WrongOrMissing,
        DeliveryProblem::NotReceived,
        DeliveryProblem::LostOrDelayed,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            DeliveryProblem::Damaged => "damaged",
            DeliveryProblem::WrongOrMissing => "wrong-or-missing",
            DeliveryProblem::NotReceived => "not-received",
            DeliveryProblem::LostOrDelayed => "lost-or-delayed",
        }
    }

    pub fn from_slug(slug: &str) -> Option<DeliveryProblem> {
        DeliveryProblem::ALL.into_iter().find(|p| p.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryProblem::Damaged => "An item arrived damaged",
            DeliveryProblem::WrongOrMissing => "Items are wrong or missing",
            DeliveryProblem::NotReceived => "Marked delivered, but I did not receive it",
            DeliveryProblem::LostOrDelayed => "My package is lost or late",
        }
    }

    /// Whether it is reported after delivery (within the report window), rather than on a
    /// shipped order that has not arrived.
    pub fn after_delivery(self) -> bool {
        self != DeliveryProblem::LostOrDelayed
    }

    pub fn topic(self) -> TicketTopic {
        if self.after_delivery() {
            TicketTopic::DeliveryProblem
        } else {
            TicketTopic::LostPackage
        }
    }
}

/// One message of a ticket's conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketMessage {
    pub from_staff: bool,
    pub author: String,
    pub body: String,
    pub at: i64,
}

/// A ticket as its shopper (and staff) read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketView {
    pub number: String,
    pub name: String,
    pub email: String,
    pub topic: TicketTopic,
    pub status: TicketStatus,
    /// The order it is about, when it is the shopper's own.
    pub order: Option<String>,
    /// An order number given that is not the shopper's (staff only see it).
    pub order_given: Option<String>,
    pub problem: Option<DeliveryProblem>,
    pub created_at: i64,
    pub updated_at: i64,
    pub messages: Vec<TicketMessage>,
    /// The photos sent with a delivery-problem report.
    pub photos: Vec<String>,
}

/// A ticket in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSummary {
    pub number: String,
    pub name: String,
    pub email: String,
    pub topic: TicketTopic,
    pub status: TicketStatus,
    pub order: Option<String>,
    pub updated_at: i64,
}

pub const NAME_MAX: usize = 100;
pub const MESSAGE_MIN: usize = 10;
pub const MESSAGE_MAX: usize = 5000;

/// A message's text, checked: trimmed, long enough to act on, short enough to read.
pub fn check_message(text: &str) -> Result<String, String> {
    let text = text.trim();
    let length = text.chars().count();
    if length < MESSAGE_MIN {
        return Err(format!(
            "Tell us a little more: at least {MESSAGE_MIN} characters."
        ));
    }
    if length > MESSAGE_MAX {
        return Err(format!(
            "Please keep it under {MESSAGE_MAX} characters ({length} now)."
        ));
    }
    Ok(text.to_owned())
}

/// A new ticket, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTicket {
    pub name: String,
    pub email: Email,
    pub topic: TicketTopic,
    pub order_number: Option<String>,
    pub message: String,
}

impl NewTicket {
    pub fn validate(
        name: &str,
        email: &str,
        topic: &str,
        order: &str,
        message: &str,
    ) -> Result<NewTicket, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = name.trim();
        if name.is_empty() {
            errors.add("name", "Enter your name.");
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", "Please keep your name under 100 characters.");
        }
        let email = Email::parse(email).map_err(|m| errors.add("email", m)).ok();
        let topic = TicketTopic::from_slug(topic)
            .ok_or(())
            .map_err(|_| errors.add("topic", "Choose what your message is about."))
            .ok();
        let order = order.trim();
        let order_number = if order.is_empty() {
            None
        } else {
            let parsed = crate::orders::model::parse_order_number(order);
            if parsed.is_none() {
                errors.add(
                    "order",
                    "Enter the order number from your confirmation, like CF-7KQ4XN2M, or leave it empty.",
                );
            }
            parsed
        };
        let message = check_message(message)
            .map_err(|m| errors.add("message", &m))
            .ok();
        match (email, topic, message) {
            (Some(email), Some(topic), Some(message)) if errors.is_empty() => Ok(NewTicket {
                name: name.to_owned(),
                email,
                topic,
                order_number,
                message,
            }),
            _ => Err(errors),
        }
    }
}

/// Ticket numbers look like `T-7KQ4XN2M`.
pub fn parse_ticket_number(input: &str) -> Option<String> {
    let compact = input.trim().to_ascii_uppercase();
    let body = compact.strip_prefix("T-")?;
    (body.len() == 8 && body.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| format!("T-{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_needs_a_name_an_address_a_topic_and_a_message() {
        let ticket = NewTicket::validate(
            " Ada ",
            "ADA@example.com",
            "order",
            "cf-7kq4xn2m",
            "  Where is my parcel, please?  ",
        )
        .unwrap();
        assert_eq!(ticket.name, "Ada");
        assert_eq!(ticket.email.as_str(), "ada@example.com");
        assert_eq!(ticket.topic, TicketTopic::Order);
        assert_eq!(ticket.order_number.as_deref(), Some("CF-7KQ4XN2M"));
        assert_eq!(ticket.message, "Where is my parcel, please?");

        let errors = NewTicket::validate("", "nope", "spam", "12", "short").unwrap_err();
        for field in ["name", "email", "topic", "order", "message"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn messages_are_limited_in_length() {
        assert!(check_message(&"x".repeat(MESSAGE_MIN)).is_ok());
        assert!(check_message(&"x".repeat(MESSAGE_MIN - 1)).is_err());
        assert!(check_message(&"é".repeat(MESSAGE_MAX)).is_ok());
        let long = check_message(&"x".repeat(MESSAGE_MAX + 1)).unwrap_err();
        assert!(long.contains("5001"));
        assert!(NewTicket::validate(
            &"n".repeat(NAME_MAX + 1),
            "a@b.co",
            "other",
            "",
            "long enough text"
        )
        .unwrap_err()
        .get("name")
        .is_some());
    }

    #[test]
    fn slugs_round_trip() {
        for topic in TicketTopic::ALL {
            assert_eq!(TicketTopic::from_slug(topic.slug()), Some(topic));
        }
        for status in TicketStatus::ALL {
            assert_eq!(TicketStatus::from_slug(status.slug()), Some(status));
        }
        for problem in DeliveryProblem::ALL {
            assert_eq!(DeliveryProblem::from_slug(problem.slug()), Some(problem));
        }
    }

    #[test]
    fn ticket_numbers_are_recognised() {
        assert_eq!(
            parse_ticket_number(" t-ab12cd34 "),
            Some("T-AB12CD34".into())
        );
        assert_eq!(parse_ticket_number("T-AB12"), None);
        assert_eq!(parse_ticket_number("CF-AB12CD34"), None);
        assert_eq!(parse_ticket_number("T-AB12CD3<"), None);
    }
}
