//! Demo orders (server only): a few weeks of made-up but plausible orders, so the staff
//! dashboard has something to show on a new shop (`SHOP_DEMO_ORDERS`). Loaded once per
//! database, in one transaction; they move through the status machine like real orders, by
//! guests at `@example.com` addresses. Stock is left as it is: these sales happened "before".

use super::model::{order_number_from, OrderLine, OrderTotals};
use super::repo::{self, NewOrder};
use super::status::OrderStatus;
use crate::checkout::address::ShippingAddress;
use crate::checkout::model::PaymentSummary;
use crate::coupons;
use crate::money::Money;
use crate::payments::card::CardBrand;
use crate::pricing::coupon::{CouponCode, CouponKind};
use crate::pricing::shipping::{Country, ShippingMethod};
use crate::shop::StoreInfo;
use sqlx::{AnyPool, Row};

const SEEDED_KEY: &str = "demo_orders_seeded";
const DAY: i64 = 24 * 60 * 60;

/// A small deterministic generator: the same demo shop every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

struct Sellable {
    line: OrderLine,
}

/// Every variant on sale, as an order line of one.
async fn sellables(pool: &AnyPool) -> Result<Vec<Sellable>, sqlx::Error> {
    sqlx::query(
        "SELECT s.code, s.style, s.colour, s.price_cents, s.image_path, p.name, \
                m.name AS model_name \
         FROM skus s JOIN products p ON p.id = s.product_id \
         LEFT JOIN phone_models m ON m.id = s.phone_model_id \
         WHERE s.active = 1 AND p.hidden = 0 ORDER BY s.id",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Sellable {
            line: OrderLine {
                sku: r.try_get("code")?,
                product_name: r.try_get("name")?,
                options: crate::catalog::repo::variant_options(r)?,
                image: r.try_get("image_path")?,
                unit_price: Money::from_cents(r.try_get("price_cents")?),
                quantity: 1,
            },
        })
    })
    .collect()
}

/// The statuses an order placed `age_days` ago has been through, after Paid.
fn path_for(age_days: i64, dice: &mut Dice) -> &'static [OrderStatus] {
    use OrderStatus::*;
    if dice.chance(4) {
        return &[Cancelled];
    }
    match age_days {
        0 => &[],
        1 => &[Processing],
        2..=6 => &[Processing, Shipped],
        _ => &[Processing, Shipped, Delivered],
    }
}

const NAMES: [&str; 10] = [
    "Ada Byron",
    "Ben Okafor",
    "Chloe Martin",
    "Diego Ruiz",
    "Emi Tanaka",
    "Femke de Vries",
    "Giulia Rossi",
    "Hannah Weber",
    "Ivan Petrov",
    "Jade Wilson",
];
const COUNTRIES: [Country; 7] = [
    Country::UnitedStates,
    Country::UnitedStates,
    Country::UnitedStates,
    Country::UnitedKingdom,
    Country::Germany,
    Country::Japan,
    Country::Netherlands,
];

