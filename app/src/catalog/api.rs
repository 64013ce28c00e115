//! Catalog server functions: thin wrappers that validate input and read the catalog.

use super::model::{CatalogFilter, PhoneModel, ProductDetail, ProductSummary};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::repo, crate::shop::server_state};

/// Slugs are short; anything longer is not a real product or model.
#[cfg(feature = "ssr")]
const MAX_SLUG_LEN: usize = 80;

#[cfg(feature = "ssr")]
fn check_slug(slug: &str) -> Result<(), AppError> {
    let ok = !slug.is_empty()
        && slug.len() <= MAX_SLUG_LEN
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The phone models the shop makes products for, in catalog order.
#[server]
pub async fn phone_models() -> Result<Vec<PhoneModel>, AppError> {
    let db = server_state()?.db;
    Ok(repo::phone_models(&db.pool).await?)
}

/// Products matching the listing's filters.
#[server]
pub async fn browse_catalog(filter: CatalogFilter) -> Result<Vec<ProductSummary>, AppError> {
    if let Some(model) = &filter.model {
        check_slug(model)?;
    }
    let db = server_state()?.db;
    Ok(repo::product_summaries(&db.pool, &filter, false).await?)
}

/// The home page's picks.
#[server]
pub async fn featured_products() -> Result<Vec<ProductSummary>, AppError> {
    let db = server_state()?.db;
    Ok(repo::product_summaries(&db.pool, &CatalogFilter::default(), true).await?)
}

#[server]
pub async fn get_product(slug: String) -> Result<ProductDetail, AppError> {
    check_slug(&slug)?;
    let db = server_state()?.db;
    repo::product_detail(&db.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)
}
