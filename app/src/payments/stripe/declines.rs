//! Stripe's refusal codes as the shop's decline reasons, each with the policy's advice.

use crate::payments::gateway::DeclineReason;

/// The reason for a refusal Stripe reported with `code` and, for card declines,
/// `decline_code`. The issuer's `decline_code` is the more precise; codes the shop has no
/// advice of its own for are a general decline.
pub fn decline_reason(code: Option<&str>, decline_code: Option<&str>) -> DeclineReason {
    let known = |c: &str| match c {
        "insufficient_funds" => Some(DeclineReason::InsufficientFunds),
        "expired_card" => Some(DeclineReason::ExpiredCard),
        "incorrect_cvc" | "invalid_cvc" => Some(DeclineReason::IncorrectSecurityCode),
        "processing_error" => Some(DeclineReason::ProcessingError),
        "authentication_required" | "payment_intent_authentication_failure" => {
            Some(DeclineReason::AuthenticationRequired)
        }
        _ => None,
    };
    decline_code
        .and_then(known)
        .or_else(|| code.and_then(known))
        .unwrap_or(DeclineReason::Declined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_stripe_documents_has_its_advice_and_the_rest_are_declines() {
        let cases = [
            (Some("card_declined"), None, DeclineReason::Declined),
            (
                Some("card_declined"),
                Some("insufficient_funds"),
                DeclineReason::InsufficientFunds,
            ),
            (
                Some("card_declined"),
                Some("generic_decline"),
                DeclineReason::Declined,
            ),
            (Some("expired_card"), None, DeclineReason::ExpiredCard),
            (
                Some("incorrect_cvc"),
                None,
                DeclineReason::IncorrectSecurityCode,
            ),
            (
                Some("processing_error"),
                None,
                DeclineReason::ProcessingError,
            ),
            (
                Some("card_declined"),
                Some("authentication_required"),
                DeclineReason::AuthenticationRequired,
            ),
            (
                Some("payment_intent_authentication_failure"),
                None,
                DeclineReason::AuthenticationRequired,
            ),
            (
                Some("card_declined"),
                Some("stolen_card"),
                DeclineReason::Declined,
            ),
            (Some("something_new"), None, DeclineReason::Declined),
            (None, None, DeclineReason::Declined),
        ];
        for (code, decline_code, expected) in cases {
            assert_eq!(
                decline_reason(code, decline_code),
                expected,
                "{code:?} {decline_code:?}"
            );
        }
    }
}
