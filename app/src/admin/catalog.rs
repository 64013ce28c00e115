//! The catalog for admins (`/api/admin/`): products and their variants, prices, pictures (a
//! drawing or an uploaded photo), showing and hiding, low-stock thresholds, and stock adjusted
//! with a reason. Every change is audited and
//! clears this server's catalog cache, so the storefront shows it at once.

use crate::catalog::model::Category;
use crate::catalog::staff::{ProductForm, StaffProduct, StaffProductRow, VariantChange};
use crate::error::AppError;
use crate::forms::FormResult;
use crate::money::Money;
use crate::wire::Postcard;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use {
    crate::audit::{self, Change},
    crate::catalog::staff::BulkAction,
    crate::catalog::{editor, stock},
    crate::forms::correct_fields,
    crate::identity::{session::require_role, Role},
    crate::shop::server_state,
};

pub const MAX_STOCK_CHANGE: i64 = 100_000;
/// The highest price the editor accepts, against a slipped digit.
pub const MAX_PRICE: Money = Money::from_cents(100_000);

/// A product's form checked: the errors by field, or the values to store.
pub fn check_product(form: &ProductForm) -> Result<(Category, u32), Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let need = |value: &str, field: &'static str, what: &str, max: usize, errors: &mut Vec<_>| {
        let length = value.trim().chars().count();
        if length == 0 {
            errors.push((field, format!("Enter the {what}.")));
        } else if length > max {
            errors.push((field, format!("Keep the {what} under {max} characters.")));
        }
    };
    need(&form.name, "name", "product name", 80, &mut errors);
    need(&form.tagline, "tagline", "tagline", 140, &mut errors);
    need(
        &form.description,
        "description",
        "description",
        4000,
        &mut errors,
    );
    need(
        &form.style_label,
        "style_label",
        "name of the style option",
        40,
        &mut errors,
    );
    let category = Category::from_slug(&form.category);
    if category.is_none() {
        errors.push(("category", "Choose a category.".to_owned()));
    }
    let low = form
        .low_stock
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= 10_000);
    if low.is_none() {
        errors.push((
            "low_stock",
            "Enter the low-stock level as a whole number from 0 to 10,000.".to_owned(),
        ));
    }
    match (category, low) {
        (Some(category), Some(low)) if errors.is_empty() => Ok((category, low)),
        _ => Err(errors),
    }
}

/// A price typed by staff, checked.
pub fn check_price(text: &str) -> Result<Money, String> {
    match Money::parse_typed(text) {
        Some(price) if price <= MAX_PRICE => Ok(price),
        Some(_) => Err(format!("Prices go up to {MAX_PRICE}.")),
        None => Err("Enter a price in dollars, such as 19.99.".to_owned()),
    }
}

/// A stock change typed by staff ("+12", "-3"), checked.
pub fn check_stock_change(text: &str) -> Result<i64, String> {
    match text.trim().trim_start_matches('+').parse::<i64>() {
        Ok(0) => Err("Enter how many units to add (12) or take away (-3).".to_owned()),
        Ok(change) if change.abs() <= MAX_STOCK_CHANGE => Ok(change),
        _ => Err("Enter a whole number of units to add (12) or take away (-3).".to_owned()),
    }
}

/// The address part of a product made from its name: "Slim Case Pro" → "slim-case-pro".
pub fn slug_from_name(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(60).collect()
}

/// After a change: the storefront must not serve what this server cached before it.
#[cfg(feature = "ssr")]
fn catalog_changed() -> Result<(), AppError> {
    server_state()?.catalog_cache.clear();
    Ok(())
}

#[server(prefix = "/api/admin", output = Postcard)]
pub async fn list_products() -> Result<Vec<StaffProductRow>, AppError> {
    require_role(Role::Admin).await?;
    Ok(editor::product_rows(&server_state()?.db.pool).await?)
}

