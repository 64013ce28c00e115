//! Refund rules: which orders can be refunded, and how much a refund of some items gives back.
//!
//! A refund of items gives back what was paid for them: their price less their share of the
//! coupon discount. Each line's share is rounded up, so refunding every item one at a time
//! never adds up to more than the merchandise cost; a full refund gives back whatever remains.

use super::status::OrderStatus;
use crate::money::Money;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Refunds are made once an order stands cancelled, shipped (a package reported lost or
/// delayed, once reviewed) or delivered (an accepted problem after delivery): before it ships,
/// staff cancel the order instead, which refunds it in full.
pub fn refundable(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Cancelled | OrderStatus::Shipped | OrderStatus::Delivered
    )
}

/// What staff ask to refund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefundScope {
    /// Everything not yet refunded.
    Full,
    /// `quantities[i]` more of the order's line `i`, and the shipping if `shipping`.
    Items {
        quantities: Vec<u32>,
        shipping: bool,
    },
}

/// One line of the order as a refund sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefundableLine {
    pub unit_price: Money,
    pub quantity: u32,
    /// Already refunded (or being refunded).
    pub refunded: u32,
}

/// The order's money as a refund sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundBasis {
    pub status: OrderStatus,
    pub lines: Vec<RefundableLine>,
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    pub total: Money,
    /// Refunded so far, pending refunds included.
    pub refunded: Money,
    pub shipping_refunded: bool,
}

/// A refund the rules allow: its amount, and what it gives back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundPlan {
    pub amount: Money,
    /// More of each line refunded by this refund.
    pub quantities: Vec<u32>,
    pub shipping: bool,
}

/// Why a refund is refused; the message is shown to staff as it is.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RefundRefusal {
    #[error("This order is {0}: only a cancelled, shipped or delivered order can be refunded. Cancel it instead if it should not ship: that refunds it in full.")]
    NotRefundable(OrderStatus),
    #[error("Nothing is left to refund on this order.")]
    NothingLeft,
    #[error("Choose at least one item, or the shipping, to refund.")]
    NothingChosen,
    #[error("Only {left} of item {line} can still be refunded.")]
    TooMany { line: usize, left: u32 },
    #[error("The shipping was refunded already.")]
    ShippingAlreadyRefunded,
}

impl RefundBasis {
    pub fn remaining(&self) -> Money {
        (self.total - self.refunded).at_least_zero()
    }

    /// Shipping that can still be refunded, if any.
    pub fn shipping_left(&self) -> Option<Money> {
        (!self.shipping_refunded && !self.shipping.is_zero()).then_some(self.shipping)
    }

    /// What was paid for the first `count` units of line `index`: a line's share of the
    /// discount is rounded up, a part of a line is rounded down.
    fn paid_for(&self, index: usize, count: u32) -> i64 {
        let line = self.lines[index];
        if line.quantity == 0 {
            return 0;
        }
        let line_total = (line.unit_price * line.quantity).cents();
        let subtotal = self.subtotal.cents();
        let share = if subtotal > 0 {
            let product = i128::from(self.discount.cents()) * i128::from(line_total);
            i64::try_from((product + i128::from(subtotal) - 1) / i128::from(subtotal))
                .unwrap_or(i64::MAX)
        } else {
            0
        };
        let paid = (line_total - share).max(0);
        let part =
            i128::from(paid) * i128::from(count.min(line.quantity)) / i128::from(line.quantity);
        i64::try_from(part).unwrap_or(i64::MAX)
    }

