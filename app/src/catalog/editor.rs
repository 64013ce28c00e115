//! Catalog storage for staff (server only): products and variants as the editor reads and
//! writes them, hidden ones included. Stock is not written here but through `stock`.

use super::art::{image_path, Art};
use super::model::Category;
use super::staff::{
    LowStock, ProductForm, StaffProduct, StaffProductRow, StaffVariant, StockMovementRow,
    MOVEMENTS_SHOWN,
};
use super::stock::StockReason;
use crate::money::Money;
use crate::tokens::random_hex;
use sqlx::{AnyConnection, AnyPool, Row};

/// Every product with its variant count, stock and how many variants run low.
pub async fn product_rows(pool: &AnyPool) -> Result<Vec<StaffProductRow>, sqlx::Error> {
    sqlx::query(
        "SELECT p.slug, p.name, p.category, p.hidden, \
                CAST(COUNT(s.id) AS BIGINT) AS variants, \
                CAST(COALESCE(SUM(s.stock), 0) AS BIGINT) AS stock, \
                CAST(COALESCE(SUM(CASE WHEN s.active = 1 AND s.stock <= p.low_stock_threshold \
                                  THEN 1 ELSE 0 END), 0) AS BIGINT) AS low \
         FROM products p LEFT JOIN skus s ON s.product_id = p.id \
         GROUP BY p.id, p.slug, p.name, p.category, p.hidden, p.sort_order \
         ORDER BY p.sort_order, p.id",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(StaffProductRow {
            slug: r.try_get("slug")?,
            name: r.try_get("name")?,
            category: super::repo::category(r)?,
            hidden: r.try_get::<i64, _>("hidden")? == 1,
            variants: u32::try_from(r.try_get::<i64, _>("variants")?).unwrap_or(0),
            stock: r.try_get("stock")?,
            low_variants: u32::try_from(r.try_get::<i64, _>("low")?).unwrap_or(0),
        })
    })
    .collect()
}

const VARIANT_COLUMNS: &str = "s.code, s.style, s.colour, s.price_cents, s.stock, s.active, \
                               s.image_path, m.name AS model_name";

fn variant_from(r: &sqlx::any::AnyRow) -> Result<StaffVariant, sqlx::Error> {
    Ok(StaffVariant {
        sku: r.try_get("code")?,
        model: r.try_get("model_name")?,
        style: r.try_get("style")?,
        colour: r.try_get("colour")?,
        price: Money::from_cents(r.try_get("price_cents")?),
        stock: r.try_get("stock")?,
        on_sale: r.try_get::<i64, _>("active")? == 1,
        image: r.try_get("image_path")?,
    })
}