/// Loads `weeks` of demo orders ending at `now` the first time it is called on a database;
/// returns how many orders it made (0 when they were loaded before or nothing is on sale).
pub async fn seed_once(
    pool: &AnyPool,
    store: &StoreInfo,
    weeks: u32,
    now: i64,
) -> Result<u32, sqlx::Error> {
    let items = sellables(pool).await?;
    if items.is_empty() {
        return Ok(0);
    }
    let mut tx = crate::db::begin(pool).await?;
    if !crate::db::claim_once(&mut tx, SEEDED_KEY).await? {
        return Ok(0);
    }
    let welcome = match CouponCode::parse("WELCOME10") {
        Ok(code) => coupons::repo::find(&mut tx, &code).await?,
        Err(_) => None,
    };
    let mut dice = Dice(0x5EED_CA5E_F00D_2026);
    let today = now - now.rem_euclid(DAY);
    let mut made = 0;
    for age in (0..i64::from(weeks) * 7).rev() {
        let day = today - age * DAY;
        let weekday = time::OffsetDateTime::from_unix_timestamp(day)
            .map(|d| d.weekday().number_days_from_monday())
            .unwrap_or(0);
        // More orders at the weekend, and a slow rise over the weeks.
        let base = 3 + u64::from(weekday >= 5) * 3 + (u64::from(weeks) * 7 - age as u64) / 7;
        for _ in 0..base + dice.below(4) {
            let placed_at = (day + 8 * 3600 + dice.below(14 * 3600) as i64).min(now - 60);
            if placed_at < day {
                continue;
            }
            made += 1;
            let mut lines: Vec<OrderLine> = Vec::new();
            for _ in 0..1 + dice.below(3) {
                let pick = &items[dice.below(items.len() as u64) as usize].line;
                match lines.iter_mut().find(|l| l.sku == pick.sku) {
                    Some(line) => line.quantity += 1,
                    None => lines.push(OrderLine {
                        quantity: 1 + u32::from(dice.chance(15)),
                        ..pick.clone()
                    }),
                }
            }
            let subtotal: Money = lines.iter().map(OrderLine::total).sum();
            let coupon = welcome.as_ref().filter(|_| dice.chance(20));
            let discount = match coupon.map(|c| c.offer.kind) {
                Some(CouponKind::PercentOff(p)) => Money::from_decimal(
                    subtotal.amount() * rust_decimal::Decimal::from(p)
                        / rust_decimal::Decimal::ONE_HUNDRED,
                ),
                _ => Money::ZERO,
            };
            let method = if dice.chance(15) {
                ShippingMethod::Express
            } else {
                ShippingMethod::Standard
            };
            let shipping = store.shipping.fee(method, subtotal - discount, false);
            let totals = OrderTotals {
                subtotal,
                discount,
                coupon: coupon.map(|c| c.offer.code.to_string()),
                shipping,
                total: subtotal - discount + shipping,
            };
            let name = NAMES[dice.below(NAMES.len() as u64) as usize];
            let email = format!(
                "{}.{}@example.com",
                name.split(' ')
                    .next()
                    .unwrap_or("demo")
                    .to_ascii_lowercase(),
                made
            );
            let random: Vec<u8> = (0..8).map(|_| dice.next() as u8).collect();
            let number = order_number_from(&random);
            let address = ShippingAddress {
                name: name.to_owned(),
                line1: format!("{} Market Street", 1 + dice.below(200)),
                line2: String::new(),
                city: "Springfield".into(),
                region: String::new(),
                postcode: "10001".into(),
                country: COUNTRIES[dice.below(COUNTRIES.len() as u64) as usize],
                phone: String::new(),
            };
            let payment = if dice.chance(25) {
                PaymentSummary::PayPal
            } else {
                PaymentSummary::Card {
                    brand: [
                        CardBrand::Visa,
                        CardBrand::Mastercard,
                        CardBrand::AmericanExpress,
                    ][dice.below(3) as usize],
                    last4: format!("{:04}", dice.below(10_000)),
                }
            };
            let key = format!("demo-{number}");
            let order_id = repo::insert_order(
                &mut tx,
                &NewOrder {
                    number: &number,
                    idempotency_key: &key,
                    customer_id: None,
                    email: &email,
                    address: &address,
                    method,
                    payment: &payment,
                    placed_at,
                },
            )
            .await?;
            for line in &lines {
                repo::insert_line(&mut tx, order_id, line).await?;
            }
            let calendar = &store.calendar;
            let ordered = calendar.date_at(placed_at);
            let estimate = store.delivery.estimate(ordered, method, calendar);
            let dispatch_by = calendar.add_business_days(ordered, store.delivery.dispatch.max);
            repo::set_totals(&mut tx, order_id, &totals, dispatch_by, estimate).await?;
            if let Some(coupon) = coupon {
                coupons::repo::redeem(&mut tx, coupon.id, &email, &number, placed_at).await?;
            }
            let mut status = OrderStatus::AwaitingPayment;
            let mut at = placed_at;
            for next in std::iter::once(&OrderStatus::Paid).chain(path_for(age, &mut dice)) {
                let note = match next {
                    OrderStatus::Paid => "Order placed and payment received.",
                    OrderStatus::Processing => "We're preparing your order for shipping.",
                    OrderStatus::Shipped => "Shipped.",
                    OrderStatus::Delivered => "Delivered.",
                    _ => "Cancelled at the customer's request.",
                };
                repo::change_status(&mut tx, order_id, status, *next, repo::Step::new(note), at)
                    .await
                    .map_err(|err| sqlx::Error::Protocol(err.to_string()))?;
                status = *next;
                at = (at + DAY + dice.below(DAY as u64) as i64).min(now);
            }
        }
    }
    tx.commit().await?;
    Ok(made)
}
