//! The rules a warranty claim's photos must meet, before any decoding: what the bytes say the
//! file is (never its name or the browser's word), how large one file and a whole claim may
//! be, and how many photos a claim takes. Decoding, pixel limits and re-encoding come after,
//! on the server.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The picture formats a claim accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    WebP,
}

impl PhotoFormat {
    /// The format the first bytes of a file announce, if it is one of ours. A dozen bytes are
    /// enough; fewer never match.
    pub fn sniff(head: &[u8]) -> Option<PhotoFormat> {
        const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(PhotoFormat::Jpeg)
        } else if head.starts_with(PNG) {
            Some(PhotoFormat::Png)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(PhotoFormat::WebP)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Png => "image/png",
            PhotoFormat::WebP => "image/webp",
        }
    }
}

/// How much a claim may upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoLimits {
    /// Bytes in one file.
    pub per_file: u64,
    /// Bytes in all of a claim's files together.
    pub per_claim: u64,
}

/// The policy: a claim shows the defect in at least two photos.
pub const MIN_PHOTOS: usize = 2;
/// More than this is never needed to show a defect.
pub const MAX_PHOTOS: usize = 8;

impl Default for PhotoLimits {
    /// 10 MB a photo (a phone camera's largest), 40 MB a claim.
    fn default() -> Self {
        PhotoLimits {
            per_file: 10 * 1024 * 1024,
            per_claim: 40 * 1024 * 1024,
        }
    }
}

/// Why a photo, or a claim's set of photos, is refused. Each says what to do.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum PhotoRefusal {
    #[error(
        "{name} is not a JPEG, PNG or WebP picture. Choose a photo from your camera or gallery."
    )]
    NotAPicture { name: String },
    #[error("{name} is larger than {limit_mb} MB. Choose a smaller photo, or take it again at a lower resolution.")]
    TooLarge { name: String, limit_mb: u64 },
    #[error(
        "Together the photos are larger than {limit_mb} MB. Remove one, or send smaller ones."
    )]
    ClaimTooLarge { limit_mb: u64 },
    #[error("Add at least {MIN_PHOTOS} photos that show the defect.")]
    TooFew,
    #[error("A claim takes at most {MAX_PHOTOS} photos. Remove one.")]
    TooMany,
    #[error("{name} could not be read as a picture: it may be damaged or cut short. Choose it again, or take a new photo.")]
    Unreadable { name: String },
    #[error("{name} has more than {max_side} pixels along one side. Take it again at a lower resolution.")]
    TooManyPixels { name: String, max_side: u32 },
}

fn megabytes(bytes: u64) -> u64 {
    bytes / (1024 * 1024)
}

impl PhotoLimits {
    /// Checks one file named `name` whose first bytes are `head` and whose size is `size`
    /// (so far, while it streams in), with `claim_so_far` bytes already taken by the claim.
    pub fn check_file(
        &self,
        name: &str,
        head: &[u8],
        size: u64,
        claim_so_far: u64,
    ) -> Result<PhotoFormat, PhotoRefusal> {
        let format = PhotoFormat::sniff(head).ok_or_else(|| PhotoRefusal::NotAPicture {
            name: name.to_owned(),
        })?;
        if size > self.per_file {
            return Err(PhotoRefusal::TooLarge {
                name: name.to_owned(),
                limit_mb: megabytes(self.per_file),
            });
        }
        if claim_so_far.saturating_add(size) > self.per_claim {
            return Err(PhotoRefusal::ClaimTooLarge {
                limit_mb: megabytes(self.per_claim),
            });
        }
        Ok(format)
    }
}

/// Checks how many valid photos a claim has.
pub fn check_count(photos: usize) -> Result<(), PhotoRefusal> {
    match photos {
        n if n < MIN_PHOTOS => Err(PhotoRefusal::TooFew),
        n if n > MAX_PHOTOS => Err(PhotoRefusal::TooMany),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_decide_the_format_whatever_the_name() {
        assert_eq!(
            PhotoFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F']),
            Some(PhotoFormat::Jpeg)
        );
        assert_eq!(
            PhotoFormat::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(PhotoFormat::Png)
        );
        assert_eq!(
            PhotoFormat::sniff(b"RIFF\x24\0\0\0WEBPVP8 "),
            Some(PhotoFormat::WebP)
        );
        // A text file named .jpg, a GIF, a RIFF that is a WAV, and too few bytes to tell.
        for other in [
            &b"hello, this is not a photo"[..],
            b"GIF89a\x01\0\x01\0",
            b"RIFF\x24\0\0\0WAVEfmt ",
            b"\xFF\xD8",
            b"RIFF\0\0\0\0WEB",
            b"",
        ] {
            assert_eq!(PhotoFormat::sniff(other), None, "{other:?}");
        }
    }

    #[test]
    fn a_file_over_its_limit_or_the_claims_is_refused_with_which_and_why() {
        let limits = PhotoLimits::default();
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0];
        assert_eq!(
            limits.check_file("crack.jpg", &jpeg, limits.per_file, 0),
            Ok(PhotoFormat::Jpeg)
        );
        let big = limits
            .check_file("huge.jpg", &jpeg, limits.per_file + 1, 0)
            .unwrap_err();
        assert_eq!(
            big,
            PhotoRefusal::TooLarge {
                name: "huge.jpg".into(),
                limit_mb: 10
            }
        );
        assert!(big.to_string().starts_with("huge.jpg is larger than 10 MB"));
        assert_eq!(
            limits.check_file("last.jpg", &jpeg, 2, limits.per_claim - 1),
            Err(PhotoRefusal::ClaimTooLarge { limit_mb: 40 })
        );
        assert_eq!(
            limits.check_file("notes.jpg", b"plain text", 10, 0),
            Err(PhotoRefusal::NotAPicture {
                name: "notes.jpg".into()
            })
        );
    }

    #[test]
    fn a_claim_takes_two_to_eight_photos() {
        assert_eq!(check_count(0), Err(PhotoRefusal::TooFew));
        assert_eq!(check_count(1), Err(PhotoRefusal::TooFew));
        assert_eq!(check_count(MIN_PHOTOS), Ok(()));
        assert_eq!(check_count(MAX_PHOTOS), Ok(()));
        assert_eq!(check_count(MAX_PHOTOS + 1), Err(PhotoRefusal::TooMany));
        assert_eq!(
            PhotoRefusal::TooFew.to_string(),
            "Add at least 2 photos that show the defect."
        );
    }
}
