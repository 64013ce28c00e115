//! Checkout on the server: the only place an order is created and paid.
//!
//! 1. **Reserve**, in one transaction: the order row (claiming the idempotency key), prices,
//!    promo code and shipping recomputed from the database, stock taken with conditional
//!    updates (the last unit goes to one shopper only), the promo-code redemption recorded
//!    under a lock on the code (its limits hold under concurrency). Anything that differs from
//!    what the shopper saw stops here, before any payment.
//! 2. **Pay** through the gateway, keyed by the order number: a retry never charges twice.
//! 3. **Settle**: paid orders are marked paid; refused payments give everything back.
//!
//! If the server stops between 2 and 3, `settle_interrupted` asks the gateway what happened
//! and finishes the job: no paid order is lost, and no order is paid without a charge.

use super::model::PAYPAL_RETURN_PATH;
use super::model::{
    validate_checkout, CartChange, CheckedPayment, CheckoutOutcome, CheckoutRequest,
    PaymentFailure, PaymentSummary, ValidCheckout,
};
use crate::accounts::model::Customer;
use crate::affiliates::ledger;
use crate::affiliates::rules::{Buyer, ClickCookie};
use crate::cart::model::{Cart, CartItem, PricedCart};
use crate::cart::pricing_service;
use crate::client::ClientAddress;
use crate::coupons;
use crate::error::AppError;
use crate::forms::FieldErrors;
use crate::orders::email::confirmation;
use crate::orders::holds;
use crate::orders::model::{order_number_from, OrderLine, OrderTotals};
use crate::orders::repo::{self, NewOrder, OrderState};
use crate::orders::status::OrderStatus;
use crate::payments::gateway::{
    CardInput, ChargeOutcome, DeclineReason, GatewayError, PaymentChoice, RefundOutcome, VoidReason,
};
use crate::payments::paypal::order_request::{Breakdown, OrderRequest, PurchaseLine, ShipTo};
use crate::pricing::coupon::{Coupon, CouponRejection};
use crate::pricing::quote::{CouponOutcome, PricedLine, Quote};
use crate::shop::ServerState;
use crate::throttle::{self, minutes_to_wait, store as limits};
use crate::tokens::random_bytes;
use sqlx::AnyConnection;
use std::collections::HashMap;
use time::OffsetDateTime;

/// How long a checkout may wait for its payment (PayPal approval included) before the shop
/// settles it with the gateway and frees what it holds.
pub const PAYMENT_TIMEOUT_SECS: i64 = 30 * 60;

#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Gateway(#[from] GatewayError),
    #[error("the cart is empty")]
    EmptyCart,
    #[error("the idempotency key is missing or malformed")]
    BadKey,
    #[error("the cart has too many lines")]
    TooManyLines,
    #[error("the payment method is not offered")]
    MethodNotOffered,
}

impl From<CheckoutError> for AppError {
    fn from(err: CheckoutError) -> Self {
        match err {
            CheckoutError::Database(err) => err.into(),
            CheckoutError::Gateway(err) => err.into(),
            CheckoutError::MethodNotOffered => AppError::InvalidInput(
                "That way to pay isn't available right now: choose another one.".into(),
            ),
            CheckoutError::EmptyCart => AppError::InvalidInput(
                "Your cart is empty: add something before checking out.".into(),
            ),
            CheckoutError::TooManyLines => AppError::InvalidInput(format!(
                "A cart can hold at most {} different items.",
                pricing_service::MAX_CART_LINES
            )),
            CheckoutError::BadKey => AppError::InvalidInput(
                "The checkout form is out of date: reload the page and try again.".into(),
            ),
        }
    }
}

