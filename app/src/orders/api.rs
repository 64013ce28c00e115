//! Order server functions: one order, the history, and a guest's lookup. Each checks who is
//! asking; another shopper's order is "not found".

use super::changes::ChangeOffer;
use super::model::{OrderDetail, OrderHistoryPage};
use crate::error::AppError;
use crate::forms::FormResult;
use crate::wire::Postcard;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    super::{
        access, cancellation, changes, grants, links, model::parse_order_number, repo,
        tracking::tracking_hint, windows,
    },
    crate::accounts::model::Email,
    crate::client::client_address,
    crate::forms::{needs_correcting, plain_form_post, FieldErrors},
    crate::identity::session::{caller, require_customer},
    crate::shop::{server_state, ServerState},
    crate::throttle,
};

/// Order `number`, for whoever may see it: its account, or the browser a guest used (or was
/// given by the private link `key` from an e-mail about the order). An account's order opened
/// by its link asks its owner to sign in; anyone else is told it does not exist.
#[server(output = Postcard)]
pub async fn get_order(number: String, key: Option<String>) -> Result<OrderDetail, AppError> {
    let number = parse_order_number(&number).ok_or(AppError::NotFound)?;
    let state = server_state()?;
    let Some((detail, owner)) = repo::detail(&mut *state.db.pool.acquire().await?, &number).await?
    else {
        return Err(AppError::NotFound);
    };
    let me = caller().await?.map(|c| c.id);
    let now = state.clock.unix();
    if !access::may_view(&state, &number, owner, me).await? {
        let key = key.filter(|k| !k.is_empty());
        let linked = match key {
            Some(key) => links::opens(&state.db.pool, &number, &key, now).await?,
            None => false,
        };
        match (linked, owner) {
            (true, None) => access::grant_to_this_browser(&state, &number, now).await?,
            (true, Some(_)) => return Err(AppError::SignInRequired),
            (false, _) => return Err(AppError::NotFound),
        }
    }
    let tracking_hint = tracking_hint(detail.status, detail.shipped_at(), now);
    let report_deadline = match detail.delivered_at() {
        Some(delivered) => Some(windows::report_deadline(&state, delivered).await?),
        None => None,
    };
    Ok(OrderDetail {
        tracking_hint,
        report_deadline,
        ..detail
    })
}

/// The number of placed order `number` if the asker may see it (and so act on it); anyone
/// else is told it does not exist.
#[cfg(feature = "ssr")]
async fn shoppers_order(state: &ServerState, number: &str) -> Result<String, AppError> {
    let number = parse_order_number(number).ok_or(AppError::NotFound)?;
    let mut conn = state.db.pool.acquire().await?;
    let order = repo::find_by_number(&mut conn, &number)
        .await?
        .filter(|o| o.status.is_placed())
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let me = caller().await?.map(|c| c.id);
    if access::may_view(state, &number, order.customer_id, me).await? {
        Ok(number)
    } else {
        Err(AppError::NotFound)
    }
}

/// A guest's order `number` shown through its e-mailed link (`key`): on the visit that opens
/// the link, the browser's grant is only being given in the same answer.
#[cfg(feature = "ssr")]
async fn linked_guest_order(
    state: &ServerState,
    number: &str,
    key: Option<&str>,
) -> Result<String, AppError> {
    let number = parse_order_number(number).ok_or(AppError::NotFound)?;
    let key = key.filter(|k| !k.is_empty()).ok_or(AppError::NotFound)?;
    let guests = repo::find_by_number(&mut *state.db.pool.acquire().await?, &number)
        .await?
        .is_some_and(|o| o.status.is_placed() && o.customer_id.is_none());
    if guests && links::opens(&state.db.pool, &number, key, state.clock.unix()).await? {
        Ok(number)
    } else {
        Err(AppError::NotFound)
    }
}

/// Whether the shopper may still change order `number`, and to what; `key` is the order's
/// e-mailed link, when the page was opened with it.
#[server(output = Postcard)]
pub async fn order_change_offer(
    number: String,
    key: Option<String>,
) -> Result<ChangeOffer, AppError> {
    let state = server_state()?;
    let number = match shoppers_order(&state, &number).await {
        Err(AppError::NotFound) => linked_guest_order(&state, &number, key.as_deref()).await?,
        found => found?,
    };
    let now = state.clock.unix();
    match changes::offer(&state, &number, now).await {
        Ok(offer) => Ok(offer),
        Err(changes::ChangeError::Refused(why)) => Ok(ChangeOffer::Closed(why)),
        Err(changes::ChangeError::Database(err)) => Err(err.into()),
    }
}