    /// The refund `scope` asks for, if the rules allow it.
    pub fn plan(&self, scope: &RefundScope) -> Result<RefundPlan, RefundRefusal> {
        if !refundable(self.status) {
            return Err(RefundRefusal::NotRefundable(self.status));
        }
        let remaining = self.remaining();
        if remaining.is_zero() {
            return Err(RefundRefusal::NothingLeft);
        }
        match scope {
            RefundScope::Full => Ok(RefundPlan {
                amount: remaining,
                quantities: self
                    .lines
                    .iter()
                    .map(|l| l.quantity.saturating_sub(l.refunded))
                    .collect(),
                shipping: self.shipping_left().is_some(),
            }),
            RefundScope::Items {
                quantities,
                shipping,
            } => {
                let mut cents = 0;
                let mut chosen = vec![0; self.lines.len()];
                for (index, &wanted) in quantities.iter().enumerate() {
                    if wanted == 0 {
                        continue;
                    }
                    let Some(line) = self.lines.get(index) else {
                        return Err(RefundRefusal::TooMany {
                            line: index + 1,
                            left: 0,
                        });
                    };
                    let left = line.quantity.saturating_sub(line.refunded);
                    if wanted > left {
                        return Err(RefundRefusal::TooMany {
                            line: index + 1,
                            left,
                        });
                    }
                    cents += self.paid_for(index, line.refunded + wanted)
                        - self.paid_for(index, line.refunded);
                    chosen[index] = wanted;
                }
                if *shipping {
                    if self.shipping_left().is_none() {
                        return Err(RefundRefusal::ShippingAlreadyRefunded);
                    }
                    cents += self.shipping.cents();
                }
                if chosen.iter().all(|&q| q == 0) && !shipping {
                    return Err(RefundRefusal::NothingChosen);
                }
                let amount = Money::from_cents(cents).min(remaining);
                if amount.is_zero() {
                    return Err(RefundRefusal::NothingLeft);
                }
                Ok(RefundPlan {
                    amount,
                    quantities: chosen,
                    shipping: *shipping,
                })
            }
        }
    }

    /// The basis once `plan` is made: what a following refund sees.
    pub fn after(&self, plan: &RefundPlan) -> RefundBasis {
        let mut next = self.clone();
        for (line, more) in next.lines.iter_mut().zip(&plan.quantities) {
            line.refunded += more;
        }
        next.refunded = next.refunded + plan.amount;
        next.shipping_refunded |= plan.shipping;
        next
    }
}

/// A refund as the order page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundEntry {
    pub amount: Money,
    pub at: i64,
    pub state: RefundState,
    /// Why staff refunded; the shopper sees it too.
    pub reason: String,
    /// The payment provider's reference, once refunded.
    pub reference: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefundState {
    /// Waiting for the payment provider's answer.
    Pending,
    Succeeded,
    Failed,
}

impl RefundState {
    pub fn slug(self) -> &'static str {
        match self {
            RefundState::Pending => "pending",
            RefundState::Succeeded => "succeeded",
            RefundState::Failed => "failed",
        }
    }

    pub fn from_slug(slug: &str) -> Option<RefundState> {
        [
            RefundState::Pending,
            RefundState::Succeeded,
            RefundState::Failed,
        ]
        .into_iter()
        .find(|s| s.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            RefundState::Pending => "Being processed",
            RefundState::Succeeded => "Refunded",
            RefundState::Failed => "Failed",
        }
    }
}

/// What the refund form offers staff for an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundOptions {
    pub remaining: Money,
    /// Units of each line not yet refunded.
    pub lines_left: Vec<u32>,
    pub shipping_left: Option<Money>,
}

