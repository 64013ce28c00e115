//! The affiliate program's rules, pure (no I/O, the time an argument): who is credited for an
//! order, what the commission is, and how much of it a refund takes back.

use crate::money::Money;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How long a link click credits its partner: 30 days (store policy, Affiliates).
pub const CLICK_WINDOW_SECS: i64 = 30 * 86_400;
/// How long a commission stays pending after its order is delivered: the 30 days in which a
/// quality concern can still undo the sale.
pub const APPROVAL_DELAY_SECS: i64 = 30 * 86_400;
/// The default commission: 10% of the merchandise after discount.
pub const DEFAULT_RATE: Rate = Rate(1_000);
/// The smallest approved balance paid out: USD 50.
pub const PAYOUT_THRESHOLD: Money = Money::from_cents(5_000);
/// What a partner's personal code takes off for shoppers: 10%.
pub const PERSONAL_CODE_PERCENT: u8 = 10;

/// A commission rate in basis points (1,000 = 10%), at most 50%.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Rate(u32);

impl Rate {
    pub const MAX_BASIS_POINTS: u32 = 5_000;

    pub fn from_basis_points(points: u32) -> Option<Rate> {
        (points <= Self::MAX_BASIS_POINTS).then_some(Rate(points))
    }

    /// A rate typed by staff as a percentage ("12.5", "12.5%", "8"): at most two decimals.
    pub fn parse_percent(text: &str) -> Option<Rate> {
        let text = text.trim().trim_end_matches('%').trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return None;
        }
        let percent = text.parse::<Decimal>().ok()?;
        if percent.scale() > 2 {
            return None;
        }
        let points = (percent * Decimal::ONE_HUNDRED).to_u32()?;
        Rate::from_basis_points(points)
    }

    pub fn basis_points(self) -> u32 {
        self.0
    }

    fn fraction(self) -> Decimal {
        Decimal::from(self.0) / Decimal::from(10_000)
    }
}

impl TryFrom<u32> for Rate {
    type Error = String;
    fn try_from(points: u32) -> Result<Self, Self::Error> {
        Rate::from_basis_points(points).ok_or_else(|| format!("{points} basis points is over 50%"))
    }
}

impl From<Rate> for u32 {
    fn from(rate: Rate) -> u32 {
        rate.0
    }
}

impl fmt::Display for Rate {
    /// "10%", "12.5%", "7.25%".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let percent = (Decimal::from(self.0) / Decimal::ONE_HUNDRED).normalize();
        write!(f, "{percent}%")
    }
}

/// A partner's referral code, as used in links (`?ref=CODE`): 4 to 20 upper-case letters and
/// digits, so it reads aloud and survives any link shortener.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReferralCode(String);

impl ReferralCode {
    pub fn parse(input: &str) -> Option<ReferralCode> {
        let code = input.trim().to_ascii_uppercase();
        ((4..=20).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
        .then_some(ReferralCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReferralCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ReferralCode {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ReferralCode::parse(&value).ok_or_else(|| format!("{value:?} is not a referral code"))
    }
}

impl From<ReferralCode> for String {
    fn from(code: ReferralCode) -> String {
        code.0
    }
}

/// What the browser keeps of a link click (cookie `cf_ref`): the code and the click's time,
/// nothing else. Written as `CODE.SECONDS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClickCookie {
    pub code: ReferralCode,
    pub clicked_at: i64,
}

impl ClickCookie {
    pub const NAME: &'static str = "cf_ref";

    pub fn value(&self) -> String {
        format!("{}.{}", self.code, self.clicked_at)
    }

    pub fn parse(value: &str) -> Option<ClickCookie> {
        let (code, at) = value.split_once('.')?;
        Some(ClickCookie {
            code: ReferralCode::parse(code)?,
            clicked_at: at.parse().ok()?,
        })
    }
}

/// Whether a partner may be credited now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartnerStatus {
    /// Applied, not yet decided.
    Applied,
    Approved,
    Declined,
    /// Approved once; its links and code credit nothing until reinstated.
    Suspended,
}

impl PartnerStatus {
    pub fn slug(self) -> &'static str {
        match self {
            PartnerStatus::Applied => "applied",
            PartnerStatus::Approved => "approved",
            PartnerStatus::Declined => "declined",
            PartnerStatus::Suspended => "suspended",
        }
    }

