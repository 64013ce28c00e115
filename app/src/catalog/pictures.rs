//! Photos of the products (server only). An admin uploads a photo of a variant; it is checked,
//! decoded and cleaned like a shopper's photo (`photos::uploads`, `photos::images`), fitted
//! on a white square as the shop's cards and product page show pictures, and served to
//! everyone under a random name that never changes, so browsers keep it for a year.

use super::{PICTURE_PATH, PICTURE_UPLOAD_PATH};
use crate::error::AppError;
use crate::identity::session::account_from_headers;
use crate::identity::Role;
use crate::photos::http::{declared_too_large, name_of, refuse, upload_failed};
use crate::photos::images;
use crate::photos::rules::{PhotoFormat, PhotoRefusal};
use crate::photos::uploads::{take_picture, UploadError};
use crate::shop::ServerState;
use crate::tokens::random_hex;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use image::imageops;
use image::{DynamicImage, Rgba, RgbaImage};
use std::io::{BufRead, Seek};

/// The side of a product picture, in pixels: sharp on the product page of a large phone.
pub const PICTURE_SIDE: u32 = 800;

/// A picture's name never changes and names one file, so any cache may keep it.
const PUBLIC_PICTURE: &str = "public, max-age=31536000, immutable";

pub fn routes<S: Clone + Send + Sync + 'static>(state: ServerState) -> Router<S> {
    Router::new()
        .route(&format!("{PICTURE_UPLOAD_PATH}/{{sku}}"), post(upload))
        .route(&format!("{PICTURE_PATH}/{{file}}"), get(serve))
        .with_state(state)
}

/// The address of uploaded picture `id`.
pub fn picture_url(id: &str) -> String {
    format!("{PICTURE_PATH}/{id}.jpg")
}

