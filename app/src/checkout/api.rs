//! Checkout server functions: pay for the cart, and finish a PayPal approval.

use super::model::{CheckoutOutcome, CheckoutRequest};
use crate::error::AppError;
use crate::money::Money;
use crate::wire::Postcard;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    super::service,
    crate::client::client_address,
    crate::identity::session::caller,
    crate::orders::{access, repo},
    crate::shop::{server_state, ServerState},
    time::OffsetDateTime,
};

/// The order behind a PayPal approval, if the asker is its shopper (the account that placed
/// it, or the browser a guest placed it from); anyone else holding the address gets nothing.
#[cfg(feature = "ssr")]
async fn owned_approval(
    state: &ServerState,
    reference: &str,
) -> Result<crate::payments::test_gateway::PayPalApproval, AppError> {
    let gateway = state.test_gateway.as_ref().ok_or(AppError::NotFound)?;
    let approval = gateway
        .approval(reference)
        .await
        .map_err(service::CheckoutError::Gateway)?
        .ok_or(AppError::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    let order = repo::find_by_number(&mut conn, &approval.key)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let me = caller().await?.map(|c| c.id);
    if access::may_view(state, &order.number, order.customer_id, me).await? {
        Ok(approval)
    } else {
        Err(AppError::NotFound)
    }
}

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
    let now = OffsetDateTime::now_utc();
    let client = client_address();
    let outcome = service::place_order(&state, &request, customer.as_ref(), &client, now).await?;
    // A guest who placed the order, or is about to approve its PayPal payment, may come back
    // to it from this browser, and only from it (an account's orders are the account's).
    if let (
        None,
        CheckoutOutcome::Placed { number } | CheckoutOutcome::ApprovePayPal { number, .. },
    ) = (&customer, &outcome)
    {
        access::grant_to_this_browser(&state, number, now.unix_timestamp()).await?;
    }
    Ok(outcome)
}

/// A PayPal payment as its approval page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayPalPayment {
    pub shop: String,
    pub amount: Money,
    pub waiting: bool,
}

#[server(output = Postcard)]
pub async fn paypal_payment(reference: String) -> Result<PayPalPayment, AppError> {
    let state = server_state()?;
    let approval = owned_approval(&state, &reference).await?;
    Ok(PayPalPayment {
        shop: state.store.name.clone(),
        amount: approval.amount,
        waiting: approval.waiting,
    })
}

/// The shopper's answer on the PayPal page; the shop then completes or releases the order.
#[server(output = Postcard)]
pub async fn paypal_decision(
    reference: String,
    approve: bool,
) -> Result<CheckoutOutcome, AppError> {
    let state = server_state()?;
    owned_approval(&state, &reference).await?;
    let now = OffsetDateTime::now_utc();
    // Only the shopper may answer, and a guest's browser was granted the order when it
    // reached this page: nothing more to grant.
    service::answer_paypal(&state, &reference, approve, now)
        .await?
        .ok_or(AppError::NotFound)
}
