//! Catalog server functions: thin wrappers that validate input and read the catalog.

use super::model::{CatalogFilter, ModelOffer, PhoneModel, ProductDetail, ProductSummary};
use crate::error::AppError;
use crate::wire::Postcard;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {super::model::ProductRecord, super::repo, crate::shop::server_state};

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

// Every read here is for display and goes through the catalog cache (see `cache`); the cart
// and checkout read prices and stock afresh.

/// The phone models the shop makes products for, in catalog order.
#[server(output = Postcard)]
pub async fn phone_models() -> Result<Vec<PhoneModel>, AppError> {
    let state = server_state()?;
    let pool = &state.db.pool;
    Ok(state
        .catalog_cache
        .models
        .get_or_load((), || repo::phone_models(pool))
        .await?)
}

/// Products matching the listing's filters. In postcard both ways: a form encoding sends
/// nothing at all for "no filter", which the server cannot tell from a missing argument.
#[server(input = Postcard, output = Postcard)]
pub async fn browse_catalog(filter: CatalogFilter) -> Result<Vec<ProductSummary>, AppError> {
    if let Some(model) = &filter.model {
        check_slug(model)?;
    }
    listing(filter, false).await
}

#[cfg(feature = "ssr")]
async fn listing(filter: CatalogFilter, featured: bool) -> Result<Vec<ProductSummary>, AppError> {
    let state = server_state()?;
    let pool = &state.db.pool;
    let key = (filter.clone(), featured);
    Ok(state
        .catalog_cache
        .listings
        .get_or_load(key, || repo::product_summaries(pool, &filter, featured))
        .await?)
}

/// The home page's picks.
#[server(output = Postcard)]
pub async fn featured_products() -> Result<Vec<ProductSummary>, AppError> {
    listing(CatalogFilter::default(), true).await
}

/// The product page, opened on the phone of `sku`, else on `model`, else on the first phone.
#[server(output = Postcard)]
pub async fn get_product(
    slug: String,
    model: Option<String>,
    sku: Option<String>,
) -> Result<ProductDetail, AppError> {
    let product = product_record(&slug).await?;
    Ok(product.page_for(model.as_deref(), sku.as_deref()))
}

/// The variants of a product for another phone, when the shopper picks it on the page.
#[server(output = Postcard)]
pub async fn product_offer(slug: String, model: Option<String>) -> Result<ModelOffer, AppError> {
    let product = product_record(&slug).await?;
    product
        .offer(model.as_deref())
        .cloned()
        .ok_or(AppError::NotFound)
}

#[cfg(feature = "ssr")]
async fn product_record(slug: &str) -> Result<std::sync::Arc<ProductRecord>, AppError> {
    check_slug(slug)?;
    let state = server_state()?;
    let pool = &state.db.pool;
    state
        .catalog_cache
        .products
        .get_or_load(slug.to_owned(), || async {
            Ok::<_, sqlx::Error>(
                repo::product_record(pool, slug)
                    .await?
                    .map(std::sync::Arc::new),
            )
        })
        .await?
        .ok_or(AppError::NotFound)
}