/// Places (or, for a repeated submission, finds) the order for `request`, sent from `client`.
///
/// Declined card payments count against the client's address and the contact e-mail: a few
/// an hour, then card payments pause, so stolen card numbers cannot be tested here. Only
/// declines count, so shoppers who share an address (an office, a mobile network) never hold
/// each other back.
pub async fn place_order(
    state: &ServerState,
    request: &CheckoutRequest,
    customer: Option<&Customer>,
    client: &ClientAddress,
    referral: Option<&ClickCookie>,
    now: OffsetDateTime,
) -> Result<CheckoutOutcome, CheckoutError> {
    if !state.payments.methods().offers(&request.payment) {
        return Err(CheckoutError::MethodNotOffered);
    }
    let by_card = request.payment.card().is_some();
    let email: String = request
        .email
        .trim()
        .to_lowercase()
        .chars()
        .take(254)
        .collect();
    let counters = [
        (&throttle::DECLINES_PER_CLIENT, client.subject()),
        (&throttle::DECLINES_PER_EMAIL, email),
    ];
    let pool = &state.db.pool;
    if by_card {
        let checked: Vec<_> = counters.iter().map(|(l, s)| (*l, s.as_str())).collect();
        if let Err(wait) = limits::check(pool, &checked, now).await? {
            return Ok(CheckoutOutcome::CardPaymentsPaused {
                minutes: minutes_to_wait(wait),
            });
        }
    }
    let outcome = place_unthrottled(state, request, customer, referral, now).await?;
    if by_card && matches!(outcome, CheckoutOutcome::PaymentFailed(_)) {
        for (limit, subject) in &counters {
            // Already at the limit (tries that raced past the check): nothing more to count.
            let _ = limits::take(pool, limit, subject, now).await?;
        }
    }
    Ok(outcome)
}

async fn place_unthrottled(
    state: &ServerState,
    request: &CheckoutRequest,
    customer: Option<&Customer>,
    referral: Option<&ClickCookie>,
    now: OffsetDateTime,
) -> Result<CheckoutOutcome, CheckoutError> {
    let key = request.idempotency_key.trim();
    if !(16..=64).contains(&key.len())
        || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(CheckoutError::BadKey);
    }
    let valid = match validate_checkout(request, (now.year(), u8::from(now.month()))) {
        Ok(valid) => valid,
        Err(errors) => return Ok(CheckoutOutcome::Invalid(errors)),
    };
    let payment = match payment_summary(state, request, &valid).await? {
        Ok(payment) => payment,
        Err(errors) => return Ok(CheckoutOutcome::Invalid(errors)),
    };
    if request.cart.lines.is_empty() {
        return Err(CheckoutError::EmptyCart);
    }
    if request.cart.lines.len() > pricing_service::MAX_CART_LINES {
        return Err(CheckoutError::TooManyLines);
    }
    // A repeated submission is found by its key when reserving (the key is unique), so a
    // first submission costs no extra look-up.
    let shopper = Shopper { customer, referral };
    let order = match reserve(state, request, &valid, &payment, &shopper, now).await? {
        Reservation::Reserved(order) => order,
        Reservation::Refused(outcome) => return Ok(outcome),
    };
    pay(state, &order, &request.payment, now).await
}

/// How the order is paid, as it is stored: for a card, its brand and last four digits, told
/// by the provider for a card entered in its own field. A brand the shop does not take is
/// refused here, before anything is reserved or charged, with the brands it takes.
async fn payment_summary(
    state: &ServerState,
    request: &CheckoutRequest,
    valid: &ValidCheckout,
) -> Result<Result<PaymentSummary, FieldErrors>, CheckoutError> {
    let Some(card) = request.payment.card() else {
        return Ok(Ok(PaymentSummary::PayPal));
    };
    let (field, seen) = match card {
        CardInput::Typed(_) => match &valid.payment {
            CheckedPayment::Known(PaymentSummary::Card { brand, last4 }) => {
                ("card_number", Some((Ok(*brand), last4.clone())))
            }
            _ => ("card_number", None),
        },
        CardInput::Token(_) => {
            let seen = state.payments.card()?.inspect(card).await?;
            ("card", seen.map(|seen| (seen.brand, seen.last4)))
        }
    };
    let mut errors = FieldErrors::default();
    let methods = state.payments.methods();
    match seen {
        None => errors.add(
            field,
            "Your card details could not be read: enter them again.",
        ),
        Some((Ok(brand), last4)) if methods.brands.contains(&brand) => {
            return Ok(Ok(PaymentSummary::Card { brand, last4 }))
        }
        Some((brand, _)) => {
            let name = brand.map_or_else(|other| other, |b| b.to_string());
            let or_paypal = if methods.paypal {
                ", or pay with PayPal"
            } else {
                ""
            };
            errors.add(
                field,
                &format!(
                    "We accept {} cards, and this card is {name}: use another card{or_paypal}.",
                    methods.brands_in_words()
                ),
            );
        }
    }
    Ok(Err(errors))
}

/// A key is one shopper's submission: someone else's key opens nothing.
fn submitted_by(order: &OrderState, valid: &ValidCheckout, customer: Option<&Customer>) -> bool {
    order.email == valid.email.as_str() && order.customer_id == customer.map(|c| c.id)
}

enum Reservation {
    Reserved(OrderState),
    Refused(CheckoutOutcome),
}