#[server(prefix = "/api/admin", output = Postcard)]
pub async fn product_for_staff(slug: String) -> Result<StaffProduct, AppError> {
    require_role(Role::Admin).await?;
    let pool = &server_state()?.db.pool;
    let mut product = editor::product(pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    product.models = crate::catalog::repo::phone_models(pool).await?;
    Ok(product)
}

/// Creates a product (`slug` empty; it starts hidden, until it has variants to sell) or saves
/// one's text, category, low-stock level and whether it is shown.
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn save_product(
    slug: String,
    form: ProductForm,
    shown: Option<String>,
) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Admin).await?;
    let typed = [
        ("name", form.name.as_str()),
        ("tagline", form.tagline.as_str()),
        ("description", form.description.as_str()),
        ("style_label", form.style_label.as_str()),
        ("low_stock", form.low_stock.as_str()),
    ];
    let (category, low_stock) = match check_product(&form) {
        Ok(checked) => checked,
        Err(errors) => return correct_fields(errors, &typed),
    };
    let state = server_state()?;
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let now = state.clock.unix();
    if slug.is_empty() {
        let new_slug = slug_from_name(&form.name);
        if new_slug.is_empty() {
            return correct_fields(
                vec![("name", "Use letters or digits in the name.".into())],
                &typed,
            );
        }
        if !editor::create_product(&mut tx, &new_slug, &form, category, low_stock).await? {
            return correct_fields(
                vec![(
                    "name",
                    "A product with this name exists: choose another name.".into(),
                )],
                &typed,
            );
        }
        audit::record(
            &mut tx,
            &staff,
            Change::new("create product", format!("product {new_slug}")).after(form.name.trim()),
            now,
        )
        .await?;
        tx.commit().await?;
        catalog_changed()?;
        leptos_axum::redirect(&format!("/admin/products/{new_slug}"));
        return Ok(FormResult::Done);
    }
    let before = editor::product(&state.db.pool, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let hidden = shown.is_none();
    editor::update_product(&mut tx, &slug, &form, category, low_stock, hidden).await?;
    audit::record(
        &mut tx,
        &staff,
        Change::new("edit product", format!("product {slug}"))
            .before(product_summary(&before.form, before.hidden))
            .after(product_summary(&form, hidden)),
        now,
    )
    .await?;
    tx.commit().await?;
    catalog_changed()?;
    Ok(FormResult::Done)
}

#[cfg(feature = "ssr")]
fn product_summary(form: &ProductForm, hidden: bool) -> String {
    format!(
        "{} ({}; low stock at {}; {})",
        form.name.trim(),
        form.category,
        form.low_stock.trim(),
        if hidden { "hidden" } else { "shown" }
    )
}

/// Sets a variant's price and whether it is on sale.
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn save_variant(
    sku: String,
    price: String,
    on_sale: Option<String>,
) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Admin).await?;
    let typed = [("price", price.as_str())];
    let price = match check_price(&price) {
        Ok(price) => price,
        Err(message) => return correct_fields(vec![("price", message)], &typed),
    };
    let state = server_state()?;
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let before = editor::variant(&mut tx, &sku)
        .await?
        .ok_or(AppError::NotFound)?;
    editor::update_variant(&mut tx, &sku, price, on_sale.is_some()).await?;
    let state_text = |price: Money, on_sale: bool| {
        format!("{price}{}", if on_sale { "" } else { " (not on sale)" })
    };
    audit::record(
        &mut tx,
        &staff,
        Change::new("edit variant", format!("sku {sku}"))
            .before(state_text(before.price, before.on_sale))
            .after(state_text(price, on_sale.is_some())),
        state.clock.unix(),
    )
    .await?;
    tx.commit().await?;
    catalog_changed()?;
    Ok(FormResult::Done)
}

