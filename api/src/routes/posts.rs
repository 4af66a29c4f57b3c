//! Posts: the feed, writing and managing posts, hiding them. The handlers
//! translate; the use cases are `buurt_app::posts`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use buurt_app::AppError;
use buurt_app::posts::{self as app, ActivityChange, FeedFilter, PostChange, PostWithAuthor};
use buurt_domain::accounts::UserId;
use buurt_domain::images::ImageId;
use buurt_domain::neighbourhoods::{Neighbourhood, NeighbourhoodId};
use buurt_domain::partners::Scope;
use buurt_domain::policy::{Action, Actor};
use buurt_domain::posts::{ActivityInput, Post, PostId, PostInput, check_search_text};
use buurt_openapi::posts::{
    CreatePostRequest, ListPostsParams, MyPostsParams, PostDto, PostList, UpdatePostRequest,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::DbConnection;
use buurt_persistence::posts::FeedCursor;
use chrono::{DateTime, Utc};

use crate::auth::{Authenticated, Caller};
use crate::http::error::{ApiError, FieldErrors};
use crate::http::etag::{IfMatch, etag_of, json_with_etag};
use crate::http::extract::Json;
use crate::http::lang::{Lang, Negotiated};
use crate::http::paging::{encode_cursor, page};
use crate::http::query::Query;
use crate::state::AppState;

/// Whom a feed or post is read as: the user, or nobody (public posts only) for anonymous
/// callers and for machine clients with `posts:read` in this neighbourhood's municipality.
fn reading_as(
    conn: &mut DbConnection,
    caller: &Caller,
    neighbourhood: &Neighbourhood,
) -> Result<Option<UserId>, ApiError> {
    match caller {
        Caller::User(user) => Ok(Some(*user)),
        Caller::Anonymous => Ok(None),
        Caller::Machine(machine) => {
            let municipality = neighbourhood.draft.municipality_code.as_str();
            machine.client_in(conn, Scope::PostsRead, municipality)?;
            Ok(None)
        }
    }
}

/// The post if `caller` may see it; 404 otherwise (see `buurt_app::posts::visible_post`).
pub fn visible_post(
    conn: &mut DbConnection,
    caller: Option<UserId>,
    id: PostId,
) -> Result<(PostWithAuthor, Neighbourhood), ApiError> {
    Ok(app::visible_post(conn, caller, id)?)
}

/// The post if the signed-in `caller` may see it (404 otherwise), and who they are in its
/// neighbourhood (see `buurt_app::posts::visible_post_as`).
pub fn visible_post_as(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
) -> Result<(PostWithAuthor, Actor), ApiError> {
    Ok(app::visible_post_as(conn, caller, id)?)
}

/// The post if `caller` may see it (404) and may do `action` to it (403) (see
/// `buurt_app::posts::post_for`).
pub fn post_for(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
    action: impl FnOnce(&PostWithAuthor) -> Action,
) -> Result<PostWithAuthor, ApiError> {
    Ok(app::post_for(conn, caller, id, action)?)
}

/// Posts as `reader` sees them, with their live state and images, in a constant number of
/// queries for the whole page.
pub fn post_dtos(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lang: Lang,
    reader: Option<UserId>,
    found: &[PostWithAuthor],
) -> Result<Vec<PostDto>, AppError> {
    let posts: Vec<&Post> = found.iter().map(|found| &found.post).collect();
    let states = app::post_states(conn, reader, &posts, now)?;
    let ids: Vec<PostId> = found.iter().map(|found| found.post.id).collect();
    let mut images = buurt_app::images::of_posts(conn, &ids)?;
    Ok(found
        .iter()
        .map(|found| {
            let state = states.get(&found.post.id).cloned().unwrap_or_default();
            let shown = images.remove(&found.post.id).unwrap_or_default();
            let author = buurt_app::privacy::shown_name(&found.author_name, lang);
            PostDto::new(&found.post, &author, &state, &shown)
        })
        .collect())
}

/// One post as `reader` reads it at `GET /v1/posts/{id}` (its live state, and for its author
/// how mediation goes): what its `ETag` is computed from, and what changes answer with.
pub fn post_view(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lang: Lang,
    reader: Option<UserId>,
    found: &PostWithAuthor,
) -> Result<PostDto, AppError> {
    let mut dto = post_dtos(conn, now, lang, reader, std::slice::from_ref(found))?
        .pop()
        .ok_or(AppError::NotFound)?;
    dto.mediation =
        crate::routes::mediation::mediation_for_author(conn, lang, &found.post, reader)?;
    Ok(dto)
}

fn image_ids(ids: &[uuid::Uuid]) -> Vec<ImageId> {
    ids.iter().copied().map(ImageId).collect()
}

fn activity_input(
    activity: Option<&buurt_openapi::posts::ActivityDto>,
) -> Option<ActivityInput<'_>> {
    activity.map(|a| ActivityInput {
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        location: &a.location,
        capacity: a.capacity,
    })
}

