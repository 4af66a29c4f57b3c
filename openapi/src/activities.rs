//! RSVPs, the waitlist, check-ins and organisers of activities.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `going` while there is room, `waitlisted` after; a cancellation by someone going moves the
/// first on the waitlist up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RsvpStatusDto {
    Going,
    Waitlisted,
}

/// One's own answer for an activity.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RsvpDto {
    pub post_id: Uuid,
    pub user_id: Uuid,
    pub status: RsvpStatusDto,
    /// For the waitlist: how many are before you (0 when going).
    pub waitlist_ahead: u64,
    /// For a recurring activity: the day of the occurrence answered for; `null` otherwise.
    pub occurrence: Option<chrono::NaiveDate>,
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub checked_in_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

/// Someone coming, as organisers see them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttendeeDto {
    pub user_id: Uuid,
    pub display_name: String,
    pub status: RsvpStatusDto,
    /// When they were checked in; `null` until they came.
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub checked_in_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::moment::write")]
    pub answered_at: DateTime<Utc>,
    /// When they were put on the waitlist, kept after they moved up; `null` if they never
    /// waited.
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub waitlisted_at: Option<DateTime<Utc>>,
}

/// Who comes to an activity (organisers only).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttendeeList {
    /// In the order they answered.
    pub going: Vec<AttendeeDto>,
    /// In the order they move up.
    pub waitlist: Vec<AttendeeDto>,
    /// Places; `null` for no limit.
    pub capacity: Option<u32>,
    pub checked_in: usize,
}

/// Check someone in: they came.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    pub user_id: Uuid,
}

/// Add a co-organiser (the author only).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddOrganiserRequest {
    pub user_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganiserDto {
    pub post_id: Uuid,
    pub user_id: Uuid,
}

/// A new capacity: raising it moves the waitlist up; below the number going is refused.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCapacityRequest {
    /// `null` for no limit.
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CapacityDto {
    pub capacity: Option<u32>,
    pub going: u64,
    pub waitlisted: u64,
}

/// Which occurrence of a recurring activity (issue 20).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OccurrenceParams {
    /// The day (in the Netherlands) of the occurrence: required for a recurring activity,
    /// absent otherwise. Each occurrence has its own places and waitlist.
    #[param(value_type = Option<String>, format = Date)]
    pub occurrence: Option<chrono::NaiveDate>,
}
