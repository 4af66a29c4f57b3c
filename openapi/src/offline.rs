//! Intake on behalf (issue 20): offline residents, their claim codes, and the call list.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// How the resident gave the mediator their consent to be registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethodDto {
    Phone,
    InPerson,
    Paper,
}

impl ConsentMethodDto {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::InPerson => "in_person",
            Self::Paper => "paper",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Phone, Self::InPerson, Self::Paper]
            .into_iter()
            .find(|m| m.as_str() == raw)
    }
}

/// Register an offline resident: a neighbour without an account (or not yet) whom the
/// mediators help through Buurt. A phone number or a postal address (at least one) is how the
/// mediators reach them; the postcode must lie in the neighbourhood.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "display_name": "Mevrouw Jansen", "phone": "030 123 4567", "postcode": "3511AB",
    "languages": ["nl"], "consent_method": "phone", "consent_given_at": "2026-12-01T10:00:00.000000Z"
}))]
pub struct CreateOfflineResidentRequest {
    #[schema(min_length = 1, max_length = 60)]
    pub display_name: String,
    /// Digits with an optional leading `+`, spaces, dashes and brackets; 6 to 15 digits.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub phone: Option<String>,
    /// Street, number and town; several lines are fine.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub postal_address: Option<String>,
    /// A Dutch postcode (`1234AB`) inside the neighbourhood.
    pub postcode: String,
    /// ISO 639-1 codes; at most 10.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub languages: Vec<String>,
    pub consent_method: ConsentMethodDto,
    /// When the resident consented: not in the future.
    #[serde(deserialize_with = "crate::moment::in_range")]
    #[serde(serialize_with = "crate::moment::write")]
    pub consent_given_at: DateTime<Utc>,
}

/// Correct an offline resident's record. Absent fields stay; `null` clears the phone number or
/// the postal address (one of them must remain).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOfflineResidentRequest {
    #[serde(default)]
    #[schema(min_length = 1, max_length = 60)]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>, max_length = 20)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub postal_address: Option<Option<String>>,
    #[serde(default)]
    pub postcode: Option<String>,
    #[serde(default)]
    #[schema(max_items = 10)]
    pub languages: Option<Vec<String>>,
    #[serde(default)]
    pub consent_method: Option<ConsentMethodDto>,
    #[serde(default, deserialize_with = "crate::moment::optional")]
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub consent_given_at: Option<DateTime<Utc>>,
}

/// An offline resident, as the mediators of their neighbourhood see them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfflineResidentDto {
    /// Their user id: the author of the requests filed for them.
    pub id: Uuid,
    pub neighbourhood_id: Uuid,
    pub display_name: String,
    pub phone: Option<String>,
    pub postal_address: Option<String>,
    pub postcode: String,
    pub languages: Vec<String>,
    pub consent_method: ConsentMethodDto,
    #[serde(serialize_with = "crate::moment::write")]
    pub consent_given_at: DateTime<Utc>,
    /// The mediator who registered them.
    pub registered_by: Uuid,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfflineResidentList {
    /// Oldest first.
    pub items: Vec<OfflineResidentDto>,
}

/// One thing a mediator did for the resident.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfflineAuditEntryDto {
    pub actor_id: Option<Uuid>,
    /// `register`, `update`, `read`, `file_request`, `issue_claim_code`, `call_done`,
    /// `match_step:<accept|decline|cancel|no_show|complete>`.
    pub action: String,
    /// The post, match or call-list item it was about, if any.
    pub subject_id: Option<Uuid>,
    #[serde(serialize_with = "crate::moment::write")]
    pub at: DateTime<Utc>,
}

/// An offline resident with what the mediators did for them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfflineResidentDetailDto {
    #[serde(flatten)]
    pub resident: OfflineResidentDto,
    /// Oldest first (this read included).
    pub audit: Vec<OfflineAuditEntryDto>,
}

/// A claim code: the mediator gives it to the resident, who enters it after making an account.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClaimCodeDto {
    /// Twelve letters and digits; case, spaces and dashes do not matter when it is entered.
    pub code: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub expires_at: DateTime<Utc>,
}

/// Take over the offline record a mediator kept: its requests, matches, cases, memberships
/// and consents become the signed-in account's.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    #[schema(min_length = 1, max_length = 40)]
    pub code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClaimedDto {
    /// The id the offline record had (its requests are now the caller's).
    pub claimed_id: Uuid,
}

/// An update for an offline resident that a mediator passes on by phone or letter.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CallListItemDto {
    pub id: Uuid,
    pub resident_id: Uuid,
    pub resident_name: String,
    pub resident_phone: Option<String>,
    /// The notice's kind (`match_proposed`, `match_accepted`, `new_message`, …).
    pub kind: String,
    pub post_id: Option<Uuid>,
    pub match_id: Option<Uuid>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CallList {
    /// Oldest first.
    pub items: Vec<CallListItemDto>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CallListParams {
    /// Include the items already done.
    #[serde(default)]
    pub include_done: Option<bool>,
}
