//! Promo codes for admins (`/api/admin/`): create, edit and disable codes with every rule the
//! cart understands (percent, amount or free shipping; dates, minimum spend, usage and
//! per-customer limits, categories), and see each code's redemptions. Audited.

use crate::catalog::model::Category;
use crate::clock::{day_start, day_text, DAY_SECONDS};
use crate::coupons::{Redemption, StaffCouponRow};
use crate::error::AppError;
use crate::forms::FormResult;
use crate::money::Money;
use crate::pricing::coupon::{Coupon, CouponCode, CouponKind, CouponTerms};
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    crate::audit::{self, Change},
    crate::coupons,
    crate::forms::correct_fields,
    crate::identity::{session::require_role, Role},
    crate::shop::server_state,
};

/// A code's rules as its form sends them; blank fields mean "no such rule".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponForm {
    pub code: String,
    /// "percent", "amount" or "free_shipping".
    pub kind: String,
    /// The percentage or the dollars off.
    pub value: String,
    pub min_spend: String,
    /// First and last day the code works (UTC), `YYYY-MM-DD`.
    pub starts: String,
    pub ends: String,
    pub usage_limit: String,
    pub per_customer_limit: String,
    /// Set for each category the discount is limited to (by `Category::slug`); none: all.
    #[serde(default)]
    pub cases: Option<String>,
    #[serde(default, rename = "screen-protectors")]
    pub screen_protectors: Option<String>,
    #[serde(default)]
    pub accessories: Option<String>,
}

impl CouponForm {
    fn category_field(&self, category: Category) -> bool {
        match category {
            Category::Case => self.cases.is_some(),
            Category::ScreenProtector => self.screen_protectors.is_some(),
            Category::Accessory => self.accessories.is_some(),
        }
    }

    /// The form that shows a stored code.
    pub fn from_coupon(offer: &Coupon, terms: &CouponTerms) -> CouponForm {
        let (kind, value) = match offer.kind {
            CouponKind::PercentOff(p) => ("percent", p.to_string()),
            CouponKind::AmountOff(a) => ("amount", a.amount().to_string()),
            CouponKind::FreeShipping => ("free_shipping", String::new()),
        };
        let on = |c: Category| offer.categories.contains(&c).then(|| "on".to_owned());
        CouponForm {
            code: offer.code.to_string(),
            kind: kind.into(),
            value,
            min_spend: if offer.min_spend.is_zero() {
                String::new()
            } else {
                offer.min_spend.amount().to_string()
            },
            starts: terms.starts_at.map(day_text).unwrap_or_default(),
            ends: terms
                .expires_at
                .map(|e| day_text(e - DAY_SECONDS))
                .unwrap_or_default(),
            usage_limit: terms.usage_limit.map(|n| n.to_string()).unwrap_or_default(),
            per_customer_limit: terms
                .per_customer_limit
                .map(|n| n.to_string())
                .unwrap_or_default(),
            cases: on(Category::Case),
            screen_protectors: on(Category::ScreenProtector),
            accessories: on(Category::Accessory),
        }
    }
}

