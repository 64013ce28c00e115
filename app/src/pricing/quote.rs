//! The totals of a cart: merchandise subtotal, coupon discount, shipping and total.
//!
//! This one function prices a cart in the browser (instantly, as the shopper edits) and on
//! the server (from database prices, as the authority). Amounts are rounded once, by
//! `Money::from_decimal`, where a percentage makes fractions of a cent.

use super::coupon::{Coupon, CouponKind};
use super::shipping::{ShippingMethod, ShippingRates};
use crate::catalog::model::Category;
use crate::money::Money;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The most of one variant a single order may hold.
pub const MAX_LINE_QUANTITY: u32 = 10;

/// A cart line with the price it is charged at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    pub sku: String,
    pub category: Category,
    pub unit_price: Money,
    pub quantity: u32,
}

impl PricedLine {
    pub fn total(&self) -> Money {
        self.unit_price * self.quantity
    }
}

/// What became of the coupon on this cart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CouponOutcome {
    NoCoupon,
    Applied {
        code: String,
        discount: Money,
    },
    /// The cart fell below the code's minimum spend; nothing is taken off until it is met.
    BelowMinimum {
        code: String,
        missing: Money,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub subtotal: Money,
    pub discount: Money,
    pub coupon: CouponOutcome,
    /// Merchandise after the discount: what the free-shipping threshold is measured on.
    pub merchandise: Money,
    pub method: ShippingMethod,
    pub shipping: Money,
    /// How much more merchandise would make standard shipping free, when it is not yet.
    pub free_shipping_gap: Option<Money>,
    pub total: Money,
}

