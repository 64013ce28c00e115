//! The catalog: phone models, products and variants; browsing, filtering and the product page.

pub mod api;
pub mod art;
pub mod model;
pub mod pages;
pub mod staff;
pub mod variant_picker;

#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
pub mod demo;
#[cfg(feature = "ssr")]
pub mod editor;
#[cfg(feature = "ssr")]
pub mod pictures;
#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod stock;

/// Where an admin sends a photo of a variant (POST `…/{sku}`, the file as the body).
pub const PICTURE_UPLOAD_PATH: &str = "/uploads/pictures";
/// Where uploaded product pictures are served, to everyone: `…/{id}.jpg`.
pub const PICTURE_PATH: &str = "/pictures";
