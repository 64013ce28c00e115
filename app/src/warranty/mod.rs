//! Warranty claims (limited lifetime): what the warranty does not cover, and the rules a
//! claim's photos must meet. The claim form, its storage and the staff review build on these
//! (issue 13).

use serde::{Deserialize, Serialize};

pub mod photos;

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
