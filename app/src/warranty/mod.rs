//! Warranty claims (limited lifetime) and quality concerns about a new delivery: what the
//! warranty does not cover, a claim's kinds and statuses, and, on the server, how a claim is
//! filed and reviewed. Its photos go through the shared `photos` service.

use serde::{Deserialize, Serialize};

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod claims;
#[cfg(feature = "ssr")]
pub mod email;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod review;

/// What the warranty does not cover: the help center lists these, the claim form asks the
/// shopper to confirm the defect is none of them, and staff decline a claim naming one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exclusion {
    Drop,
    Installation,
    WearAndTear,
    Modification,
    Misuse,
    ExternalCause,
    NotSoldByUs,
    TheftOrLoss,
}

impl Exclusion {
    pub const ALL: [Exclusion; 8] = [
        Exclusion::Drop,
        Exclusion::Installation,
        Exclusion::WearAndTear,
        Exclusion::Modification,
        Exclusion::Misuse,
        Exclusion::ExternalCause,
        Exclusion::NotSoldByUs,
        Exclusion::TheftOrLoss,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Exclusion::Drop => "drops",
            Exclusion::Installation => "installation failures, such as applying a screen protector",
            Exclusion::WearAndTear => "normal wear and tear",
            Exclusion::Modification => "intentional or unauthorised modification",
            Exclusion::Misuse => "misuse, abuse, accident or mishandling",
            Exclusion::ExternalCause => "acts of nature and other external causes",
            Exclusion::NotSoldByUs => {
                "items not made or not sold by us or our authorised resellers"
            }
            Exclusion::TheftOrLoss => "theft or loss",
        }
    }
}

impl Exclusion {
    pub fn slug(self) -> &'static str {
        match self {
            Exclusion::Drop => "drop",
            Exclusion::Installation => "installation",
            Exclusion::WearAndTear => "wear",
            Exclusion::Modification => "modification",
            Exclusion::Misuse => "misuse",
            Exclusion::ExternalCause => "external",
            Exclusion::NotSoldByUs => "not-sold-by-us",
            Exclusion::TheftOrLoss => "theft-or-loss",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Exclusion> {
        Exclusion::ALL.into_iter().find(|e| e.slug() == slug)
    }
}

/// What a claim is about: a defect, covered for the item's life, or a concern about a new
/// delivery's quality, accepted within 30 days of receiving it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimKind {
    Defect,
    Quality,
}

impl ClaimKind {
    pub const ALL: [ClaimKind; 2] = [ClaimKind::Defect, ClaimKind::Quality];

    pub fn slug(self) -> &'static str {
        match self {
            ClaimKind::Defect => "warranty",
            ClaimKind::Quality => "quality",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ClaimKind> {
        ClaimKind::ALL.into_iter().find(|k| k.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            ClaimKind::Defect => "A defect in material or workmanship",
            ClaimKind::Quality => "A quality concern about a new delivery",
        }
    }
}

/// Where a claim stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimStatus {
    /// Waiting for staff to review it.
    Submitted,
    /// Staff asked the shopper for more photos or details.
    NeedsInfo,
    /// Settled by a free replacement.
    Approved,
    /// Refused, naming the exclusion.
    Declined,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 4] = [
        ClaimStatus::Submitted,
        ClaimStatus::NeedsInfo,
        ClaimStatus::Approved,
        ClaimStatus::Declined,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ClaimStatus::Submitted => "submitted",
            ClaimStatus::NeedsInfo => "needs_info",
            ClaimStatus::Approved => "approved",
            ClaimStatus::Declined => "declined",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ClaimStatus> {
        ClaimStatus::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            ClaimStatus::Submitted => "Waiting for review",
            ClaimStatus::NeedsInfo => "We need more from you",
            ClaimStatus::Approved => "Approved: replacement on its way",
            ClaimStatus::Declined => "Declined",
        }
    }

    /// Whether staff may still decide (approve, decline, ask for more).
    pub fn is_open(self) -> bool {
        matches!(self, ClaimStatus::Submitted | ClaimStatus::NeedsInfo)
    }
}

/// A claim as its shopper and staff read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimView {
    pub number: String,
    pub kind: ClaimKind,
    pub status: ClaimStatus,
    pub order: String,
    /// The claimed item: product name and options.
    pub item: String,
    pub sku: String,
    pub email: String,
    pub created_at: i64,
    pub decline_reason: Option<Exclusion>,
    /// The free replacement order, once approved.
    pub replacement: Option<String>,
    /// The ids of its photos, oldest first.
    pub photos: Vec<String>,
    pub messages: Vec<crate::support::TicketMessage>,
}

/// A claim in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimSummary {
    pub number: String,
    pub status: ClaimStatus,
    pub order: String,
    pub item: String,
    pub email: String,
    pub created_at: i64,
    /// Its first photo's id, for a thumbnail.
    pub first_photo: Option<String>,
}

/// An item of an order a claim may be about, as the claim form offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimableItem {
    pub line_id: i64,
    pub item: String,
}

/// Claim numbers look like `W-7KQ4XN2M`.
pub fn parse_claim_number(input: &str) -> Option<String> {
    let compact = input.trim().to_ascii_uppercase();
    let body = compact.strip_prefix("W-")?;
    (body.len() == 8 && body.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| format!("W-{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_read_back() {
        for e in Exclusion::ALL {
            assert_eq!(Exclusion::from_slug(e.slug()), Some(e));
        }
        for k in ClaimKind::ALL {
            assert_eq!(ClaimKind::from_slug(k.slug()), Some(k));
        }
        for s in ClaimStatus::ALL {
            assert_eq!(ClaimStatus::from_slug(s.slug()), Some(s));
        }
        assert_eq!(ClaimStatus::from_slug("open"), None);
    }

    #[test]
    fn claim_numbers_and_photo_addresses() {
        assert_eq!(
            parse_claim_number(" w-ab12cd34 "),
            Some("W-AB12CD34".into())
        );
        assert_eq!(parse_claim_number("T-AB12CD34"), None);
        assert_eq!(parse_claim_number("W-AB12"), None);
    }

    #[test]
    fn only_undecided_claims_can_be_decided() {
        assert!(ClaimStatus::Submitted.is_open());
        assert!(ClaimStatus::NeedsInfo.is_open());
        assert!(!ClaimStatus::Approved.is_open());
        assert!(!ClaimStatus::Declined.is_open());
    }
}
