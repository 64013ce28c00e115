//! Customers for staff (`/api/staff/`): the accounts and the guests who bought without one,
//! searchable by name or e-mail, and one customer with their orders, tickets and warranty
//! claims. Never any password data: the queries do not read it.

use crate::accounts::model::{CustomerList, CustomerRow};
use crate::error::AppError;
use crate::orders::model::OrderHistoryPage;
use crate::wire::Postcard;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {
    crate::accounts::model::BuyerRef, crate::accounts::repo,
    crate::identity::session::require_role, crate::identity::Role, crate::orders::repo as orders,
    crate::shop::server_state,
};

/// One account as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerProfile {
    pub summary: CustomerRow,
    pub orders: OrderHistoryPage,
    pub tickets: Vec<crate::support::TicketSummary>,
    pub claims: Vec<crate::warranty::ClaimSummary>,
}

#[server(prefix = "/api/staff", output = Postcard)]
pub async fn list_customers(search: String, page: u32) -> Result<CustomerList, AppError> {
    require_role(Role::Support).await?;
    Ok(repo::customer_list(&server_state()?.db.pool, search.trim(), page).await?)
}

/// One customer: account `id`, or when `id` is "guest", the guest buyer of `email`.
#[server(prefix = "/api/staff", output = Postcard)]
pub async fn customer_for_staff(
    id: String,
    email: String,
    page: u32,
) -> Result<CustomerProfile, AppError> {
    require_role(Role::Support).await?;
    let pool = &server_state()?.db.pool;
    let (summary, buyer) = match id.as_str() {
        "guest" => (
            repo::guest_row(pool, &email).await?,
            BuyerRef::Guest(&email),
        ),
        _ => {
            let id = id.parse::<i64>().map_err(|_| AppError::NotFound)?;
            (repo::customer_row(pool, id).await?, BuyerRef::Account(id))
        }
    };
    Ok(CustomerProfile {
        summary: summary.ok_or(AppError::NotFound)?,
        orders: orders::history(pool, buyer, page).await?,
        tickets: crate::support::repo::for_buyer(pool, buyer).await?,
        claims: crate::warranty::repo::for_buyer(pool, buyer).await?,
    })
}
