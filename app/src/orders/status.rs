//! The order status machine: every allowed change of status is listed here, and nowhere else.

use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    /// Stock and promo code are held while the payment is taken; never shown to the shopper.
    AwaitingPayment,
    /// Placed and paid; not yet picked for shipping. The shopper may still change or cancel.
    Paid,
    /// Being prepared for shipping: no more changes or cancellation.
    Processing,
    Shipped,
    Delivered,
    Cancelled,
    Refunded,
    /// The payment was refused, cancelled or never completed: stock and promo code were given
    /// back. Kept for support and audit; never shown to the shopper as an order.
    PaymentFailed,
}

/// A change of status the rules do not allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[error("an order that is {from} cannot become {to}")]
pub struct InvalidTransition {
    pub from: OrderStatus,
    pub to: OrderStatus,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 8] = [
        OrderStatus::AwaitingPayment,
        OrderStatus::Paid,
        OrderStatus::Processing,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
        OrderStatus::Refunded,
        OrderStatus::PaymentFailed,
    ];

    /// The statuses this one may move to.
    pub fn next(self) -> &'static [OrderStatus] {
        use OrderStatus::*;
        match self {
            AwaitingPayment => &[Paid, PaymentFailed],
            Paid => &[Processing, Cancelled],
            // Staff may still cancel while preparing; the shopper may not (`shopper_can_cancel`).
            Processing => &[Shipped, Cancelled],
            // A package reported lost may be refunded in full before it is ever delivered.
            Shipped => &[Delivered, Refunded],
            // A refund follows a cancellation, or an accepted problem after delivery.
            Delivered => &[Refunded],
            Cancelled => &[Refunded],
            Refunded | PaymentFailed => &[],
        }
    }

    pub fn transition(self, to: OrderStatus) -> Result<OrderStatus, InvalidTransition> {
        if self.next().contains(&to) {
            Ok(to)
        } else {
            Err(InvalidTransition { from: self, to })
        }
    }

    /// The shopper may cancel, or change an item's model, type or colour, only before the
    /// order is processed for shipping.
    pub fn shopper_can_cancel(self) -> bool {
        self == OrderStatus::Paid
    }

    pub fn slug(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::Paid => "paid",
            OrderStatus::Processing => "processing",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
            OrderStatus::PaymentFailed => "payment_failed",
        }
    }

    /// True for an order the shopper placed: paid, whatever happened since. Orders awaiting
    /// or refused payment are the shop's own business.
    pub fn is_placed(self) -> bool {
        !matches!(
            self,
            OrderStatus::AwaitingPayment | OrderStatus::PaymentFailed
        )
    }

    /// The status as a badge on order pages.
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "Awaiting payment",
            OrderStatus::Paid => "Placed and paid",
            OrderStatus::Processing => "Being prepared",
            OrderStatus::Shipped => "Shipped",
            OrderStatus::Delivered => "Delivered",
            OrderStatus::Cancelled => "Cancelled",
            OrderStatus::Refunded => "Refunded",
            OrderStatus::PaymentFailed => "Payment failed",
        }
    }

    pub fn from_slug(slug: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

/// What staff can do to move an order along.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OrderAction {
    MarkProcessing,
    Ship,
    MarkDelivered,
    Cancel,
}

impl OrderAction {
    pub const ALL: [OrderAction; 4] = [
        OrderAction::MarkProcessing,
        OrderAction::Ship,
        OrderAction::MarkDelivered,
        OrderAction::Cancel,
    ];

    /// The status the action moves an order to.
    pub fn target(self) -> OrderStatus {
        match self {
            OrderAction::MarkProcessing => OrderStatus::Processing,
            OrderAction::Ship => OrderStatus::Shipped,
            OrderAction::MarkDelivered => OrderStatus::Delivered,
            OrderAction::Cancel => OrderStatus::Cancelled,
        }
    }

    /// The actions the status machine allows on an order that is `status`.
    pub fn allowed(status: OrderStatus) -> Vec<OrderAction> {
        OrderAction::ALL
            .into_iter()
            .filter(|action| status.next().contains(&action.target()))
            .collect()
    }

    /// Why the action is refused on an order that is `status`, if it is.
    pub fn refusal(self, status: OrderStatus) -> Option<String> {
        status
            .transition(self.target())
            .err()
            .map(|_| format!("This order is {status}: it can't be {}.", self.past_tense()))
    }

