//! Posts: news, activities, requests and offers.

use buurt_domain::images::Image;
use buurt_domain::posts::{Post, PostKind, PostStatus, Urgency, Visibility};
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
    pub starts_at: DateTime<Utc>,
    /// After `starts_at`.
    #[serde(deserialize_with = "crate::moment::in_range")]
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
    pub starts_at: DateTime<Utc>,
    /// After `starts_at`.
    #[serde(deserialize_with = "crate::moment::in_range")]
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
    /// Images to show on the post, in order: ids from `POST /v1/uploads`, at most 6, each
    /// the author's own upload and shown nowhere else.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub image_ids: Vec<Uuid>,
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

/// A post.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PostDto {
    pub id: Uuid,
    pub neighbourhood_id: Uuid,
    pub author: AuthorDto,
    pub kind: PostKindDto,
    pub status: PostStatusDto,
    pub title: String,
    pub body: String,
    pub category: Option<CategoryDto>,
    pub visibility: VisibilityDto,
    pub urgency: Option<UrgencyDto>,
    pub expires_at: Option<DateTime<Utc>>,
    pub remote_ok: bool,
    pub helpers_needed: u32,
    pub activity: Option<ActivityDto>,
    /// The post's images, in order (at most 6); each is seen by whoever may see the post.
    pub images: Vec<crate::images::ImageDto>,
    /// Hidden by a moderator: only moderators and the author see it.
    pub hidden: bool,
    /// For the author of a request handed to mediators: how that is going. Never the notes;
    /// `null` for everyone else.
    pub mediation: Option<crate::mediation::MediationStatusDto>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PostDto {
    pub fn new(post: &Post, author_name: &str, images: &[Image]) -> Self {
        let content = &post.content;
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
            remote_ok: content.remote_ok,
            helpers_needed: content.helpers_needed,
            activity: content.activity.as_ref().map(|activity| ActivityDto {
                starts_at: activity.starts_at,
                ends_at: activity.ends_at,
                location: activity.location.clone(),
                capacity: activity.capacity,
            }),
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

/// Why a post is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spam,
    Abuse,
    Privacy,
    WrongCategory,
    Other,
}

impl ReportReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spam => "spam",
            Self::Abuse => "abuse",
            Self::Privacy => "privacy",
            Self::WrongCategory => "wrong_category",
            Self::Other => "other",
        }
    }
}

/// Report a post to the neighbourhood's moderators.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReportRequest {
    pub reason: ReportReason,
    #[serde(default)]
    #[schema(
        max_length = 1000,
        pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#
    )]
    pub details: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportDto {
    pub id: Uuid,
    pub post_id: Uuid,
    pub reason: ReportReason,
    pub created_at: DateTime<Utc>,
}
