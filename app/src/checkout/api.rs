//! Checkout server functions: pay for the cart, finish a card payment the bank asked to confirm,
//! and come back from PayPal.

use super::model::{CheckoutOutcome, CheckoutRequest};
use crate::error::AppError;
use crate::wire::Postcard;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
use {
    super::service,
    crate::client::client_address,
    crate::identity::session::caller,
    crate::orders::{access, repo},
    crate::shop::server_state,
};

/// Places the order the checkout page sends, in postcard both ways: the page's code carries no
/// JSON (and not form encoding, in which an empty list would not arrive as an empty list).
#[server(endpoint = "submit_order", input = Postcard, output = Postcard)]
pub async fn submit_order(request: CheckoutRequest) -> Result<CheckoutOutcome, AppError> {
    placed(request).await
}

/// The same as [`submit_order`] in JSON, at a fixed address that load tests
/// (`tools/load/checkout-burst.mjs`) and monitoring name.
#[server(endpoint = "place_order", input = Json)]
pub async fn place_order(request: CheckoutRequest) -> Result<CheckoutOutcome, AppError> {
    placed(request).await
}

#[cfg(feature = "ssr")]
async fn placed(request: CheckoutRequest) -> Result<CheckoutOutcome, AppError> {
    let state = server_state()?;
    let customer = caller().await?;
    let now = state.clock.now();
    let client = client_address();
    let referral = crate::affiliates::clicks::from_request();
    let outcome = service::place_order(
        &state,
        &request,
        customer.as_ref(),
        &client,
        referral.as_ref(),
        now,
    )
    .await?;
    // A guest who placed the order, or is about to approve its PayPal payment, may come back
    // to it from this browser, and only from it (an account's orders are the account's).
    if let (
        None,
        CheckoutOutcome::Placed { number }
        | CheckoutOutcome::ApprovePayPal { number, .. }
        | CheckoutOutcome::AuthenticateCard { number, .. },
    ) = (&customer, &outcome)
    {
        access::grant_to_this_browser(&state, number, now.unix_timestamp()).await?;
    }
    Ok(outcome)
}

/// Refuses anyone but order `number`'s shopper (its account, or the browser a guest placed it
/// from) as if the order did not exist.
#[cfg(feature = "ssr")]
async fn check_own_order(state: &crate::shop::ServerState, number: &str) -> Result<(), AppError> {
    let mut conn = state.db.pool.acquire().await?;
    let order = repo::find_by_number(&mut conn, number)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let me = caller().await?.map(|c| c.id);
    if !access::may_view(state, &order.number, order.customer_id, me).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The shopper has answered their bank (3-D Secure) for order `number`: the shop asks the card
/// provider whether the payment went through, and places or releases the order. Only the
/// order's shopper may ask, as for PayPal below.
#[server(output = Postcard)]
pub async fn finish_card_payment(number: String) -> Result<CheckoutOutcome, AppError> {
    let state = server_state()?;
    check_own_order(&state, &number).await?;
    let now = state.clock.now();
    Ok(service::finish_card(&state, &number, now).await?)
}

/// The shopper is back from PayPal (`cancelled` if through the cancel address): the shop asks
/// PayPal what happened and completes or releases the order. Only the order's shopper (its
/// account, or the browser a guest placed it from) may bring it back; anyone else holding the
/// address gets nothing, and the order settles when its checkout times out.
#[server(output = Postcard)]
pub async fn return_from_paypal(
    number: String,
    cancelled: bool,
) -> Result<CheckoutOutcome, AppError> {
    let state = server_state()?;
    check_own_order(&state, &number).await?;
    let now = state.clock.now();
    Ok(service::finish_paypal(&state, &number, cancelled, now).await?)
}
