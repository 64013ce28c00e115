//! What the shop keeps of an uploaded photo. It is decoded within pixel limits (a small file
//! that announces a huge picture is refused before its pixels are allocated), turned upright
//! as the camera meant, and encoded again as JPEG from its pixels alone, so its location and
//! every other piece of metadata stay behind. A thumbnail for lists comes with it.

use super::rules::{PhotoFormat, PhotoRefusal};
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::{BufRead, Seek, SeekFrom};

/// The most pixels along either side: more than any phone camera takes.
pub const MAX_SIDE: u32 = 12_000;
/// The memory one decode may claim: a 48-megapixel camera's photo fits.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// The long side of a kept photo: enough to see a crack or a lifted edge, and a fraction of a
/// camera's original.
pub const KEPT_SIDE: u32 = 2048;
/// The long side of a thumbnail.
pub const THUMB_SIDE: u32 = 320;
const QUALITY: u8 = 85;

/// A photo as stored: the kept picture and its thumbnail, both JPEG.
#[derive(Debug)]
pub struct Processed {
    pub photo: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Decodes the photo `name` of `format` from `source`, checks it, and encodes what is kept.
/// CPU-bound: run it off the async workers.
pub fn process(
    name: &str,
    format: PhotoFormat,
    source: impl BufRead + Seek,
) -> Result<Processed, PhotoRefusal> {
    let unreadable = || PhotoRefusal::Unreadable {
        name: name.to_owned(),
    };
    let kept = within(decode(name, format, source)?, KEPT_SIDE);
    let thumb = kept.resize(THUMB_SIDE, THUMB_SIDE, FilterType::Triangle);
    Ok(Processed {
        width: kept.width(),
        height: kept.height(),
        photo: jpeg(&kept).map_err(|_| unreadable())?,
        thumb: jpeg(&thumb).map_err(|_| unreadable())?,
    })
}

/// `picture`, made smaller if either side is longer than `side`.
pub fn within(picture: DynamicImage, side: u32) -> DynamicImage {
    if picture.width().max(picture.height()) > side {
        picture.resize(side, side, FilterType::Triangle)
    } else {
        picture
    }
}

/// The picture `name` of `format` in `source`, decoded within the limits and turned upright.
pub fn decode(
    name: &str,
    format: PhotoFormat,
    mut source: impl BufRead + Seek,
) -> Result<DynamicImage, PhotoRefusal> {
    let unreadable = || PhotoRefusal::Unreadable {
        name: name.to_owned(),
    };
    // A JPEG cut short still decodes, grey where its end is missing: it must end as JPEGs do.
    if format == PhotoFormat::Jpeg && !ends_with(&mut source, &[0xFF, 0xD9]) {
        return Err(unreadable());
    }
    source.seek(SeekFrom::Start(0)).map_err(|_| unreadable())?;
    let mut reader = ImageReader::with_format(source, image_format(format));
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits.clone());
    let too_big = |error: &image::ImageError| matches!(error, image::ImageError::Limits(_));
    let refusal = |error: image::ImageError| {
        if too_big(&error) {
            PhotoRefusal::TooManyPixels {
                name: name.to_owned(),
                max_side: MAX_SIDE,
            }
        } else {
            unreadable()
        }
    };
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    // The decoder checks the sides; the memory the pixels would take is checked here, from
    // the header alone, before any is allocated.
    limits.reserve(decoder.total_bytes()).map_err(refusal)?;
    let orientation = decoder.orientation().map_err(refusal)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    picture.apply_orientation(orientation);
    Ok(picture)
}

fn image_format(format: PhotoFormat) -> ImageFormat {
    match format {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
        PhotoFormat::WebP => ImageFormat::WebP,
    }
}

/// True if the last bytes of `source` are `tail`.
fn ends_with(source: &mut (impl BufRead + Seek), tail: &[u8]) -> bool {
    let mut last = vec![0; tail.len()];
    source
        .seek(SeekFrom::End(-(tail.len() as i64)))
        .and_then(|_| source.read_exact(&mut last))
        .is_ok_and(|()| last == tail)
}

/// `picture` as a JPEG of its pixels and nothing else (a PNG's transparency is dropped).
pub fn jpeg(picture: &DynamicImage) -> image::ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
    picture.to_rgb8().write_with_encoder(encoder)?;
    Ok(out)
}