/// The form checked: the code's offer and terms, or a message per field.
pub fn check_coupon(
    form: &CouponForm,
) -> Result<(Coupon, CouponTerms), Vec<(&'static str, String)>> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let code = CouponCode::parse(&form.code)
        .map_err(|_| {
            errors.push((
                "code",
                "Use 3 to 32 letters, digits, - or _ for the code.".into(),
            ))
        })
        .ok();
    let kind = match form.kind.as_str() {
        "percent" => match form.value.trim().parse::<u8>() {
            Ok(p) if (1..=100).contains(&p) => Some(CouponKind::PercentOff(p)),
            _ => {
                errors.push(("value", "Enter a whole percentage from 1 to 100.".into()));
                None
            }
        },
        "amount" => match Money::parse_typed(&form.value) {
            Some(a) if !a.is_zero() && a <= Money::from_dollars(1000) => {
                Some(CouponKind::AmountOff(a))
            }
            _ => {
                errors.push(("value", "Enter the dollars off, such as 5 or 7.50.".into()));
                None
            }
        },
        "free_shipping" => Some(CouponKind::FreeShipping),
        _ => {
            errors.push(("kind", "Choose what the code gives.".into()));
            None
        }
    };
    let min_spend = if form.min_spend.trim().is_empty() {
        Some(Money::ZERO)
    } else {
        Money::parse_typed(&form.min_spend).or_else(|| {
            errors.push((
                "min_spend",
                "Enter the minimum spend in dollars, or leave it blank.".into(),
            ));
            None
        })
    };
    let starts = day_start(&form.starts)
        .map_err(|_| errors.push(("starts", "Give the first day as YYYY-MM-DD.".into())))
        .ok();
    let ends = day_start(&form.ends)
        .map_err(|_| errors.push(("ends", "Give the last day as YYYY-MM-DD.".into())))
        .ok()
        .map(|e| e.map(|day| day + DAY_SECONDS));
    if let (Some(Some(s)), Some(Some(e))) = (starts, ends) {
        if e <= s {
            errors.push(("ends", "The last day cannot come before the first.".into()));
        }
    }
    let mut limit = |text: &str, field: &'static str| -> Option<Option<u32>> {
        if text.trim().is_empty() {
            return Some(None);
        }
        match text.trim().parse::<u32>() {
            Ok(n) if n > 0 => Some(Some(n)),
            _ => {
                errors.push((
                    field,
                    "Enter a whole number of uses, or leave it blank.".into(),
                ));
                None
            }
        }
    };
    let usage_limit = limit(&form.usage_limit, "usage_limit");
    let per_customer_limit = limit(&form.per_customer_limit, "per_customer_limit");
    let categories: Vec<Category> = Category::ALL
        .into_iter()
        .filter(|c| form.category_field(*c))
        .collect();
    match (
        code,
        kind,
        min_spend,
        starts,
        ends,
        usage_limit,
        per_customer_limit,
    ) {
        (
            Some(code),
            Some(kind),
            Some(min_spend),
            Some(starts_at),
            Some(expires_at),
            Some(usage_limit),
            Some(per_customer_limit),
        ) if errors.is_empty() => Ok((
            Coupon {
                code,
                kind,
                min_spend,
                categories,
            },
            CouponTerms {
                starts_at,
                expires_at,
                usage_limit,
                per_customer_limit,
            },
        )),
        _ => Err(errors),
    }
}

/// A code as staff edit it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffCoupon {
    pub form: CouponForm,
    pub active: bool,
    pub redemptions: Vec<Redemption>,
}

