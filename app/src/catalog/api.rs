//! Catalog server functions: thin wrappers that validate input and read the catalog.

use super::model::{CatalogFilter, PhoneModel, ProductDetail, ProductSummary};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use {super::repo, crate::shop::server_state};

/// Slugs are short; anything longer is not a real product or model.
#[cfg(feature = "ssr")]
const MAX_SLUG_LEN: usize = 80;

/// The listing page: the phone models to filter by and the matching products.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogPage {
    pub models: Vec<PhoneModel>,
    pub products: Vec<ProductSummary>,
}

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

#[server]
pub async fn browse_catalog(filter: CatalogFilter) -> Result<CatalogPage, AppError> {
    let db = server_state()?.db;
    if let Some(model) = &filter.model {
        check_slug(model)?;
    }
    Ok(CatalogPage {
        models: repo::phone_models(&db.pool).await?,
        products: repo::product_summaries(&db.pool, &filter, false).await?,
    })
}

#[server]
pub async fn featured_products() -> Result<CatalogPage, AppError> {
    let db = server_state()?.db;
    Ok(CatalogPage {
        models: repo::phone_models(&db.pool).await?,
        products: repo::product_summaries(&db.pool, &CatalogFilter::default(), true).await?,
    })
}

#[server]
pub async fn get_product(slug: String) -> Result<ProductDetail, AppError> {
    check_slug(&slug)?;
    let db = server_state()?.db;
    repo::product_detail(&db.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)
}