/// A new variant of `product`: its phone (none for a universal accessory), style, colour,
/// picture (one of the shop's own drawings), price and opening stock.
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn add_variant(
    product: String,
    model: String,
    style: String,
    colour: String,
    art: String,
    price: String,
    stock: String,
) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Admin).await?;
    let typed = [
        ("style", style.as_str()),
        ("price", price.as_str()),
        ("stock", stock.as_str()),
    ];
    let mut errors = Vec::new();
    let price_checked = check_price(&price)
        .map_err(|m| errors.push(("price", m)))
        .ok();
    let opening = stock
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| i64::from(*n) <= MAX_STOCK_CHANGE);
    if opening.is_none() {
        errors.push((
            "stock",
            "Enter the units in stock as a whole number.".into(),
        ));
    }
    let art = crate::catalog::art::Art::from_slug(&art);
    if art.is_none() {
        errors.push(("art", "Choose a picture.".into()));
    }
    let colour = (!colour.is_empty()).then_some(colour);
    if colour.as_deref().is_some_and(|c| {
        !crate::catalog::art::PALETTE
            .iter()
            .any(|(name, _)| *name == c)
    }) {
        errors.push(("colour", "Choose one of the shop's colours.".into()));
    }
    if style.trim().chars().count() > 40 {
        errors.push(("style", "Keep the style under 40 characters.".into()));
    }
    let (Some(price), Some(opening), Some(art)) = (price_checked, opening, art) else {
        return correct_fields(errors, &typed);
    };
    if !errors.is_empty() {
        return correct_fields(errors, &typed);
    }
    let state = server_state()?;
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let new = editor::NewVariant {
        product: &product,
        model: (!model.is_empty()).then_some(model.as_str()),
        style: Some(style.trim()).filter(|s| !s.is_empty()),
        colour: colour.as_deref(),
        art,
        price,
    };
    let sku = match editor::add_variant(&mut tx, &new).await? {
        editor::Added::Sku(sku) => sku,
        editor::Added::NoProduct => return Err(AppError::NotFound),
        editor::Added::NoModel => {
            return correct_fields(
                vec![("model", "Choose one of the phone models.".into())],
                &typed,
            )
        }
        editor::Added::Duplicate => {
            return correct_fields(
                vec![(
                    "style",
                    "This product already has a variant for this phone, style and colour.".into(),
                )],
                &typed,
            )
        }
    };
    let now = state.clock.unix();
    if opening > 0 {
        stock::adjust(
            &mut tx,
            &sku,
            i64::from(opening),
            "opening stock",
            staff.id,
            now,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        &staff,
        Change::new("add variant", format!("sku {sku}"))
            .after(format!("{price}, {opening} in stock")),
        now,
    )
    .await?;
    tx.commit().await?;
    catalog_changed()?;
    Ok(FormResult::Done)
}

/// Variants one selection may change at once, against a runaway request.
pub const MAX_SELECTED: usize = 1000;

/// A staff adjustment checked: the change of units and why, or the errors by field.
pub fn check_adjustment(
    change: &str,
    reason: &str,
) -> Result<(i64, String), Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let amount = check_stock_change(change)
        .map_err(|m| errors.push(("change", m)))
        .ok();
    let reason = reason.trim();
    if reason.is_empty() {
        errors.push(("reason", "Say why the stock changes.".into()));
    } else if reason.chars().count() > 200 {
        errors.push(("reason", "Keep the reason under 200 characters.".into()));
    }
    match amount {
        Some(amount) if errors.is_empty() => Ok((amount, reason.to_owned())),
        _ => Err(errors),
    }
}

/// One change for every selected variant.
#[cfg(feature = "ssr")]
enum Edit {
    Price(Money),
    OnSale(bool),
    Stock(i64, String),
    Drawing(crate::catalog::art::Art),
}

#[cfg(feature = "ssr")]
fn edit_of(form: &VariantChange) -> Result<Edit, Vec<(&'static str, String)>> {
    match form.action {
        BulkAction::SetPrice => check_price(&form.price)
            .map(Edit::Price)
            .map_err(|m| vec![("price", m)]),
        BulkAction::PutOnSale => Ok(Edit::OnSale(true)),
        BulkAction::TakeOffSale => Ok(Edit::OnSale(false)),
        BulkAction::AdjustStock => check_adjustment(&form.change, &form.reason)
            .map(|(amount, reason)| Edit::Stock(amount, reason)),
        BulkAction::UseDrawing => crate::catalog::art::Art::from_slug(&form.art)
            .map(Edit::Drawing)
            .ok_or_else(|| vec![("art", "Choose one of the drawings.".to_owned())]),
    }
}

