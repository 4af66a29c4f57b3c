//! Posts: the feed, writing and managing posts, hiding and reporting them.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use buurt_domain::accounts::UserId;
use buurt_domain::neighbourhoods::{Neighbourhood, NeighbourhoodId};
use buurt_domain::policy::{Action, Actor, Reader};
use buurt_domain::posts::{
    ActivityInput, Post, PostContent, PostId, PostInput, PostKind, PostStatus,
};
use buurt_openapi::posts::{
    CreatePostRequest, CreateReportRequest, ListPostsParams, PostDto, PostList, ReportDto,
    UpdatePostRequest,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::matching::{self, RequestChangeRefusal};
use buurt_persistence::posts::{self as repo, FeedCursor, FeedQuery, HiddenPosts, PostWithAuthor};
use buurt_persistence::{DbConnection, memberships, time};
use chrono::{DateTime, Utc};

use crate::auth::{Authenticated, Caller};
use crate::error::{ApiError, ErrorCode, FieldErrors};
use crate::etag::json_with_etag;
use crate::extract::Json;
use crate::paging::{decode_cursor, encode_cursor, limit};
use crate::routes::neighbourhoods::load;
use crate::state::AppState;
use buurt_domain::partners::Scope;

/// The reader `caller` is in `neighbourhood`.
fn reader(
    conn: &mut DbConnection,
    caller: Option<UserId>,
    neighbourhood: &Neighbourhood,
) -> Result<Reader, ApiError> {
    match caller {
        None => Ok(Reader::ANONYMOUS),
        Some(user) => Ok(memberships::actor(conn, user, neighbourhood)?.reader()),
    }
}

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

/// The post if `caller` may see it; 404 otherwise, as for a post that does not exist.
pub fn visible_post(
    conn: &mut DbConnection,
    caller: Option<UserId>,
    id: PostId,
) -> Result<(PostWithAuthor, Neighbourhood), ApiError> {
    let found = repo::find_post_with_author(conn, id)?.ok_or(ApiError::NotFound)?;
    let neighbourhood = load(conn, found.post.neighbourhood_id)?;
    if reader(conn, caller, &neighbourhood)?.may_see(&found.post) {
        Ok((found, neighbourhood))
    } else {
        Err(ApiError::NotFound)
    }
}

/// The post if the signed-in `caller` may see it (404 otherwise), and who they are in its
/// neighbourhood, for the policy.
pub fn visible_post_as(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
) -> Result<(PostWithAuthor, Actor), ApiError> {
    let found = repo::find_post_with_author(conn, id)?.ok_or(ApiError::NotFound)?;
    let neighbourhood = load(conn, found.post.neighbourhood_id)?;
    let actor = memberships::actor(conn, caller, &neighbourhood)?;
    if actor.reader().may_see(&found.post) {
        Ok((found, actor))
    } else {
        Err(ApiError::NotFound)
    }
}

/// The post if `caller` may see it (404 otherwise) and may do `action` to it (403 otherwise).
pub fn post_for(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
    action: impl FnOnce(&PostWithAuthor) -> Action,
) -> Result<PostWithAuthor, ApiError> {
    let (found, actor) = visible_post_as(conn, caller, id)?;
    if actor.may(action(&found)) {
        Ok(found)
    } else {
        Err(ApiError::Refused(ErrorCode::Forbidden))
    }
}

fn content_errors(errors: Vec<(&'static str, buurt_domain::ValueError)>) -> ApiError {
    let mut fields = FieldErrors::default();
    for (field, error) in errors {
        fields.check::<()>(field, Err(error));
    }
    fields.into()
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
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not an active member.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: see `errors`.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/neighbourhoods/{id}/posts")]
pub async fn create_post(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CreatePostRequest>,
) -> Result<HttpResponse, ApiError> {
    let neighbourhood_id = NeighbourhoodId(id.into_inner());
    let body = body.0;
    let now = time::now();
    let content = PostContent::validate(
        PostInput {
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
        },
        now,
    )
    .map_err(content_errors)?;
    let created = state
        .db(move |conn| {
            let neighbourhood = load(conn, neighbourhood_id)?;
            if !memberships::actor(conn, caller.user_id, &neighbourhood)?.may(Action::CreatePost) {
                return Err(ApiError::Refused(ErrorCode::Forbidden));
            }
            let post = Post {
                id: PostId::new(),
                neighbourhood_id,
                author_id: caller.user_id,
                content,
                status: PostStatus::Open,
                hidden: false,
                created_at: now,
                updated_at: now,
            };
            // Care requests go to the mediators at once when the author consented to sharing
            // care data.
            buurt_app::mediation::create_post_escalating_care(conn, &post)?;
            repo::find_post_with_author(conn, post.id)?.ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/posts/{}", created.post.id)))
        .json(PostDto::new(&created.post, &created.author_name)))
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
        (status = 404, description = "No such neighbourhood.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/posts")]
pub async fn list_posts(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    params: web::Query<ListPostsParams>,
) -> Result<HttpResponse, ApiError> {
    let neighbourhood_id = NeighbourhoodId(id.into_inner());
    let params = params.into_inner();
    let limit = limit(params.limit)?;
    let after: Option<(DateTime<Utc>, String)> = decode_cursor(params.cursor.as_deref())?;
    let (posts, next) = state
        .db(move |conn| {
            let neighbourhood = load(conn, neighbourhood_id)?;
            let caller = reading_as(conn, &caller, &neighbourhood)?;
            let reader = reader(conn, caller, &neighbourhood)?;
            let query = FeedQuery {
                neighbourhood: neighbourhood_id,
                kind: params.kind.map(Into::into),
                category: params.category.map(Into::into),
                status: params.status.map(Into::into),
                text: params.q,
                members_posts: reader.sees_members_posts(),
                reader: caller,
                hidden: match caller {
                    _ if reader.sees_hidden_posts() => HiddenPosts::All,
                    Some(user) => HiddenPosts::OwnOnly(user),
                    None => HiddenPosts::None,
                },
                after: after.map(|(created_at, id)| FeedCursor { created_at, id }),
                limit,
            };
            Ok(repo::list_feed(conn, &query)?)
        })
        .await?;
    let page = PostList {
        items: posts
            .iter()
            .map(|found| PostDto::new(&found.post, &found.author_name))
            .collect(),
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
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/posts/{id}")]
pub async fn get_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    let lang = crate::lang::Lang::negotiate(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    );
    let dto = state
        .db(move |conn| {
            let as_user = match &caller {
                Caller::Machine(_) => None,
                Caller::User(user) => Some(*user),
                Caller::Anonymous => None,
            };
            let (found, neighbourhood) = visible_post(conn, as_user, id)?;
            let caller = reading_as(conn, &caller, &neighbourhood)?;
            let mut dto = PostDto::new(&found.post, &found.author_name);
            dto.mediation =
                crate::routes::mediation::mediation_for_author(conn, lang, &found.post, caller)?;
            Ok(dto)
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
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not the author.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`post_not_live`: closed, fulfilled or expired. \
          `helpers_below_accepted`: a request's `helpers_needed` below its accepted helpers \
          (a request whose accepted helpers reach `helpers_needed` becomes `matched`, and \
          `open` again when they no longer do). `capacity_below_going`: an activity's new \
          capacity is below the number going; `rsvp_closed`: a new capacity for an activity \
          that is over or hidden.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: see `errors`.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[patch("/v1/posts/{id}")]
pub async fn update_post(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<UpdatePostRequest>,
) -> Result<web::Json<PostDto>, ApiError> {
    let id = PostId(id.into_inner());
    let body = body.0;
    // Read and written under the post's lock: two edits at once each keep the other's fields.
    let updated = state
        .db(move |conn| {
            buurt_persistence::holding_post(conn, id.0, |conn| {
                let found = post_for(conn, caller.user_id, id, |found| Action::EditPost {
                    author: found.post.author_id,
                })?;
                let current = &found.post.content;
                if !found.post.status.is_live() {
                    return Err(ApiError::Refused(ErrorCode::PostNotLive));
                }
                let now = time::now();
                let current_activity = current.activity.as_ref().map(|a| ActivityInput {
                    starts_at: a.starts_at,
                    ends_at: a.ends_at,
                    location: &a.location,
                    capacity: a.capacity,
                });
                let content = PostContent::validate(
                    PostInput {
                        kind: Some(current.kind),
                        title: body.title.as_deref().unwrap_or(&current.title),
                        body: body.body.as_deref().unwrap_or(&current.body),
                        category: body.category.map(Into::into).or(current.category),
                        visibility: body.visibility.map(Into::into).or(Some(current.visibility)),
                        urgency: body.urgency.map(Into::into).or(current.urgency),
                        // An unchanged expiry in the past is the job's business, not a new error.
                        expires_at: body
                            .expires_at
                            .or(current.expires_at.filter(|at| *at > now)),
                        remote_ok: body.remote_ok.or(Some(current.remote_ok)),
                        helpers_needed: body.helpers_needed.or(Some(current.helpers_needed)),
                        activity: body
                            .activity
                            .as_ref()
                            .map(|a| ActivityInput {
                                starts_at: a.starts_at,
                                ends_at: a.ends_at,
                                location: &a.location,
                                capacity: a
                                    .capacity
                                    .unwrap_or(current.activity.as_ref().and_then(|c| c.capacity)),
                            })
                            .or(current_activity),
                    },
                    now,
                )
                .map_err(content_errors)?;
                if content.kind == PostKind::Request {
                    // Its helper places follow `helpers_needed`, under the request's lock.
                    matching::update_request(conn, id, &content, now)?.map_err(|refusal| {
                        match refusal {
                            RequestChangeRefusal::NotLive => {
                                ApiError::Refused(ErrorCode::PostNotLive)
                            }
                            RequestChangeRefusal::BelowAccepted { .. } => {
                                ApiError::Refused(ErrorCode::HelpersBelowAccepted)
                            }
                        }
                    })?;
                } else {
                    // Only a capacity sent and different changes it; otherwise the one held when
                    // writing stays. Once the activity is over (or hidden) nobody moves up any more,
                    // as with `PUT …/capacity`.
                    let current_capacity = current.activity.as_ref().map(|a| a.capacity);
                    let capacity = match body.activity.as_ref().and_then(|a| a.capacity) {
                        Some(sent) if Some(sent) != current_capacity => {
                            if buurt_domain::activities::takes_rsvps(&found.post, now).is_err() {
                                return Err(ApiError::Refused(ErrorCode::RsvpClosed));
                            }
                            repo::CapacityEdit::Set
                        }
                        _ => repo::CapacityEdit::Keep,
                    };
                    repo::update_content(conn, id, &content, capacity, now)?.map_err(
                        |refusal| match refusal {
                            repo::EditRefusal::NotLive => ApiError::Refused(ErrorCode::PostNotLive),
                            repo::EditRefusal::CapacityBelowGoing { .. } => {
                                ApiError::Refused(ErrorCode::CapacityBelowGoing)
                            }
                        },
                    )?;
                }
                repo::find_post_with_author(conn, id)?.ok_or(ApiError::NotFound)
            })
        })
        .await?;
    Ok(web::Json(PostDto::new(&updated.post, &updated.author_name)))
}

/// Delete one's own post, for good. A request in mediation has its case resolved as withdrawn
/// first (the case goes with it; its audit log stays).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The post's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not the author.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
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
        .db(move |conn| {
            post_for(conn, caller.user_id, id, |found| Action::DeletePost {
                author: found.post.author_id,
            })?;
            repo::delete_post(conn, id, caller.user_id)?;
            Ok(())
        })
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
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not the author.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`illegal_transition`: already closed, fulfilled or expired.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/close")]
pub async fn close_post(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<PostDto>, ApiError> {
    let id = PostId(id.into_inner());
    let closed = state
        .db(move |conn| {
            let found = post_for(conn, caller.user_id, id, |found| Action::ClosePost {
                author: found.post.author_id,
            })?;
            match repo::close_post(conn, id, caller.user_id, time::now())? {
                Some(Ok(post)) => Ok(PostDto::new(&post, &found.author_name)),
                Some(Err(_)) => Err(ApiError::Refused(ErrorCode::IllegalTransition)),
                None => Err(ApiError::NotFound),
            }
        })
        .await?;
    Ok(web::Json(closed))
}

async fn set_hidden(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: PostId,
    hidden: bool,
) -> Result<web::Json<PostDto>, ApiError> {
    let dto = state
        .db(move |conn| {
            let found = post_for(conn, caller.user_id, id, |_| Action::HidePost)?;
            let post =
                repo::set_hidden(conn, id, hidden, time::now())?.ok_or(ApiError::NotFound)?;
            Ok(PostDto::new(&post, &found.author_name))
        })
        .await?;
    Ok(web::Json(dto))
}

/// Hide a post (moderators of its neighbourhood, administrators): it disappears from feeds
/// and pages for everyone but moderators and its author.
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The post's id.")),
    responses(
        (status = 200, description = "Hidden.", body = PostDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/hide")]
pub async fn hide_post(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<PostDto>, ApiError> {
    set_hidden(state, caller, PostId(id.into_inner()), true).await
}

/// Show a hidden post again (moderators of its neighbourhood, administrators).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The post's id.")),
    responses(
        (status = 200, description = "Visible again.", body = PostDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/unhide")]
pub async fn unhide_post(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<PostDto>, ApiError> {
    set_hidden(state, caller, PostId(id.into_inner()), false).await
}

/// Report a post to the moderators (active members of its neighbourhood; once per post).
#[utoipa::path(
    tag = "posts",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The post's id.")),
    request_body = CreateReportRequest,
    responses(
        (status = 201, description = "Reported.", body = ReportDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not an active member here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`already_reported`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: see `errors`.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/reports")]
pub async fn report_post(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CreateReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    let CreateReportRequest { reason, details } = body.0;
    let mut errors = FieldErrors::default();
    // Blank details are no details.
    let details = details.filter(|text| !text.trim().is_empty());
    let details = errors.check_optional("details", details.as_deref(), |raw| {
        buurt_domain::value::bounded_text(raw, 1000, true)
    });
    let Some(details) = details else {
        return Err(errors.into());
    };
    let now = time::now();
    let report_id = state
        .db(move |conn| {
            post_for(conn, caller.user_id, id, |_| Action::ReportPost)?;
            repo::report_post(
                conn,
                id,
                caller.user_id,
                reason.as_str(),
                details.as_deref(),
                now,
            )?
            .ok_or(ApiError::Refused(ErrorCode::AlreadyReported))
        })
        .await?;
    Ok(HttpResponse::Created().json(ReportDto {
        id: report_id,
        post_id: id.0,
        reason,
        created_at: now,
    }))
}