/// A product with all its variants and its latest stock movements (phone models left empty).
pub async fn product(pool: &AnyPool, slug: &str) -> Result<Option<StaffProduct>, sqlx::Error> {
    let Some(p) = sqlx::query(
        "SELECT id, slug, name, category, tagline, description, style_label, hidden, \
                low_stock_threshold FROM products WHERE slug = $1",
    )
    .bind(slug)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = p.try_get("id")?;
    let variants = sqlx::query(&format!(
        "SELECT {VARIANT_COLUMNS} FROM skus s LEFT JOIN phone_models m ON m.id = s.phone_model_id \
         WHERE s.product_id = $1 ORDER BY m.sort_order, s.sort_order, s.id"
    ))
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(variant_from)
    .collect::<Result<Vec<_>, _>>()?;
    let movements = sqlx::query(
        "SELECT mv.sku, mv.quantity_change, mv.reason, mv.order_number, mv.note, mv.at, \
                c.email AS actor_email \
         FROM stock_movements mv JOIN skus s ON s.code = mv.sku \
         LEFT JOIN customers c ON c.id = mv.actor_id \
         WHERE s.product_id = $1 ORDER BY mv.at DESC, mv.id DESC LIMIT $2",
    )
    .bind(id)
    .bind(i64::from(MOVEMENTS_SHOWN))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        let reason: String = r.try_get("reason")?;
        Ok(StockMovementRow {
            sku: r.try_get("sku")?,
            change: r.try_get("quantity_change")?,
            reason: StockReason::from_slug(&reason)
                .map(|r| r.label().to_owned())
                .unwrap_or(reason),
            order_number: r.try_get("order_number")?,
            note: r.try_get("note")?,
            by: r.try_get("actor_email")?,
            at: r.try_get("at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let low: i64 = p.try_get("low_stock_threshold")?;
    Ok(Some(StaffProduct {
        slug: p.try_get("slug")?,
        form: ProductForm {
            name: p.try_get("name")?,
            category: super::repo::category(&p)?.slug().to_owned(),
            tagline: p.try_get("tagline")?,
            description: p.try_get("description")?,
            style_label: p.try_get("style_label")?,
            low_stock: low.to_string(),
        },
        hidden: p.try_get::<i64, _>("hidden")? == 1,
        low_stock_threshold: u32::try_from(low).unwrap_or(0),
        variants,
        movements,
        models: Vec::new(),
    }))
}

/// Creates a hidden product; false if one with `slug` exists.
pub async fn create_product(
    conn: &mut AnyConnection,
    slug: &str,
    form: &ProductForm,
    category: Category,
    low_stock: u32,
) -> Result<bool, sqlx::Error> {
    let created = sqlx::query(
        "INSERT INTO products (slug, name, category, tagline, description, style_label, featured, \
                               sort_order, hidden, low_stock_threshold) \
         SELECT $1, $2, $3, $4, $5, $6, 0, COALESCE(MAX(sort_order), 0) + 1, 1, $7 FROM products \
         WHERE 1 = 1 ON CONFLICT (slug) DO NOTHING",
    )
    .bind(slug)
    .bind(form.name.trim())
    .bind(category.slug())
    .bind(form.tagline.trim())
    .bind(form.description.trim())
    .bind(form.style_label.trim())
    .bind(i64::from(low_stock))
    .execute(conn)
    .await?
    .rows_affected();
    Ok(created == 1)
}

pub async fn update_product(
    conn: &mut AnyConnection,
    slug: &str,
    form: &ProductForm,
    category: Category,
    low_stock: u32,
    hidden: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE products SET name = $1, category = $2, tagline = $3, description = $4, \
                style_label = $5, low_stock_threshold = $6, hidden = $7 WHERE slug = $8",
    )
    .bind(form.name.trim())
    .bind(category.slug())
    .bind(form.tagline.trim())
    .bind(form.description.trim())
    .bind(form.style_label.trim())
    .bind(i64::from(low_stock))
    .bind(i64::from(hidden))
    .bind(slug)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn variant(
    conn: &mut AnyConnection,
    sku: &str,
) -> Result<Option<StaffVariant>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {VARIANT_COLUMNS} FROM skus s LEFT JOIN phone_models m ON m.id = s.phone_model_id \
         WHERE s.code = $1"
    ))
    .bind(sku)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(variant_from)
    .transpose()
}

/// Variant `sku` if it belongs to product `product` (its slug).
pub async fn variant_of(
    conn: &mut AnyConnection,
    product: &str,
    sku: &str,
) -> Result<Option<StaffVariant>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {VARIANT_COLUMNS} FROM skus s LEFT JOIN phone_models m ON m.id = s.phone_model_id \
         JOIN products p ON p.id = s.product_id WHERE s.code = $1 AND p.slug = $2"
    ))
    .bind(sku)
    .bind(product)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(variant_from)
    .transpose()
}

pub async fn update_variant(
    conn: &mut AnyConnection,
    sku: &str,
    price: Money,
    on_sale: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE skus SET price_cents = $1, active = $2 WHERE code = $3")
        .bind(price.cents())
        .bind(i64::from(on_sale))
        .bind(sku)
        .execute(conn)
        .await?;
    Ok(())
}

