//! Cart server functions: price a cart and check a promo code. Both recompute from the
//! database; nothing the browser says about prices is used.

use super::model::{CartLine, CartRequest, PricedCart};
use crate::error::AppError;
use crate::pricing::coupon::{Coupon, CouponRejection};
use crate::wire::Postcard;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {
    super::pricing_service,
    crate::client::client_address,
    crate::shop::{server_state, ServerState},
    crate::throttle::{self, minutes_to_wait},
    time::OffsetDateTime,
};

/// Counts a promo-code check against the client's address: codes cannot be guessed by
/// trying thousands.
#[cfg(feature = "ssr")]
async fn count_code_check(state: &ServerState, now: OffsetDateTime) -> Result<(), AppError> {
    throttle::store::take(
        &state.db.pool,
        &throttle::COUPON_CHECK_PER_CLIENT,
        &client_address().subject(),
        now,
    )
    .await?
    .map_err(|wait| AppError::TooManyTries {
        minutes: minutes_to_wait(wait),
    })
}

#[cfg(feature = "ssr")]
fn check_size(lines: &[CartLine]) -> Result<(), AppError> {
    if lines.len() > pricing_service::MAX_CART_LINES {
        return Err(AppError::InvalidInput(format!(
            "A cart can hold at most {} different items.",
            pricing_service::MAX_CART_LINES
        )));
    }
    Ok(())
}

/// The cart priced by the server: current items, the code's standing and the totals. What
/// the cart and checkout pages call, in postcard both ways: no JSON code in a shopper's first
/// load (and not form encoding, in which an empty list would not arrive as an empty list).
#[server(endpoint = "cart_prices", input = Postcard, output = Postcard)]
pub async fn cart_prices(request: CartRequest) -> Result<PricedCart, AppError> {
    priced(request).await
}

/// The same answer as [`cart_prices`] in JSON, for scripts such as the checkout load test
/// (`tools/load/checkout-burst.mjs`).
#[server(endpoint = "price_cart", input = Json)]
pub async fn price_cart(request: CartRequest) -> Result<PricedCart, AppError> {
    priced(request).await
}

#[cfg(feature = "ssr")]
async fn priced(request: CartRequest) -> Result<PricedCart, AppError> {
    check_size(&request.lines)?;
    let state = server_state()?;
    let now = state.clock.now();
    if request.coupon.is_some() {
        count_code_check(&state, now).await?;
    }
    Ok(pricing_service::price_cart(
        &state.db.pool,
        &state.store_now().await?,
        &request,
        now.unix_timestamp(),
        None,
    )
    .await?)
}

/// Checks a promo code for this cart: the code's terms, the minimum spend, eligible items.
/// Postcard both ways, as for `cart_prices`.
#[server(input = Postcard, output = Postcard)]
pub async fn apply_coupon(
    code: String,
    lines: Vec<CartLine>,
) -> Result<Result<Coupon, CouponRejection>, AppError> {
    check_size(&lines)?;
    let state = server_state()?;
    let now = state.clock.now();
    count_code_check(&state, now).await?;
    Ok(
        pricing_service::check_coupon(&state.db.pool, &code, &lines, now.unix_timestamp(), None)
            .await?,
    )
}
