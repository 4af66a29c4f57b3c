//! Devices for push notifications: `POST|GET /v1/me/devices`, `DELETE /v1/me/devices/{id}`.

use actix_web::{HttpResponse, delete, get, post, web};
use buurt_app::devices::{self as app, DeviceRegistration};
use buurt_domain::devices::{AppVersion, Device, DeviceId, DeviceToken, Platform};
use buurt_openapi::devices::{DeviceDto, DeviceList, PlatformDto, RegisterDeviceRequest};
use buurt_openapi::problem::Problem;

use crate::auth::{Authenticated, AuthenticatedLogin};
use crate::http::error::{ApiError, FieldErrors};
use crate::http::extract::Json;
use crate::state::AppState;

fn platform(dto: PlatformDto) -> Platform {
    match dto {
        PlatformDto::Android => Platform::Android,
        PlatformDto::Ios => Platform::Ios,
    }
}

pub(crate) fn dto(device: Device) -> DeviceDto {
    DeviceDto {
        id: device.id.0,
        platform: match device.platform {
            Platform::Android => PlatformDto::Android,
            Platform::Ios => PlatformDto::Ios,
        },
        token: device.token.as_str().to_owned(),
        app_version: device.app_version.map(|v| v.as_str().to_owned()),
        created_at: device.created_at,
        updated_at: device.updated_at,
    }
}

fn registration(body: &RegisterDeviceRequest) -> Result<DeviceRegistration, ApiError> {
    let mut errors = FieldErrors::default();
    let platform = platform(body.platform);
    let token = errors.check("token", DeviceToken::parse(platform, &body.token));
    let app_version = errors.check_optional(
        "app_version",
        body.app_version.as_deref(),
        AppVersion::parse,
    );
    match (token, app_version) {
        (Some(token), Some(app_version)) if errors.is_empty() => Ok(DeviceRegistration {
            platform,
            token,
            app_version,
        }),
        _ => Err(errors.into()),
    }
}

/// Register this device for push notifications.
///
/// Call it after every sign-in and whenever the push service hands the app a new token. The
/// device belongs to the login of the access token used: signing out of that login
/// (`POST /v1/auth/logout`) removes it, and so does the end of the login otherwise (a new
/// password, a suspension, a refresh token replayed, 30 days without a refresh). Registering a
/// token again is harmless (200, the same device, its `app_version` and login brought up to
/// date); a token another account registered before (a shared tablet, say) moves to this
/// account (201). A token the push service reports as unregistered or invalid is removed.
/// An account keeps at most 20 devices: one more forgets the one registered longest ago.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = RegisterDeviceRequest,
    responses(
        (status = 201, description = "Registered.", body = DeviceDto),
        (status = 200, description = "Registered already: brought up to date.", body = DeviceDto),
        (status = 401, description = "`unauthorized`, `invalid_token` or `token_expired`.",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: an unknown `platform`, a `token` \
          that is not a push token of that platform, or an `app_version` too long or with \
          control characters. Nothing was registered.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/me/devices")]
pub async fn register_device(
    state: web::Data<AppState>,
    caller: AuthenticatedLogin,
    body: Json<RegisterDeviceRequest>,
) -> Result<HttpResponse, ApiError> {
    let registration = registration(&body.0)?;
    let (device, created) = state
        .run(move |cx| app::register_device(cx, caller.user_id, caller.login, registration))
        .await?;
    Ok(crate::routes::created_or_ok(created, dto(device)))
}

/// The devices you receive push notifications on.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your devices, oldest first.", body = DeviceList),
        (status = 401, description = "`unauthorized`, `invalid_token` or `token_expired`.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/me/devices")]
pub async fn list_devices(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<web::Json<DeviceList>, ApiError> {
    let devices = state
        .run(move |cx| app::list_devices(cx, caller.user_id))
        .await?;
    Ok(web::Json(DeviceList {
        items: devices.into_iter().map(dto).collect(),
    }))
}

/// Stop push notifications to one of your devices.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The device.")),
    responses(
        (status = 204, description = "Removed."),
        (status = 401, description = "`unauthorized`, `invalid_token` or `token_expired`.",
         body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "You have no such device.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[delete("/v1/me/devices/{id}")]
pub async fn remove_device(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let device = DeviceId(id.into_inner());
    state
        .run(move |cx| app::remove_device(cx, caller.user_id, device))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
