//! Neighbourhoods, membership, invites and professionals.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A point on the map (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GeoPointDto {
    #[schema(minimum = -90, maximum = 90, example = 52.3676)]
    pub lat: f64,
    #[schema(minimum = -180, maximum = 180, example = 4.9041)]
    pub lng: f64,
}

/// A neighbourhood as created by an administrator, and as one row of the CSV import.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "code": "BU03630000", "name": "Kop Zeedijk", "municipality_code": "GM0363",
    "municipality_name": "Amsterdam", "lat": 52.3757, "lng": 4.9003,
    "postcodes": ["1012"], "adjacent": ["BU03630001"]
}))]
pub struct CreateNeighbourhoodRequest {
    /// CBS code: `BU` and eight digits. Unique.
    #[schema(pattern = r#"^\s*[Bb][Uu][0-9]{8}\s*$"#)]
    pub code: String,
    #[schema(
        max_length = 100,
        pattern = r#"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"#
    )]
    pub name: String,
    /// CBS code: `GM` and four digits.
    #[schema(pattern = r#"^\s*[Gg][Mm][0-9]{4}\s*$"#)]
    pub municipality_code: String,
    #[schema(
        max_length = 100,
        pattern = r#"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"#
    )]
    pub municipality_name: String,
    #[schema(minimum = -90, maximum = 90)]
    pub lat: f64,
    #[schema(minimum = -180, maximum = 180)]
    pub lng: f64,
    /// PC4 (`1234`: every postcode starting with it) or PC6 (`1234AB`).
    #[serde(default)]
    #[schema(max_items = 500)]
    pub postcodes: Vec<PostcodeAreaDto>,
    /// CBS codes of neighbouring neighbourhoods, which must exist.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub adjacent: Vec<CbsCodeDto>,
}

/// A PC4 (`1234`) or PC6 (`1234AB`) postcode area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, example = "1234",
    pattern = r#"^\s*[1-9][0-9]{3}\s*$|^\s*[1-9][0-9]{3}\s*(?![sS][aAdDsS])[a-zA-Z]{2}\s*$"#)]
pub struct PostcodeAreaDto(pub String);

/// A CBS neighbourhood code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, example = "BU03630001", pattern = r#"^\s*[Bb][Uu][0-9]{8}\s*$"#)]
pub struct CbsCodeDto(pub String);

/// Change a neighbourhood; absent fields stay as they are. The code cannot change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateNeighbourhoodRequest {
    #[serde(default)]
    #[schema(
        max_length = 100,
        pattern = r#"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"#
    )]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(pattern = r#"^\s*[Gg][Mm][0-9]{4}\s*$"#)]
    pub municipality_code: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 100,
        pattern = r#"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"#
    )]
    pub municipality_name: Option<String>,
    #[serde(default)]
    #[schema(minimum = -90, maximum = 90)]
    pub lat: Option<f64>,
    #[serde(default)]
    #[schema(minimum = -180, maximum = 180)]
    pub lng: Option<f64>,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub postcodes: Option<Vec<PostcodeAreaDto>>,
    #[serde(default)]
    #[schema(max_items = 100)]
    pub adjacent: Option<Vec<CbsCodeDto>>,
}

/// A municipality (*gemeente*).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MunicipalityDto {
    /// `GM` and four digits.
    pub code: String,
    pub name: String,
}

/// A neighbourhood with everything about it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NeighbourhoodDto {
    pub id: Uuid,
    /// CBS code.
    pub code: String,
    pub name: String,
    pub municipality: MunicipalityDto,
    pub centre: GeoPointDto,
    pub postcodes: Vec<String>,
    /// CBS codes of neighbouring neighbourhoods.
    pub adjacent: Vec<String>,
    /// Active members.
    pub member_count: i64,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