impl From<&RefundBasis> for RefundOptions {
    fn from(basis: &RefundBasis) -> Self {
        RefundOptions {
            remaining: basis.remaining(),
            lines_left: basis
                .lines
                .iter()
                .map(|l| l.quantity.saturating_sub(l.refunded))
                .collect(),
            shipping_left: basis.shipping_left(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn basis(lines: &[(i64, u32)], discount: i64, shipping: i64) -> RefundBasis {
        let lines: Vec<RefundableLine> = lines
            .iter()
            .map(|&(cents, quantity)| RefundableLine {
                unit_price: Money::from_cents(cents),
                quantity,
                refunded: 0,
            })
            .collect();
        let subtotal: Money = lines.iter().map(|l| l.unit_price * l.quantity).sum();
        let discount = Money::from_cents(discount).min(subtotal);
        let shipping = Money::from_cents(shipping);
        RefundBasis {
            status: OrderStatus::Delivered,
            lines,
            subtotal,
            discount,
            shipping,
            total: subtotal - discount + shipping,
            refunded: Money::ZERO,
            shipping_refunded: false,
        }
    }

    fn items(quantities: &[u32], shipping: bool) -> RefundScope {
        RefundScope::Items {
            quantities: quantities.to_vec(),
            shipping,
        }
    }

    #[test]
    fn only_cancelled_shipped_or_delivered_orders_are_refunded() {
        for status in OrderStatus::ALL {
            let mut order = basis(&[(1000, 1)], 0, 500);
            order.status = status;
            let outcome = order.plan(&RefundScope::Full);
            assert_eq!(outcome.is_ok(), refundable(status), "{status:?}");
        }
        let mut preparing = basis(&[(1000, 1)], 0, 500);
        preparing.status = OrderStatus::Processing;
        assert_eq!(
            preparing.plan(&RefundScope::Full),
            Err(RefundRefusal::NotRefundable(OrderStatus::Processing))
        );
    }

    #[test]
    fn an_item_gives_back_its_price_less_its_share_of_the_discount() {
        // $20 and 2 × $10, $4 off (10%), $5 shipping: the $20 line bore $2 of the discount.
        let order = basis(&[(2000, 1), (1000, 2)], 400, 500);
        let plan = order.plan(&items(&[1, 0], false)).unwrap();
        assert_eq!(plan.amount, Money::from_cents(1800));
        let one_of_two = order.plan(&items(&[0, 1], false)).unwrap();
        assert_eq!(one_of_two.amount, Money::from_cents(900));
        let with_shipping = order.plan(&items(&[0, 0], true)).unwrap();
        assert_eq!(with_shipping.amount, Money::from_cents(500));
    }

    #[test]
    fn an_item_or_the_shipping_is_never_refunded_twice() {
        let order = basis(&[(2000, 1), (1000, 2)], 0, 500);
        let first = order.plan(&items(&[1, 1], true)).unwrap();
        let later = order.after(&first);
        assert_eq!(
            later.plan(&items(&[1, 0], false)),
            Err(RefundRefusal::TooMany { line: 1, left: 0 })
        );
        assert_eq!(
            later.plan(&items(&[0, 2], false)),
            Err(RefundRefusal::TooMany { line: 2, left: 1 })
        );
        assert_eq!(
            later.plan(&items(&[0, 0], true)),
            Err(RefundRefusal::ShippingAlreadyRefunded)
        );
        assert_eq!(
            later.plan(&items(&[0, 0], false)),
            Err(RefundRefusal::NothingChosen)
        );
        let rest = later.plan(&RefundScope::Full).unwrap();
        assert_eq!(rest.amount, Money::from_cents(1000));
        assert_eq!(rest.quantities, vec![0, 1]);
        assert_eq!(
            later.after(&rest).plan(&RefundScope::Full),
            Err(RefundRefusal::NothingLeft)
        );
    }

    prop_compose! {
        fn an_order()(
            lines in proptest::collection::vec((1i64..20_000, 1u32..5), 1..5),
            discount in 0i64..30_000,
            shipping in prop_oneof![Just(0i64), Just(500), Just(1500)],
        ) -> RefundBasis {
            basis(&lines, discount, shipping)
        }
    }

    proptest! {
        #[test]
        fn refunds_in_any_order_never_exceed_the_total_and_a_full_refund_ends_at_it(
            order in an_order(),
            steps in proptest::collection::vec((0usize..5, 1u32..3, any::<bool>()), 0..8),
        ) {
            let mut current = order.clone();
            for (line, quantity, shipping) in steps {
                let mut quantities = vec![0; current.lines.len()];
                if let Some(q) = quantities.get_mut(line) {
                    *q = quantity;
                }
                if let Ok(plan) = current.plan(&items(&quantities, shipping)) {
                    prop_assert!(plan.amount > Money::ZERO);
                    current = current.after(&plan);
                    prop_assert!(current.refunded <= order.total);
                }
            }
            if let Ok(rest) = current.plan(&RefundScope::Full) {
                current = current.after(&rest);
            }
            prop_assert!(current.refunded == order.total || order.total.is_zero());
        }
    }
}
