//! Catalog types shared by server and browser: categories, phone models, products, variants.

use crate::money::Money;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of thing a product is; also the catalog's top-level filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Category {
    Case,
    ScreenProtector,
    Accessory,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::Case,
        Category::ScreenProtector,
        Category::Accessory,
    ];

    /// The stable identifier used in URLs and in the database.
    pub fn slug(self) -> &'static str {
        match self {
            Category::Case => "cases",
            Category::ScreenProtector => "screen-protectors",
            Category::Accessory => "accessories",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.slug() == slug)
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Case => "Phone cases",
            Category::ScreenProtector => "Screen protectors",
            Category::Accessory => "Accessories",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A phone the shop makes products for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneModel {
    pub slug: String,
    pub brand: String,
    pub name: String,
}

/// A product as shown in a listing: the cheapest price and a picture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductSummary {
    pub slug: String,
    pub name: String,
    pub category: Category,
    pub tagline: String,
    pub from_price: Money,
    /// True when every variant has the same price, so "from" is not shown.
    pub single_price: bool,
    pub image: String,
    pub in_stock: bool,
}

/// What a product is, as its page describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductInfo {
    pub slug: String,
    pub name: String,
    pub category: Category,
    pub tagline: String,
    pub description: String,
    /// What the style option is called for this product ("Case type", "Finish", "Length").
    pub style_label: String,
}

/// A product for the product page: what it is, the phones it is made for, and the variants
/// on offer for one of them. Other phones' variants are fetched when the shopper picks one, so
/// the page's cost does not grow with the phones it does not show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductDetail {
    pub info: ProductInfo,
    /// The phone models the product is made for, in catalog order; empty for universal
    /// accessories.
    pub models: Vec<PhoneModel>,
    pub offer: ModelOffer,
}

/// The variants of a product for one phone model (`None`: a product without models).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelOffer {
    pub model: Option<String>,
    pub variants: Vec<Variant>,
}

/// One sellable variant (a SKU): a product for one phone model, style and colour.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub sku: String,
    pub style: Option<String>,
    pub colour: Option<String>,
    pub price: Money,
    pub stock: u32,
    pub image: String,
}

/// A product with every phone model's variants, as the server reads it from the catalog; it
/// answers the product page for any choice of phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductRecord {
    pub info: ProductInfo,
    pub models: Vec<PhoneModel>,
    /// One offer per phone model, in the order of `models`; a single offer without a model for
    /// a product without models.
    pub offers: Vec<ModelOffer>,
}

impl ProductRecord {
    /// The variants for `model`, if the product is made for it.
    pub fn offer(&self, model: Option<&str>) -> Option<&ModelOffer> {
        self.offers.iter().find(|o| o.model.as_deref() == model)
    }

    /// The product page opened on the phone of `sku` when that is one of the product's
    /// variants, else on `model` when the product is made for it, else on the first phone.
    pub fn page_for(&self, model: Option<&str>, sku: Option<&str>) -> ProductDetail {
        let by_sku = sku.and_then(|sku| {
            self.offers
                .iter()
                .find(|o| o.variants.iter().any(|v| v.sku == sku))
        });
        let offer = by_sku
            .or_else(|| model.and_then(|m| self.offer(Some(m))))
            .or_else(|| self.offers.first());
        ProductDetail {
            info: self.info.clone(),
            models: self.models.clone(),
            offer: offer.cloned().unwrap_or_default(),
        }
    }
}

impl Variant {
    pub fn stock_level(&self) -> StockLevel {
        StockLevel::from_units(self.stock)
    }
}

/// How available a variant is, as told to the shopper.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StockLevel {
    OutOfStock,
    /// Few enough left that the shopper should know the number.
    Low(u32),
    InStock,
}

impl StockLevel {
    /// At or below this many units the exact count is shown.
    pub const LOW_THRESHOLD: u32 = 5;

    pub fn from_units(units: u32) -> Self {
        match units {
            0 => StockLevel::OutOfStock,
            n if n <= Self::LOW_THRESHOLD => StockLevel::Low(n),
            _ => StockLevel::InStock,
        }
    }

    pub fn can_buy(self) -> bool {
        !matches!(self, StockLevel::OutOfStock)
    }
}

impl fmt::Display for StockLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StockLevel::OutOfStock => f.write_str("Out of stock"),
            StockLevel::Low(n) => write!(f, "Only {n} left"),
            StockLevel::InStock => f.write_str("In stock"),
        }
    }
}

/// The catalog listing's filters, as carried in the URL query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CatalogFilter {
    pub category: Option<Category>,
    /// A phone model slug: products made for it, plus universal accessories.
    pub model: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_slugs_round_trip() {
        for category in Category::ALL {
            assert_eq!(Category::from_slug(category.slug()), Some(category));
        }
        assert_eq!(Category::from_slug("hats"), None);
    }

    #[test]
    fn stock_levels() {
        assert_eq!(StockLevel::from_units(0), StockLevel::OutOfStock);
        assert_eq!(StockLevel::from_units(1), StockLevel::Low(1));
        assert_eq!(StockLevel::from_units(5), StockLevel::Low(5));
        assert_eq!(StockLevel::from_units(6), StockLevel::InStock);
        assert_eq!(StockLevel::Low(3).to_string(), "Only 3 left");
        assert!(!StockLevel::OutOfStock.can_buy());
        assert!(StockLevel::Low(1).can_buy());
    }
}