#[cfg(feature = "ssr")]
fn corrections(
    errors: Vec<(&'static str, String)>,
    typed: &CouponForm,
) -> Result<FormResult, AppError> {
    correct_fields(
        errors,
        &[
            ("code", typed.code.as_str()),
            ("value", typed.value.as_str()),
            ("min_spend", typed.min_spend.as_str()),
            ("starts", typed.starts.as_str()),
            ("ends", typed.ends.as_str()),
            ("usage_limit", typed.usage_limit.as_str()),
            ("per_customer_limit", typed.per_customer_limit.as_str()),
        ],
    )
}

#[server(prefix = "/api/admin", output = Postcard)]
pub async fn list_coupons() -> Result<Vec<StaffCouponRow>, AppError> {
    require_role(Role::Admin).await?;
    Ok(coupons::repo::staff_list(&server_state()?.db.pool).await?)
}

#[server(prefix = "/api/admin", output = Postcard)]
pub async fn coupon_for_staff(code: String) -> Result<StaffCoupon, AppError> {
    require_role(Role::Admin).await?;
    let code = CouponCode::parse(&code).map_err(|_| AppError::NotFound)?;
    let pool = &server_state()?.db.pool;
    let mut conn = pool.acquire().await?;
    let (stored, active) = coupons::repo::find_any(&mut conn, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(StaffCoupon {
        form: CouponForm::from_coupon(&stored.offer, &stored.terms),
        active,
        redemptions: coupons::repo::redemptions(&mut conn, stored.id).await?,
    })
}

/// Creates a code (`original` empty) or saves the rules of code `original` and whether it
/// works at all; a code's own text never changes once shoppers may have it.
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn save_coupon(
    original: String,
    form: CouponForm,
    enabled: Option<String>,
) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Admin).await?;
    let mut form = form;
    if !original.is_empty() {
        form.code = original.clone();
    }
    let (offer, terms) = match check_coupon(&form) {
        Ok(checked) => checked,
        Err(errors) => return corrections(errors, &form),
    };
    let state = server_state()?;
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let now = state.clock.unix();
    let record = format!("promo code {}", offer.code);
    if original.is_empty() {
        if coupons::repo::find_any(&mut tx, &offer.code)
            .await?
            .is_some()
        {
            return corrections(
                vec![(
                    "code",
                    "This code exists already: edit it, or choose another.".into(),
                )],
                &form,
            );
        }
        coupons::repo::create(&mut tx, &offer, &terms).await?;
        audit::record(
            &mut tx,
            &staff,
            Change::new("create promo code", record).after(describe(&offer, &terms, true)),
            now,
        )
        .await?;
        tx.commit().await?;
        leptos_axum::redirect(&format!("/admin/coupons/{}", offer.code));
        return Ok(FormResult::Done);
    }
    let (before, was_active) = coupons::repo::find_any(&mut tx, &offer.code)
        .await?
        .ok_or(AppError::NotFound)?;
    let active = enabled.is_some();
    coupons::repo::update(&mut tx, before.id, &offer, &terms, active).await?;
    audit::record(
        &mut tx,
        &staff,
        Change::new("edit promo code", record)
            .before(describe(&before.offer, &before.terms, was_active))
            .after(describe(&offer, &terms, active)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(FormResult::Done)
}

/// A code's rules in a line, for the audit log.
#[cfg(feature = "ssr")]
fn describe(offer: &Coupon, terms: &CouponTerms, active: bool) -> String {
    let mut parts = vec![offer.describe()];
    if !offer.min_spend.is_zero() {
        parts.push(format!("min {}", offer.min_spend));
    }
    if let Some(s) = terms.starts_at {
        parts.push(format!("from {}", day_text(s)));
    }
    if let Some(e) = terms.expires_at {
        parts.push(format!("until {}", day_text(e - DAY_SECONDS)));
    }
    if let Some(n) = terms.usage_limit {
        parts.push(format!("{n} uses"));
    }
    if let Some(n) = terms.per_customer_limit {
        parts.push(format!("{n} per customer"));
    }
    parts.push(if active { "enabled" } else { "disabled" }.into());
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CouponForm {
        CouponForm {
            code: " spring25 ".into(),
            kind: "percent".into(),
            value: "25".into(),
            min_spend: "40".into(),
            starts: "2026-12-01".into(),
            ends: "2026-12-31".into(),
            usage_limit: "100".into(),
            per_customer_limit: "1".into(),
            cases: Some("on".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_becomes_the_code_the_cart_applies_and_shows_again() {
        let (offer, terms) = check_coupon(&form()).unwrap();
        assert_eq!(offer.code.as_str(), "SPRING25");
        assert_eq!(offer.kind, CouponKind::PercentOff(25));
        assert_eq!(offer.min_spend, Money::from_dollars(40));
        assert_eq!(offer.categories, vec![Category::Case]);
        assert_eq!(terms.usage_limit, Some(100));
        // The last day is included: the code works until the next midnight.
        assert_eq!(
            terms.expires_at.unwrap() - terms.starts_at.unwrap(),
            31 * DAY_SECONDS
        );
        let again = CouponForm::from_coupon(&offer, &terms);
        assert_eq!(check_coupon(&again), Ok((offer, terms)));
    }

    #[test]
    fn every_wrong_field_is_named() {
        let wrong = CouponForm {
            code: "x".into(),
            kind: "percent".into(),
            value: "150".into(),
            min_spend: "lots".into(),
            starts: "2026-12-31".into(),
            ends: "2026-12-01".into(),
            usage_limit: "-1".into(),
            per_customer_limit: "0".into(),
            ..Default::default()
        };
        let fields: Vec<&str> = check_coupon(&wrong)
            .unwrap_err()
            .iter()
            .map(|(f, _)| *f)
            .collect();
        assert_eq!(
            fields,
            vec![
                "code",
                "value",
                "min_spend",
                "ends",
                "usage_limit",
                "per_customer_limit"
            ]
        );
        let no_kind = CouponForm {
            kind: "gift".into(),
            ..form()
        };
        assert_eq!(check_coupon(&no_kind).unwrap_err()[0].0, "kind");
        let free = CouponForm {
            kind: "free_shipping".into(),
            value: String::new(),
            ..form()
        };
        assert_eq!(
            check_coupon(&free).unwrap().0.kind,
            CouponKind::FreeShipping
        );
    }
}
