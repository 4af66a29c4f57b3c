//! Devices that receive push notifications.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A device's operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PlatformDto {
    Android,
    Ios,
}

/// A device to receive push notifications on.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "platform": "android",
    "token": "dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx_Kp8FmWq3TQXlHxp0Dv1vLqW",
    "app_version": "2.4.1 (318)"
}))]
pub struct RegisterDeviceRequest {
    pub platform: PlatformDto,
    /// The push token: on `android` the FCM registration token (letters, digits, `-`, `_`,
    /// `:`; 32 to 4096 characters); on `ios` the APNs device token (an even number of
    /// hexadecimal digits, 64 to 200), or the FCM registration token when the app is built
    /// with Firebase. An APNs token goes out through APNs, every other token through FCM.
    #[schema(
        min_length = 32,
        max_length = 4096,
        pattern = r"^\s*[A-Za-z0-9_:-]+\s*$"
    )]
    pub token: String,
    /// The app's version, as the app shows it (at most 64 characters).
    #[serde(default)]
    #[schema(max_length = 64)]
    pub app_version: Option<String>,
}

/// A device of the signed-in user.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeviceDto {
    pub id: Uuid,
    pub platform: PlatformDto,
    /// As registered (an APNs token in lower case).
    pub token: String,
    pub app_version: Option<String>,
    /// When the token was first registered (for this user).
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    /// When it was last registered again.
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeviceList {
    /// Oldest first; at most 20.
    pub items: Vec<DeviceDto>,
}