/// A neighbourhood in a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NeighbourhoodSummaryDto {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub municipality: MunicipalityDto,
    pub centre: GeoPointDto,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NeighbourhoodList {
    pub items: Vec<NeighbourhoodSummaryDto>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Filters and paging for the neighbourhood list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListNeighbourhoodsParams {
    /// The start of the name, any case, accents optional (`zuid` finds `Zuidöost`).
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// A municipality code (`GM0363`).
    #[param(pattern = r#"^\s*[Gg][Mm][0-9]{4}\s*$"#)]
    pub municipality: Option<String>,
    /// A PC6 postcode (the neighbourhoods it belongs to) or a PC4 (every neighbourhood with
    /// part of it).
    #[param(
        pattern = r#"^\s*[1-9][0-9]{3}\s*$|^\s*[1-9][0-9]{3}\s*(?![sS][aAdDsS])[a-zA-Z]{2}\s*$"#
    )]
    pub postcode: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}

/// Paging for other lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}

/// A post on the public page.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PagePost {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    /// For requests and offers.
    pub category: Option<String>,
    /// For activities.
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub starts_at: Option<DateTime<Utc>>,
    /// For activities with a capacity: places still free (0 means new sign-ups wait).
    pub places_left: Option<u64>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

/// The first few posts of a section, and how many there are in all.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PageSection {
    pub items: Vec<PagePost>,
    pub count: i64,
}

/// Requests being handled offline by mediators: a count only.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MediationCount {
    pub count: i64,
}

/// What anyone may see of a neighbourhood, without signing in. Only public, visible, open
/// posts appear.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublicPage {
    pub neighbourhood: NeighbourhoodSummaryDto,
    pub member_count: i64,
    /// The latest news (5 at most).
    pub news: PageSection,
    /// Activities still to come, soonest first (5 at most).
    pub upcoming_activities: PageSection,
    /// The latest open requests (5 at most).
    pub open_requests: PageSection,
    /// The latest open offers (5 at most).
    pub open_offers: PageSection,
    pub in_mediation: MediationCount,
    // issue 20 (h20d)
    /// Which unanswered requests go to the mediators by themselves, and when.
    pub escalation_rules: crate::signals::EscalationRulesDto,
    /// What neighbours and mediators achieved here.
    pub achievements: crate::signals::AchievementsDto,
}

/// Ask to join a neighbourhood.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// An invite code from a mediator or moderator: lets you in at once. Case, spaces and
    /// dashes do not matter.
    #[serde(default)]
    #[schema(max_length = 64, pattern = r#"^[^\x00]*$"#)]
    pub invite_code: Option<String>,
}

/// A role in one neighbourhood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleDto {
    Resident,
    Mediator,
    Moderator,
}

/// Where a membership stands: `pending` waits for a moderator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MembershipStatusDto {
    Pending,
    Active,
    Rejected,
}

/// How a membership was verified.
///
/// - `existing`: active before verification existed (kept verified by the migration);
/// - `invite`: joined with an invite code of a mediator or moderator;
/// - `vouch`: a verified member vouched (`POST …/members/{user_id}/verification`);
/// - `moderator`: a moderator or administrator approved (the same endpoint, or
///   `PUT …/members/{user_id}` on an active member);
/// - `letter`: the code of a letter sent to the claimed address was entered
///   (`POST …/verification`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationDto {
    Existing,
    Invite,
    Vouch,
    Moderator,
    Letter,
}

/// A user's membership of a neighbourhood.
///
/// An active membership is **verified** or **unverified**. Joining by the postcode in one's
/// profile gives an unverified one; an invite, a vouch, a moderator's approval or a letter's
/// code verifies it. What each level reads and does in its neighbourhood:
///
/// | | anonymous, pending, rejected | active, unverified | active, verified |
/// |---|---|---|---|
/// | public posts of every kind | yes | yes | yes |
/// | members-only news and activities (feed, the post, RSVP) | no | yes | yes |
/// | members-only requests and offers (care data) | no | no | yes |
/// | member list (names and roles) | no | no | yes |
/// | posting; offering help, being suggested as a helper | no | no | yes |
/// | reporting a post one can read | no | yes | yes |
/// | vouching for another member | no | no | yes |
///
/// Mediators and moderators are verified: a role is granted by a moderator, whose word is an
/// approval.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MembershipDto {
    pub neighbourhood_id: Uuid,
    pub user_id: Uuid,
    pub role: RoleDto,
    pub status: MembershipStatusDto,
    #[serde(serialize_with = "crate::moment::write")]
    pub joined_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
    /// Whether the membership is verified (see above); `false` while pending or rejected.
    pub verified: bool,
    /// How it was verified; `null` while unverified.
    pub verification: Option<VerificationDto>,
    /// Let in by the postcode in the profile: an account holds one such membership at a time.
    pub via_postcode: bool,
}