/// The key a customer's promo-code uses are counted under: their account's address when
/// signed in, otherwise the contact address.
fn customer_key(valid: &ValidCheckout, customer: Option<&Customer>) -> String {
    customer.map_or_else(|| valid.email.to_string(), |c| c.email.clone())
}

/// Who is checking out: their account, and the partner link they came through, if any.
struct Shopper<'a> {
    customer: Option<&'a Customer>,
    referral: Option<&'a ClickCookie>,
}

/// Reserves the order for `request` in one transaction, step by step: claim the submission's
/// key (the order's row), price the cart again from the database, hold what the order takes
/// (its units, its promo code's use), record its totals, and decide which partner (if any) it
/// credits. A step that refuses rolls the
/// whole transaction back, so nothing stays held; once committed, `holds::release` is the
/// undo (a failed payment, a cancellation).
async fn reserve(
    state: &ServerState,
    request: &CheckoutRequest,
    valid: &ValidCheckout,
    payment: &PaymentSummary,
    shopper: &Shopper<'_>,
    now: OffsetDateTime,
) -> Result<Reservation, CheckoutError> {
    let customer = shopper.customer;
    let unix = now.unix_timestamp();
    let number = order_number_from(&random_bytes(8));
    let customer_key = customer_key(valid, customer);
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let claimed = claim_key(&mut tx, request, valid, payment, customer, &number, unix).await;
    let order_id = match claimed {
        Ok(order_id) => order_id,
        Err(err) if is_unique_violation(&err) => {
            tx.rollback().await?;
            return earlier_submission(state, request, valid, customer, err).await;
        }
        Err(err) => return Err(err.into()),
    };
    let priced = match price_again(&mut tx, state, request, valid, unix, &customer_key).await? {
        Ok(priced) => priced,
        Err(refusal) => {
            tx.rollback().await?;
            let outcome = match refusal {
                Refusal::Coupon(rejection) => CheckoutOutcome::CouponRefused(rejection),
                Refusal::Changed(changes) => {
                    cart_changed(state, request, changes, now, &customer_key).await?
                }
            };
            return Ok(Reservation::Refused(outcome));
        }
    };
    let coupon = match hold(&mut tx, order_id, &number, &priced, &customer_key, unix).await? {
        Held::Taken { code } => code,
        Held::RanOut => {
            tx.rollback().await?;
            return Ok(Reservation::Refused(
                cart_changed(state, request, vec![], now, &customer_key).await?,
            ));
        }
    };
    let quote = &priced.quote;
    let totals = OrderTotals {
        subtotal: quote.subtotal,
        discount: quote.discount,
        coupon,
        shipping: quote.shipping,
        total: quote.total,
    };
    let store = state.store_now().await?;
    let calendar = &store.calendar;
    let today = calendar.date_at(unix);
    repo::set_totals(
        &mut tx,
        order_id,
        &totals,
        calendar.add_business_days(today, store.delivery.dispatch.max),
        store
            .delivery
            .estimate(today, request.cart.method, calendar),
    )
    .await?;
    let facts = ledger::OrderFacts {
        number: &number,
        coupon: totals.coupon.as_deref(),
        merchandise: quote.merchandise,
        paid: quote.total,
        buyer: Buyer {
            customer_id: customer.map(|c| c.id),
            email: valid.email.to_string(),
        },
    };
    ledger::attribute(&mut tx, &facts, shopper.referral, unix).await?;
    tx.commit().await?;
    Ok(Reservation::Reserved(OrderState {
        id: order_id,
        number,
        status: OrderStatus::AwaitingPayment,
        total: quote.total,
        paid_by_paypal: matches!(request.payment, PaymentChoice::PayPal),
        customer_id: customer.map(|c| c.id),
        email: valid.email.to_string(),
    }))
}

/// Step 1: the order's row, which claims the submission's idempotency key. A unique violation
/// means the same submission came before (a retry, a double click, or both at once).
async fn claim_key(
    conn: &mut AnyConnection,
    request: &CheckoutRequest,
    valid: &ValidCheckout,
    payment: &PaymentSummary,
    customer: Option<&Customer>,
    number: &str,
    unix: i64,
) -> Result<i64, sqlx::Error> {
    let new_order = NewOrder {
        number,
        idempotency_key: request.idempotency_key.trim(),
        customer_id: customer.map(|c| c.id),
        email: valid.email.as_str(),
        address: &valid.address,
        method: request.cart.method,
        payment,
        placed_at: unix,
    };
    repo::insert_order(conn, &new_order).await
}

