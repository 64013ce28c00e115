//! Promo codes: what a code is, what it gives, and every reason it can be refused.
//!
//! The offer itself (kind, minimum spend, categories) is known to the browser once a code is
//! accepted, so the cart reacts at once when it drops below the minimum. Dates and usage
//! limits are checked on the server, which is the authority.

use crate::catalog::model::Category;
use crate::money::Money;
use crate::pricing::quote::PricedLine;
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// A promo code, normalised: trimmed, upper case, 3 to 32 letters, digits, `-` or `_`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CouponCode(String);

impl CouponCode {
    pub const MAX_LEN: usize = 32;

    pub fn parse(input: &str) -> Result<CouponCode, CouponRejection> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(CouponRejection::Empty);
        }
        let valid = (3..=Self::MAX_LEN).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if valid {
            Ok(CouponCode(code))
        } else {
            Err(CouponRejection::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CouponCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CouponCode {
    type Error = CouponRejection;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        CouponCode::parse(&value)
    }
}

impl From<CouponCode> for String {
    fn from(code: CouponCode) -> String {
        code.0
    }
}

/// What a code gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CouponKind {
    /// A whole percentage, 1 to 100, off the eligible merchandise.
    PercentOff(u8),
    /// A fixed amount off the eligible merchandise, never more than it.
    AmountOff(Money),
    /// Standard shipping at no charge.
    FreeShipping,
}

/// An accepted code's offer, as the cart and the server's quote apply it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coupon {
    pub code: CouponCode,
    pub kind: CouponKind,
    /// The merchandise subtotal (before discount) the order must reach.
    pub min_spend: Money,
    /// Categories the discount applies to; empty means every product.
    pub categories: Vec<Category>,
}

impl Coupon {
    pub fn applies_to(&self, category: Category) -> bool {
        self.categories.is_empty() || self.categories.contains(&category)
    }

    /// "phone cases and accessories". The labels are ASCII: lowering them as such keeps
    /// Unicode's case tables out of the browser bundle.
    fn category_names(&self) -> String {
        let names: Vec<String> = self
            .categories
            .iter()
            .map(|c| c.label().to_ascii_lowercase())
            .collect();
        names.join(" and ")
    }

    /// Whether a cart qualifies: the minimum spend is met and something in it is eligible.
    pub fn check_cart(&self, lines: &[PricedLine]) -> Result<(), CouponRejection> {
        if lines.is_empty() {
            return Err(CouponRejection::EmptyCart);
        }
        let subtotal: Money = lines.iter().map(PricedLine::total).sum();
        if subtotal < self.min_spend {
            return Err(CouponRejection::MinimumSpend {
                code: self.code.to_string(),
                minimum: self.min_spend,
                missing: self.min_spend - subtotal,
            });
        }
        if !lines.iter().any(|l| self.applies_to(l.category)) {
            return Err(CouponRejection::NothingEligible {
                code: self.code.to_string(),
                categories: self.category_names(),
            });
        }
        Ok(())
    }

    /// A one-line summary: "10% off", "$5.00 off cases", "Free standard shipping".
    pub fn describe(&self) -> String {
        let what = match self.kind {
            CouponKind::PercentOff(p) => format!("{p}% off"),
            CouponKind::AmountOff(amount) => format!("{amount} off"),
            CouponKind::FreeShipping => return "Free standard shipping".to_owned(),
        };
        if self.categories.is_empty() {
            what
        } else {
            format!("{what} {}", self.category_names())
        }
    }
}

/// Why a code was refused. The `Display` text is what the shopper reads; pages add the
/// support contact, as the policy asks.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum CouponRejection {
    #[error("Enter a promo code.")]
    Empty,
    #[error("That doesn't look like a promo code: codes are 3 to 32 letters and numbers.")]
    Malformed,
    #[error("Add something to your cart first, then apply the code.")]
    EmptyCart,
    #[error("We don't recognise the code {0}. Check it for typos.")]
    Unknown(String),
    #[error("The code {code} expired on {ended}.")]
    Expired { code: String, ended: String },
    #[error("The code {code} can't be used yet: it starts on {starts}.")]
    NotStarted { code: String, starts: String },
    #[error(
        "The code {code} needs a merchandise total of {minimum}. Add {missing} more to use it."
    )]
    MinimumSpend {
        code: String,
        minimum: Money,
        missing: Money,
    },
    #[error("The code {0} has reached its usage limit.")]
    UsageLimitReached(String),
    #[error("You have already used the code {0}.")]
    AlreadyUsed(String),
    #[error("The code {code} only applies to {categories}, and there are none in your cart.")]
    NothingEligible { code: String, categories: String },
}

