//! Partner integration: machine clients, tokens, the event feed, webhooks, referrals.

use buurt_domain::partners::{
    Client, Delivery, DeliveryStatus, Event, EventKind, Referral, Scope, Webhook, WebhookStatus,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum ScopeDto {
    #[serde(rename = "neighbourhoods:read")]
    NeighbourhoodsRead,
    #[serde(rename = "neighbourhoods:write")]
    NeighbourhoodsWrite,
    #[serde(rename = "posts:read")]
    PostsRead,
    #[serde(rename = "stats:read")]
    StatsRead,
    #[serde(rename = "cases:referrals")]
    CasesReferrals,
    #[serde(rename = "webhooks:manage")]
    WebhooksManage,
}

impl From<Scope> for ScopeDto {
    fn from(scope: Scope) -> Self {
        match scope {
            Scope::NeighbourhoodsRead => Self::NeighbourhoodsRead,
            Scope::NeighbourhoodsWrite => Self::NeighbourhoodsWrite,
            Scope::PostsRead => Self::PostsRead,
            Scope::StatsRead => Self::StatsRead,
            Scope::CasesReferrals => Self::CasesReferrals,
            Scope::WebhooksManage => Self::WebhooksManage,
        }
    }
}

impl From<ScopeDto> for Scope {
    fn from(scope: ScopeDto) -> Self {
        match scope {
            ScopeDto::NeighbourhoodsRead => Self::NeighbourhoodsRead,
            ScopeDto::NeighbourhoodsWrite => Self::NeighbourhoodsWrite,
            ScopeDto::PostsRead => Self::PostsRead,
            ScopeDto::StatsRead => Self::StatsRead,
            ScopeDto::CasesReferrals => Self::CasesReferrals,
            ScopeDto::WebhooksManage => Self::WebhooksManage,
        }
    }
}

/// What happened. `post.*`, `match.*` and `rsvp.*` need `posts:read`; `case.*` needs
/// `cases:referrals`; `membership.*` needs `neighbourhoods:read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum EventKindDto {
    #[serde(rename = "post.created")]
    PostCreated,
    #[serde(rename = "post.closed")]
    PostClosed,
    #[serde(rename = "post.expired")]
    PostExpired,
    #[serde(rename = "post.fulfilled")]
    PostFulfilled,
    #[serde(rename = "match.proposed")]
    MatchProposed,
    #[serde(rename = "match.accepted")]
    MatchAccepted,
    #[serde(rename = "match.completed")]
    MatchCompleted,
    #[serde(rename = "case.escalated")]
    CaseEscalated,
    #[serde(rename = "case.referred")]
    CaseReferred,
    #[serde(rename = "case.resolved")]
    CaseResolved,
    #[serde(rename = "rsvp.created")]
    RsvpCreated,
    #[serde(rename = "membership.joined")]
    MembershipJoined,
    #[serde(rename = "membership.left")]
    MembershipLeft,
}

impl From<EventKind> for EventKindDto {
    fn from(kind: EventKind) -> Self {
        match kind {
            EventKind::PostCreated => Self::PostCreated,
            EventKind::PostClosed => Self::PostClosed,
            EventKind::PostExpired => Self::PostExpired,
            EventKind::PostFulfilled => Self::PostFulfilled,
            EventKind::MatchProposed => Self::MatchProposed,
            EventKind::MatchAccepted => Self::MatchAccepted,
            EventKind::MatchCompleted => Self::MatchCompleted,
            EventKind::CaseEscalated => Self::CaseEscalated,
            EventKind::CaseReferred => Self::CaseReferred,
            EventKind::CaseResolved => Self::CaseResolved,
            EventKind::RsvpCreated => Self::RsvpCreated,
            EventKind::MembershipJoined => Self::MembershipJoined,
            EventKind::MembershipLeft => Self::MembershipLeft,
        }
    }
}

// Both directions are exhaustive matches, so a kind added on either side without the other
// does not compile (no fallback that would turn an unknown kind into another).
impl From<EventKindDto> for EventKind {
    fn from(kind: EventKindDto) -> Self {
        match kind {
            EventKindDto::PostCreated => Self::PostCreated,
            EventKindDto::PostClosed => Self::PostClosed,
            EventKindDto::PostExpired => Self::PostExpired,
            EventKindDto::PostFulfilled => Self::PostFulfilled,
            EventKindDto::MatchProposed => Self::MatchProposed,
            EventKindDto::MatchAccepted => Self::MatchAccepted,
            EventKindDto::MatchCompleted => Self::MatchCompleted,
            EventKindDto::CaseEscalated => Self::CaseEscalated,
            EventKindDto::CaseReferred => Self::CaseReferred,
            EventKindDto::CaseResolved => Self::CaseResolved,
            EventKindDto::RsvpCreated => Self::RsvpCreated,
            EventKindDto::MembershipJoined => Self::MembershipJoined,
            EventKindDto::MembershipLeft => Self::MembershipLeft,
        }
    }
}