/// Changes the selected variants of a product at once: their price, whether they are on sale,
/// their stock (added or taken away, with why) or their picture (one of the shop's drawings,
/// in each variant's colour). All or nothing, audited per variant, and once per form: the
/// same submission sent again is refused.
#[server(prefix = "/api/admin", output = Postcard)]
pub async fn change_variants(form: VariantChange) -> Result<FormResult, AppError> {
    let staff = require_role(Role::Admin).await?;
    let typed = [
        ("price", form.price.as_str()),
        ("change", form.change.as_str()),
        ("reason", form.reason.as_str()),
    ];
    if form.selected.is_empty() || form.selected.len() > MAX_SELECTED {
        let message = if form.selected.is_empty() {
            "Select the variants to change first.".to_owned()
        } else {
            format!("Select at most {MAX_SELECTED} variants at once.")
        };
        return correct_fields(vec![("selected", message)], &typed);
    }
    let edit = match edit_of(&form) {
        Ok(edit) => edit,
        Err(errors) => return correct_fields(errors, &typed),
    };
    let state = server_state()?;
    let now = state.clock.unix();
    let mut tx = crate::db::begin(&state.db.pool).await?;
    if let Err(refused) = crate::forms::once::claim(&mut tx, &form.key, now).await? {
        return correct_fields(vec![("key", refused.message().to_owned())], &typed);
    }
    let on_sale_text = |on: bool| if on { "on sale" } else { "not on sale" }.to_owned();
    for sku in form.selected.keys() {
        let before = editor::variant_of(&mut tx, &form.product, sku)
            .await?
            .ok_or(AppError::NotFound)?;
        let (what, was, now_is) = match &edit {
            Edit::Price(price) => {
                editor::update_variant(&mut tx, sku, *price, before.on_sale).await?;
                ("edit variant", before.price.to_string(), price.to_string())
            }
            Edit::OnSale(on) => {
                editor::update_variant(&mut tx, sku, before.price, *on).await?;
                (
                    "edit variant",
                    on_sale_text(before.on_sale),
                    on_sale_text(*on),
                )
            }
            Edit::Stock(amount, reason) => {
                let Some(level) =
                    stock::adjust(&mut tx, sku, *amount, reason, staff.id, now).await?
                else {
                    let message = format!(
                        "Only {} of {sku} in stock: it cannot go below zero. Nothing was changed.",
                        before.stock
                    );
                    return correct_fields(vec![("change", message)], &typed);
                };
                (
                    "adjust stock",
                    before.stock.to_string(),
                    format!("{level} ({amount:+}: {reason})"),
                )
            }
            Edit::Drawing(art) => {
                let image = crate::catalog::art::image_path(*art, before.colour.as_deref());
                editor::set_picture(&mut tx, sku, &image).await?;
                ("change picture", before.image, image)
            }
        };
        audit::record(
            &mut tx,
            &staff,
            Change::new(what, format!("sku {sku}"))
                .before(was)
                .after(now_is),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    catalog_changed()?;
    Ok(FormResult::Done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProductForm {
        ProductForm {
            name: "Slim Case Pro".into(),
            category: "cases".into(),
            tagline: "Thin".into(),
            description: "A thin case.".into(),
            style_label: "Case type".into(),
            low_stock: "5".into(),
        }
    }

    #[test]
    fn a_product_form_needs_every_field_and_a_known_category() {
        assert_eq!(check_product(&form()), Ok((Category::Case, 5)));
        let empty = ProductForm::default();
        let fields: Vec<&str> = check_product(&empty)
            .unwrap_err()
            .iter()
            .map(|(f, _)| *f)
            .collect();
        assert_eq!(
            fields,
            vec![
                "name",
                "tagline",
                "description",
                "style_label",
                "category",
                "low_stock"
            ]
        );
        let long = ProductForm {
            name: "x".repeat(81),
            ..form()
        };
        assert_eq!(check_product(&long).unwrap_err()[0].0, "name");
    }

    #[test]
    fn prices_and_stock_changes_are_checked() {
        assert_eq!(check_price("24.99"), Ok(Money::from_cents(2499)));
        assert!(check_price("1000.01").is_err());
        assert!(check_price("-1").is_err());
        assert_eq!(check_stock_change("+12"), Ok(12));
        assert_eq!(check_stock_change("-3"), Ok(-3));
        assert!(check_stock_change("0").is_err());
        assert!(check_stock_change("1.5").is_err());
        assert!(check_stock_change("1000000").is_err());
    }

    #[test]
    fn an_adjustment_needs_units_and_a_reason() {
        assert_eq!(
            check_adjustment("+20", "  restock "),
            Ok((20, "restock".to_owned()))
        );
        let fields = |result: Result<(i64, String), Vec<(&'static str, String)>>| {
            result
                .unwrap_err()
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(check_adjustment("", "")), ["change", "reason"]);
        assert_eq!(fields(check_adjustment("5", &"x".repeat(201))), ["reason"]);
        assert_eq!(fields(check_adjustment("0", "recount")), ["change"]);
    }

    #[test]
    fn slugs_come_from_names() {
        assert_eq!(slug_from_name("  Slim Case — Pro! "), "slim-case-pro");
        assert_eq!(slug_from_name("!!!"), "");
    }
}
