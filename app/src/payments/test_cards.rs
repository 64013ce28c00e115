//! The test-mode gateway's card numbers: public, well-known test numbers that succeed or fail
//! with a specific reason. Shared so the checkout page can list them in test mode.

use super::card::card_digits;
use super::gateway::DeclineReason;

/// Test card numbers and what paying with them does (`None`: the payment succeeds).
pub const TEST_CARDS: [(&str, Option<DeclineReason>); 8] = [
    ("4242424242424242", None),
    ("5555555555554444", None),
    ("378282246310005", None),
    ("4000000000000002", Some(DeclineReason::Declined)),
    ("4000000000009995", Some(DeclineReason::InsufficientFunds)),
    (
        "4000000000000127",
        Some(DeclineReason::IncorrectSecurityCode),
    ),
    ("4000000000000069", Some(DeclineReason::ExpiredCard)),
    ("4000000000000119", Some(DeclineReason::ProcessingError)),
];

/// What the test gateway does with a card: test numbers behave as listed; any other number is
/// declined, as a real test mode refuses real cards.
pub fn test_card_outcome(number: &str) -> Option<DeclineReason> {
    let digits: String = card_digits(number)
        .map(|d| d.iter().map(|d| char::from(b'0' + d)).collect())
        .unwrap_or_default();
    TEST_CARDS
        .iter()
        .find(|(test, _)| *test == digits)
        .map_or(Some(DeclineReason::Declined), |(_, outcome)| *outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::card::check_number;

    #[test]
    fn every_test_card_is_a_valid_number_of_an_accepted_brand() {
        for (number, _) in TEST_CARDS {
            assert!(check_number(number).is_ok(), "{number}");
        }
    }

    #[test]
    fn test_cards_decide_the_outcome_and_other_cards_are_declined() {
        assert_eq!(test_card_outcome("4242 4242 4242 4242"), None);
        assert_eq!(test_card_outcome("3782-822463-10005"), None);
        assert_eq!(
            test_card_outcome("4000 0000 0000 9995"),
            Some(DeclineReason::InsufficientFunds)
        );
        assert_eq!(
            test_card_outcome("4111 1111 1111 1111"),
            Some(DeclineReason::Declined)
        );
    }
}
