//! Promo codes loaded with the demo catalog, one of each kind and refusal reason.

use super::repo;
use crate::catalog::model::Category;
use crate::money::Money;
use crate::pricing::coupon::{Coupon, CouponCode, CouponKind, CouponTerms};
use sqlx::AnyPool;

const DEMO_COUPONS_KEY: &str = "demo_coupons_seeded";

/// 2025-09-01 00:00 UTC: the summer code ended then.
const SUMMER_ENDED: i64 = 1_756_684_800;
/// 2027-01-01 00:00 UTC: the new-year code starts then.
const NEW_YEAR_STARTS: i64 = 1_798_761_600;

fn offer(code: &str, kind: CouponKind, min_spend: Money, categories: Vec<Category>) -> Coupon {
    Coupon {
        code: CouponCode::parse(code).expect("demo codes are valid"),
        kind,
        min_spend,
        categories,
    }
}

const OPEN: CouponTerms = CouponTerms {
    starts_at: None,
    expires_at: None,
    usage_limit: None,
    per_customer_limit: None,
};

pub fn demo_coupons() -> Vec<(Coupon, CouponTerms)> {
    vec![
        (
            offer("WELCOME10", CouponKind::PercentOff(10), Money::ZERO, vec![]),
            OPEN,
        ),
        (
            offer(
                "SAVE5",
                CouponKind::AmountOff(Money::from_cents(500)),
                Money::from_cents(2500),
                vec![],
            ),
            OPEN,
        ),
        (
            offer("FREESHIP", CouponKind::FreeShipping, Money::ZERO, vec![]),
            OPEN,
        ),
        (
            offer(
                "CASES20",
                CouponKind::PercentOff(20),
                Money::ZERO,
                vec![Category::Case],
            ),
            OPEN,
        ),
        (
            offer("SUMMER25", CouponKind::PercentOff(25), Money::ZERO, vec![]),
            CouponTerms {
                expires_at: Some(SUMMER_ENDED),
                ..OPEN
            },
        ),
        (
            offer("NEWYEAR27", CouponKind::PercentOff(15), Money::ZERO, vec![]),
            CouponTerms {
                starts_at: Some(NEW_YEAR_STARTS),
                ..OPEN
            },
        ),
        (
            offer("ONCE15", CouponKind::PercentOff(15), Money::ZERO, vec![]),
            CouponTerms {
                per_customer_limit: Some(1),
                ..OPEN
            },
        ),
    ]
}

/// Loads the demo codes the first time it runs on a database, never again.
pub async fn seed_once(pool: &AnyPool) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin(pool).await?;
    if !crate::db::claim_once(&mut tx, DEMO_COUPONS_KEY).await? {
        return Ok(false);
    }
    for (offer, terms) in demo_coupons() {
        repo::create(&mut tx, &offer, &terms).await?;
    }
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_codes_offered_to_try_are_demo_codes_open_now() {
        let demo = demo_coupons();
        for (code, _) in super::super::DEMO_CODES_TO_TRY {
            let (_, terms) = demo
                .iter()
                .find(|(c, _)| c.code.as_str() == code)
                .unwrap_or_else(|| panic!("{code} is not a demo code"));
            assert_eq!(terms.starts_at, None, "{code}");
            assert_eq!(terms.expires_at, None, "{code}");
            assert_eq!(terms.per_customer_limit, None, "{code}");
        }
    }
}