/// The order an earlier submission with the same key reserved: the first one owns it, and
/// this one carries on with it, if it is the same shopper paying the same way.
async fn earlier_submission(
    state: &ServerState,
    request: &CheckoutRequest,
    valid: &ValidCheckout,
    customer: Option<&Customer>,
    violation: sqlx::Error,
) -> Result<Reservation, CheckoutError> {
    let mut conn = state.db.pool.acquire().await?;
    let by_paypal = matches!(request.payment, PaymentChoice::PayPal);
    match repo::find_by_key(&mut conn, request.idempotency_key.trim()).await? {
        Some(order)
            if submitted_by(&order, valid, customer) && order.paid_by_paypal == by_paypal =>
        {
            Ok(Reservation::Reserved(order))
        }
        Some(_) => Err(CheckoutError::BadKey),
        None => Err(violation.into()),
    }
}

/// The cart as the shop can sell it now.
struct Priced {
    items: HashMap<String, CartItem>,
    /// Sorted by SKU: every checkout takes rows in one order, so two never wait on each other.
    lines: Vec<PricedLine>,
    /// The promo code's id and offer, locked for the rest of the transaction.
    coupon: Option<(i64, Coupon)>,
    quote: Quote,
}

/// Why the cart cannot be sold as the shopper saw it.
enum Refusal {
    Coupon(CouponRejection),
    Changed(Vec<CartChange>),
}

/// Step 2: prices, promo code and shipping recomputed from the database; anything that differs
/// from what the shopper saw refuses the checkout, before any payment.
async fn price_again(
    conn: &mut AnyConnection,
    state: &ServerState,
    request: &CheckoutRequest,
    valid: &ValidCheckout,
    unix: i64,
    customer_key: &str,
) -> Result<Result<Priced, Refusal>, sqlx::Error> {
    let skus: Vec<String> = request.cart.lines.iter().map(|l| l.sku.clone()).collect();
    let items = pricing_service::cart_items(&mut *conn, &skus).await?;
    let mut cart = Cart {
        lines: request.cart.lines.clone(),
        method: request.cart.method,
        country: Some(valid.address.country.code().to_owned()),
        coupon: request.cart.coupon.clone(),
    };
    cart.lines = cart.merged_lines();
    let mut changes = differences(&cart, &items, &request.seen.unit_prices);
    let coupon = match &request.cart.coupon {
        None => None,
        Some(code) => match redeemable_coupon(conn, code, unix, customer_key).await? {
            Ok(found) => Some(found),
            Err(rejection) => return Ok(Err(Refusal::Coupon(rejection))),
        },
    };
    cart.reconcile(&items);
    let mut lines = cart.priced_lines(&items);
    lines.sort_by(|a, b| a.sku.cmp(&b.sku));
    if let Some((_, offer)) = &coupon {
        if let Err(rejection) = offer.check_cart(&lines) {
            return Ok(Err(Refusal::Coupon(rejection)));
        }
    }
    let quote = cart.quote(
        &items,
        coupon.as_ref().map(|(_, c)| c),
        &state.store.shipping,
    );
    if quote.total != request.seen.total {
        changes.push(CartChange::TotalChanged {
            from: request.seen.total,
            to: quote.total,
        });
    }
    if !changes.is_empty() || lines.is_empty() {
        return Ok(Err(Refusal::Changed(changes)));
    }
    Ok(Ok(Priced {
        items,
        lines,
        coupon,
        quote,
    }))
}

/// What step 3 held.
enum Held {
    /// Every line's units, and the promo code applied, if any.
    Taken { code: Option<String> },
    /// A line's last units went to someone else a moment ago (possible on PostgreSQL, where
    /// the pricing reads do not hold the rows).
    RanOut,
}

