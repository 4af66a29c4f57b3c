//! Images: uploading one (`POST /v1/uploads`) and fetching its variants. The handlers
//! translate; decoding is `crate::images::process` (on the imaging pool), the bytes are kept
//! in `crate::images::ImageStore`, and whose an image is and who may see it is
//! `buurt_app::images`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use buurt_app::images as app;
use buurt_domain::images::{ImageId, MAX_UPLOAD_BYTES, is_served_width};
use buurt_openapi::images::{ImageBytes, ImageDto, UploadForm};
use buurt_openapi::problem::Problem;
use futures_util::StreamExt;

use crate::auth::{Authenticated, Caller};
use crate::http::error::{ApiError, ErrorCode};
use crate::http::etag::none_match;
use crate::http::extract::{declared_length, media_type, read_body};
use crate::images::process::{Refusal, process};
use crate::state::AppState;

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        ApiError::Refused(match refusal {
            Refusal::UnsupportedType => ErrorCode::UnsupportedImageType,
            Refusal::Unreadable => ErrorCode::ImageUnreadable,
            Refusal::TooLarge => ErrorCode::ImageTooLarge,
        })
    }
}

/// Upload an image (any signed-in user), to attach to a post (`image_ids`) or as one's avatar
/// (`PATCH /v1/me` `avatar_image_id`).
///
/// Send the image as the body (`Content-Type: image/jpeg`, `image/png` or `image/webp`), or
/// as `multipart/form-data` with the image in the part named `file`. At most 10 MiB. The type
/// is read from the bytes themselves: JPEG, PNG and WebP are accepted; HEIC/HEIF is not (send
/// it as JPEG). The image is decoded and re-encoded as JPEG at the widths 320, 640 and 1280
/// (never enlarged), upright, with transparency on white: nothing of the file but its pixels
/// is kept (no EXIF, no GPS position). Until attached, only its uploader can see it.
#[utoipa::path(
    tag = "images",
    security(("bearer" = [])),
    request_body(
        description = "The image: the raw bytes, or a form with the part `file`.",
        content(
            (ImageBytes = "image/jpeg"),
            (ImageBytes = "image/png"),
            (ImageBytes = "image/webp"),
            (UploadForm = "multipart/form-data"),
        ),
    ),
    responses(
        (status = 201, description = "Stored: the image and its variants.", body = ImageDto,
         headers(("location" = String, description = "The widest variant, `/v1/images/{id}/1280`."))),
        (status = 400, description = "`no_image`: an empty body, or a form without the part \
          `file`. `bad_request`: a form that cannot be read.", body = Problem,
         content_type = "application/problem+json"),
        (status = 401, description = "Not signed in.", body = Problem,
         content_type = "application/problem+json"),
        (status = 413, description = "`payload_too_large`: over 10 MiB.", body = Problem,
         content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_image_type`: not a JPEG, PNG or WebP image \
          (HEIC/HEIF included), or a body declared as something other than an image or a form.",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`image_unreadable`: damaged, truncated, or not what it \
          claims to be. `image_too_large`: more than 50 megapixels or 12000 pixels a side (a \
          decompression bomb). Nothing is stored.", body = Problem,
         content_type = "application/problem+json"),
        (status = 503, description = "`server_busy`: too many images are being processed; try \
          again after `Retry-After` seconds.", body = Problem,
         content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[post("/v1/uploads")]
pub async fn create_upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let media = media_type(&req);
    let bytes = if media == "multipart/form-data" {
        form_file(&req, payload).await?
    } else if media.is_empty() || media.starts_with("image/") || media == "application/octet-stream"
    {
        let mut payload = payload.into_inner();
        read_body(&mut payload, declared_length(&req), MAX_UPLOAD_BYTES)
            .await?
            .to_vec()
    } else {
        return Err(ApiError::Refused(ErrorCode::UnsupportedImageType));
    };
    if bytes.is_empty() {
        return Err(ApiError::Refused(ErrorCode::NoImage));
    }
    let processed = state
        .image(move || {
            // A codec that panics on a hostile file must not take an image thread with it.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| process(&bytes)))
                .unwrap_or(Err(Refusal::Unreadable))
        })
        .await??;
    let id = ImageId::new();
    for (width, jpeg) in processed.variants {
        state
            .images
            .put(id, width, jpeg)
            .await
            .map_err(ApiError::internal)?;
    }
    let size = (processed.width, processed.height);
    let image = state
        .run(move |cx| app::record_upload(cx, caller.user_id, id, size))
        .await?;
    let dto = ImageDto::from(&image);
    let widest = dto.variants.last().map(|variant| variant.url.clone());
    let mut response = HttpResponse::Created();
    if let Some(widest) = widest {
        response.insert_header((header::LOCATION, widest));
    }
    Ok(response.json(dto))
}

/// The part `file` of a form, at most [`MAX_UPLOAD_BYTES`].
async fn form_file(req: &HttpRequest, payload: web::Payload) -> Result<Vec<u8>, ApiError> {
    let malformed = |_| ApiError::Refused(ErrorCode::BadRequest);
    let mut form = actix_multipart::Multipart::new(req.headers(), payload.into_inner());
    while let Some(field) = form.next().await {
        let mut field = field.map_err(malformed)?;
        if field.name() != Some("file") {
            // Other parts are read past, not kept.
            while let Some(chunk) = field.next().await {
                chunk.map_err(malformed)?;
            }
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(malformed)?;
            if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                return Err(ApiError::PayloadTooLarge {
                    limit: MAX_UPLOAD_BYTES,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok(bytes);
    }
    Err(ApiError::Refused(ErrorCode::NoImage))
}

/// One variant of an image, as JPEG, for whoever may see the image (404 for everyone else).
///
/// On a post: whoever may see the post. An avatar: its owner, their neighbours (active
/// members of a neighbourhood the owner is an active member of) and administrators. Not
/// attached to anything: its uploader only. An image's variants never change: the answer may
/// be kept by the caller for a year (`Cache-Control: private, max-age=31536000, immutable`;
/// no shared cache, as who may see it can change) and has a strong `ETag` for
/// `If-None-Match`.
#[utoipa::path(
    tag = "images",
    security((), ("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The image's id."),
        ("width" = u32, Path, description = "A fixed width: 320, 640 or 1280 (404 otherwise)."),
    ),
    responses(
        (status = 200, description = "The JPEG.", content_type = "image/jpeg", body = ImageBytes,
         headers(
             ("etag" = String, description = "For `If-None-Match`."),
             ("cache-control" = String, description = "`private, max-age=31536000, immutable`"),
         )),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
        (status = 401, description = "An invalid token was sent.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/images/{id}/{width}")]
pub async fn get_image(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(uuid::Uuid, u32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, width) = path.into_inner();
    if !is_served_width(width) {
        return Err(ApiError::NotFound);
    }
    let id = ImageId(id);
    let as_user = match caller {
        Caller::User(user) => Some(user),
        Caller::Anonymous | Caller::Machine(_) => None,
    };
    state
        .run(move |cx| app::readable_image(cx, as_user, id))
        .await?;
    // Immutable: the id and width name the bytes for good.
    let tag = format!("\"{id}-{width}\"");
    let cache = (
        header::CACHE_CONTROL,
        "private, max-age=31536000, immutable",
    );
    if none_match(&req, &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .insert_header(cache)
            .finish());
    }
    let bytes = state
        .images
        .get(id, width)
        .await
        .map_err(ApiError::internal)?
        .ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("image/jpeg")
        .insert_header((header::ETAG, tag))
        .insert_header(cache)
        .body(bytes))
}
