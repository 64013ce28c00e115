//! The help center: the store policy as answers grouped by topic, each at its own address
//! (`/help/<slug>`), with the figures read from the shop's settings. The answers are written
//! on the server (`answers`), so their text never weighs on the browser's WebAssembly.

use crate::error::AppError;
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod answers;
pub mod pages;

/// What an answer is about; the help center lists answers in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HelpTopic {
    Paying,
    PromoCodes,
    Shipping,
    OrderChanges,
    Cancellation,
    Refunds,
    Tracking,
    DeliveryProblems,
    Warranty,
    Affiliates,
    Contact,
}

impl HelpTopic {
    pub const ALL: [HelpTopic; 11] = [
        HelpTopic::Paying,
        HelpTopic::PromoCodes,
        HelpTopic::Shipping,
        HelpTopic::OrderChanges,
        HelpTopic::Cancellation,
        HelpTopic::Refunds,
        HelpTopic::Tracking,
        HelpTopic::DeliveryProblems,
        HelpTopic::Warranty,
        HelpTopic::Affiliates,
        HelpTopic::Contact,
    ];

    pub fn label(self) -> &'static str {
        match self {
            HelpTopic::Paying => "Paying",
            HelpTopic::PromoCodes => "Promo codes",
            HelpTopic::Shipping => "Shipping",
            HelpTopic::OrderChanges => "Changing an order",
            HelpTopic::Cancellation => "Cancelling",
            HelpTopic::Refunds => "Refunds",
            HelpTopic::Tracking => "Tracking and lost packages",
            HelpTopic::DeliveryProblems => "Problems after delivery",
            HelpTopic::Warranty => "Warranty",
            HelpTopic::Affiliates => "Affiliates",
            HelpTopic::Contact => "Contacting us",
        }
    }

    /// For element ids and anchors on the help center's index.
    pub fn slug(self) -> &'static str {
        match self {
            HelpTopic::Paying => "paying",
            HelpTopic::PromoCodes => "promo-codes",
            HelpTopic::Shipping => "shipping",
            HelpTopic::OrderChanges => "order-changes",
            HelpTopic::Cancellation => "cancelling",
            HelpTopic::Refunds => "refunds",
            HelpTopic::Tracking => "tracking",
            HelpTopic::DeliveryProblems => "delivery-problems",
            HelpTopic::Warranty => "warranty",
            HelpTopic::Affiliates => "affiliates",
            HelpTopic::Contact => "contact",
        }
    }
}

/// A piece of an answer's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HelpBlock {
    Paragraph(String),
    /// Steps or cases, in order when `numbered`.
    List {
        numbered: bool,
        items: Vec<String>,
    },
}

/// Where an answer sends the shopper to do what it describes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpLink {
    pub label: String,
    pub href: String,
}

/// One answer, at `/help/<slug>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpAnswer {
    pub slug: String,
    pub topic: HelpTopic,
    pub question: String,
    /// One sentence, for search results and the page's description.
    pub summary: String,
    pub blocks: Vec<HelpBlock>,
    pub actions: Vec<HelpLink>,
}

/// An answer as the index and search results list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpEntry {
    pub slug: String,
    pub topic: HelpTopic,
    pub question: String,
    pub summary: String,
}

impl From<&HelpAnswer> for HelpEntry {
    fn from(answer: &HelpAnswer) -> Self {
        HelpEntry {
            slug: answer.slug.clone(),
            topic: answer.topic,
            question: answer.question.clone(),
            summary: answer.summary.clone(),
        }
    }
}

/// One answer and the others on its topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpArticle {
    pub answer: HelpAnswer,
    pub related: Vec<HelpEntry>,
}

/// Every answer, in topic order.
#[server(output = Postcard)]
pub async fn help_index() -> Result<Vec<HelpEntry>, AppError> {
    let store = crate::shop::server_state()?.store;
    Ok(answers::all(&store).iter().map(HelpEntry::from).collect())
}

#[server(output = Postcard)]
pub async fn read_help_answer(slug: String) -> Result<HelpArticle, AppError> {
    let store = crate::shop::server_state()?.store;
    let all = answers::all(&store);
    let answer = all
        .iter()
        .find(|a| a.slug == slug)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let related = all
        .iter()
        .filter(|a| a.topic == answer.topic && a.slug != answer.slug)
        .map(HelpEntry::from)
        .collect();
    Ok(HelpArticle { answer, related })
}
