//! The catalog as the staff editor shows it: the product list, one product with its
//! variants and stock history, the product form, and the variants running low. Plain types
//! shared by the storage (`editor`) and the staff pages.

use super::model::{Category, PhoneModel};
use crate::money::Money;
use serde::{Deserialize, Serialize};

/// A product in the staff list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffProductRow {
    pub slug: String,
    pub name: String,
    pub category: Category,
    pub hidden: bool,
    pub variants: u32,
    pub stock: i64,
    /// Variants on sale at or below the product's low-stock threshold.
    pub low_variants: u32,
}

/// One variant as staff edit it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffVariant {
    pub sku: String,
    pub model: Option<String>,
    pub style: Option<String>,
    pub colour: Option<String>,
    pub price: Money,
    pub stock: i64,
    pub on_sale: bool,
    pub image: String,
}

/// One change of stock, as the history lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovementRow {
    pub sku: String,
    pub change: i64,
    pub reason: String,
    pub order_number: Option<String>,
    pub note: String,
    pub by: Option<String>,
    pub at: i64,
}

/// What a product's text says, as its form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductForm {
    pub name: String,
    pub category: String,
    pub tagline: String,
    pub description: String,
    pub style_label: String,
    pub low_stock: String,
}

/// A product as staff edit it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffProduct {
    pub slug: String,
    pub form: ProductForm,
    pub hidden: bool,
    pub low_stock_threshold: u32,
    pub variants: Vec<StaffVariant>,
    /// The latest movements of its variants' stock, newest first.
    pub movements: Vec<StockMovementRow>,
    /// For the new-variant form.
    pub models: Vec<PhoneModel>,
}

/// Movements listed on a product's page.
pub const MOVEMENTS_SHOWN: u32 = 30;

/// A variant on sale at or below its product's low-stock threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LowStock {
    pub sku: String,
    pub product: String,
    pub slug: String,
    pub options: String,
    pub stock: i64,
    pub threshold: i64,
}

/// What staff do at once to the variants they selected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    SetPrice,
    PutOnSale,
    TakeOffSale,
    AdjustStock,
    UseDrawing,
}

/// The selection form: the product, the variants ticked (`selected[SKU]=on`, so a browser
/// without scripts sends the same), the button pressed and its fields, and the form's key, so
/// a stock adjustment sent twice is applied once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantChange {
    pub product: String,
    pub key: String,
    pub action: BulkAction,
    #[serde(default)]
    pub selected: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub change: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub art: String,
}
