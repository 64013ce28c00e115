//! Catalog storage: reads for the shop's pages and the one-time load of a catalog.

use super::demo::DemoCatalog;
use super::model::{
    CatalogFilter, Category, ModelOffer, PhoneModel, ProductInfo, ProductRecord, ProductSummary,
    Variant,
};
use crate::db::contains_pattern;
use crate::money::Money;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

/// The `store_meta` key recording that the demo catalog was loaded, so it never loads twice.
const DEMO_SEEDED_KEY: &str = "demo_catalog_seeded";

pub async fn phone_models(pool: &AnyPool) -> Result<Vec<PhoneModel>, sqlx::Error> {
    let rows = sqlx::query("SELECT slug, brand, name FROM phone_models ORDER BY sort_order, id")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(PhoneModel {
                slug: r.try_get("slug")?,
                brand: r.try_get("brand")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

/// Products matching `filter`, in catalog order. `featured_only` narrows to the home page's
/// picks.
pub async fn product_summaries(
    pool: &AnyPool,
    filter: &CatalogFilter,
    featured_only: bool,
) -> Result<Vec<ProductSummary>, sqlx::Error> {
    // One row per active SKU; folded into one summary per product below. A model filter keeps
    // the SKUs for that phone and universal accessories (SKUs without a model).
    let rows = sqlx::query(
        "SELECT p.slug, p.name, p.category, p.tagline, s.price_cents, s.stock, s.image_path \
         FROM products p \
         JOIN skus s ON s.product_id = p.id AND s.active = 1 \
         LEFT JOIN phone_models m ON m.id = s.phone_model_id \
         WHERE p.hidden = 0 AND (CAST($1 AS TEXT) IS NULL OR p.category = $1) \
           AND (CAST($2 AS TEXT) IS NULL OR m.slug = $2 OR s.phone_model_id IS NULL) \
           AND ($3 = 0 OR p.featured = 1) \
         ORDER BY p.sort_order, p.id, s.sort_order, s.id",
    )
    .bind(filter.category.map(|c| c.slug().to_owned()))
    .bind(filter.model.clone())
    .bind(i64::from(featured_only))
    .fetch_all(pool)
    .await?;

    fold_summaries(&rows)
}

/// Folds rows of one SKU each (product columns, price, stock and picture; in product order)
/// into one summary per product.
fn fold_summaries(rows: &[AnyRow]) -> Result<Vec<ProductSummary>, sqlx::Error> {
    let mut summaries: Vec<ProductSummary> = Vec::new();
    for row in rows {
        let slug: String = row.try_get("slug")?;
        let price = Money::from_cents(row.try_get("price_cents")?);
        let in_stock = row.try_get::<i64, _>("stock")? > 0;
        match summaries.last_mut() {
            Some(last) if last.slug == slug => {
                last.single_price &= last.from_price == price;
                last.from_price = last.from_price.min(price);
                last.in_stock |= in_stock;
            }
            _ => summaries.push(ProductSummary {
                slug,
                name: row.try_get("name")?,
                category: category(row)?,
                tagline: row.try_get("tagline")?,
                from_price: price,
                single_price: true,
                image: row.try_get("image_path")?,
                in_stock,
            }),
        }
    }
    Ok(summaries)
}

/// Products on show with a variant matching every one of `terms` (lower-cased) in the
/// product's name, tagline or category, the phone's brand or name, or the variant's type or
/// colour; in catalog order, priced from the matching variants.
pub async fn search_products(
    pool: &AnyPool,
    terms: &[String],
) -> Result<Vec<ProductSummary>, sqlx::Error> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let fields = [
        "p.name",
        "p.tagline",
        "p.category",
        "COALESCE(m.brand, '')",
        "COALESCE(m.name, '')",
        "COALESCE(s.style, '')",
        "COALESCE(s.colour, '')",
    ];
    let conditions: Vec<String> = (1..=terms.len())
        .map(|n| {
            let any: Vec<String> = fields
                .iter()
                .map(|f| format!("LOWER({f}) LIKE ${n} ESCAPE '\\'"))
                .collect();
            format!("({})", any.join(" OR "))
        })
        .collect();
    let sql = format!(
        "SELECT p.slug, p.name, p.category, p.tagline, s.price_cents, s.stock, s.image_path \
         FROM products p \
         JOIN skus s ON s.product_id = p.id AND s.active = 1 \
         LEFT JOIN phone_models m ON m.id = s.phone_model_id \
         WHERE p.hidden = 0 AND {} \
         ORDER BY p.sort_order, p.id, s.sort_order, s.id",
        conditions.join(" AND ")
    );
    let mut query = sqlx::query(&sql);
    for term in terms {
        query = query.bind(contains_pattern(term));
    }
    fold_summaries(&query.fetch_all(pool).await?)
}

/// A product with all its active variants grouped by phone model, or `None` if there is no
/// such product on show.
pub async fn product_record(
    pool: &AnyPool,
    slug: &str,
) -> Result<Option<ProductRecord>, sqlx::Error> {
    let Some(product) = sqlx::query(
        "SELECT id, slug, name, category, tagline, description, style_label \
         FROM products WHERE slug = $1 AND hidden = 0",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let product_id: i64 = product.try_get("id")?;
    let rows = sqlx::query(
        "SELECT s.code, s.style, s.colour, s.price_cents, s.stock, s.image_path, \
                m.slug AS model_slug, m.brand AS model_brand, m.name AS model_name \
         FROM skus s LEFT JOIN phone_models m ON m.id = s.phone_model_id \
         WHERE s.product_id = $1 AND s.active = 1 \
         ORDER BY m.sort_order, s.sort_order, s.id",
    )
    .bind(product_id)
    .fetch_all(pool)
    .await?;
    let mut models: Vec<PhoneModel> = Vec::new();
    let mut offers: Vec<ModelOffer> = Vec::new();
    for r in &rows {
        let model_slug: Option<String> = r.try_get("model_slug")?;
        // Rows come ordered by phone model, so a model's variants are consecutive.
        if offers.last().is_none_or(|o| o.model != model_slug) {
            if let Some(slug) = &model_slug {
                models.push(PhoneModel {
                    slug: slug.clone(),
                    brand: r.try_get("model_brand")?,
                    name: r.try_get("model_name")?,
                });
            }
            offers.push(ModelOffer {
                model: model_slug,
                variants: Vec::new(),
            });
        }
        let variant = Variant {
            sku: r.try_get("code")?,
            style: r.try_get("style")?,
            colour: r.try_get("colour")?,
            price: Money::from_cents(r.try_get("price_cents")?),
            stock: u32::try_from(r.try_get::<i64, _>("stock")?).unwrap_or(0),
            image: r.try_get("image_path")?,
        };
        if let Some(offer) = offers.last_mut() {
            offer.variants.push(variant);
        }
    }
    Ok(Some(ProductRecord {
        info: ProductInfo {
            slug: product.try_get("slug")?,
            name: product.try_get("name")?,
            category: category(&product)?,
            tagline: product.try_get("tagline")?,
            description: product.try_get("description")?,
            style_label: product.try_get("style_label")?,
        },
        models,
        offers,
    }))
}

/// A variant's options as shoppers read them ("iPhone 17 · Slim · Ocean Blue"), from a row
/// with its `model_name`, `style` and `colour` columns.
pub(crate) fn variant_options(row: &sqlx::any::AnyRow) -> Result<String, sqlx::Error> {
    let options: Vec<String> = [
        row.try_get::<Option<String>, _>("model_name")?,
        row.try_get("style")?,
        row.try_get("colour")?,
    ]
    .into_iter()
    .flatten()
    .collect();
    Ok(options.join(" · "))
}

/// A variant an ordered item may be swapped for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alternative {
    pub sku: String,
    pub options: String,
    pub image: String,
}

/// The other on-sale variants of `sku`'s product at `price_cents` with at least `quantity` in
/// stock, in catalog order: what an ordered item of `sku` may be changed to.
pub async fn alternatives(
    conn: &mut sqlx::AnyConnection,
    sku: &str,
    price_cents: i64,
    quantity: i64,
) -> Result<Vec<Alternative>, sqlx::Error> {
    sqlx::query(
        "SELECT s.code, s.style, s.colour, s.image_path, m.name AS model_name \
         FROM skus s JOIN products p ON p.id = s.product_id \
         LEFT JOIN phone_models m ON m.id = s.phone_model_id \
         WHERE p.hidden = 0 AND s.active = 1 AND s.code <> $1 AND s.price_cents = $2 \
           AND s.stock >= $3 AND s.product_id = (SELECT product_id FROM skus WHERE code = $1) \
         ORDER BY m.sort_order, s.sort_order, s.id",
    )
    .bind(sku)
    .bind(price_cents)
    .bind(quantity)
    .fetch_all(conn)
    .await?
    .iter()
    .map(alternative)
    .collect()
}

fn alternative(row: &sqlx::any::AnyRow) -> Result<Alternative, sqlx::Error> {
    Ok(Alternative {
        sku: row.try_get("code")?,
        options: variant_options(row)?,
        image: row.try_get("image_path")?,
    })
}

/// The variants of `sku`'s product with a unit in stock, `sku` itself first if it has one:
/// what staff may send as a warranty replacement (hidden products included, since the item
/// is owed whatever the storefront shows).
pub async fn replacement_choices(
    conn: &mut sqlx::AnyConnection,
    sku: &str,
) -> Result<Vec<Alternative>, sqlx::Error> {
    sqlx::query(
        "SELECT s.code, s.style, s.colour, s.image_path, m.name AS model_name \
         FROM skus s LEFT JOIN phone_models m ON m.id = s.phone_model_id \
         WHERE s.active = 1 AND s.stock >= 1 \
           AND s.product_id = (SELECT product_id FROM skus WHERE code = $1) \
         ORDER BY CASE WHEN s.code = $1 THEN 0 ELSE 1 END, m.sort_order, s.sort_order, s.id",
    )
    .bind(sku)
    .fetch_all(conn)
    .await?
    .iter()
    .map(alternative)
    .collect()
}

/// The category column of a row, refusing a value the catalog does not know.
pub(crate) fn category(row: &sqlx::any::AnyRow) -> Result<Category, sqlx::Error> {
    let slug: String = row.try_get("category")?;
    Category::from_slug(&slug).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: "category".into(),
        source: format!("unknown category {slug:?}").into(),
    })
}

