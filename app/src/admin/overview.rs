//! The staff overview (`/api/staff/`): revenue and orders per day over a chosen period, orders
//! by status, average order value, the best sellers, promo-code use and low stock.

use crate::catalog::staff::LowStock;
use crate::error::AppError;
use crate::money::Money;
use crate::orders::stats::{CouponUse, DayFigures, TopProduct};
use crate::orders::status::OrderStatus;
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    crate::catalog::editor, crate::identity::session::require_role, crate::identity::Role,
    crate::orders::stats, crate::shop::server_state,
};

/// The periods staff can choose, in days; the first is the default.
pub const PERIODS: [u32; 3] = [30, 7, 90];
pub const TOP_PRODUCTS: u32 = 5;
pub const LOW_STOCK_SHOWN: u32 = 10;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub days: u32,
    pub daily: Vec<DayFigures>,
    pub by_status: Vec<(OrderStatus, u32)>,
    pub top_products: Vec<TopProduct>,
    pub coupons: Vec<CouponUse>,
    pub low_stock: Vec<LowStock>,
    /// Tickets waiting for support, whatever the period.
    pub open_tickets: u32,
    /// Warranty claims waiting for a decision.
    pub waiting_claims: u32,
    /// E-mail that could not be sent after every retry.
    pub failed_mail: u32,
}

impl Overview {
    pub fn orders(&self) -> u32 {
        self.daily.iter().map(|d| d.orders).sum()
    }

    pub fn revenue(&self) -> Money {
        self.daily.iter().map(|d| d.revenue).sum()
    }

    /// Revenue per order, rounded to the cent; zero without orders.
    pub fn average(&self) -> Money {
        match self.orders() {
            0 => Money::ZERO,
            n => Money::from_decimal(self.revenue().amount() / rust_decimal::Decimal::from(n)),
        }
    }
}

/// A period the overview offers, from what the address asks: the default otherwise.
pub fn period(asked: Option<u32>) -> u32 {
    asked.filter(|d| PERIODS.contains(d)).unwrap_or(PERIODS[0])
}

#[server(prefix = "/api/staff", output = Postcard)]
pub async fn shop_overview(days: u32) -> Result<Overview, AppError> {
    require_role(Role::Support).await?;
    let days = period(Some(days));
    let state = server_state()?;
    let pool = &state.db.pool;
    let now = state.clock.unix();
    let day = 24 * 60 * 60;
    // The period ends with today, included.
    let first_day = now - now.rem_euclid(day) - (i64::from(days) - 1) * day;
    let until = first_day + i64::from(days) * day;
    Ok(Overview {
        days,
        daily: stats::daily(pool, first_day, days).await?,
        by_status: stats::by_status(pool, first_day, until).await?,
        top_products: stats::top_products(pool, first_day, until, TOP_PRODUCTS).await?,
        coupons: stats::coupon_use(pool, first_day, until).await?,
        low_stock: editor::low_stock(pool, LOW_STOCK_SHOWN).await?,
        open_tickets: u32::try_from(crate::support::repo::open_count(pool).await?).unwrap_or(0),
        waiting_claims: u32::try_from(crate::warranty::repo::waiting(pool).await?).unwrap_or(0),
        failed_mail: u32::try_from(crate::mail::queue::failed_count(pool).await?).unwrap_or(0),
    })
}

/// A round number at or above `max` for a chart's top line: 1, 2 or 5 times a power of ten.
pub fn chart_top(max: i64) -> i64 {
    if max <= 0 {
        return 1;
    }
    let mut step = 1i64;
    loop {
        for factor in [1, 2, 5] {
            if let Some(top) = step.checked_mul(factor) {
                if top >= max {
                    return top;
                }
            }
        }
        match step.checked_mul(10) {
            Some(next) => step = next,
            None => return max,
        }
    }
}

/// Each value's bar height in a chart `height` units tall whose top line is `top`.
pub fn bar_heights(values: &[i64], top: i64, height: u32) -> Vec<u32> {
    values
        .iter()
        .map(|v| {
            let scaled = i128::from((*v).max(0)) * i128::from(height) / i128::from(top.max(1));
            u32::try_from(scaled.min(i128::from(height))).unwrap_or(height)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tops_are_round_numbers() {
        assert_eq!(chart_top(0), 1);
        assert_eq!(chart_top(7), 10);
        assert_eq!(chart_top(13), 20);
        assert_eq!(chart_top(200), 200);
        assert_eq!(chart_top(201), 500);
        assert_eq!(chart_top(123_456), 200_000);
    }

    #[test]
    fn the_average_is_revenue_per_order() {
        let day = |orders, cents| DayFigures {
            day: 0,
            orders,
            revenue: Money::from_cents(cents),
        };
        let overview = Overview {
            days: 7,
            daily: vec![day(2, 5000), day(0, 0), day(1, 1001)],
            by_status: vec![],
            top_products: vec![],
            coupons: vec![],
            low_stock: vec![],
            open_tickets: 0,
            waiting_claims: 0,
            failed_mail: 0,
        };
        assert_eq!(overview.orders(), 3);
        assert_eq!(overview.revenue(), Money::from_cents(6001));
        assert_eq!(overview.average(), Money::from_cents(2000));
        assert_eq!(period(Some(7)), 7);
        assert_eq!(period(Some(8)), 30);
        assert_eq!(period(None), 30);
    }

    proptest! {
        #[test]
        fn bars_fit_the_chart_and_keep_their_order(values in proptest::collection::vec(0i64..1_000_000, 1..40)) {
            let top = chart_top(values.iter().copied().max().unwrap_or(0));
            let heights = bar_heights(&values, top, 120);
            prop_assert!(top >= values.iter().copied().max().unwrap_or(0));
            for (a, b) in values.iter().zip(&heights) {
                prop_assert!(*b <= 120);
                for (c, d) in values.iter().zip(&heights) {
                    if a < c { prop_assert!(b <= d); }
                }
            }
        }
    }
}