    pub fn from_slug(slug: &str) -> Option<PartnerStatus> {
        [
            PartnerStatus::Applied,
            PartnerStatus::Approved,
            PartnerStatus::Declined,
            PartnerStatus::Suspended,
        ]
        .into_iter()
        .find(|s| s.slug() == slug)
    }
}

/// A partner as the attribution decision sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partner {
    pub id: i64,
    pub status: PartnerStatus,
    pub customer_id: Option<i64>,
    pub email: String,
}

impl Partner {
    fn is_buyer(&self, buyer: &Buyer) -> bool {
        let same_account =
            matches!((self.customer_id, buyer.customer_id), (Some(a), Some(b)) if a == b);
        same_account || self.email.trim().eq_ignore_ascii_case(buyer.email.trim())
    }

    fn may_be_credited_by(&self, buyer: &Buyer) -> bool {
        self.status == PartnerStatus::Approved && !self.is_buyer(buyer)
    }
}

/// Who is buying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Buyer {
    pub customer_id: Option<i64>,
    pub email: String,
}

/// Why a partner is credited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Source {
    /// The partner's personal promo code is on the order.
    PersonalCode,
    /// The buyer came through the partner's link, clicked at this time.
    Link { clicked_at: i64 },
}

/// What the checkout knows when it decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidates {
    /// The partner whose personal code is on the order, if any.
    pub code_owner: Option<Partner>,
    /// The partner of the browser's last link click, and when it was.
    pub last_click: Option<(Partner, i64)>,
}

/// The partner credited for an order, if any: the owner of the personal code on the order,
/// else the partner of the last click within the window. Never a partner who is not approved,
/// never the buyer themselves, never for an order with nothing paid.
pub fn attribute(
    candidates: &Candidates,
    buyer: &Buyer,
    paid: Money,
    now: i64,
) -> Option<(i64, Source)> {
    if paid <= Money::ZERO {
        return None;
    }
    if let Some(owner) = candidates
        .code_owner
        .as_ref()
        .filter(|p| p.may_be_credited_by(buyer))
    {
        return Some((owner.id, Source::PersonalCode));
    }
    let (partner, clicked_at) = candidates.last_click.as_ref()?;
    let within = *clicked_at <= now && now - clicked_at <= CLICK_WINDOW_SECS;
    (within && partner.may_be_credited_by(buyer)).then_some((
        partner.id,
        Source::Link {
            clicked_at: *clicked_at,
        },
    ))
}

/// The commission on `merchandise` (the order's merchandise after discount, shipping
/// excluded) at `rate`, rounded by the shop's one money rule.
pub fn commission(merchandise: Money, rate: Rate) -> Money {
    Money::from_decimal(merchandise.at_least_zero().amount() * rate.fraction())
}

/// How much of `commission` has to be taken back in all once `refunded` of an order that
/// took `paid` has gone back to the shopper: the same share, never more than the commission.
/// A whole refund (or a cancellation) takes it all back.
pub fn reversed_by_refunds(commission: Money, refunded: Money, paid: Money) -> Money {
    if paid <= Money::ZERO || refunded >= paid {
        return commission;
    }
    let share = refunded.at_least_zero().amount() / paid.amount();
    Money::from_decimal(commission.amount() * share).min(commission)
}

