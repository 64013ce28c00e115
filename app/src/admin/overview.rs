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

#[cfg(test)]
mod tests {
    use super::*;

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
}
