//! Reaching people outside the app: notification settings, password reset, e-mail
//! verification, one-click unsubscribe.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// How often the neighbourhood newsletter comes by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DigestFrequencyDto {
    Never,
    Weekly,
    Daily,
}

/// Local times in Europe/Amsterdam (`HH:MM`) between which push waits; may run past midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursDto {
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "22:00")]
    pub start: String,
    #[schema(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "07:00")]
    pub end: String,
}

/// The channels one notification kind goes out on. The in-app inbox always gets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelChoice {
    /// A notification kind (see `NotificationDto.kind`).
    pub kind: String,
    pub push: bool,
    pub email: bool,
}

/// What reaches the user where, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NotificationSettingsDto {
    /// Push waits during these hours (deferred, not dropped); `null`: no quiet hours.
    /// Default 22:00–07:00.
    pub quiet_hours: Option<QuietHoursDto>,
    /// Default `weekly`.
    pub digest: DigestFrequencyDto,
    /// Every known notification kind with its channels. Defaults: push for every kind; e-mail
    /// for `match_proposed`, `match_accepted`, `match_cancelled`, `post_expiring`,
    /// `rsvp_promoted`, `case_claimed`, `case_resolved`.
    pub channels: Vec<ChannelChoice>,
}

/// A change to the settings: fields left out stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateNotificationSettings {
    /// `null` turns quiet hours off.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<QuietHoursDto>)]
    pub quiet_hours: Option<Option<QuietHoursDto>>,
    pub digest: Option<DigestFrequencyDto>,
    /// Kinds listed are set as given; unlisted kinds stay as they are.
    pub channels: Option<Vec<ChannelChoice>>,
}

/// Asks for a password-reset e-mail.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    #[schema(max_length = 254)]
    pub email: String,
}

/// Sets a new password with the token from a reset e-mail.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    #[schema(max_length = 200)]
    pub token: String,
    /// At least 10 characters (any, but NUL).
    #[schema(min_length = 10, max_length = 512, format = Password, pattern = r#"^[^\x00]*$"#)]
    pub new_password: String,
}

/// The token from a verification e-mail.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyEmailRequest {
    #[schema(max_length = 200)]
    pub token: String,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnsubscribeParams {
    /// The token from the e-mail's unsubscribe link.
    pub token: String,
}