/// Step 3: what the order takes (each line's units, with the line itself, and the promo code's
/// use); undone by `holds::release`.
async fn hold(
    conn: &mut AnyConnection,
    order_id: i64,
    number: &str,
    priced: &Priced,
    customer_key: &str,
    unix: i64,
) -> Result<Held, sqlx::Error> {
    for line in &priced.lines {
        if !holds::hold_units(&mut *conn, number, &line.sku, line.quantity, unix).await? {
            return Ok(Held::RanOut);
        }
        let item = &priced.items[&line.sku];
        repo::insert_line(
            &mut *conn,
            order_id,
            &OrderLine {
                sku: line.sku.clone(),
                product_name: item.product_name.clone(),
                options: item.options.clone(),
                image: item.image.clone(),
                unit_price: line.unit_price,
                quantity: line.quantity,
            },
        )
        .await?;
    }
    match (&priced.coupon, &priced.quote.coupon) {
        (Some((coupon_id, offer)), CouponOutcome::Applied { .. }) => {
            holds::hold_code(conn, number, *coupon_id, customer_key, unix).await?;
            Ok(Held::Taken {
                code: Some(offer.code.to_string()),
            })
        }
        _ => Ok(Held::Taken { code: None }),
    }
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

/// The coupon and its id, if it may be redeemed now; locks it for the rest of the transaction.
async fn redeemable_coupon(
    conn: &mut AnyConnection,
    code: &str,
    now: i64,
    customer_key: &str,
) -> Result<Result<(i64, Coupon), CouponRejection>, sqlx::Error> {
    let stored = match pricing_service::find_coupon(&mut *conn, code).await? {
        Ok(stored) => stored,
        Err(rejection) => return Ok(Err(rejection)),
    };
    coupons::repo::lock(&mut *conn, stored.id).await?;
    Ok(
        pricing_service::redeemable(conn, &stored, now, Some(customer_key))
            .await?
            .map(|coupon| (stored.id, coupon)),
    )
}

/// What differs between the cart the shopper saw and what the shop can sell now.
fn differences(
    cart: &Cart,
    items: &HashMap<String, CartItem>,
    seen: &[(String, crate::money::Money)],
) -> Vec<CartChange> {
    let mut changes = Vec::new();
    for line in &cart.lines {
        let Some(item) = items.get(&line.sku) else {
            changes.push(CartChange::NoLongerSold {
                sku: line.sku.clone(),
            });
            continue;
        };
        if item.stock == 0 {
            changes.push(CartChange::SoldOut {
                name: item.display_name(),
            });
            continue;
        }
        if line.quantity > item.max_quantity() {
            changes.push(CartChange::QuantityLowered {
                name: item.display_name(),
                to: item.max_quantity(),
            });
        }
        let seen_price = seen
            .iter()
            .find(|(sku, _)| *sku == line.sku)
            .map(|(_, p)| *p);
        if let Some(seen_price) = seen_price.filter(|p| *p != item.unit_price) {
            changes.push(CartChange::PriceChanged {
                name: item.display_name(),
                from: seen_price,
                to: item.unit_price,
            });
        }
    }
    changes
}

async fn cart_changed(
    state: &ServerState,
    request: &CheckoutRequest,
    mut changes: Vec<CartChange>,
    now: OffsetDateTime,
    customer_key: &str,
) -> Result<CheckoutOutcome, CheckoutError> {
    let fresh: PricedCart = pricing_service::price_cart(
        &state.db.pool,
        &state.store_now().await?,
        &request.cart,
        now.unix_timestamp(),
        Some(customer_key),
    )
    .await?;
    if changes.is_empty() {
        let items = fresh.items_by_sku();
        let cart = Cart {
            lines: request.cart.lines.clone(),
            ..Default::default()
        };
        changes = differences(&cart, &items, &request.seen.unit_prices);
    }
    Ok(CheckoutOutcome::CartChanged {
        changes,
        cart: Box::new(fresh),
    })
}

/// Takes the payment for a reserved order and settles it.
async fn pay(
    state: &ServerState,
    order: &OrderState,
    payment: &PaymentChoice,
    now: OffsetDateTime,
) -> Result<CheckoutOutcome, CheckoutError> {
    if order.status != OrderStatus::AwaitingPayment {
        return closed(state, order).await;
    }
    let outcome = match payment {
        PaymentChoice::Card(_) | PaymentChoice::CardToken(_) => {
            let cards = state.payments.card()?;
            let card = payment.card().ok_or(CheckoutError::MethodNotOffered)?;
            cards.charge(&order.number, order.total, card).await?
        }
        PaymentChoice::PayPal => {
            let request = paypal_order(state, &order.number).await?;
            let paypal = state.payments.paypal()?;
            let url = paypal.start(&request).await?;
            return Ok(CheckoutOutcome::ApprovePayPal {
                url,
                number: order.number.clone(),
            });
        }
    };
    answer_card(state, order, outcome, now).await
}

/// The answer to a card payment: settled, or the bank's confirmation the shopper must give
/// first, or (still processing at the provider) held until the provider answers.
async fn answer_card(
    state: &ServerState,
    order: &OrderState,
    outcome: ChargeOutcome,
    now: OffsetDateTime,
) -> Result<CheckoutOutcome, CheckoutError> {
    match outcome {
        ChargeOutcome::NeedsAuthentication { client_secret } => {
            Ok(CheckoutOutcome::AuthenticateCard {
                number: order.number.clone(),
                client_secret,
            })
        }
        ChargeOutcome::AwaitingApproval => Ok(CheckoutOutcome::AwaitingPayment {
            number: order.number.clone(),
        }),
        outcome => settle(state, order, outcome, now).await,
    }
}

/// Completes a card payment once the shopper has answered their bank (3-D Secure): the
/// provider says whether the payment went through; what the page reports is never trusted.
/// A payment still waiting for the shopper's answer is given up, so the order is released
/// now rather than held until its checkout times out.
pub async fn finish_card(
    state: &ServerState,
    number: &str,
    now: OffsetDateTime,
) -> Result<CheckoutOutcome, CheckoutError> {
    let mut conn = state.db.pool.acquire().await?;
    let order = repo::find_by_number(&mut conn, number).await?;
    drop(conn);
    let Some(order) = order.filter(|o| !o.paid_by_paypal) else {
        return Err(CheckoutError::MethodNotOffered);
    };
    if order.status != OrderStatus::AwaitingPayment {
        return closed(state, &order).await;
    }
    let cards = state.payments.card()?;
    let mut outcome = cards.find_payment(&order.number).await?;
    if matches!(outcome, Some(ChargeOutcome::NeedsAuthentication { .. })) {
        cards.cancel(&order.number).await?;
        outcome = cards.find_payment(&order.number).await?;
    }
    match outcome {
        Some(outcome) => answer_card(state, &order, outcome, now).await,
        None => Err(GatewayError(format!("no card payment was started for {number}")).into()),
    }
}

/// What PayPal is asked to collect for order `number`: its lines, totals and address as the
/// shop stored them, and where PayPal sends the shopper back: the shop's return page, which
/// asks PayPal itself what happened.
async fn paypal_order(state: &ServerState, number: &str) -> Result<OrderRequest, CheckoutError> {
    let (order, _, _) = repo::staff_detail(&state.db.pool, number)
        .await?
        .ok_or_else(|| GatewayError(format!("order {number} is gone")))?;
    let page = format!("{}{PAYPAL_RETURN_PATH}/{number}", state.store.public_url);
    let to = &order.address;
    Ok(OrderRequest {
        invoice: order.number.clone(),
        brand: state.store.name.clone(),
        lines: order
            .lines
            .iter()
            .map(|line| PurchaseLine {
                sku: line.sku.clone(),
                name: format!("{} – {}", line.product_name, line.options),
                unit_price: line.unit_price,
                quantity: line.quantity,
            })
            .collect(),
        breakdown: Breakdown {
            items: order.totals.subtotal,
            shipping: order.totals.shipping,
            discount: order.totals.discount,
            total: order.totals.total,
        },
        ship_to: ShipTo {
            name: to.name.clone(),
            line1: to.line1.clone(),
            line2: to.line2.clone(),
            city: to.city.clone(),
            region: to.region.clone(),
            postcode: to.postcode.clone(),
            country: to.country.code().to_owned(),
        },
        cancel_url: format!("{page}?cancelled=1"),
        return_url: page,
    })
}

/// Completes a PayPal checkout when the shopper comes back from PayPal: takes the payment
/// if PayPal says they approved it, or, if they cancelled, gives up the payment and releases
/// the order. What the address says is only which way they came back; PayPal decides.
pub async fn finish_paypal(
    state: &ServerState,
    number: &str,
    cancelled: bool,
    now: OffsetDateTime,
) -> Result<CheckoutOutcome, CheckoutError> {
    let mut conn = state.db.pool.acquire().await?;
    let Some(order) = repo::find_by_number(&mut conn, number).await? else {
        return Ok(CheckoutOutcome::PaymentFailed(PaymentFailure {
            reason: DeclineReason::PayPalCancelled,
        }));
    };
    drop(conn);
    if order.status != OrderStatus::AwaitingPayment || !order.paid_by_paypal {
        return closed(state, &order).await;
    }
    let paypal = state.payments.paypal()?;
    let mut outcome = paypal.capture(&order.number).await?;
    let undecided = |o: &ChargeOutcome| {
        matches!(
            o,
            ChargeOutcome::AwaitingApproval | ChargeOutcome::ChooseAnotherWay { .. }
        )
    };
    if cancelled && undecided(&outcome) {
        paypal.void(&order.number, VoidReason::Cancelled).await?;
        outcome = paypal
            .find_payment(&order.number)
            .await?
            .unwrap_or(ChargeOutcome::Declined(DeclineReason::PayPalCancelled));
    }
    match outcome {
        // The funding they chose was declined: back to PayPal to choose another way to pay.
        ChargeOutcome::ChooseAnotherWay { url } => Ok(CheckoutOutcome::ApprovePayPal {
            url,
            number: order.number.clone(),
        }),
        // Back without an answer PayPal knows of, or a payment PayPal has yet to clear: the
        // order waits for PayPal's word (its webhook, or the checkout's timeout).
        ChargeOutcome::AwaitingApproval => Ok(CheckoutOutcome::AwaitingPayment {
            number: order.number.clone(),
        }),
        outcome => settle(state, &order, outcome, now).await,
    }
}

/// Settles the payment of order `number` when its provider's webhook says something
/// happened: a PayPal approval is captured, and a payment the provider has decided places or
/// releases the order, once. A payment still waiting is left alone.
pub async fn settle_decided_payment(
    state: &ServerState,
    number: &str,
    now: OffsetDateTime,
) -> Result<(), CheckoutError> {
    let mut conn = state.db.pool.acquire().await?;
    let order = repo::find_by_number(&mut conn, number).await?;
    drop(conn);
    let Some(order) = order.filter(|o| o.status == OrderStatus::AwaitingPayment) else {
        return Ok(());
    };
    let decided = if order.paid_by_paypal {
        Some(state.payments.paypal()?.capture(&order.number).await?)
    } else {
        state.payments.card()?.find_payment(&order.number).await?
    };
    if let Some(outcome @ (ChargeOutcome::Succeeded { .. } | ChargeOutcome::Declined(_))) = decided
    {
        settle(state, &order, outcome, now).await?;
    }
    Ok(())
}

/// The answer for an order that is no longer awaiting its payment: placed, or the reason its
/// payment failed, as the gateway recorded it.
async fn closed(state: &ServerState, order: &OrderState) -> Result<CheckoutOutcome, CheckoutError> {
    if order.status.is_placed() {
        return Ok(CheckoutOutcome::Placed {
            number: order.number.clone(),
        });
    }
    let provider = state.payments.that_took(order.paid_by_paypal)?;
    let reason = match provider.find_payment(&order.number).await? {
        Some(ChargeOutcome::Declined(reason)) => reason,
        _ if order.paid_by_paypal => DeclineReason::PayPalExpired,
        _ => DeclineReason::ProcessingError,
    };
    Ok(CheckoutOutcome::PaymentFailed(PaymentFailure { reason }))
}

/// Records what the gateway said about an order's payment. Each settlement is one conditional
/// update of the order's row, so of two racing settlements (a shopper's retry, the job on
/// another instance) exactly one changes the order, and the other reads what it became.
async fn settle(
    state: &ServerState,
    order: &OrderState,
    outcome: ChargeOutcome,
    now: OffsetDateTime,
) -> Result<CheckoutOutcome, CheckoutError> {
    let pool = &state.db.pool;
    match outcome {
        ChargeOutcome::Succeeded { reference } => {
            if place(state, order, &reference, now.unix_timestamp()).await? {
                return Ok(CheckoutOutcome::Placed {
                    number: order.number.clone(),
                });
            }
            let current = repo::state(pool, order.id).await?;
            if current.as_ref().is_some_and(|o| o.status.is_placed()) {
                return Ok(CheckoutOutcome::Placed {
                    number: order.number.clone(),
                });
            }
            // The order was closed as unpaid meanwhile (its checkout timed out), and its stock
            // may be sold again: a charge without an order is given back.
            tracing::error!(
                number = %order.number,
                reference,
                "a payment arrived for an order already closed as unpaid; refunding it"
            );
            // The refund's key is the order number: a payment has at most one such refund.
            if let RefundOutcome::Refused(why) = state
                .payments
                .that_took(order.paid_by_paypal)?
                .refund(&order.number, &order.number, order.total)
                .await?
            {
                tracing::error!(number = %order.number, why, "the gateway refused the refund");
            }
            let reason = if order.paid_by_paypal {
                DeclineReason::PayPalExpired
            } else {
                DeclineReason::ProcessingError
            };
            Ok(CheckoutOutcome::PaymentFailed(PaymentFailure { reason }))
        }
        ChargeOutcome::Declined(reason) => {
            let why = format!(
                "Payment failed ({}); stock and promo code given back.",
                reason.code()
            );
            repo::fail_payment(pool, order.id, &why, now.unix_timestamp()).await?;
            Ok(CheckoutOutcome::PaymentFailed(PaymentFailure { reason }))
        }
        ChargeOutcome::AwaitingApproval
        | ChargeOutcome::Refunded
        | ChargeOutcome::ChooseAnotherWay { .. }
        | ChargeOutcome::NeedsAuthentication { .. } => Err(GatewayError(format!(
            "payment for {} cannot be settled in its state ({outcome:?})",
            order.number
        ))
        .into()),
    }
}

/// Marks a paid order placed and queues its confirmation e-mail, in one transaction: the
/// mail queue sends it after the answer, so the shopper never waits for the mail server, and
/// an outage of the mail server only delays it. False if a racing settlement got there first.
async fn place(
    state: &ServerState,
    order: &OrderState,
    reference: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin(&state.db.pool).await?;
    if !repo::mark_paid(&mut tx, order.id, reference, now).await? {
        return Ok(false);
    }
    crate::orders::notify::queue_for_shopper(
        &mut tx,
        &state.store,
        &order.number,
        now,
        confirmation,
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Settles checkouts left awaiting payment for longer than `PAYMENT_TIMEOUT_SECS` (the server
/// stopped mid-checkout, or the shopper left the PayPal page): asks the gateway what happened,
/// then marks the order paid or closes it and gives its stock and promo code back. Each order
/// is settled on its own: one that fails (the gateway is down) is logged and tried again next
/// time, and never holds up the others. Returns how many were settled.
pub async fn settle_interrupted(
    state: &ServerState,
    now: OffsetDateTime,
) -> Result<usize, CheckoutError> {
    let stale =
        repo::stale_awaiting_payment(&state.db.pool, now.unix_timestamp() - PAYMENT_TIMEOUT_SECS)
            .await?;
    let mut settled = 0;
    for order in stale {
        match settle_one_interrupted(state, &order, now).await {
            Ok(()) => settled += 1,
            Err(err) => tracing::error!(
                number = %order.number,
                error = %err,
                "cannot settle an interrupted checkout yet; trying again later"
            ),
        }
    }
    Ok(settled)
}

/// A payment its provider has taken but not decided yet (a card still processing, an eCheck
/// PayPal has yet to clear): a later run, or the provider's webhook, settles it.
fn undecided(order: &OrderState) -> CheckoutError {
    GatewayError(format!(
        "the payment for {} is not decided at its provider yet",
        order.number
    ))
    .into()
}

async fn settle_one_interrupted(
    state: &ServerState,
    order: &OrderState,
    now: OffsetDateTime,
) -> Result<(), CheckoutError> {
    let outcome = if order.paid_by_paypal {
        let paypal = state.payments.paypal()?;
        // An approval that was given but never captured is taken now.
        match paypal.capture(&order.number).await? {
            ChargeOutcome::AwaitingApproval | ChargeOutcome::ChooseAnotherWay { .. } => {
                paypal.void(&order.number, VoidReason::Expired).await?;
                match paypal.find_payment(&order.number).await? {
                    // Taken, and PayPal has yet to clear it (an eCheck): its word settles it.
                    Some(ChargeOutcome::AwaitingApproval) => return Err(undecided(order)),
                    outcome => outcome,
                }
            }
            outcome => Some(outcome),
        }
    } else {
        let cards = state.payments.card()?;
        match cards.find_payment(&order.number).await? {
            // The shopper left at their bank's confirmation: the payment is given up.
            Some(ChargeOutcome::NeedsAuthentication { .. } | ChargeOutcome::AwaitingApproval) => {
                cards.cancel(&order.number).await?;
                match cards.find_payment(&order.number).await? {
                    // Still processing at the provider: decided on a later run.
                    Some(ChargeOutcome::AwaitingApproval) => return Err(undecided(order)),
                    outcome => outcome,
                }
            }
            outcome => outcome,
        }
    };
    match outcome {
        Some(ChargeOutcome::Succeeded { reference }) => {
            settle(state, order, ChargeOutcome::Succeeded { reference }, now).await?;
        }
        // Never charged, refused, or abandoned: nothing was taken.
        _ => {
            let why = format!(
                "Not paid within {} minutes of checkout; stock and promo code given back.",
                PAYMENT_TIMEOUT_SECS / 60
            );
            repo::fail_payment(&state.db.pool, order.id, &why, now.unix_timestamp()).await?;
        }
    }
    Ok(())
}
