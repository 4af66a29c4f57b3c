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

/// Asks to change the account's e-mail address (`POST /v1/me/email-change`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeEmailRequest {
    /// The new address; it becomes the account's once the link sent to it is opened.
    #[schema(schema_with = crate::accounts::email_schema)]
    pub email: String,
    /// The account's current password.
    #[schema(min_length = 1, max_length = 512, format = Password, pattern = r#"^[^\x00]*$"#)]
    pub current_password: String,
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

/// A post in the newsletter.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DigestPost {
    pub id: uuid::Uuid,
    pub title: String,
    /// `goods`, `knowledge`, `skills`, `help` or `care` for requests and offers.
    pub category: Option<String>,
    /// For activities.
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub starts_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DigestNeighbourhood {
    pub id: uuid::Uuid,
    pub name: String,
}

/// A neighbourhood's newsletter for one ISO week (Monday to Monday, Amsterdam time): public
/// posts only, at most ten per section.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DigestDto {
    pub neighbourhood: DigestNeighbourhood,
    /// `YYYY-Www`.
    pub week: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub from: chrono::DateTime<chrono::Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub to: chrono::DateTime<chrono::Utc>,
    /// Posted that week, newest first.
    pub news: Vec<DigestPost>,
    /// Activities posted that week.
    pub new_activities: Vec<DigestPost>,
    /// Activities starting within two weeks after it, soonest first.
    pub upcoming_activities: Vec<DigestPost>,
    /// Requests open at the end of the week, newest first.
    pub open_requests: Vec<DigestPost>,
    pub open_offers: Vec<DigestPost>,
    /// Requests neighbours solved that week (matched online).
    pub solved_by_neighbours: crate::stats::StatCount,
    /// Requests solved with mediators that week (offline, or referred to the wijkteam).
    pub solved_by_mediators: crate::stats::StatCount,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DigestParams {
    /// The ISO week, `YYYY-Www`; the current week when left out.
    #[param(pattern = r"^[0-9]{4}-W[0-9]{2}$", example = "2026-W49")]
    pub week: Option<String>,
}
