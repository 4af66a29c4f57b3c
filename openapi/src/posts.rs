//! Posts: news, activities, requests and offers.

use buurt_domain::activities::RsvpStatus;
use buurt_domain::images::Image;
use buurt_domain::posts::{Post, PostKind, PostState, PostStatus, Urgency, Visibility};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::accounts::CategoryDto;

macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident <=> $domain:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl From<$domain> for $name {
            fn from(value: $domain) -> Self {
                match value { $($domain::$variant => Self::$variant),+ }
            }
        }

        impl From<$name> for $domain {
            fn from(value: $name) -> Self {
                match value { $($name::$variant => Self::$variant),+ }
            }
        }
    };
}

wire_enum!(
    /// What a post is.
    PostKindDto <=> PostKind { News, Activity, Request, Offer }
);
wire_enum!(
    /// `public`: anyone, also on the public page; `members`: members of the neighbourhood.
    VisibilityDto <=> Visibility { Public, Members }
);
wire_enum!(
    /// How soon a request needs an answer.
    UrgencyDto <=> Urgency { Low, Normal, High }
);
wire_enum!(
    /// The lifecycle: `open` → `matched` → `fulfilled`, or `closed` by the author, `expired`
    /// after `expires_at`, `in_mediation` while mediators handle a request.
    PostStatusDto <=> PostStatus { Open, Matched, Fulfilled, Closed, Expired, InMediation }
);

/// When and where an activity happens.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityDto {
    #[serde(deserialize_with = "crate::moment::in_range")]
    #[serde(serialize_with = "crate::moment::write")]
    pub starts_at: DateTime<Utc>,
    /// After `starts_at`.
    #[serde(deserialize_with = "crate::moment::in_range")]
    #[serde(serialize_with = "crate::moment::write")]
    pub ends_at: DateTime<Utc>,
    #[schema(
        max_length = 200,
        pattern = r#"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"#
    )]
    pub location: String,
    /// Places; none means no limit.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 10000)]
    pub capacity: Option<u32>,
}

/// An activity's when and where, changed: the block replaces the current one, except that a
/// `capacity` left out stays as it is (`null` means no limit). A capacity change follows the
/// rule of `PUT /v1/posts/{id}/capacity`: below the number going is refused, a raise moves the
/// waitlist up.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivityChangeDto {
    #[serde(deserialize_with = "crate::moment::in_range")]
    #[serde(serialize_with = "crate::moment::write")]
    pub starts_at: DateTime<Utc>,
    /// After `starts_at`.
    #[serde(deserialize_with = "crate::moment::in_range")]
    #[serde(serialize_with = "crate::moment::write")]
    pub ends_at: DateTime<Utc>,
    #[schema(
        max_length = 200,
        pattern = r#"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"#
    )]
    pub location: String,
    /// Places; `null` means no limit; left out, it stays as it is.
    #[serde(
        default,
        deserialize_with = "crate::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    pub capacity: Option<Option<u32>>,
}

