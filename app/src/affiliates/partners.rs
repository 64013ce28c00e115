//! Applications and partners (table `partners`): applying, staff's decisions, the codes an
//! approved partner promotes with, their rate and standing.

use super::rules::{self, PartnerStatus, Rate, ReferralCode, DEFAULT_RATE, PERSONAL_CODE_PERCENT};
use super::Application;
use crate::coupons::repo as coupons;
use crate::pricing::coupon::{Coupon, CouponCode, CouponKind, CouponTerms};
use crate::tokens::random_bytes;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// A partner or an applicant, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerRecord {
    pub id: i64,
    pub email: String,
    pub customer_id: Option<i64>,
    pub name: String,
    pub channel: String,
    pub audience: String,
    pub promotion: String,
    pub paypal_email: String,
    pub status: PartnerStatus,
    pub decline_reason: Option<String>,
    pub referral_code: Option<ReferralCode>,
    /// Their personal promo code, if approved (disabled while they are suspended).
    pub promo_code: Option<String>,
    pub coupon_id: Option<i64>,
    /// A rate of their own, set by staff.
    pub custom_rate: Option<Rate>,
    pub applied_at: i64,
    pub decided_at: Option<i64>,
}

impl PartnerRecord {
    /// The rate their orders earn.
    pub fn rate(&self) -> Rate {
        self.custom_rate.unwrap_or(DEFAULT_RATE)
    }

    /// What the attribution decision needs to know.
    pub fn facts(&self) -> rules::Partner {
        rules::Partner {
            id: self.id,
            status: self.status,
            customer_id: self.customer_id,
            email: self.email.clone(),
        }
    }
}

const COLUMNS: &str = "p.id, p.email, p.customer_id, p.name, p.channel, p.audience, p.promotion, \
                       p.paypal_email, p.status, p.decline_reason, p.referral_code, p.coupon_id, \
                       p.rate_bp, p.applied_at, p.decided_at, c.code AS promo_code";
const FROM: &str = "FROM partners p LEFT JOIN coupons c ON c.id = p.coupon_id";

fn record(row: &AnyRow) -> Result<PartnerRecord, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let decode = |what: &str| sqlx::Error::Decode(format!("unexpected {what} in partners").into());
    let rate: Option<i64> = row.try_get("rate_bp")?;
    let code: Option<String> = row.try_get("referral_code")?;
    Ok(PartnerRecord {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        customer_id: row.try_get("customer_id")?,
        name: row.try_get("name")?,
        channel: row.try_get("channel")?,
        audience: row.try_get("audience")?,
        promotion: row.try_get("promotion")?,
        paypal_email: row.try_get("paypal_email")?,
        status: PartnerStatus::from_slug(&status).ok_or_else(|| decode("status"))?,
        decline_reason: row.try_get("decline_reason")?,
        referral_code: code
            .map(|c| ReferralCode::parse(&c).ok_or_else(|| decode("referral code")))
            .transpose()?,
        promo_code: row.try_get("promo_code")?,
        coupon_id: row.try_get("coupon_id")?,
        custom_rate: rate
            .map(|r| {
                u32::try_from(r)
                    .ok()
                    .and_then(Rate::from_basis_points)
                    .ok_or_else(|| decode("rate"))
            })
            .transpose()?,
        applied_at: row.try_get("applied_at")?,
        decided_at: row.try_get("decided_at")?,
    })
}

async fn find_where(
    conn: &mut AnyConnection,
    condition: &str,
    value: impl for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + 'static,
) -> Result<Option<PartnerRecord>, sqlx::Error> {
    sqlx::query(&format!("SELECT {COLUMNS} {FROM} WHERE {condition}"))
        .bind(value)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(record)
        .transpose()
}

pub async fn by_id(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<PartnerRecord>, sqlx::Error> {
    find_where(conn, "p.id = $1", id).await
}

/// The partner whose referral code this is, whatever their standing.
pub async fn by_referral_code(
    conn: &mut AnyConnection,
    code: &ReferralCode,
) -> Result<Option<PartnerRecord>, sqlx::Error> {
    find_where(conn, "p.referral_code = $1", code.to_string()).await
}

/// The partner whose personal promo code is `code`.
pub async fn by_coupon(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<PartnerRecord>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE p.coupon_id = \
         (SELECT id FROM coupons WHERE code = $1)"
    ))
    .bind(code)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(record)
    .transpose()
}