/// The photo `name` of `format` in `source` as a product picture: decoded within the limits,
/// upright, at most `PICTURE_SIDE` along its longer side, centred on a white square (nothing
/// is cut off, and a transparent background turns white), as a JPEG without metadata.
pub fn product_picture(
    name: &str,
    format: PhotoFormat,
    source: impl BufRead + Seek,
) -> Result<Vec<u8>, PhotoRefusal> {
    let fitted = images::within(images::decode(name, format, source)?, PICTURE_SIDE);
    let side = fitted.width().max(fitted.height());
    let mut square = RgbaImage::from_pixel(side, side, Rgba([255, 255, 255, 255]));
    imageops::overlay(
        &mut square,
        &fitted.to_rgba8(),
        i64::from((side - fitted.width()) / 2),
        i64::from((side - fitted.height()) / 2),
    );
    images::jpeg(&DynamicImage::ImageRgba8(square)).map_err(|_| PhotoRefusal::Unreadable {
        name: name.to_owned(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum PictureError {
    #[error(transparent)]
    Upload(#[from] UploadError),
    #[error(transparent)]
    App(#[from] AppError),
}

/// Takes the photo `name` streaming in as `body` as variant `sku`'s picture, for `staff`.
/// Returns the picture's id.
pub async fn receive<E>(
    state: &ServerState,
    staff: &crate::accounts::model::Customer,
    sku: &str,
    name: &str,
    body: impl futures::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
) -> Result<String, PictureError> {
    // An unknown variant is refused before its photo is read.
    let mut conn = state.db.pool.acquire().await.map_err(AppError::from)?;
    if super::editor::variant(&mut conn, sku)
        .await
        .map_err(AppError::from)?
        .is_none()
    {
        return Err(AppError::NotFound.into());
    }
    drop(conn);
    let (picture, _) = take_picture(&state.photos, name, body, 0, product_picture).await?;
    let id = random_hex(16);
    state
        .photos
        .put_picture(&id, picture)
        .await
        .map_err(UploadError::from)?;
    let changed = change_picture(state, staff, sku, |_| picture_url(&id)).await;
    if let Err(error) = changed {
        let _ = state.photos.remove_picture(&id).await;
        return Err(error.into());
    }
    Ok(id)
}

async fn upload(
    State(state): State<ServerState>,
    Path(sku): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let staff = match account_from_headers(&state, &parts.headers).await {
        Ok(Some(account)) if account.role.includes(Role::Admin) => account,
        Ok(Some(_)) => return refuse(StatusCode::FORBIDDEN, AppError::NotAllowed.to_string()),
        Ok(None) => {
            return refuse(
                StatusCode::UNAUTHORIZED,
                AppError::SignInRequired.to_string(),
            )
        }
        Err(error) => return refuse(error.status(), error.to_string()),
    };
    let name = name_of(&parts.headers);
    if let Some(refusal) = declared_too_large(&state.photos, &name, &parts.headers) {
        return refusal;
    }
    match receive(&state, &staff, &sku, &name, body.into_data_stream()).await {
        Ok(id) => (StatusCode::CREATED, Json(serde_json::json!({ "id": id }))).into_response(),
        Err(PictureError::Upload(error)) => upload_failed(error),
        Err(PictureError::App(error)) => refuse(error.status(), error.to_string()),
    }
}

/// `{id}.jpg`, if `file` names an uploaded picture that way.
fn picture_id(file: &str) -> Option<&str> {
    let id = file.strip_suffix(".jpg")?;
    (id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))).then_some(id)
}

async fn serve(State(state): State<ServerState>, Path(file): Path<String>) -> Response {
    let Some(id) = picture_id(&file) else {
        return (StatusCode::NOT_FOUND, "no such picture").into_response();
    };
    match state.photos.get_picture(id).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, PUBLIC_PICTURE),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "no such picture").into_response(),
        Err(error) => {
            tracing::error!(%error, "a product picture could not be read");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Gives variant `sku` the picture whose address `image` makes from the variant as it is (a
/// drawing in its colour, or an uploaded photo): audited, and the storefront shows it at once.
pub async fn change_picture(
    state: &crate::shop::ServerState,
    staff: &crate::accounts::model::Customer,
    sku: &str,
    image: impl FnOnce(&super::staff::StaffVariant) -> String,
) -> Result<(), AppError> {
    let mut tx = crate::db::begin(&state.db.pool).await?;
    let before = super::editor::variant(&mut tx, sku)
        .await?
        .ok_or(AppError::NotFound)?;
    let image = image(&before);
    super::editor::set_picture(&mut tx, sku, &image).await?;
    crate::audit::record(
        &mut tx,
        staff,
        crate::audit::Change::new("change picture", format!("sku {sku}"))
            .before(before.image)
            .after(image),
        state.clock.unix(),
    )
    .await?;
    tx.commit().await?;
    state.catalog_cache.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_uploaded_pictures_names_are_served() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(picture_id(&format!("{id}.jpg")), Some(id));
        assert_eq!(picture_url(id), format!("/pictures/{id}.jpg"));
        for wrong in [
            "0123456789abcdef0123456789abcdef.png",
            "0123456789ABCDEF0123456789abcdef.jpg",
            "0123456789abcdef.jpg",
            "../claims/0123456789abcdef0123456789abcdef.jpg",
        ] {
            assert_eq!(picture_id(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn a_photo_is_fitted_whole_on_a_white_square() {
        // Red, with a transparent left quarter, which must turn white, not black.
        let wide = RgbaImage::from_fn(1600, 400, |x, _| {
            if x < 400 {
                Rgba([0, 0, 0, 0])
            } else {
                Rgba([200, 30, 30, 255])
            }
        });
        let mut png = Vec::new();
        DynamicImage::ImageRgba8(wide)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        let jpeg =
            product_picture("wide.png", PhotoFormat::Png, std::io::Cursor::new(png)).unwrap();
        let picture = image::load_from_memory(&jpeg).unwrap().to_rgb8();
        assert_eq!(picture.dimensions(), (PICTURE_SIDE, PICTURE_SIDE));
        // Above and below the photo (800 x 200, centred), white; in it, the photo's red.
        let white = |p: &image::Rgb<u8>| p.0.iter().all(|c| *c > 240);
        assert!(white(picture.get_pixel(400, 100)));
        assert!(white(picture.get_pixel(400, 700)));
        let red = picture.get_pixel(400, 400);
        assert!(red.0[0] > 150 && red.0[1] < 80, "{red:?}");
        assert!(white(picture.get_pixel(100, 400)));
    }
}