/// A new post. Which fields apply depends on `kind`: `category` is required for requests and
/// offers and absent otherwise; `urgency` is for requests; `remote_ok` and `helpers_needed`
/// for requests and offers; `activity` is required for activities and absent otherwise. Care
/// posts are always members-only.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "request", "title": "Wie leent mij een ladder?", "body": "Voor de dakgoot, zaterdag.",
    "category": "goods", "urgency": "normal", "remote_ok": false
}))]
pub struct CreatePostRequest {
    pub kind: PostKindDto,
    #[schema(
        max_length = 140,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub title: String,
    /// Several lines are fine.
    #[schema(
        max_length = 5000,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub body: String,
    #[serde(default)]
    pub category: Option<CategoryDto>,
    /// Default `public` (care: always `members`).
    #[serde(default)]
    pub visibility: Option<VisibilityDto>,
    /// Requests only; default `normal`.
    #[serde(default)]
    pub urgency: Option<UrgencyDto>,
    /// In the future. An open post expires then; its author is told a day before.
    #[serde(default, deserialize_with = "crate::moment::optional")]
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Help from a distance is fine (a phone call, advice): requests and offers only.
    #[serde(default)]
    pub remote_ok: Option<bool>,
    /// Requests: how many helpers are needed; offers: how many people can be helped. 1 to 20
    /// (default 1).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 20)]
    pub helpers_needed: Option<u32>,
    #[serde(default)]
    pub activity: Option<ActivityDto>,
    /// Requests: help asked for again and again (lasting help), from today. An accepted
    /// match then stays active: its parties record each session
    /// (`POST /v1/matches/{id}/sessions`) and either ends it (`POST /v1/matches/{id}/end`).
    /// Activities: a series (a weekly koffieochtend) repeating `activity` at the same local
    /// time, answered per occurrence (`occurrence` on the RSVP endpoints), one calendar event
    /// with an RRULE; monthly only for a first day up to the 28th. News and offers: absent.
    #[serde(default)]
    pub recurrence: Option<crate::arrangements::RecurrenceDto>,
    /// With `recurrence` only: the last day (requests: after today; activities: after the
    /// first occurrence's day).
    #[serde(default)]
    pub recurrence_ends_on: Option<chrono::NaiveDate>,
    /// Images to show on the post, in order: ids from `POST /v1/uploads`, at most 6, each
    /// the author's own upload and shown nowhere else.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub image_ids: Vec<Uuid>,
    /// Mediators only (issue 20): file this request for an offline resident of the
    /// neighbourhood (their id from `/v1/neighbourhoods/{id}/offline-residents`), who becomes
    /// its author; the mediator is recorded as its filer. Requests only.
    #[serde(default)]
    pub on_behalf_of: Option<Uuid>,
}

/// Change a post while it is live. Absent fields stay as they are; the kind cannot change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePostRequest {
    #[serde(default)]
    #[schema(
        max_length = 140,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(
        max_length = 5000,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub body: Option<String>,
    #[serde(default)]
    pub category: Option<CategoryDto>,
    #[serde(default)]
    pub visibility: Option<VisibilityDto>,
    #[serde(default)]
    pub urgency: Option<UrgencyDto>,
    #[serde(default, deserialize_with = "crate::moment::optional")]
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub remote_ok: Option<bool>,
    #[serde(default)]
    #[schema(minimum = 1, maximum = 20)]
    pub helpers_needed: Option<u32>,
    #[serde(default)]
    pub activity: Option<ActivityChangeDto>,
    /// The images shown, in order, replacing the current ones (`[]` removes them all; an
    /// image removed is its uploader's alone again). As on `POST`.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub image_ids: Option<Vec<Uuid>>,
}

/// Who wrote a post.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuthorDto {
    pub id: Uuid,
    pub display_name: String,
}

/// An activity as shown: when and where, and how it fills up now.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActivityViewDto {
    #[serde(serialize_with = "crate::moment::write")]
    pub starts_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub ends_at: DateTime<Utc>,
    pub location: String,
    /// Places; `null` means no limit.
    pub capacity: Option<u32>,
    /// How many are going; for a recurring activity, to its next occurrence
    /// (`next_occurrence`), 0 once the series is over.
    pub going_count: u32,
    /// `capacity` minus `going_count`; `null` when there is no limit.
    pub places_left: Option<u32>,
    /// How many wait for a place (for a recurring activity: at its next occurrence).
    pub waitlist_count: u32,
    /// The caller's own answer (`POST /v1/posts/{id}/rsvp`); for a recurring activity, their
    /// answer for the next occurrence. `null` without one, and for anonymous and machine
    /// callers.
    pub my_rsvp: Option<crate::activities::RsvpStatusDto>,
}

/// The caller's own match on a request, as the helper.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MyMatchDto {
    /// For `GET /v1/matches/{id}`.
    pub id: Uuid,
    pub status: crate::matching::MatchStatusDto,
}

