//! Who may see an order (server only): the account that placed it, or the browser that placed
//! it as a guest or looked it up with its number and e-mail address. Anyone else is told the
//! order does not exist, so order numbers cannot be probed.

use super::grants;
use crate::accounts::auth::token_cookie;
use crate::error::AppError;
use crate::identity::session::{request_cookie, set_cookie};
use crate::shop::ServerState;
use crate::tokens::{new_token, token_digest};

/// The cookie holding this browser's order-access token.
pub const ORDER_ACCESS_COOKIE: &str = "casefront_orders";
/// Guests can come back to their orders from the same browser for 90 days; after that, or
/// from elsewhere, they look the order up with its number and e-mail address.
const ORDER_ACCESS_LIFETIME_SECS: i64 = 90 * 24 * 60 * 60;

/// Lets this browser see guest order `number` from now on, under a fresh access token that
/// also carries the browser's earlier grants.
pub async fn grant_to_this_browser(
    state: &ServerState,
    number: &str,
    now: i64,
) -> Result<(), AppError> {
    let (token, digest) = new_token();
    let previous = request_cookie(ORDER_ACCESS_COOKIE).map(|t| token_digest(&t));
    grants::grant(
        &state.db.pool,
        &digest,
        previous.as_deref(),
        number,
        now,
        now + ORDER_ACCESS_LIFETIME_SECS,
    )
    .await?;
    set_cookie(token_cookie(
        ORDER_ACCESS_COOKIE,
        &token,
        ORDER_ACCESS_LIFETIME_SECS,
        state.secure_cookies,
    ));
    Ok(())
}

/// True if the asker may see order `number`, owned by `owner` (None: a guest order).
pub async fn may_view(
    state: &ServerState,
    number: &str,
    owner: Option<i64>,
    signed_in: Option<i64>,
) -> Result<bool, AppError> {
    if owner.is_some() && owner == signed_in {
        return Ok(true);
    }
    if owner.is_some() {
        // An account's order is for that account only, whatever this browser was granted.
        return Ok(false);
    }
    let now = state.clock.unix();
    match request_cookie(ORDER_ACCESS_COOKIE) {
        Some(token) => {
            Ok(grants::has_grant(&state.db.pool, &token_digest(&token), number, now).await?)
        }
        None => Ok(false),
    }
}