/// Prices `lines` with an accepted `coupon` (dates and limits already checked) and a
/// shipping `method`.
pub fn quote(
    lines: &[PricedLine],
    coupon: Option<&Coupon>,
    method: ShippingMethod,
    rates: &ShippingRates,
) -> Quote {
    let subtotal: Money = lines.iter().map(PricedLine::total).sum();
    let (discount, free_shipping, outcome) = match coupon {
        None => (Money::ZERO, false, CouponOutcome::NoCoupon),
        Some(c) if subtotal < c.min_spend => (
            Money::ZERO,
            false,
            CouponOutcome::BelowMinimum {
                code: c.code.to_string(),
                missing: c.min_spend - subtotal,
            },
        ),
        Some(c) => {
            let eligible: Money = lines
                .iter()
                .filter(|l| c.applies_to(l.category))
                .map(PricedLine::total)
                .sum();
            let discount = match c.kind {
                CouponKind::PercentOff(percent) => Money::from_decimal(
                    eligible.amount() * Decimal::from(percent.min(100)) / Decimal::ONE_HUNDRED,
                ),
                CouponKind::AmountOff(amount) => amount.min(eligible),
                CouponKind::FreeShipping => Money::ZERO,
            };
            let applied = CouponOutcome::Applied {
                code: c.code.to_string(),
                discount,
            };
            (discount, c.kind == CouponKind::FreeShipping, applied)
        }
    };
    let merchandise = (subtotal - discount).at_least_zero();
    let shipping = if lines.is_empty() {
        Money::ZERO
    } else {
        rates.fee(method, merchandise, free_shipping)
    };
    let free_shipping_gap = if free_shipping || lines.is_empty() {
        None
    } else {
        rates.free_shipping_gap(merchandise)
    };
    Quote {
        subtotal,
        discount,
        coupon: outcome,
        merchandise,
        method,
        shipping,
        free_shipping_gap,
        total: merchandise + shipping,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::coupon::CouponCode;
    use proptest::prelude::*;

    fn line(cents: i64, quantity: u32, category: Category) -> PricedLine {
        PricedLine {
            sku: format!("SKU-{cents}"),
            category,
            unit_price: Money::from_cents(cents),
            quantity,
        }
    }

    fn coupon(kind: CouponKind, min_cents: i64, categories: Vec<Category>) -> Coupon {
        Coupon {
            code: CouponCode::parse("TEST").unwrap(),
            kind,
            min_spend: Money::from_cents(min_cents),
            categories,
        }
    }

    const RATES: ShippingRates = ShippingRates {
        standard_fee: Money::from_cents(500),
        free_standard_from: Money::from_cents(3000),
        express_fee: Money::from_cents(1500),
    };

    #[test]
    fn standard_shipping_is_free_from_the_threshold_after_discount() {
        let under = quote(
            &[line(2999, 1, Category::Case)],
            None,
            ShippingMethod::Standard,
            &RATES,
        );
        assert_eq!(under.shipping, Money::from_cents(500));
        assert_eq!(under.free_shipping_gap, Some(Money::from_cents(1)));
        assert_eq!(under.total, Money::from_cents(3499));

        let at = quote(
            &[line(3000, 1, Category::Case)],
            None,
            ShippingMethod::Standard,
            &RATES,
        );
        assert_eq!(at.shipping, Money::ZERO);
        assert_eq!(at.free_shipping_gap, None);
        assert_eq!(at.total, Money::from_cents(3000));

        // $33.32 less 10% is $29.99: under the threshold once discounted.
        let ten = coupon(CouponKind::PercentOff(10), 0, vec![]);
        let discounted = quote(
            &[line(3332, 1, Category::Case)],
            Some(&ten),
            ShippingMethod::Standard,
            &RATES,
        );
        assert_eq!(discounted.discount, Money::from_cents(333));
        assert_eq!(discounted.merchandise, Money::from_cents(2999));
        assert_eq!(discounted.shipping, Money::from_cents(500));
    }

    #[test]
    fn percentages_round_half_away_from_zero_once() {
        // 15% of $19.99 = $2.9985 -> $3.00; of $0.10 = $0.015 -> $0.02.
        let fifteen = coupon(CouponKind::PercentOff(15), 0, vec![]);
        let q = quote(
            &[line(1999, 1, Category::Case)],
            Some(&fifteen),
            ShippingMethod::Standard,
            &RATES,
        );
        assert_eq!(q.discount, Money::from_cents(300));
        let q = quote(
            &[line(10, 1, Category::Case)],
            Some(&fifteen),
            ShippingMethod::Standard,
            &RATES,
        );
        assert_eq!(q.discount, Money::from_cents(2));
    }

    #[test]
    fn a_fixed_discount_never_exceeds_the_merchandise() {
        let big = coupon(CouponKind::AmountOff(Money::from_cents(5000)), 0, vec![]);
        let q = quote(
            &[line(1299, 1, Category::Accessory)],
            Some(&big),
            ShippingMethod::Standard,
            &RATES,
        );
        assert_eq!(q.discount, Money::from_cents(1299));
        assert_eq!(q.merchandise, Money::ZERO);
        assert_eq!(q.total, Money::from_cents(500));
    }

    #[test]
    fn free_shipping_coupon_waives_standard_but_not_express() {
        let free = coupon(CouponKind::FreeShipping, 0, vec![]);
        let lines = [line(1000, 1, Category::Case)];
        let standard = quote(&lines, Some(&free), ShippingMethod::Standard, &RATES);
        assert_eq!(
            (standard.shipping, standard.discount),
            (Money::ZERO, Money::ZERO)
        );
        assert_eq!(standard.free_shipping_gap, None);
        let express = quote(&lines, Some(&free), ShippingMethod::Express, &RATES);
        assert_eq!(express.shipping, Money::from_cents(1500));
        assert_eq!(express.total, Money::from_cents(2500));
    }

    #[test]
    fn express_is_charged_even_above_the_threshold() {
        let q = quote(
            &[line(5000, 1, Category::Case)],
            None,
            ShippingMethod::Express,
            &RATES,
        );
        assert_eq!(q.shipping, Money::from_cents(1500));
    }

    #[test]
    fn category_coupons_discount_only_their_categories() {
        let cases = coupon(CouponKind::PercentOff(20), 0, vec![Category::Case]);
        let lines = [
            line(2500, 2, Category::Case),
            line(1299, 1, Category::Accessory),
        ];
        let q = quote(&lines, Some(&cases), ShippingMethod::Standard, &RATES);
        assert_eq!(q.discount, Money::from_cents(1000));
        assert_eq!(q.subtotal, Money::from_cents(6299));
    }

    #[test]
    fn below_the_minimum_spend_nothing_is_taken_off() {
        let save = coupon(CouponKind::AmountOff(Money::from_cents(500)), 2500, vec![]);
        let q = quote(
            &[line(1999, 1, Category::Case)],
            Some(&save),
            ShippingMethod::Standard,
            &RATES,
        );
        assert_eq!(q.discount, Money::ZERO);
        assert_eq!(
            q.coupon,
            CouponOutcome::BelowMinimum {
                code: "TEST".into(),
                missing: Money::from_cents(501)
            }
        );
        let q = quote(
            &[line(2500, 1, Category::Case)],
            Some(&save),
            ShippingMethod::Standard,
            &RATES,
        );
        assert_eq!(q.discount, Money::from_cents(500));
    }

    #[test]
    fn an_empty_cart_costs_nothing() {
        let q = quote(&[], None, ShippingMethod::Express, &RATES);
        assert_eq!(
            (q.total, q.shipping, q.free_shipping_gap),
            (Money::ZERO, Money::ZERO, None)
        );
    }

    fn any_category() -> impl Strategy<Value = Category> {
        prop::sample::select(Category::ALL.to_vec())
    }

    fn any_coupon() -> impl Strategy<Value = Option<Coupon>> {
        let kind = prop_oneof![
            (1u8..=100).prop_map(CouponKind::PercentOff),
            (1i64..10_000).prop_map(|c| CouponKind::AmountOff(Money::from_cents(c))),
            Just(CouponKind::FreeShipping),
        ];
        proptest::option::of(
            (
                kind,
                0i64..10_000,
                proptest::collection::vec(any_category(), 0..2),
            )
                .prop_map(|(kind, min, cats)| coupon(kind, min, cats)),
        )
    }

    proptest! {
        /// The totals always add up, and nothing goes negative, whatever the cart.
        #[test]
        fn totals_are_consistent(
            lines in proptest::collection::vec(
                (1i64..20_000, 1u32..=MAX_LINE_QUANTITY, any_category())
                    .prop_map(|(c, q, cat)| line(c, q, cat)),
                0..8,
            ),
            coupon in any_coupon(),
            express in any::<bool>(),
        ) {
            let method = if express { ShippingMethod::Express } else { ShippingMethod::Standard };
            let q = quote(&lines, coupon.as_ref(), method, &RATES);
            prop_assert_eq!(q.subtotal, lines.iter().map(PricedLine::total).sum::<Money>());
            prop_assert!(q.discount >= Money::ZERO && q.discount <= q.subtotal);
            prop_assert_eq!(q.merchandise, q.subtotal - q.discount);
            prop_assert_eq!(q.total, q.merchandise + q.shipping);
            prop_assert_eq!(q.total, q.total.rounded(), "whole cents only");
            prop_assert!(q.shipping == Money::ZERO || q.shipping == RATES.standard_fee || q.shipping == RATES.express_fee);
            if let Some(gap) = q.free_shipping_gap {
                prop_assert_eq!(q.merchandise + gap, RATES.free_standard_from);
            }
        }
    }
}