/// The query parameter of an order's page loaded after an item was changed by a plain form post.
pub const ITEM_CHANGED: &str = "changed";

/// The shopper swaps item `sku` of their order for variant `to` (see `changes`).
#[server(output = Postcard)]
pub async fn change_order_item(
    number: String,
    sku: String,
    to: String,
) -> Result<FormResult, AppError> {
    let state = server_state()?;
    let number = shoppers_order(&state, &number).await?;
    let now = state.clock.unix();
    match changes::change_item(&state, &number, &sku, &to, now).await {
        Ok(()) => {
            // Posted without scripts, the order's page is loaded again and says so itself.
            if plain_form_post() {
                leptos_axum::redirect(&format!("/orders/{number}?{ITEM_CHANGED}=1"));
            }
            Ok(FormResult::Done)
        }
        Err(changes::ChangeError::Refused(why)) => {
            needs_correcting(FieldErrors::single("to", &why), &[])
        }
        Err(changes::ChangeError::Database(err)) => Err(err.into()),
    }
}

/// The shopper cancels their order while the policy allows it (see `cancellation`): whoever
/// may see the order may cancel it.
#[server(output = Postcard)]
pub async fn cancel_order(number: String) -> Result<FormResult, AppError> {
    let state = server_state()?;
    let number = shoppers_order(&state, &number).await?;
    let now = state.clock.unix();
    match cancellation::cancel(&state, cancellation::CancelledBy::Shopper, &number, now).await {
        Ok(cancellation::Cancelled::RefundFailed) => needs_correcting(
            FieldErrors::single(
                "cancel",
                "Your order is cancelled, but the refund could not be made automatically. Our team has been told and will refund you by e-mail confirmation.",
            ),
            &[],
        ),
        Ok(_) => Ok(FormResult::Done),
        Err(refused) => refused.into_answer("cancel", &[]),
    }
}

#[server(output = Postcard)]
pub async fn order_history(page: u32) -> Result<OrderHistoryPage, AppError> {
    let customer = require_customer().await?;
    let state = server_state()?;
    Ok(repo::history(
        &state.db.pool,
        crate::accounts::model::BuyerRef::Account(customer.id),
        page,
    )
    .await?)
}

/// A guest finds an order again with its number and e-mail address. On success this browser
/// may see the order and is sent to it.
#[server(output = Postcard)]
pub async fn find_order(number: String, email: String) -> Result<FormResult, AppError> {
    let typed = [("number", number.as_str()), ("email", email.as_str())];
    let mut errors = FieldErrors::default();
    let parsed = parse_order_number(&number);
    if parsed.is_none() {
        errors.add(
            "number",
            "Enter the order number from your confirmation, like CF-7KQ4XN2M.",
        );
    }
    let parsed_email = Email::parse(&email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let (Some(number), Some(email)) = (parsed, parsed_email) else {
        return needs_correcting(errors, &typed);
    };
    let state = server_state()?;
    let client = client_address().subject();
    let limit = &throttle::ORDER_LOOKUP_PER_CLIENT;
    let too_many = |minutes| {
        format!(
            "Too many look-ups from your network. Try again in {minutes} minutes, or contact us."
        )
    };
    if let Err(message) =
        throttle::store::take_or_explain(&state.db.pool, limit, &client, too_many).await?
    {
        return needs_correcting(FieldErrors::single("number", &message), &typed);
    }
    if grants::find_for_guest(&state.db.pool, &number, email.as_str())
        .await?
        .is_none()
    {
        return needs_correcting(
            FieldErrors::single(
                "number",
                "We couldn't find an order with that number and e-mail address. Check both against your confirmation e-mail.",
            ),
            &typed,
        );
    };
    access::grant_to_this_browser(&state, &number, state.clock.unix()).await?;
    leptos_axum::redirect(&format!("/orders/{number}"));
    Ok(FormResult::Done)
}
