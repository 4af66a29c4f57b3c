//! Images: photos on posts and activities, and avatars. Uploads are decoded and re-encoded
//! at a few fixed widths (never served as uploaded); this module holds the rules that need no
//! codec.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::posts::PostId;

/// An image's id: random, so ids cannot be enumerated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ImageId(pub Uuid);

impl ImageId {
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }
}

impl Default for ImageId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for ImageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The widths every image is stored at, in pixels: a thumbnail in a list, a phone's screen,
/// a tablet's or a desktop's. An image narrower than one of them is stored at its own width
/// there (never enlarged).
pub const WIDTHS: [u32; 3] = [320, 640, 1280];

/// The most images one post carries.
pub const MAX_PER_POST: usize = 6;

/// The largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The most pixels an upload may decode to (a 48-megapixel phone photo fits): a small file
/// that claims more is a decompression bomb.
pub const MAX_PIXELS: u64 = 50_000_000;

/// The longest side an upload may have.
pub const MAX_SIDE: u32 = 12_000;

/// The size of the variant of a `width` × `height` image at the fixed width `target`: scaled
/// down to `target` wide keeping the aspect ratio, never enlarged, never below one pixel.
pub fn variant_size(width: u32, height: u32, target: u32) -> (u32, u32) {
    if width <= target {
        return (width, height);
    }
    let scaled = (u64::from(height) * u64::from(target) + u64::from(width) / 2) / u64::from(width);
    (target, u32::try_from(scaled.max(1)).unwrap_or(u32::MAX))
}

/// Whether `width` is one of the fixed widths an image is served at.
pub fn is_served_width(width: u32) -> bool {
    WIDTHS.contains(&width)
}

/// Where an image is shown, which decides who may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImagePlace {
    /// Not attached yet: only its uploader sees it.
    Unattached,
    /// On a post (an activity is one): whoever may see the post.
    Post { post_id: PostId, position: u32 },
    /// Someone's avatar: as their profile.
    Avatar(UserId),
}

/// An uploaded image, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub id: ImageId,
    pub uploader_id: UserId,
    /// The upload's size after its orientation was applied.
    pub width: u32,
    pub height: u32,
    pub place: ImagePlace,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_scale_down_keeping_the_aspect_ratio() {
        assert_eq!(variant_size(4000, 3000, 320), (320, 240));
        assert_eq!(variant_size(4000, 3000, 1280), (1280, 960));
        assert_eq!(variant_size(1000, 3, 320), (320, 1));
        assert_eq!(
            variant_size(5000, 1, 320),
            (320, 1),
            "never below one pixel"
        );
    }

    #[test]
    fn variants_are_never_enlarged() {
        assert_eq!(variant_size(200, 100, 320), (200, 100));
        assert_eq!(variant_size(640, 480, 640), (640, 480));
    }

    #[test]
    fn only_the_fixed_widths_are_served() {
        assert!(WIDTHS.iter().all(|width| is_served_width(*width)));
        assert!(!is_served_width(321));
        assert!(!is_served_width(0));
    }
}