/// One of the signed-in user's memberships.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MyMembership {
    pub neighbourhood: MyMembershipNeighbourhood,
    pub role: RoleDto,
    pub status: MembershipStatusDto,
    #[serde(serialize_with = "crate::moment::write")]
    pub joined_at: DateTime<Utc>,
    /// Whether the membership is verified (see `MembershipDto`).
    pub verified: bool,
    pub verification: Option<VerificationDto>,
    pub via_postcode: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MyMembershipNeighbourhood {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub municipality_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MyMembershipList {
    pub items: Vec<MyMembership>,
}

/// A member as other members see them: the display name, role and standing only. Another
/// person's e-mail address, phone number, postcode, street and house number are never shown to
/// members; the two parties of an accepted match see each other's contact details, street
/// included, in that match only (`MatchDto.contact`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberDto {
    pub user_id: Uuid,
    pub display_name: String,
    pub role: RoleDto,
    pub status: MembershipStatusDto,
    #[serde(serialize_with = "crate::moment::write")]
    pub joined_at: DateTime<Utc>,
    /// Whether the membership is verified; moderators verify unverified members.
    pub verified: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberList {
    pub items: Vec<MemberDto>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Members by status: `active` (the default) for every member; `pending` and `rejected` for
/// moderators and administrators.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListMembersParams {
    pub status: Option<MembershipStatusDto>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}

/// The code of a verification letter, as printed (case, spaces and dashes do not matter).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemLetterRequest {
    #[schema(example = "K7QM-X3PR-2V")]
    pub code: String,
}

/// A batch of verification letters: one per active, unverified member with a street, house
/// number and postcode inside the neighbourhood in their profile, and no letter still to be
/// used. Fetch it as PDF (`Accept: application/pdf`, to print) or CSV (`Accept: text/csv`, for
/// a mailing house) at `GET …/verification-letters/{batch_id}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LetterBatchDto {
    pub batch_id: Uuid,
    pub neighbourhood_id: Uuid,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    /// When the codes stop working (30 days after the batch was made).
    #[serde(serialize_with = "crate::moment::write")]
    pub expires_at: DateTime<Utc>,
    /// Letters in the batch.
    pub letters: usize,
    /// Unverified members left out for want of a complete address inside the neighbourhood
    /// (they can still be vouched for or approved). Only in the answer that made the batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_without_address: Option<usize>,
}

/// A moderator's decision about a member.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    /// Only for active members. The last active moderator cannot step down.
    #[serde(default)]
    pub role: Option<RoleDto>,
    /// `active` approves a pending (or rejected) member; `rejected` turns a pending one down.
    #[serde(default)]
    pub status: Option<MembershipStatusDto>,
}

/// A new invite.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInviteRequest {
    /// How many residents may use it (default 1).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 500)]
    pub max_uses: Option<u32>,
    /// How many days it is valid (default 7).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 90)]
    pub valid_days: Option<u32>,
}

/// An invite code to hand to new residents.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InviteDto {
    pub id: Uuid,
    pub neighbourhood_id: Uuid,
    /// Ten letters and digits, without look-alikes (no 0/O, 1/I).
    pub code: String,
    pub max_uses: u32,
    pub uses: u32,
    #[serde(serialize_with = "crate::moment::write")]
    pub expires_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportReportDto {
    pub created: usize,
    pub updated: usize,
}

