//! Money: an amount of US dollars held as a `Decimal`, stored as integer cents.
//!
//! The rounding rule, applied in one place ([`Money::rounded`]): amounts are rounded to whole
//! cents, halves away from zero (USD 0.125 becomes USD 0.13). Every amount that leaves this
//! module as cents or as text has been through it.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Mul, Sub};

/// The store's currency, as payment providers name it (ISO 4217, lower case).
pub const CURRENCY: &str = "usd";

/// An amount of money in the store's currency (USD).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// An amount from integer cents, as stored in the database.
    /// `const`, so settings and tests can name amounts as constants.
    pub const fn from_cents(cents: i64) -> Self {
        let magnitude = cents.unsigned_abs();
        Money(Decimal::from_parts(
            magnitude as u32,
            (magnitude >> 32) as u32,
            0,
            cents < 0,
            2,
        ))
    }

    /// An amount from a decimal, rounded to cents.
    pub fn from_decimal(amount: Decimal) -> Self {
        Money(amount).rounded()
    }

    /// Whole dollars, e.g. a threshold such as USD 30.
    pub fn from_dollars(dollars: i64) -> Self {
        Money(Decimal::from(dollars))
    }

    /// The store's one rounding rule: to whole cents, halves away from zero.
    pub fn rounded(self) -> Self {
        Money(
            self.0
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    /// Integer cents for storage. Saturates at the `i64` range, far beyond any order.
    pub fn cents(self) -> i64 {
        let cents = self.rounded().0 * Decimal::ONE_HUNDRED;
        i64::try_from(cents.trunc()).unwrap_or(if cents.is_sign_negative() {
            i64::MIN
        } else {
            i64::MAX
        })
    }

    pub fn amount(self) -> Decimal {
        self.0
    }

    /// An amount typed by staff ("19.99", "$20", "20.5"): not negative, at most two decimals.
    pub fn parse_typed(text: &str) -> Option<Money> {
        let text = text.trim().trim_start_matches('$').replace(',', "");
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return None;
        }
        let amount = text.parse::<Decimal>().ok()?;
        (amount.scale() <= 2 && !amount.is_sign_negative()).then_some(Money(amount))
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// The larger of zero and `self`: a total never goes below nothing.
    pub fn at_least_zero(self) -> Self {
        if self.0.is_sign_negative() {
            Money::ZERO
        } else {
            self
        }
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Mul<u32> for Money {
    type Output = Money;
    fn mul(self, quantity: u32) -> Money {
        Money(self.0 * Decimal::from(quantity))
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

/// Shown to shoppers as `$19.99`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rounded = self.rounded().0;
        let sign = if rounded.is_sign_negative() { "-" } else { "" };
        let digits = format!("{:.2}", rounded.abs());
        let (whole, cents) = digits.split_once('.').unwrap_or((&digits, "00"));
        // Thousands separated, as shoppers read prices: $12,997.36.
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}${grouped}.{cents}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_are_shown_with_thousands_separated() {
        for (cents, shown) in [
            (0, "$0.00"),
            (999, "$9.99"),
            (99_999, "$999.99"),
            (100_000, "$1,000.00"),
            (1_299_736, "$12,997.36"),
            (-123_456_789, "-$1,234,567.89"),
        ] {
            assert_eq!(Money::from_cents(cents).to_string(), shown);
        }
        // What is shown is read back as typed.
        assert_eq!(
            Money::parse_typed("$12,997.36"),
            Some(Money::from_cents(1_299_736))
        );
    }

    #[test]
    fn typed_amounts_are_dollars_with_at_most_cents() {
        assert_eq!(Money::parse_typed("19.99"), Some(Money::from_cents(1999)));
        assert_eq!(
            Money::parse_typed(" $1,020.5 "),
            Some(Money::from_cents(102_050))
        );
        assert_eq!(Money::parse_typed("20"), Some(Money::from_dollars(20)));
        for bad in ["", "-1", "1.999", "abc", "1e3", "$", "1.2.3"] {
            assert_eq!(Money::parse_typed(bad), None, "{bad}");
        }
    }

    #[test]
    fn cents_round_trip() {
        assert_eq!(Money::from_cents(1999).cents(), 1999);
        assert_eq!(Money::from_cents(-5).cents(), -5);
        assert_eq!(Money::from_dollars(30).cents(), 3000);
    }

    #[test]
    fn halves_round_away_from_zero() {
        assert_eq!(Money::from_decimal(dec("0.125")).cents(), 13);
        assert_eq!(Money::from_decimal(dec("0.124")).cents(), 12);
        assert_eq!(Money::from_decimal(dec("-0.125")).cents(), -13);
        assert_eq!(Money::from_decimal(dec("2.995")).to_string(), "$3.00");
    }

    #[test]
    fn displays_as_dollars_and_cents() {
        assert_eq!(Money::from_cents(1999).to_string(), "$19.99");
        assert_eq!(Money::from_cents(500).to_string(), "$5.00");
        assert_eq!(Money::from_cents(-250).to_string(), "-$2.50");
        assert_eq!(Money::ZERO.to_string(), "$0.00");
    }

    #[test]
    fn arithmetic_and_floor_at_zero() {
        let price = Money::from_cents(1999);
        assert_eq!((price * 3).cents(), 5997);
        assert_eq!(
            (price - Money::from_cents(2500)).at_least_zero(),
            Money::ZERO
        );
        assert_eq!(
            [price, price].into_iter().sum::<Money>(),
            Money::from_cents(3998)
        );
    }

    proptest! {
        #[test]
        fn cents_survive_storage(cents in -10_000_000_000i64..10_000_000_000) {
            prop_assert_eq!(Money::from_cents(cents).cents(), cents);
        }

        #[test]
        fn rounding_is_within_half_a_cent(units in -1_000_000_000i64..1_000_000_000, scale in 0u32..6) {
            let raw = Decimal::new(units, scale);
            let rounded = Money::from_decimal(raw).amount();
            prop_assert!((rounded - raw).abs() <= dec("0.005"));
            prop_assert!(rounded.scale() <= 2);
        }
    }
}