/// Loads `catalog` in one transaction the first time it is called on a database, and never
/// again (even if the products are later removed). Returns whether it loaded.
pub async fn seed_once(pool: &AnyPool, catalog: &DemoCatalog) -> Result<bool, sqlx::Error> {
    let mut tx = crate::db::begin(pool).await?;
    if !crate::db::claim_once(&mut tx, DEMO_SEEDED_KEY).await? {
        return Ok(false);
    }

    let mut model_ids = std::collections::HashMap::new();
    for (order, model) in catalog.models.iter().enumerate() {
        let id: i64 = sqlx::query(
            "INSERT INTO phone_models (slug, code, brand, name, sort_order) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(model.slug)
        .bind(model.code)
        .bind(model.brand)
        .bind(model.name)
        .bind(order as i64)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        model_ids.insert(model.slug, id);
    }

    for (order, product) in catalog.products.iter().enumerate() {
        let product_id: i64 = sqlx::query(
            "INSERT INTO products (slug, name, category, tagline, description, style_label, \
                                   featured, sort_order) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(product.slug)
        .bind(product.name)
        .bind(product.category.slug())
        .bind(product.tagline)
        .bind(product.description)
        .bind(product.style_label)
        .bind(i64::from(product.featured))
        .bind(order as i64)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;

        for (sku_order, sku) in product.skus.iter().enumerate() {
            sqlx::query(
                "INSERT INTO skus (code, product_id, phone_model_id, style, colour, price_cents, \
                                   stock, image_path, sort_order) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&sku.code)
            .bind(product_id)
            .bind(sku.model.and_then(|slug| model_ids.get(slug).copied()))
            .bind(sku.style)
            .bind(sku.colour)
            .bind(sku.price.cents())
            .bind(i64::from(sku.stock))
            .bind(&sku.image)
            .bind(sku_order as i64)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}