/// A CBS municipality code: `GM` and four digits.
#[derive(ToSchema)]
#[schema(pattern = "^GM[0-9]{4}$", example = "GM0363")]
pub struct MunicipalityCodeText(#[allow(dead_code)] String);

/// Register a machine client of a partner system.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClientRequest {
    /// 1 to 100 characters, e.g. "Wijkteam Utrecht Noord".
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub name: String,
    /// At least one.
    #[schema(min_items = 1)]
    pub scopes: Vec<ScopeDto>,
    /// CBS municipality codes (`GM` and four digits) the client may see and act on; at least
    /// one.
    #[schema(min_items = 1, inline, value_type = Vec<MunicipalityCodeText>)]
    pub municipalities: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClientDto {
    pub client_id: String,
    pub name: String,
    pub scopes: Vec<ScopeDto>,
    pub municipalities: Vec<String>,
    /// A disabled client gets no tokens, and its tokens stop working.
    pub disabled: bool,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

impl From<&Client> for ClientDto {
    fn from(client: &Client) -> Self {
        Self {
            client_id: client.id.clone(),
            name: client.name.clone(),
            scopes: client.scopes.iter().map(|scope| (*scope).into()).collect(),
            municipalities: client.municipalities.clone(),
            disabled: client.disabled,
            created_at: client.created_at,
            updated_at: client.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClientList {
    pub items: Vec<ClientDto>,
}

/// A client and its secret. The secret is shown this once and stored only as a hash.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClientCredentials {
    #[serde(flatten)]
    pub client: ClientDto,
    pub client_secret: String,
}

/// OAuth 2.0 client credentials (RFC 6749 §4.4), form-encoded. The client id and secret go in
/// the body or in HTTP Basic authentication.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Always `client_credentials`.
    pub grant_type: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Space-separated scopes to narrow the token to; default: all the client's.
    pub scope: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClientTokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires (900).
    pub expires_in: i64,
    /// The granted scopes, space-separated.
    pub scope: String,
}

/// A change worth telling. Ids and kinds only: never personal data.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventDto {
    /// The event's position in the feed; pass the last one seen as `after`.
    pub seq: i64,
    /// Unique; the same event delivered twice (a webhook retry) has the same id.
    pub id: Uuid,
    pub kind: EventKindDto,
    pub neighbourhood_id: Uuid,
    pub municipality_code: String,
    /// The post (`post.*`, `rsvp.*`), match (`match.*`), case (`case.*`) or neighbourhood
    /// (`membership.*`) it is about.
    pub subject_id: Uuid,
    /// The post concerned, when there is one.
    pub post_id: Option<Uuid>,
    #[serde(serialize_with = "crate::moment::write")]
    pub occurred_at: DateTime<Utc>,
}

impl From<&Event> for EventDto {
    fn from(event: &Event) -> Self {
        Self {
            seq: event.seq,
            id: event.id,
            kind: event.kind.into(),
            neighbourhood_id: event.neighbourhood_id,
            municipality_code: event.municipality_code.clone(),
            subject_id: event.subject_id,
            post_id: event.post_id,
            occurred_at: event.occurred_at,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsParams {
    /// Events after this `seq` (default 0: from the beginning).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventList {
    /// Oldest first.
    pub items: Vec<EventDto>,
    /// Pass as `after` for the next page: the last `seq` here, or the `after` given when
    /// there was nothing new.
    pub next_after: i64,
}

/// Subscribe to events.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// `https://` and a public host (plain `http` and private addresses only where the server
    /// is configured to allow them): a name or an address (IPv6 in brackets), an optional port,
    /// no credentials, no white space or control characters. Redirects are not followed.
    #[schema(
        pattern = r#"^[Hh][Tt][Tt][Pp][Ss]?://(\[[A-Za-z0-9.:-]+\]|[A-Za-z0-9.-]+)(:0*([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?([/?#][^\s\x00-\x1F\x7F-\x9F]*)?$"#,
        max_length = 2000
    )]
    pub url: String,
    /// Only these kinds; default: every kind the client's scopes allow.
    #[serde(default)]
    pub kinds: Vec<EventKindDto>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookStatusDto {
    Active,
    /// After repeated failure; `POST /v1/webhooks/{id}/resume` starts it again.
    Paused,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookDto {
    pub id: Uuid,
    pub url: String,
    /// The kinds delivered; empty: every kind the client's scopes allow.
    pub kinds: Vec<EventKindDto>,
    pub status: WebhookStatusDto,
    /// Failed attempts in a row.
    pub consecutive_failures: u32,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
}

impl From<&Webhook> for WebhookDto {
    fn from(webhook: &Webhook) -> Self {
        Self {
            id: webhook.id,
            url: webhook.url.clone(),
            kinds: webhook.kinds.iter().map(|kind| (*kind).into()).collect(),
            status: match webhook.status {
                WebhookStatus::Active => WebhookStatusDto::Active,
                WebhookStatus::Paused => WebhookStatusDto::Paused,
            },
            consecutive_failures: webhook.consecutive_failures,
            created_at: webhook.created_at,
        }
    }
}

/// A webhook and its signing secret, shown this once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub webhook: WebhookDto,
    /// The key for `Buurt-Signature`: HMAC-SHA256 over `<t>.<body>`.
    pub secret: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookList {
    pub items: Vec<WebhookDto>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatusDto {
    Pending,
    Delivered,
    /// Every attempt failed.
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeliveryDto {
    pub id: Uuid,
    pub event_seq: i64,
    pub status: DeliveryStatusDto,
    pub attempts: u32,
    /// When it is tried next (pending deliveries).
    #[serde(serialize_with = "crate::moment::write")]
    pub next_attempt_at: DateTime<Utc>,
    /// The receiver's last HTTP status, if it answered.
    pub last_status: Option<u16>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

impl From<&Delivery> for DeliveryDto {
    fn from(delivery: &Delivery) -> Self {
        Self {
            id: delivery.id,
            event_seq: delivery.event_seq,
            status: match delivery.status {
                DeliveryStatus::Pending => DeliveryStatusDto::Pending,
                DeliveryStatus::Delivered => DeliveryStatusDto::Delivered,
                DeliveryStatus::Failed => DeliveryStatusDto::Failed,
            },
            attempts: delivery.attempts,
            next_attempt_at: delivery.next_attempt_at,
            last_status: delivery.last_status,
            last_error: delivery.last_error.clone(),
            created_at: delivery.created_at,
            updated_at: delivery.updated_at,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesParams {
    /// Deliveries of events before this `seq` (the `next_before` of the previous page).
    pub before: Option<i64>,
    /// 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeliveryList {
    /// Newest event first.
    pub items: Vec<DeliveryDto>,
    pub next_before: Option<i64>,
}

/// A case referred to the wijkteam: exactly what the requester's care-data consent covers.
/// Never the mediators' notes, the street or the house number.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PartnerReferral {
    pub case_id: Uuid,
    pub request_id: Uuid,
    pub neighbourhood_id: Uuid,
    pub municipality_code: String,
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    pub urgency: Option<String>,
    /// Why the request was escalated.
    pub reason: Option<String>,
    /// The mediator's summary, once there is one.
    pub summary: Option<String>,
    pub requester_name: String,
    pub requester_email: String,
    pub requester_phone: Option<String>,
    pub requester_postcode: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub referred_at: DateTime<Utc>,
}

impl From<Referral> for PartnerReferral {
    fn from(referral: Referral) -> Self {
        Self {
            case_id: referral.case_id,
            request_id: referral.request_id,
            neighbourhood_id: referral.neighbourhood_id,
            municipality_code: referral.municipality_code,
            title: referral.title,
            body: referral.body,
            category: referral.category,
            urgency: referral.urgency,
            reason: referral.reason,
            summary: referral.summary,
            requester_name: referral.requester_name,
            requester_email: referral.requester_email,
            requester_phone: referral.requester_phone,
            requester_postcode: referral.requester_postcode,
            referred_at: referral.referred_at,
        }
    }
}

/// What a webhook receives: `POST` with this JSON body and the header
/// `Buurt-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the webhook's
/// secret>`. Check the signature over the exact bytes received, and refuse a `t` more than
/// five minutes old. Answer 2xx within 10 seconds; anything else is retried with exponential
/// backoff, and a webhook failing repeatedly is paused. Deliveries may repeat: use `event.id`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookPayload {
    pub event: EventDto,
    /// `case.referred` events, for clients with `cases:referrals`, while the requester's
    /// consent stands.
    pub referral: Option<PartnerReferral>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_kind_has_the_wire_kind_of_the_same_name_and_back() {
        for kind in EventKind::ALL {
            let wire = EventKindDto::from(kind);
            assert_eq!(format!("{wire:?}"), format!("{kind:?}"));
            assert_eq!(
                serde_json::to_value(wire).unwrap(),
                serde_json::Value::from(kind.as_str()),
            );
            assert_eq!(EventKind::from(wire), kind);
        }
    }

    #[test]
    fn every_scope_has_the_wire_scope_of_the_same_name_and_back() {
        for scope in Scope::ALL {
            let wire = ScopeDto::from(scope);
            assert_eq!(format!("{wire:?}"), format!("{scope:?}"));
            assert_eq!(
                serde_json::to_value(wire).unwrap(),
                serde_json::Value::from(scope.as_str()),
            );
            assert_eq!(Scope::from(wire), scope);
        }
    }
}