/// What one more reversal entry takes, when `already` has been taken back and the order now
/// calls for `target` in all: never a negative step, never past the commission.
pub fn next_reversal(commission: Money, already: Money, target: Money) -> Money {
    (target.min(commission) - already).at_least_zero()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn partner(id: i64) -> Partner {
        Partner {
            id,
            status: PartnerStatus::Approved,
            customer_id: Some(100 + id),
            email: format!("partner{id}@example.com"),
        }
    }

    fn buyer() -> Buyer {
        Buyer {
            customer_id: Some(7),
            email: "shopper@example.com".into(),
        }
    }

    const NOW: i64 = 1_800_000_000;
    const PAID: Money = Money::from_cents(4_000);

    #[test]
    fn the_personal_code_beats_a_click() {
        let candidates = Candidates {
            code_owner: Some(partner(1)),
            last_click: Some((partner(2), NOW - 60)),
        };
        assert_eq!(
            attribute(&candidates, &buyer(), PAID, NOW),
            Some((1, Source::PersonalCode))
        );
    }

    #[test]
    fn a_click_credits_within_the_window_and_not_a_second_after() {
        let at = |clicked_at| Candidates {
            code_owner: None,
            last_click: Some((partner(2), clicked_at)),
        };
        let edge = NOW - CLICK_WINDOW_SECS;
        assert_eq!(
            attribute(&at(edge), &buyer(), PAID, NOW),
            Some((2, Source::Link { clicked_at: edge }))
        );
        assert_eq!(attribute(&at(edge - 1), &buyer(), PAID, NOW), None);
        // A click "from the future" (a forged cookie) credits nothing.
        assert_eq!(attribute(&at(NOW + 60), &buyer(), PAID, NOW), None);
    }

    #[test]
    fn nobody_earns_on_their_own_order() {
        let mut same_email = partner(1);
        same_email.customer_id = None;
        same_email.email = " Shopper@Example.com".into();
        let mut same_account = partner(2);
        same_account.customer_id = buyer().customer_id;
        for own in [same_email, same_account] {
            let by_code = Candidates {
                code_owner: Some(own.clone()),
                last_click: None,
            };
            let by_link = Candidates {
                code_owner: None,
                last_click: Some((own, NOW - 10)),
            };
            assert_eq!(attribute(&by_code, &buyer(), PAID, NOW), None);
            assert_eq!(attribute(&by_link, &buyer(), PAID, NOW), None);
        }
        // A guest and a partner without accounts are not "the same account".
        let guest = Buyer {
            customer_id: None,
            email: "guest@example.com".into(),
        };
        let mut no_account = partner(3);
        no_account.customer_id = None;
        let by_link = Candidates {
            code_owner: None,
            last_click: Some((no_account, NOW - 10)),
        };
        assert!(attribute(&by_link, &guest, PAID, NOW).is_some());
    }

    #[test]
    fn a_suspended_partner_credits_nothing_and_a_click_may_still_count() {
        let mut suspended = partner(1);
        suspended.status = PartnerStatus::Suspended;
        let candidates = Candidates {
            code_owner: Some(suspended.clone()),
            last_click: Some((partner(2), NOW - 10)),
        };
        assert_eq!(
            attribute(&candidates, &buyer(), PAID, NOW),
            Some((
                2,
                Source::Link {
                    clicked_at: NOW - 10
                }
            ))
        );
        let only_suspended = Candidates {
            code_owner: None,
            last_click: Some((suspended, NOW - 10)),
        };
        assert_eq!(attribute(&only_suspended, &buyer(), PAID, NOW), None);
    }

    #[test]
    fn an_order_with_nothing_paid_credits_nobody() {
        let candidates = Candidates {
            code_owner: Some(partner(1)),
            last_click: Some((partner(2), NOW - 10)),
        };
        assert_eq!(attribute(&candidates, &buyer(), Money::ZERO, NOW), None);
    }

    #[test]
    fn commission_is_the_rate_of_the_merchandise_rounded_half_away_from_zero() {
        assert_eq!(
            commission(Money::from_cents(2_999), DEFAULT_RATE),
            Money::from_cents(300)
        );
        assert_eq!(
            commission(Money::from_cents(2_995), DEFAULT_RATE),
            Money::from_cents(300)
        );
        assert_eq!(
            commission(Money::from_cents(2_994), DEFAULT_RATE),
            Money::from_cents(299)
        );
        let rate = Rate::parse_percent("12.5%").unwrap();
        assert_eq!(
            commission(Money::from_cents(1_004), rate),
            Money::from_cents(126)
        );
        assert_eq!(commission(Money::ZERO, rate), Money::ZERO);
    }

    #[test]
    fn rates_parse_as_staff_type_them_and_print_back() {
        assert_eq!(Rate::parse_percent("10").unwrap(), DEFAULT_RATE);
        assert_eq!(Rate::parse_percent(" 7.25 % ").unwrap().basis_points(), 725);
        assert_eq!(Rate::parse_percent("12.5").unwrap().to_string(), "12.5%");
        assert_eq!(DEFAULT_RATE.to_string(), "10%");
        for refused in ["", "-5", "50.01", "7.125", "ten", "1e2"] {
            assert_eq!(Rate::parse_percent(refused), None, "{refused:?}");
        }
        assert_eq!(Rate::parse_percent("50").unwrap().basis_points(), 5_000);
    }

    #[test]
    fn the_click_cookie_holds_the_code_and_the_time_only() {
        let cookie = ClickCookie {
            code: ReferralCode::parse("anna7").unwrap(),
            clicked_at: NOW,
        };
        assert_eq!(cookie.value(), format!("ANNA7.{NOW}"));
        assert_eq!(ClickCookie::parse(&cookie.value()), Some(cookie));
        for refused in ["", "ANNA7", "ANNA7.", "AN.1", "ANNA7.12x", "<b>.1"] {
            assert_eq!(ClickCookie::parse(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn a_partial_refund_takes_back_its_share() {
        let earned = Money::from_cents(300);
        let paid = Money::from_cents(3_500);
        let half = reversed_by_refunds(earned, Money::from_cents(1_750), paid);
        assert_eq!(half, Money::from_cents(150));
        assert_eq!(reversed_by_refunds(earned, paid, paid), earned);
        assert_eq!(reversed_by_refunds(earned, Money::ZERO, paid), Money::ZERO);
    }

    proptest! {
        #[test]
        fn commission_is_never_negative_nor_more_than_the_rate_allows(
            cents in 0i64..10_000_000,
            points in 0u32..=5_000,
        ) {
            let rate = Rate::from_basis_points(points).unwrap();
            let merchandise = Money::from_cents(cents);
            let earned = commission(merchandise, rate);
            prop_assert!(earned >= Money::ZERO);
            // Within half a cent of the exact product.
            let exact = merchandise.amount() * Decimal::from(points) / Decimal::from(10_000);
            prop_assert!((earned.amount() - exact).abs() <= Decimal::new(5, 3));
        }

        #[test]
        fn refunds_in_any_steps_take_back_at_most_the_commission(
            earned in 0i64..100_000,
            paid in 1i64..1_000_000,
            steps in proptest::collection::vec(0i64..1_000_000, 1..6),
        ) {
            let earned = Money::from_cents(earned);
            let paid = Money::from_cents(paid);
            let mut refunded = Money::ZERO;
            let mut taken = Money::ZERO;
            for step in steps {
                refunded = (refunded + Money::from_cents(step)).min(paid);
                let target = reversed_by_refunds(earned, refunded, paid);
                let entry = next_reversal(earned, taken, target);
                prop_assert!(entry >= Money::ZERO);
                taken = taken + entry;
                prop_assert!(taken <= earned);
            }
            // What is left is the unrefunded share, to the cent.
            let left = earned - taken;
            let exact_left = earned.amount() * (paid.amount() - refunded.amount()) / paid.amount();
            prop_assert!((left.amount() - exact_left).abs() <= Decimal::new(1, 2));
            if refunded == paid {
                prop_assert_eq!(taken, earned);
            }
        }
    }
}
