//! Shoppers' and staff's photos, a shared service: the rules a photo meets (`rules`), its
//! streamed upload into a form's draft (`uploads`, `http`), its cleaning (`images`), where it
//! is kept (`storage`), the browser's side of the upload (`upload_client`) and the picker and
//! gallery the forms show (`picker`). Warranty claims, delivery-problem reports, ticket
//! replies and product pictures all use it.

pub mod picker;
pub mod rules;
#[cfg(feature = "hydrate")]
pub mod upload_client;

#[cfg(feature = "ssr")]
pub mod http;
#[cfg(feature = "ssr")]
pub mod images;
#[cfg(feature = "ssr")]
pub mod storage;
#[cfg(feature = "ssr")]
pub mod uploads;

/// Where a claim or delivery-problem form sends each photo (POST) and removes one (DELETE
/// `…/{id}`).
pub const UPLOAD_PATH: &str = "/uploads/photos";
/// The header naming the form's draft key.
pub const DRAFT_HEADER: &str = "x-photo-draft";
/// The header carrying the file's name (percent-encoded), for messages about it.
pub const NAME_HEADER: &str = "x-photo-name";
/// A stored photo; `/thumb` after it for its thumbnail.
pub const PHOTO_PATH: &str = "/photos";

/// The address of photo `id` (its thumbnail if `thumb`), opened by the claim's private `key`
/// for a guest.
pub fn photo_url(id: &str, thumb: bool, key: Option<&str>) -> String {
    let size = if thumb { "/thumb" } else { "" };
    match key {
        Some(key) => format!("{PHOTO_PATH}/{id}{size}?key={key}"),
        None => format!("{PHOTO_PATH}/{id}{size}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_addresses_name_the_thumbnail_and_the_private_key() {
        assert_eq!(photo_url("abc", true, None), "/photos/abc/thumb");
        assert_eq!(photo_url("abc", false, Some("k")), "/photos/abc?key=k");
    }
}