/// When and how often a code may be used: checked on the server only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponTerms {
    /// Unix seconds.
    pub starts_at: Option<i64>,
    /// Unix seconds; the code works until this instant, exclusive.
    pub expires_at: Option<i64>,
    pub usage_limit: Option<u32>,
    pub per_customer_limit: Option<u32>,
}

/// How often a code has been redeemed, in all and by the asking customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CouponUsage {
    pub total: u32,
    pub by_customer: u32,
}

impl CouponTerms {
    /// Checks dates and limits at `now` (unix seconds). `format_date` renders a timestamp
    /// for the messages.
    pub fn check(
        &self,
        code: &CouponCode,
        now: i64,
        usage: CouponUsage,
        format_date: impl Fn(i64) -> String,
    ) -> Result<(), CouponRejection> {
        let code_text = code.to_string();
        if let Some(starts) = self.starts_at.filter(|s| now < *s) {
            return Err(CouponRejection::NotStarted {
                code: code_text,
                starts: format_date(starts),
            });
        }
        if let Some(ends) = self.expires_at.filter(|e| now >= *e) {
            return Err(CouponRejection::Expired {
                code: code_text,
                ended: format_date(ends),
            });
        }
        if self.usage_limit.is_some_and(|limit| usage.total >= limit) {
            return Err(CouponRejection::UsageLimitReached(code_text));
        }
        if self
            .per_customer_limit
            .is_some_and(|limit| usage.by_customer >= limit)
        {
            return Err(CouponRejection::AlreadyUsed(code_text));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code() -> CouponCode {
        CouponCode::parse("save5").unwrap()
    }

    fn day(n: i64) -> i64 {
        n * 86_400
    }

    #[test]
    fn codes_are_normalised_and_validated() {
        assert_eq!(CouponCode::parse("  save5 ").unwrap().as_str(), "SAVE5");
        assert_eq!(CouponCode::parse(""), Err(CouponRejection::Empty));
        assert_eq!(CouponCode::parse("a b"), Err(CouponRejection::Malformed));
        assert_eq!(CouponCode::parse("ab"), Err(CouponRejection::Malformed));
        assert_eq!(
            CouponCode::parse(&"X".repeat(33)),
            Err(CouponRejection::Malformed)
        );
        assert!(CouponCode::parse("SUMMER_2026-X").is_ok());
    }

    #[test]
    fn dates_bound_the_code() {
        let terms = CouponTerms {
            starts_at: Some(day(10)),
            expires_at: Some(day(20)),
            usage_limit: None,
            per_customer_limit: None,
        };
        let check = |now| {
            terms.check(&code(), now, CouponUsage::default(), |t| {
                format!("day {}", t / 86_400)
            })
        };
        assert_eq!(
            check(day(10) - 1),
            Err(CouponRejection::NotStarted {
                code: "SAVE5".into(),
                starts: "day 10".into()
            })
        );
        assert_eq!(check(day(10)), Ok(()));
        assert_eq!(check(day(20) - 1), Ok(()));
        assert_eq!(
            check(day(20)),
            Err(CouponRejection::Expired {
                code: "SAVE5".into(),
                ended: "day 20".into()
            })
        );
    }

    #[test]
    fn usage_limits_hold() {
        let terms = CouponTerms {
            starts_at: None,
            expires_at: None,
            usage_limit: Some(3),
            per_customer_limit: Some(1),
        };
        let check = |total, by_customer| {
            terms.check(&code(), 0, CouponUsage { total, by_customer }, |t| {
                t.to_string()
            })
        };
        assert_eq!(check(2, 0), Ok(()));
        assert_eq!(
            check(3, 0),
            Err(CouponRejection::UsageLimitReached("SAVE5".into()))
        );
        assert_eq!(
            check(1, 1),
            Err(CouponRejection::AlreadyUsed("SAVE5".into()))
        );
    }

    #[test]
    fn offers_describe_themselves() {
        let mut coupon = Coupon {
            code: code(),
            kind: CouponKind::PercentOff(20),
            min_spend: Money::ZERO,
            categories: vec![Category::Case],
        };
        assert_eq!(coupon.describe(), "20% off phone cases");
        coupon.kind = CouponKind::AmountOff(Money::from_cents(500));
        coupon.categories.clear();
        assert_eq!(coupon.describe(), "$5.00 off");
        coupon.kind = CouponKind::FreeShipping;
        assert_eq!(coupon.describe(), "Free standard shipping");
    }

    #[test]
    fn refusals_say_what_to_do() {
        let missing = CouponRejection::MinimumSpend {
            code: "SAVE5".into(),
            minimum: Money::from_cents(2500),
            missing: Money::from_cents(501),
        };
        assert_eq!(
            missing.to_string(),
            "The code SAVE5 needs a merchandise total of $25.00. Add $5.01 more to use it."
        );
    }
}