    fn past_tense(self) -> &'static str {
        match self {
            OrderAction::MarkProcessing => "marked as being prepared",
            OrderAction::Ship => "shipped",
            OrderAction::MarkDelivered => "marked as delivered",
            OrderAction::Cancel => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrderAction::MarkProcessing => "Mark as being prepared",
            OrderAction::Ship => "Ship",
            OrderAction::MarkDelivered => "Mark as delivered",
            OrderAction::Cancel => "Cancel order",
        }
    }

    /// The action as the audit log names it.
    pub fn label_for_log(self) -> &'static str {
        match self {
            OrderAction::MarkProcessing => "mark order processing",
            OrderAction::Ship => "ship order",
            OrderAction::MarkDelivered => "mark order delivered",
            OrderAction::Cancel => "cancel order",
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            OrderAction::MarkProcessing => "processing",
            OrderAction::Ship => "ship",
            OrderAction::MarkDelivered => "delivered",
            OrderAction::Cancel => "cancel",
        }
    }

    pub fn from_slug(slug: &str) -> Option<OrderAction> {
        OrderAction::ALL.into_iter().find(|a| a.slug() == slug)
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OrderStatus::AwaitingPayment => "awaiting payment",
            OrderStatus::Paid => "placed and paid",
            OrderStatus::Processing => "being prepared for shipping",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
            OrderStatus::PaymentFailed => "not paid",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_happy_path_runs_from_paid_to_delivered() {
        let delivered = OrderStatus::Paid
            .transition(OrderStatus::Processing)
            .and_then(|s| s.transition(OrderStatus::Shipped))
            .and_then(|s| s.transition(OrderStatus::Delivered));
        assert_eq!(delivered, Ok(OrderStatus::Delivered));
    }

    #[test]
    fn shoppers_cancel_before_processing_and_staff_until_shipped() {
        assert!(OrderStatus::Paid.shopper_can_cancel());
        for status in [OrderStatus::Paid, OrderStatus::Processing] {
            assert_eq!(
                status.transition(OrderStatus::Cancelled),
                Ok(OrderStatus::Cancelled)
            );
        }
        assert!(!OrderStatus::Processing.shopper_can_cancel());
        for status in [OrderStatus::Shipped, OrderStatus::Delivered] {
            assert!(!status.shopper_can_cancel());
            assert!(status.transition(OrderStatus::Cancelled).is_err());
        }
        // Lost in the post: refunded without being delivered.
        assert_eq!(
            OrderStatus::Shipped.transition(OrderStatus::Refunded),
            Ok(OrderStatus::Refunded)
        );
    }

    #[test]
    fn refunded_and_failed_payments_are_final_and_slugs_round_trip() {
        assert!(OrderStatus::Refunded.next().is_empty());
        assert!(OrderStatus::PaymentFailed.next().is_empty());
        assert_eq!(
            OrderStatus::AwaitingPayment.transition(OrderStatus::PaymentFailed),
            Ok(OrderStatus::PaymentFailed)
        );
        assert!(OrderStatus::Paid
            .transition(OrderStatus::PaymentFailed)
            .is_err());
        assert!(!OrderStatus::PaymentFailed.is_placed() && OrderStatus::Paid.is_placed());
        for status in OrderStatus::ALL {
            assert_eq!(OrderStatus::from_slug(status.slug()), Some(status));
        }
        assert_eq!(
            OrderStatus::Shipped
                .transition(OrderStatus::Paid)
                .unwrap_err()
                .to_string(),
            "an order that is shipped cannot become placed and paid"
        );
    }

    proptest! {
        /// No sequence of allowed transitions ever returns to an earlier status.
        #[test]
        fn transitions_never_go_back(picks in proptest::collection::vec(0usize..8, 0..10)) {
            let rank = |s: OrderStatus| OrderStatus::ALL.iter().position(|x| *x == s).unwrap();
            let mut status = OrderStatus::AwaitingPayment;
            for pick in picks {
                if let Ok(next) = status.transition(OrderStatus::ALL[pick]) {
                    prop_assert!(rank(next) > rank(status));
                    status = next;
                }
            }
        }
    }

    #[test]
    fn staff_actions_follow_the_status_machine() {
        use OrderAction::*;
        assert_eq!(
            OrderAction::allowed(OrderStatus::Paid),
            vec![MarkProcessing, Cancel]
        );
        assert_eq!(
            OrderAction::allowed(OrderStatus::Processing),
            vec![Ship, Cancel]
        );
        assert_eq!(
            OrderAction::allowed(OrderStatus::Shipped),
            vec![MarkDelivered]
        );
        assert!(OrderAction::allowed(OrderStatus::Delivered).is_empty());
        assert!(OrderAction::allowed(OrderStatus::AwaitingPayment).is_empty());
        assert_eq!(
            Cancel.refusal(OrderStatus::Shipped).as_deref(),
            Some("This order is shipped: it can't be cancelled.")
        );
        assert_eq!(Ship.refusal(OrderStatus::Processing), None);
        for status in OrderStatus::ALL {
            for action in OrderAction::ALL {
                assert_eq!(
                    action.refusal(status).is_none(),
                    OrderAction::allowed(status).contains(&action)
                );
            }
        }
        for action in OrderAction::ALL {
            assert_eq!(OrderAction::from_slug(action.slug()), Some(action));
        }
    }
}