/// A post, with its live state as the caller sees it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostDto {
    pub id: Uuid,
    pub neighbourhood_id: Uuid,
    pub author: AuthorDto,
    pub kind: PostKindDto,
    pub status: PostStatusDto,
    pub title: String,
    pub body: String,
    /// Requests and offers; `null` otherwise.
    pub category: Option<CategoryDto>,
    pub visibility: VisibilityDto,
    /// Requests; `null` otherwise.
    pub urgency: Option<UrgencyDto>,
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Requests and offers; `null` for news and activities (which do not take it).
    pub remote_ok: Option<bool>,
    /// Requests and offers; `null` for news and activities (which do not take it).
    pub helpers_needed: Option<u32>,
    /// Requests: the helper places taken by accepted (or completed) matches; the request is
    /// `matched` when they reach `helpers_needed`. `null` for other kinds.
    pub helpers_accepted: Option<u32>,
    /// Requests: the caller's own latest match as a helper, if any; `null` otherwise.
    pub my_match: Option<MyMatchDto>,
    /// Activities: when, where and how full; `null` for other kinds.
    pub activity: Option<ActivityViewDto>,
    /// Requests asking for lasting help, and activities that recur: how often; `null`
    /// otherwise.
    pub recurrence: Option<crate::arrangements::RecurrenceDto>,
    /// With `recurrence`: its last day, if set.
    pub recurrence_ends_on: Option<chrono::NaiveDate>,
    /// Recurring activities: the day (in the Netherlands) of the next occurrence, the first
    /// not ended yet, which `activity.going_count`, `waitlist_count`, `places_left` and
    /// `my_rsvp` are about; `null` for other posts and once the series is over.
    pub next_occurrence: Option<chrono::NaiveDate>,
    /// The post's images, in order (at most 6); each is seen by whoever may see the post.
    pub images: Vec<crate::images::ImageDto>,
    /// Hidden by a moderator: only moderators and the author see it.
    pub hidden: bool,
    /// For the author of a request handed to mediators: how that is going. Never the notes;
    /// `null` for everyone else.
    pub mediation: Option<crate::mediation::MediationStatusDto>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

impl PostDto {
    /// The post with `state` (`PostState`, read for the same caller) and its images.
    pub fn new(post: &Post, author_name: &str, state: &PostState, images: &[Image]) -> Self {
        let content = &post.content;
        let asks_help = matches!(content.kind, PostKind::Request | PostKind::Offer);
        let is_request = content.kind == PostKind::Request;
        Self {
            id: post.id.0,
            neighbourhood_id: post.neighbourhood_id.0,
            author: AuthorDto {
                id: post.author_id.0,
                display_name: author_name.to_owned(),
            },
            kind: content.kind.into(),
            status: post.status.into(),
            title: content.title.clone(),
            body: content.body.clone(),
            category: content.category.map(Into::into),
            visibility: content.visibility.into(),
            urgency: content.urgency.map(Into::into),
            expires_at: content.expires_at,
            remote_ok: asks_help.then_some(content.remote_ok),
            helpers_needed: asks_help.then_some(content.helpers_needed),
            helpers_accepted: is_request.then_some(state.helpers_accepted),
            my_match: state
                .my_match
                .filter(|_| is_request)
                .map(|(id, status)| MyMatchDto {
                    id: id.0,
                    status: status.into(),
                }),
            activity: content.activity.as_ref().map(|activity| ActivityViewDto {
                starts_at: activity.starts_at,
                ends_at: activity.ends_at,
                location: activity.location.clone(),
                capacity: activity.capacity,
                going_count: state.going,
                places_left: state.places_left(activity.capacity),
                waitlist_count: state.waitlisted,
                my_rsvp: state.my_rsvp.and_then(|status| match status {
                    RsvpStatus::Going => Some(crate::activities::RsvpStatusDto::Going),
                    RsvpStatus::Waitlisted => Some(crate::activities::RsvpStatusDto::Waitlisted),
                    RsvpStatus::Cancelled => None,
                }),
            }),
            recurrence: content.recurrence.map(|rule| rule.every.into()),
            recurrence_ends_on: content.recurrence.and_then(|rule| rule.ends_on),
            next_occurrence: state.next_occurrence,
            images: images.iter().map(Into::into).collect(),
            hidden: post.hidden,
            mediation: None,
            created_at: post.created_at,
            updated_at: post.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostList {
    pub items: Vec<PostDto>,
    /// Pass as `cursor` for the next (older) page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Filters, search and paging for a neighbourhood's feed.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPostsParams {
    pub kind: Option<PostKindDto>,
    pub category: Option<CategoryDto>,
    pub status: Option<PostStatusDto>,
    /// Words to find in title and body (all of them). On PostgreSQL, Dutch forms match each
    /// other (`fietsen` finds `fiets`). At most 200 characters and 8 words: more is 400
    /// `invalid_query`.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}

/// Filters and paging for one's own posts.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MyPostsParams {
    pub kind: Option<PostKindDto>,
    pub status: Option<PostStatusDto>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}
