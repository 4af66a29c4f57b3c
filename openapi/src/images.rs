//! Images: uploads, and how an image appears on posts and profiles.

use buurt_domain::images::{Image, WIDTHS, variant_size};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// An uploaded image. It was decoded and re-encoded as JPEG (metadata such as EXIF and GPS
/// removed, the camera's orientation applied) at a few fixed widths; fetch the variant that
/// fits the screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImageDto {
    pub id: Uuid,
    /// The uploaded image's width in pixels, after its orientation was applied.
    pub width: u32,
    pub height: u32,
    /// One per fixed width (320, 640 and 1280), narrowest first.
    pub variants: Vec<ImageVariantDto>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

/// One stored size of an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImageVariantDto {
    /// Its real width: the fixed width, or the image's own when it is narrower (images are
    /// never enlarged).
    pub width: u32,
    pub height: u32,
    /// `/v1/images/{id}/{fixed width}`: a JPEG, for whoever may see the image (send the
    /// access token as for any other request).
    #[schema(example = "/v1/images/6b1f0f1e-9c49-4f0e-8f55-0c1e1ad7b1a0/640")]
    pub url: String,
}

impl From<&Image> for ImageDto {
    fn from(image: &Image) -> Self {
        Self {
            id: image.id.0,
            width: image.width,
            height: image.height,
            variants: WIDTHS
                .iter()
                .map(|&fixed| {
                    let (width, height) = variant_size(image.width, image.height, fixed);
                    ImageVariantDto {
                        width,
                        height,
                        url: format!("/v1/images/{}/{fixed}", image.id),
                    }
                })
                .collect(),
            created_at: image.created_at,
        }
    }
}

/// An image's bytes (a request or response body of its own, not JSON).
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct ImageBytes(pub Vec<u8>);

/// The body of `POST /v1/uploads` as a form: the image in the part named `file`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// A JPEG, PNG or WebP image of at most 10 MiB.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
}