/// Make a user a professional (wijkteam) for a municipality.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantProfessionalRequest {
    pub user_id: Uuid,
    #[schema(pattern = r#"^\s*[Gg][Mm][0-9]{4}\s*$"#)]
    pub municipality_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ProfessionalGrantDto {
    pub user_id: Uuid,
    pub municipality_code: String,
}

mod conversions {
    use buurt_domain::membership::{Membership, MembershipStatus, Role, Verification};
    use buurt_domain::neighbourhoods::{GeoPoint, Neighbourhood};

    use super::*;

    impl From<Role> for RoleDto {
        fn from(role: Role) -> Self {
            match role {
                Role::Resident => Self::Resident,
                Role::Mediator => Self::Mediator,
                Role::Moderator => Self::Moderator,
            }
        }
    }

    impl From<RoleDto> for Role {
        fn from(role: RoleDto) -> Self {
            match role {
                RoleDto::Resident => Self::Resident,
                RoleDto::Mediator => Self::Mediator,
                RoleDto::Moderator => Self::Moderator,
            }
        }
    }

    impl From<MembershipStatus> for MembershipStatusDto {
        fn from(status: MembershipStatus) -> Self {
            match status {
                MembershipStatus::Pending => Self::Pending,
                MembershipStatus::Active => Self::Active,
                MembershipStatus::Rejected => Self::Rejected,
            }
        }
    }

    impl From<MembershipStatusDto> for MembershipStatus {
        fn from(status: MembershipStatusDto) -> Self {
            match status {
                MembershipStatusDto::Pending => Self::Pending,
                MembershipStatusDto::Active => Self::Active,
                MembershipStatusDto::Rejected => Self::Rejected,
            }
        }
    }

    impl From<GeoPoint> for GeoPointDto {
        fn from(point: GeoPoint) -> Self {
            Self {
                lat: point.lat,
                lng: point.lng,
            }
        }
    }

    impl From<&Membership> for MembershipDto {
        fn from(membership: &Membership) -> Self {
            Self {
                neighbourhood_id: membership.neighbourhood_id.0,
                user_id: membership.user_id.0,
                role: membership.role.into(),
                status: membership.status.into(),
                joined_at: membership.joined_at,
                updated_at: membership.updated_at,
                verified: membership.status == MembershipStatus::Active
                    && membership.verification.is_some(),
                verification: membership.verification.map(VerificationDto::from),
                via_postcode: membership.via_postcode,
            }
        }
    }

    impl From<Verification> for VerificationDto {
        fn from(verification: Verification) -> Self {
            match verification {
                Verification::Existing => Self::Existing,
                Verification::Invite => Self::Invite,
                Verification::Vouch => Self::Vouch,
                Verification::Moderator => Self::Moderator,
                Verification::Letter => Self::Letter,
            }
        }
    }

    impl NeighbourhoodDto {
        pub fn new(neighbourhood: &Neighbourhood, member_count: i64) -> Self {
            let draft = &neighbourhood.draft;
            Self {
                id: neighbourhood.id.0,
                code: draft.code.as_str().to_owned(),
                name: draft.name.as_str().to_owned(),
                municipality: MunicipalityDto {
                    code: draft.municipality_code.as_str().to_owned(),
                    name: draft.municipality_name.as_str().to_owned(),
                },
                centre: draft.centre.into(),
                postcodes: draft
                    .postcodes
                    .iter()
                    .map(|p| p.as_str().to_owned())
                    .collect(),
                adjacent: draft
                    .adjacent
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect(),
                member_count,
                created_at: neighbourhood.created_at,
                updated_at: neighbourhood.updated_at,
            }
        }
    }

    impl From<&Neighbourhood> for NeighbourhoodSummaryDto {
        fn from(neighbourhood: &Neighbourhood) -> Self {
            let draft = &neighbourhood.draft;
            Self {
                id: neighbourhood.id.0,
                code: draft.code.as_str().to_owned(),
                name: draft.name.as_str().to_owned(),
                municipality: MunicipalityDto {
                    code: draft.municipality_code.as_str().to_owned(),
                    name: draft.municipality_name.as_str().to_owned(),
                },
                centre: draft.centre.into(),
            }
        }
    }
}
