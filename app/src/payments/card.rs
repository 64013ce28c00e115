//! Card details as the shopper types them: number (Luhn check and brand), expiry and security
//! code. Run in the browser for instant messages and on the server, which decides. Only the
//! brand and the last four digits are ever kept.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The card brands the shop accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardBrand {
    Visa,
    Mastercard,
    AmericanExpress,
}

impl CardBrand {
    pub const ALL: [CardBrand; 3] = [
        CardBrand::Visa,
        CardBrand::Mastercard,
        CardBrand::AmericanExpress,
    ];

    /// The brand's name in settings (`SHOP_CARD_BRANDS`).
    pub fn setting_name(self) -> &'static str {
        match self {
            CardBrand::Visa => "visa",
            CardBrand::Mastercard => "mastercard",
            CardBrand::AmericanExpress => "amex",
        }
    }

    /// Digits in the security code.
    pub fn cvc_len(self) -> usize {
        match self {
            CardBrand::AmericanExpress => 4,
            _ => 3,
        }
    }
}

impl fmt::Display for CardBrand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CardBrand::Visa => "Visa",
            CardBrand::Mastercard => "Mastercard",
            CardBrand::AmericanExpress => "American Express",
        })
    }
}

/// Why card details were refused before any payment was tried.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum CardProblem {
    #[error("Enter the card number as it appears on the card.")]
    NumberFormat,
    #[error("We accept Visa, Mastercard and American Express cards, or PayPal.")]
    UnsupportedBrand,
    #[error("That card number isn't valid: check it for a mistyped digit.")]
    NumberChecksum,
    #[error("Enter the expiry date as MM/YY.")]
    ExpiryFormat,
    #[error("This card has expired. Try another card, or PayPal.")]
    Expired,
    #[error("Enter the {0}-digit security code from your card.")]
    SecurityCode(usize),
}

/// The digits of a card number, without spaces or dashes.
pub fn card_digits(input: &str) -> Result<Vec<u8>, CardProblem> {
    let digits: Vec<u8> = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_digit(10).map(|d| d as u8))
        .collect::<Option<_>>()
        .ok_or(CardProblem::NumberFormat)?;
    if (12..=19).contains(&digits.len()) {
        Ok(digits)
    } else {
        Err(CardProblem::NumberFormat)
    }
}

/// The Luhn checksum every real card number satisfies.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    !digits.is_empty() && sum % 10 == 0
}

/// The brand from the number's prefix and length.
pub fn card_brand(digits: &[u8]) -> Option<CardBrand> {
    let prefix = |n: usize| -> u32 {
        digits
            .iter()
            .take(n)
            .fold(0, |acc, &d| acc * 10 + u32::from(d))
    };
    match (digits.first(), digits.len()) {
        (Some(4), 13 | 16 | 19) => Some(CardBrand::Visa),
        (Some(3), 15) if matches!(prefix(2), 34 | 37) => Some(CardBrand::AmericanExpress),
        (Some(5 | 2), 16)
            if (51..=55).contains(&prefix(2)) || (2221..=2720).contains(&prefix(4)) =>
        {
            Some(CardBrand::Mastercard)
        }
        _ => None,
    }
}

/// Checks a card number: its form, brand and checksum.
pub fn check_number(input: &str) -> Result<(CardBrand, String), CardProblem> {
    let digits = card_digits(input)?;
    let brand = card_brand(&digits).ok_or(CardProblem::UnsupportedBrand)?;
    if !luhn_valid(&digits) {
        return Err(CardProblem::NumberChecksum);
    }
    let last4: String = digits[digits.len() - 4..]
        .iter()
        .map(|d| char::from(b'0' + d))
        .collect();
    Ok((brand, last4))
}

/// Checks an expiry `MM/YY` against the current year and month: a card works to the end of
/// its expiry month.
pub fn check_expiry(input: &str, year: i32, month: u8) -> Result<(), CardProblem> {
    let (mm, yy) = input
        .trim()
        .split_once('/')
        .ok_or(CardProblem::ExpiryFormat)?;
    let mm: u8 = mm.trim().parse().map_err(|_| CardProblem::ExpiryFormat)?;
    let yy = yy.trim();
    if !(1..=12).contains(&mm) || yy.len() != 2 {
        return Err(CardProblem::ExpiryFormat);
    }
    let yy: i32 = yy.parse().map_err(|_| CardProblem::ExpiryFormat)?;
    let expiry = (2000 + yy, mm);
    if expiry < (year, month) {
        Err(CardProblem::Expired)
    } else {
        Ok(())
    }
}

pub fn check_security_code(input: &str, brand: CardBrand) -> Result<(), CardProblem> {
    let code = input.trim();
    if code.len() == brand.cvc_len() && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(CardProblem::SecurityCode(brand.cvc_len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn well_known_test_numbers_pass_with_their_brand() {
        assert_eq!(
            check_number("4242 4242 4242 4242"),
            Ok((CardBrand::Visa, "4242".into()))
        );
        assert_eq!(
            check_number("5555-5555-5555-4444"),
            Ok((CardBrand::Mastercard, "4444".into()))
        );
        assert_eq!(
            check_number("2223003122003222").map(|r| r.0),
            Ok(CardBrand::Mastercard)
        );
        assert_eq!(
            check_number("378282246310005"),
            Ok((CardBrand::AmericanExpress, "0005".into()))
        );
    }

    #[test]
    fn bad_numbers_say_what_is_wrong() {
        assert_eq!(
            check_number("4242 4242 4242 4241"),
            Err(CardProblem::NumberChecksum)
        );
        assert_eq!(
            check_number("6011 1111 1111 1117"),
            Err(CardProblem::UnsupportedBrand)
        );
        assert_eq!(check_number("4242abcd"), Err(CardProblem::NumberFormat));
        assert_eq!(check_number("4242"), Err(CardProblem::NumberFormat));
    }

    #[test]
    fn cards_work_to_the_end_of_their_expiry_month() {
        assert_eq!(check_expiry("11/26", 2026, 11), Ok(()));
        assert_eq!(check_expiry("10/26", 2026, 11), Err(CardProblem::Expired));
        assert_eq!(check_expiry("01/27", 2026, 11), Ok(()));
        assert_eq!(
            check_expiry("13/27", 2026, 11),
            Err(CardProblem::ExpiryFormat)
        );
        assert_eq!(
            check_expiry("1227", 2026, 11),
            Err(CardProblem::ExpiryFormat)
        );
    }

    #[test]
    fn security_codes_match_the_brand() {
        assert!(check_security_code("123", CardBrand::Visa).is_ok());
        assert_eq!(
            check_security_code("123", CardBrand::AmericanExpress),
            Err(CardProblem::SecurityCode(4))
        );
        assert!(check_security_code("1234", CardBrand::AmericanExpress).is_ok());
        assert!(check_security_code("12a", CardBrand::Mastercard).is_err());
    }

    proptest! {
        /// Changing any one digit of a valid number breaks its checksum.
        #[test]
        fn one_mistyped_digit_is_caught(position in 0usize..16, delta in 1u8..10) {
            let mut digits = card_digits("4242424242424242").unwrap();
            digits[position] = (digits[position] + delta) % 10;
            prop_assert!(!luhn_valid(&digits));
        }
    }
}