/// The application or partner of a signed-in account: linked to it, or made with its e-mail
/// address before the account existed (the address is the account's, checked when it was made).
pub async fn of_account(
    conn: &mut AnyConnection,
    customer_id: i64,
    email: &str,
) -> Result<Option<PartnerRecord>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} {FROM} WHERE p.customer_id = $1 OR p.email = $2 \
         ORDER BY p.customer_id IS NULL, p.id LIMIT 1"
    ))
    .bind(customer_id)
    .bind(email.to_lowercase())
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(record)
    .transpose()
}

/// What became of an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Received, to be decided by staff.
    Received(i64),
    /// This address has an application waiting already.
    AlreadyWaiting,
    /// This address belongs to a partner already.
    AlreadyPartner,
}

/// Records an application. A declined applicant may apply again: their row is reopened.
pub async fn apply(
    conn: &mut AnyConnection,
    application: &Application,
    customer_id: Option<i64>,
    now: i64,
) -> Result<Applied, sqlx::Error> {
    let existing = find_where(conn, "p.email = $1", application.email.to_string()).await?;
    match existing.map(|p| (p.id, p.status)) {
        Some((_, PartnerStatus::Applied)) => return Ok(Applied::AlreadyWaiting),
        Some((_, PartnerStatus::Approved | PartnerStatus::Suspended)) => {
            return Ok(Applied::AlreadyPartner)
        }
        Some((id, PartnerStatus::Declined)) => {
            sqlx::query(
                "UPDATE partners SET name = $1, channel = $2, audience = $3, promotion = $4, \
                        paypal_email = $5, customer_id = COALESCE($6, customer_id), \
                        status = 'applied', decline_reason = NULL, applied_at = $7, \
                        decided_at = NULL \
                 WHERE id = $8 AND status = 'declined'",
            )
            .bind(&application.name)
            .bind(&application.channel)
            .bind(&application.audience)
            .bind(&application.promotion)
            .bind(application.paypal_email.as_str())
            .bind(customer_id)
            .bind(now)
            .bind(id)
            .execute(conn)
            .await?;
            return Ok(Applied::Received(id));
        }
        None => {}
    }
    // Two racing submissions of one address: the unique e-mail lets one in.
    let inserted = sqlx::query(
        "INSERT INTO partners (email, customer_id, name, channel, audience, promotion, \
                               paypal_email, applied_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (email) DO NOTHING RETURNING id",
    )
    .bind(application.email.as_str())
    .bind(customer_id)
    .bind(&application.name)
    .bind(&application.channel)
    .bind(&application.audience)
    .bind(&application.promotion)
    .bind(application.paypal_email.as_str())
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(match inserted {
        Some(row) => Applied::Received(row.try_get("id")?),
        None => Applied::AlreadyWaiting,
    })
}

/// The applications waiting for a decision, oldest first.
pub async fn waiting(conn: &mut AnyConnection) -> Result<Vec<PartnerRecord>, sqlx::Error> {
    list_where(conn, "p.status = 'applied' ORDER BY p.applied_at, p.id").await
}

/// Approved and suspended partners, by name.
pub async fn partners(conn: &mut AnyConnection) -> Result<Vec<PartnerRecord>, sqlx::Error> {
    list_where(
        conn,
        "p.status IN ('approved', 'suspended') ORDER BY LOWER(p.name), p.id",
    )
    .await
}

async fn list_where(
    conn: &mut AnyConnection,
    condition: &str,
) -> Result<Vec<PartnerRecord>, sqlx::Error> {
    sqlx::query(&format!("SELECT {COLUMNS} {FROM} WHERE {condition}"))
        .fetch_all(conn)
        .await?
        .iter()
        .map(record)
        .collect()
}

/// The letters and digits of a name that start its codes ("Anna Reviews" → "ANNAREVI").
fn code_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .take(8)
        .collect();
    if stem.len() < 2 {
        "PARTNER".to_owned()
    } else {
        stem
    }
}

/// Four random digits.
fn digits() -> String {
    let bytes = random_bytes(2);
    format!("{:04}", u16::from_le_bytes([bytes[0], bytes[1]]) % 10_000)
}