/// Write a post in a neighbourhood (its active members).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    request_body = CreatePostRequest,
    responses(
        (status = 201, description = "Posted.", body = PostDto,
         headers(("location" = String, description = "`/v1/posts/{id}`"))),
        (status = 403, description = "`forbidden`: not an active member; `membership_pending`: \
         the caller's request to join waits for a moderator; `posting_suspended`: a moderator \
         suspended the caller from posting here for a while; `email_not_verified`: on a server that \
         sends e-mail, posting needs a verified address.", body = Problem,
         content_type = "application/problem+json"),
        (status = 429, description = "`write_limit_reached`: too many posts within the hour \
         (`BUURT_LIMIT_POSTS_PER_HOUR`); see `Retry-After`.", body = Problem,
         content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[post("/v1/neighbourhoods/{id}/posts")]
pub async fn create_post(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CreatePostRequest>,
) -> Result<HttpResponse, ApiError> {
    let neighbourhood_id = NeighbourhoodId(id.into_inner());
    let body = body.0;
    crate::routes::account_mail::require_verified(&state, caller.user_id).await?;
    let created = state
        .run(move |cx| {
            let input = PostInput {
                kind: Some(body.kind.into()),
                title: &body.title,
                body: &body.body,
                category: body.category.map(Into::into),
                visibility: body.visibility.map(Into::into),
                urgency: body.urgency.map(Into::into),
                expires_at: body.expires_at,
                remote_ok: body.remote_ok,
                helpers_needed: body.helpers_needed,
                activity: activity_input(body.activity.as_ref()),
                recurrence: body.recurrence.map(Into::into),
                recurrence_ends_on: body.recurrence_ends_on,
            };
            let images = image_ids(&body.image_ids);
            let created = match body.on_behalf_of {
                Some(resident) => buurt_app::offline::file_request(
                    cx,
                    caller.user_id,
                    neighbourhood_id,
                    UserId(resident),
                    input,
                    &images,
                )?,
                None => app::create_post(cx, caller.user_id, neighbourhood_id, input, &images)?,
            };
            let dto = post_view(cx.conn, cx.now(), lang, Some(caller.user_id), &created)?;
            Ok::<_, ApiError>(dto)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/posts/{}", created.id)))
        .insert_header((header::ETAG, etag_of(&created)))
        .json(created))
}

/// A neighbourhood's feed, newest first.
///
/// Without signing in, and for non-members, only public posts. Members also see members-only
/// posts; hidden posts only their authors and moderators see. Filters combine; `q` searches
/// title and body.
#[utoipa::path(
    tag = "posts",
    security((), ("bearer" = []), ("partner" = ["posts:read"])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id."), ListPostsParams),
    responses(
        (status = 200, description = "One page of posts.", body = PostList,
         headers(("etag" = String, description = "For `If-None-Match`."))),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
        (status = 400, description = "`invalid_query`.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "An invalid token was sent.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/posts")]
pub async fn list_posts(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    params: Query<ListPostsParams>,
) -> Result<HttpResponse, ApiError> {
    let neighbourhood_id = NeighbourhoodId(id.into_inner());
    let lang = Negotiated::of(&req);
    let params = params.into_inner();
    let mut errors = FieldErrors::default();
    if let Some(Err(error)) = params.q.as_deref().map(check_search_text) {
        errors.push("q", error.into());
    }
    let (limit, after): (usize, Option<(DateTime<Utc>, String)>) = page(
        params.limit,
        params.cursor.as_deref(),
        errors.into_problems(),
    )?;
    let anonymous = caller == Caller::Anonymous;
    let feed = move |cx: &mut buurt_app::Cx<'_>| {
        let user = match &caller {
            Caller::User(user) => Some(*user),
            Caller::Anonymous | Caller::Machine(_) => None,
        };
        let access = app::feed_access(cx.conn, neighbourhood_id, user)?;
        if let Caller::Machine(machine) = &caller {
            machine.client_in(cx.conn, Scope::PostsRead, access.municipality.as_str())?;
        }
        let filter = FeedFilter {
            kind: params.kind.map(Into::into),
            category: params.category.map(Into::into),
            status: params.status.map(Into::into),
            text: params.q,
            after: after.map(|(created_at, id)| FeedCursor { created_at, id }),
            limit,
        };
        let (posts, next) = app::list_posts(cx, &access, filter)?;
        Ok::<_, ApiError>((post_dtos(cx.conn, cx.now(), lang, user, &posts)?, next))
    };
    // Nobody reads their own writes anonymously: that feed may come from the read replica.
    // Signed-in readers stay on the leader and see what they just posted.
    let (posts, next) = if anonymous {
        state.read(feed).await?
    } else {
        state.run(feed).await?
    };
    let page = PostList {
        items: posts,
        next_cursor: next.map(|cursor| encode_cursor(&(cursor.created_at, cursor.id))),
    };
    json_with_etag(&req, &page)
}

/// The posts one wrote, in every neighbourhood, newest first, with their live state: closed,
/// expired and hidden ones too. Filters combine.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(MyPostsParams),
    responses(
        (status = 200, description = "One page of one's own posts.", body = PostList,
         headers(("etag" = String, description = "For `If-None-Match`."))),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
        (status = 400, description = "`invalid_query`: every parameter at fault in `errors`.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/me/posts")]
pub async fn list_my_posts(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    params: Query<MyPostsParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let (limit, after): (usize, Option<(DateTime<Utc>, String)>) =
        page(params.limit, params.cursor.as_deref(), Vec::new())?;
    let (posts, next) = state
        .run(move |cx| {
            let filter = FeedFilter {
                kind: params.kind.map(Into::into),
                status: params.status.map(Into::into),
                after: after.map(|(created_at, id)| FeedCursor { created_at, id }),
                limit,
                ..FeedFilter::default()
            };
            let (posts, next) = app::my_posts(cx, caller.user_id, filter)?;
            // One's own posts: never under a former resident's name.
            let lang = Lang::default();
            Ok::<_, ApiError>((
                post_dtos(cx.conn, cx.now(), lang, Some(caller.user_id), &posts)?,
                next,
            ))
        })
        .await?;
    let page = PostList {
        items: posts,
        next_cursor: next.map(|cursor| encode_cursor(&(cursor.created_at, cursor.id))),
    };
    json_with_etag(&req, &page)
}

/// One post, for whoever may see it (404 for everyone else).
#[utoipa::path(
    tag = "posts",
    security((), ("bearer" = []), ("partner" = ["posts:read"])),
    params(("id" = uuid::Uuid, Path, description = "The post's id.")),
    responses(
        (status = 200, description = "The post.", body = PostDto,
         headers(("etag" = String, description = "For `If-None-Match`."))),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
        (status = 401, description = "An invalid token was sent.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/posts/{id}")]
pub async fn get_post(
    req: HttpRequest,
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    let dto = state
        .run(move |cx| {
            let as_user = match &caller {
                Caller::Machine(_) => None,
                Caller::User(user) => Some(*user),
                Caller::Anonymous => None,
            };
            let (found, neighbourhood) = app::get_post(cx, as_user, id)?;
            let caller = reading_as(cx.conn, &caller, &neighbourhood)?;
            Ok::<_, ApiError>(post_view(cx.conn, cx.now(), lang, caller, &found)?)
        })
        .await?;
    json_with_etag(&req, &dto)
}

/// Change one's own post while it is live (open, matched or in mediation). Absent fields stay
/// as they are; the rules of `POST` apply to the result.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The post's id.")),
    request_body = UpdatePostRequest,
    responses(
        (status = 200, description = "The post after the change.", body = PostDto),
        (status = 403, description = "`forbidden`: not the author.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`post_not_live`: closed, fulfilled or expired. \
          `helpers_below_accepted`: a request's `helpers_needed` below its accepted helpers \
          (a request whose accepted helpers reach `helpers_needed` becomes `matched`, and \
          `open` again when they no longer do). `capacity_below_going`: an activity's new \
          capacity is below the number going; `rsvp_closed`: a new capacity for an activity \
          that is over or hidden.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[patch("/v1/posts/{id}")]
pub async fn update_post(
    req: HttpRequest,
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<UpdatePostRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    let body = body.0;
    let if_match = IfMatch::of(&req);
    let images = body.image_ids.as_deref().map(image_ids);
    let updated = state
        .run(move |cx| {
            let change = PostChange {
                title: body.title.as_deref(),
                body: body.body.as_deref(),
                category: body.category.map(Into::into),
                visibility: body.visibility.map(Into::into),
                urgency: body.urgency.map(Into::into),
                expires_at: body.expires_at,
                remote_ok: body.remote_ok,
                helpers_needed: body.helpers_needed,
                activity: body.activity.as_ref().map(|a| ActivityChange {
                    starts_at: a.starts_at,
                    ends_at: a.ends_at,
                    location: &a.location,
                    capacity: a.capacity,
                }),
                images: images.as_deref(),
            };
            let reader = Some(caller.user_id);
            let now = cx.now();
            let updated = app::update_post(cx, caller.user_id, id, change, |conn, current| {
                if if_match.is_sent() {
                    if_match.check(&post_view(conn, now, lang, reader, current)?)?;
                }
                Ok(())
            })?;
            Ok::<_, ApiError>(post_view(cx.conn, cx.now(), lang, reader, &updated)?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_of(&updated)))
        .json(updated))
}

/// Delete one's own post, for good. A request in mediation has its case resolved as withdrawn
/// first (the case goes with it; its audit log stays).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The post's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "`forbidden`: not the author.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[delete("/v1/posts/{id}")]
pub async fn delete_post(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    state
        .run(move |cx| app::delete_post(cx, caller.user_id, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Close one's own post: it stays readable, but is no longer open. A request in mediation has
/// its case resolved as withdrawn.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The post's id.")),
    responses(
        (status = 200, description = "Closed.", body = PostDto),
        (status = 403, description = "`forbidden`: not the author.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`illegal_transition`: already closed, fulfilled or expired.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/close")]
pub async fn close_post(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<PostDto>, ApiError> {
    let id = PostId(id.into_inner());
    let closed = state
        .run(move |cx| {
            let closed = app::close_post(cx, caller.user_id, id)?;
            Ok::<_, ApiError>(post_view(
                cx.conn,
                cx.now(),
                lang,
                Some(caller.user_id),
                &closed,
            )?)
        })
        .await?;
    Ok(web::Json(closed))
}

async fn set_hidden(
    lang: Lang,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: PostId,
    hidden: bool,
) -> Result<web::Json<PostDto>, ApiError> {
    let found = state
        .run(move |cx| {
            let found = app::set_hidden(cx, caller.user_id, id, hidden)?;
            Ok::<_, ApiError>(post_view(
                cx.conn,
                cx.now(),
                lang,
                Some(caller.user_id),
                &found,
            )?)
        })
        .await?;
    Ok(web::Json(found))
}

/// Hide a post (moderators of its neighbourhood, administrators): it disappears from feeds
/// and pages for everyone but moderators and its author.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The post's id.")),
    responses(
        (status = 200, description = "Hidden.", body = PostDto),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/hide")]
pub async fn hide_post(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<PostDto>, ApiError> {
    set_hidden(lang, state, caller, PostId(id.into_inner()), true).await
}

/// Show a hidden post again (moderators of its neighbourhood, administrators).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The post's id.")),
    responses(
        (status = 200, description = "Visible again.", body = PostDto),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/unhide")]
pub async fn unhide_post(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<PostDto>, ApiError> {
    set_hidden(lang, state, caller, PostId(id.into_inner()), false).await
}
