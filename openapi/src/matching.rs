//! Matches, their messages, and suggestions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Offer help with a request, or (as its author) invite someone.
///
/// From anyone but the author it is an offer of help by the caller, optionally pointing at one
/// of their own open offers (`offer_id`). From the author it is an invitation: name the
/// resident (`helper_id`) or an open offer whose author is invited (`offer_id`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMatchRequest {
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub message: Option<String>,
    #[serde(default)]
    pub offer_id: Option<Uuid>,
    #[serde(default)]
    pub helper_id: Option<Uuid>,
}

/// Completing a match: optionally with thanks for the helper.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteMatchRequest {
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub thanks: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatusDto {
    Proposed,
    Accepted,
    Declined,
    Cancelled,
    Completed,
    NoShow,
}

impl From<buurt_domain::matching::MatchStatus> for MatchStatusDto {
    fn from(status: buurt_domain::matching::MatchStatus) -> Self {
        use buurt_domain::matching::MatchStatus;
        match status {
            MatchStatus::Proposed => Self::Proposed,
            MatchStatus::Accepted => Self::Accepted,
            MatchStatus::Declined => Self::Declined,
            MatchStatus::Cancelled => Self::Cancelled,
            MatchStatus::Completed => Self::Completed,
            MatchStatus::NoShow => Self::NoShow,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartyDto {
    Requester,
    Helper,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MatchPerson {
    pub id: Uuid,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MatchRequestSummary {
    pub id: Uuid,
    pub title: String,
}

/// How to reach the other party: shared only once the match is accepted, and only in it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ContactDto {
    pub display_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub street: Option<String>,
    pub house_number: Option<String>,
}

/// A request and a helper. `proposed` until the other party accepts or declines; `accepted`
/// matches share contact details; the requester completes (with thanks) or reports a no-show.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MatchDto {
    pub id: Uuid,
    pub request: MatchRequestSummary,
    pub requester: MatchPerson,
    pub helper: MatchPerson,
    /// The helper's offer this match came from.
    pub offer_id: Option<Uuid>,
    pub proposed_by: PartyDto,
    pub status: MatchStatusDto,
    pub message: Option<String>,
    pub thanks: Option<String>,
    /// The other party's contact details, when the match is accepted or completed and you are
    /// one of its parties; otherwise `null`.
    pub contact: Option<ContactDto>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
    /// In `GET /v1/me/matches`: the messages in its thread you have not read (unread
    /// `match_message` notifications about it); `null` elsewhere.
    pub unread_count: Option<i64>,
    /// Set when a mediator brokered the match (proposed the helper for the request); `null`
    /// otherwise. A brokered match is `proposed` until the helper agrees and then the
    /// requester accepts (`proposed_by` is `requester`: it was proposed on their side).
    pub brokered: Option<BrokerageDto>,
}

/// How a brokered match came about and how far it is.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BrokerageDto {
    /// The mediator who proposed the helper; `null` once their account is erased.
    pub mediator: Option<MatchPerson>,
    /// When the helper agreed; `null` while it is the helper's move. After it, accepting (or
    /// declining) is the requester's move.
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub helper_accepted_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MatchList {
    pub items: Vec<MatchDto>,
    /// Pass as `cursor` for the next page; `null` on the last page (always `null` for a
    /// request's matches, which come whole).
    pub next_cursor: Option<String>,
}

/// A new message in a match's thread.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMessageRequest {
    #[schema(
        max_length = 2000,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub body: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MessageDto {
    pub id: Uuid,
    /// Who the message is from: a party of the match. For an offline resident (issue 20) the
    /// resident, also when a mediator wrote it for them (`sent_by_mediator`).
    pub author: MatchPerson,
    pub body: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    /// The account id of the mediator who wrote this message on behalf of its author, an
    /// offline resident without an account (issue 20); `null` when the author wrote it.
    pub sent_by_mediator: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MessageList {
    /// Oldest first.
    pub items: Vec<MessageDto>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchPageParams {
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}

/// Why a suggestion ranks where it does.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReasonDto {
    /// `same_category`, `interested`, `shared_words`, `same_neighbourhood`,
    /// `adjacent_neighbourhood`, `remote_help`, `recent`, `busy`. `shared_words` names words
    /// of the suggested post's title and body only, which the reader can read; private text (a
    /// resident's bio) is never matched on, so no reason names or implies a word of it.
    pub code: String,
    /// The reason in words, in the negotiated language.
    pub text: String,
}

/// A suggested post (an offer for a request, a request for an offer) or resident.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SuggestionDto {
    /// 0 to 1; higher fits better.
    pub score: f64,
    pub reasons: Vec<ReasonDto>,
    /// The suggested post, when a post is suggested.
    pub post: Option<MatchRequestSummary>,
    /// The person who would help (or be helped).
    pub user: MatchPerson,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SuggestionList {
    /// Best first, at most 20.
    pub items: Vec<SuggestionDto>,
}