/// Shows variant `sku` with the picture at `image`.
pub async fn set_picture(
    conn: &mut AnyConnection,
    sku: &str,
    image: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE skus SET image_path = $1 WHERE code = $2")
        .bind(image)
        .bind(sku)
        .execute(conn)
        .await?;
    Ok(())
}

/// A variant to add to a product.
#[derive(Clone, Debug)]
pub struct NewVariant<'a> {
    pub product: &'a str,
    /// A phone model's slug; none for a universal accessory.
    pub model: Option<&'a str>,
    pub style: Option<&'a str>,
    pub colour: Option<&'a str>,
    pub art: Art,
    pub price: Money,
}

/// What adding a variant came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Added {
    /// Added, with no stock yet, under this SKU code.
    Sku(String),
    NoProduct,
    NoModel,
    /// The product has a variant for this phone, style and colour.
    Duplicate,
}

pub async fn add_variant(
    conn: &mut AnyConnection,
    new: &NewVariant<'_>,
) -> Result<Added, sqlx::Error> {
    let Some(product_id) = sqlx::query("SELECT id FROM products WHERE slug = $1")
        .bind(new.product)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get::<i64, _>("id"))
        .transpose()?
    else {
        return Ok(Added::NoProduct);
    };
    let model_id = match new.model {
        None => None,
        Some(slug) => {
            match sqlx::query("SELECT id FROM phone_models WHERE slug = $1")
                .bind(slug)
                .fetch_optional(&mut *conn)
                .await?
            {
                Some(row) => Some(row.try_get::<i64, _>("id")?),
                None => return Ok(Added::NoModel),
            }
        }
    };
    let same: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM skus WHERE product_id = $1 \
           AND COALESCE(phone_model_id, 0) = COALESCE(CAST($2 AS BIGINT), 0) \
           AND COALESCE(style, '') = $3 AND COALESCE(colour, '') = $4",
    )
    .bind(product_id)
    .bind(model_id)
    .bind(new.style.unwrap_or_default())
    .bind(new.colour.unwrap_or_default())
    .fetch_one(&mut *conn)
    .await?
    .try_get("n")?;
    if same > 0 {
        return Ok(Added::Duplicate);
    }
    let prefix: String = new
        .product
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(6)
        .collect::<String>()
        .to_ascii_uppercase();
    let code = format!("{prefix}-{}", random_hex(4).to_ascii_uppercase());
    sqlx::query(
        "INSERT INTO skus (code, product_id, phone_model_id, style, colour, price_cents, stock, \
                           image_path, sort_order) \
         SELECT $1, $2, $3, $4, $5, $6, 0, $7, COALESCE(MAX(sort_order), 0) + 1 FROM skus \
         WHERE product_id = $2",
    )
    .bind(&code)
    .bind(product_id)
    .bind(model_id)
    .bind(new.style)
    .bind(new.colour)
    .bind(new.price.cents())
    .bind(image_path(new.art, new.colour))
    .execute(&mut *conn)
    .await?;
    Ok(Added::Sku(code))
}

/// Variants on sale in shown products at or below their product's low-stock level, fewest
/// first.
pub async fn low_stock(pool: &AnyPool, limit: u32) -> Result<Vec<LowStock>, sqlx::Error> {
    sqlx::query(
        "SELECT s.code, s.stock, s.style, s.colour, p.slug, p.name, p.low_stock_threshold, \
                m.name AS model_name \
         FROM skus s JOIN products p ON p.id = s.product_id \
         LEFT JOIN phone_models m ON m.id = s.phone_model_id \
         WHERE s.active = 1 AND p.hidden = 0 AND s.stock <= p.low_stock_threshold \
         ORDER BY s.stock, p.sort_order, s.sort_order LIMIT $1",
    )
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(LowStock {
            sku: r.try_get("code")?,
            product: r.try_get("name")?,
            slug: r.try_get("slug")?,
            options: super::repo::variant_options(r)?,
            stock: r.try_get("stock")?,
            threshold: r.try_get("low_stock_threshold")?,
        })
    })
    .collect()
}