/// A referral code no partner has: the name's stem and four digits.
async fn new_referral_code(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<ReferralCode, sqlx::Error> {
    let stem = code_stem(name);
    loop {
        let code = ReferralCode::parse(&format!("{stem}{}", digits()))
            .expect("a stem of letters and digits and four digits is a referral code");
        let taken = sqlx::query("SELECT 1 FROM partners WHERE referral_code = $1")
            .bind(code.as_str())
            .fetch_optional(&mut *conn)
            .await?
            .is_some();
        if !taken {
            return Ok(code);
        }
    }
}

/// A new personal promo code for `name` in the coupons module: the stem and the discount
/// ("ANNA10"), or with four digits more when that is taken (or was retired).
async fn new_promo_code(conn: &mut AnyConnection, name: &str) -> Result<i64, sqlx::Error> {
    let stem = code_stem(name);
    let mut candidate = format!("{stem}{PERSONAL_CODE_PERCENT}");
    loop {
        let code = CouponCode::parse(&candidate).expect("letters and digits make a promo code");
        if coupons::find_any(conn, &code).await?.is_none() {
            let offer = Coupon {
                code,
                kind: CouponKind::PercentOff(PERSONAL_CODE_PERCENT),
                min_spend: crate::money::Money::ZERO,
                categories: vec![],
            };
            return coupons::create(
                conn,
                &offer,
                &CouponTerms {
                    starts_at: None,
                    expires_at: None,
                    usage_limit: None,
                    per_customer_limit: None,
                },
            )
            .await;
        }
        candidate = format!("{stem}{PERSONAL_CODE_PERCENT}-{}", digits());
    }
}

/// Approves a waiting application: gives the partner a referral code and a personal promo
/// code. False if it was not waiting (decided meanwhile by someone else).
pub async fn approve(conn: &mut AnyConnection, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    // The conditional update decides a race between two staff members, and locks the row.
    let claimed = sqlx::query(
        "UPDATE partners SET status = 'approved', decided_at = $1, decline_reason = NULL \
         WHERE id = $2 AND status = 'applied'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(false);
    }
    // Only an application is approved, and an application never had codes.
    let name: String = sqlx::query("SELECT name FROM partners WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?
        .try_get("name")?;
    let referral = new_referral_code(conn, &name).await?;
    let coupon = new_promo_code(conn, &name).await?;
    sqlx::query("UPDATE partners SET referral_code = $1, coupon_id = $2 WHERE id = $3")
        .bind(referral.as_str())
        .bind(coupon)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(true)
}

/// Declines a waiting application with the reason the applicant is told.
pub async fn decline(
    conn: &mut AnyConnection,
    id: i64,
    reason: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE partners SET status = 'declined', decline_reason = $1, decided_at = $2 \
         WHERE id = $3 AND status = 'applied'",
    )
    .bind(reason)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// Suspends an approved partner (`suspend`) or reinstates a suspended one. Their personal
/// code stops (or starts again) working for shoppers too. False if they were not in the
/// state the change starts from.
pub async fn set_suspended(
    conn: &mut AnyConnection,
    id: i64,
    suspend: bool,
) -> Result<bool, sqlx::Error> {
    let (from, to) = if suspend {
        ("approved", "suspended")
    } else {
        ("suspended", "approved")
    };
    let changed = sqlx::query("UPDATE partners SET status = $1 WHERE id = $2 AND status = $3")
        .bind(to)
        .bind(id)
        .bind(from)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1;
    if changed {
        let coupon: Option<i64> = sqlx::query("SELECT coupon_id FROM partners WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?
            .try_get("coupon_id")?;
        if let Some(coupon) = coupon {
            coupons::set_active(conn, coupon, !suspend).await?;
        }
    }
    Ok(changed)
}

/// Gives a partner a rate of their own (`None`: back to the program's).
pub async fn set_rate(
    conn: &mut AnyConnection,
    id: i64,
    rate: Option<Rate>,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE partners SET rate_bp = $1 WHERE id = $2 AND status IN ('approved', 'suspended')",
    )
    .bind(rate.map(|r| i64::from(r.basis_points())))
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// Retires a partner's personal promo code (it leaked) and issues a new one. The old code
/// stops working at once; orders already placed with it stay credited.
pub async fn replace_promo_code(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let Some(partner) = by_id(conn, id).await? else {
        return Ok(false);
    };
    if partner.status != PartnerStatus::Approved {
        return Ok(false);
    }
    if let Some(old) = partner.coupon_id {
        coupons::set_active(conn, old, false).await?;
    }
    let fresh = new_promo_code(conn, &partner.name).await?;
    sqlx::query("UPDATE partners SET coupon_id = $1 WHERE id = $2")
        .bind(fresh)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(true)
}

/// Links partners applied for with `email` before its account existed to that account.
pub async fn link_account(
    conn: &mut AnyConnection,
    customer_id: i64,
    email: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE partners SET customer_id = $1 WHERE email = $2 AND customer_id IS NULL")
        .bind(customer_id)
        .bind(email.to_lowercase())
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::code_stem;

    #[test]
    fn codes_start_with_the_name_in_capitals() {
        assert_eq!(code_stem("Anna Reviews"), "ANNAREVI");
        assert_eq!(code_stem("Zoë K."), "ZOK");
        assert_eq!(code_stem("✨"), "PARTNER");
    }
}
