//! Activities: RSVP with a waitlist, attendees, check-ins, organisers, capacity.

use actix_web::{HttpResponse, delete, get, post, put, web};
use buurt_domain::accounts::UserId;
use buurt_domain::activities::{
    CheckInRefusal, Rsvp, RsvpRefusal, RsvpStatus, takes_check_ins, takes_rsvps,
};
use buurt_domain::policy::{Action, Actor};
use buurt_domain::posts::{PostId, PostKind};
use buurt_openapi::activities::{
    AddOrganiserRequest, AttendeeDto, AttendeeList, CapacityDto, CheckInRequest, OrganiserDto,
    RsvpDto, RsvpStatusDto, SetCapacityRequest,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::activities as repo;
use buurt_persistence::posts::PostWithAuthor;
use buurt_persistence::{DbConnection, accounts, time};

use crate::auth::Authenticated;
use crate::error::{ApiError, ErrorCode, FieldIssue};
use crate::extract::Json;
use crate::routes::posts::{visible_post, visible_post_as};
use crate::state::AppState;

fn status_dto(status: RsvpStatus) -> RsvpStatusDto {
    match status {
        RsvpStatus::Waitlisted => RsvpStatusDto::Waitlisted,
        RsvpStatus::Going | RsvpStatus::Cancelled => RsvpStatusDto::Going,
    }
}

/// An activity the caller may see and who they are in its neighbourhood, or 404; 409 when
/// the post is no activity.
fn visible_activity(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
) -> Result<(PostWithAuthor, Actor), ApiError> {
    let (found, actor) = visible_post_as(conn, caller, id)?;
    if found.post.content.kind != PostKind::Activity {
        return Err(ApiError::Refused(ErrorCode::NotAnActivity));
    }
    Ok((found, actor))
}

/// An activity the caller organises (see `Action::OrganiseActivity`), or 403.
fn organised_activity(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
) -> Result<PostWithAuthor, ApiError> {
    let (found, actor) = visible_activity(conn, caller, id)?;
    let action = Action::OrganiseActivity {
        author: found.post.author_id,
        co_organiser: repo::is_organiser(conn, id, caller)?,
    };
    if actor.may(action) {
        Ok(found)
    } else {
        Err(ApiError::Refused(ErrorCode::Forbidden))
    }
}

fn rsvp_dto(conn: &mut DbConnection, post: PostId, rsvp: &Rsvp) -> Result<RsvpDto, ApiError> {
    let ahead = if rsvp.status == RsvpStatus::Waitlisted {
        repo::waitlisted_before(conn, post, rsvp.position)?
    } else {
        0
    };
    Ok(RsvpDto {
        post_id: post.0,
        user_id: rsvp.user_id.0,
        status: status_dto(rsvp.status),
        waitlist_ahead: ahead,
        checked_in_at: rsvp.checked_in_at,
        created_at: rsvp.created_at,
    })
}

/// Answers (and their cancellations) are taken only while the activity is open, not hidden
/// and not over.
fn rsvps_open(found: &PostWithAuthor, now: chrono::DateTime<chrono::Utc>) -> Result<(), ApiError> {
    match takes_rsvps(&found.post, now) {
        Ok(()) => Ok(()),
        Err(RsvpRefusal::NotAnActivity) => Err(ApiError::Refused(ErrorCode::NotAnActivity)),
        Err(_) => Err(ApiError::Refused(ErrorCode::RsvpClosed)),
    }
}

/// Sign up for an activity: `going` while there is room, `waitlisted` after, in order of
/// arrival. Signing up again changes nothing. Members-only activities take members only.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The activity's id.")),
    responses(
        (status = 201, description = "Signed up.", body = RsvpDto),
        (status = 200, description = "Already signed up: unchanged.", body = RsvpDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_an_activity`, or `rsvp_closed` (over, closed or hidden).",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/rsvp")]
pub async fn create_rsvp(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    let (dto, created) = state
        .db(move |conn| {
            let (found, _) = visible_activity(conn, caller.user_id, id)?;
            let now = time::now();
            rsvps_open(&found, now)?;
            let (rsvp, created) = repo::rsvp(conn, id, caller.user_id, now)?;
            Ok((rsvp_dto(conn, id, &rsvp)?, created))
        })
        .await?;
    Ok(crate::routes::created_or_ok(created, dto))
}

/// Cancel one's sign-up while the activity takes sign-ups. A place freed by someone going goes
/// to the first on the waitlist, who is notified. Once it is over or closed the answers stand
/// as the record of who came, and someone checked in stays checked in.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The activity's id.")),
    responses(
        (status = 204, description = "Cancelled."),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such post, or no sign-up of yours.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_an_activity`; `rsvp_closed`: over, closed or hidden; \
         `already_checked_in`: checked in, so it stays.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[delete("/v1/posts/{id}/rsvp")]
pub async fn cancel_rsvp(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    state
        .db(move |conn| {
            let (found, _) = visible_activity(conn, caller.user_id, id)?;
            let now = time::now();
            rsvps_open(&found, now)?;
            match repo::cancel_rsvp(conn, id, caller.user_id, now)? {
                repo::Cancellation::Cancelled(_) => Ok(()),
                repo::Cancellation::NoRsvp => Err(ApiError::NotFound),
                repo::Cancellation::CheckedIn => {
                    Err(ApiError::Refused(ErrorCode::AlreadyCheckedIn))
                }
            }
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn attendee_list(conn: &mut DbConnection, post: &PostWithAuthor) -> Result<AttendeeList, ApiError> {
    let all = repo::attendees(conn, post.post.id)?;
    let checked_in = all
        .iter()
        .filter(|(rsvp, _)| rsvp.checked_in_at.is_some())
        .count();
    let (going, waitlist): (Vec<_>, Vec<_>) = all
        .into_iter()
        .map(|(rsvp, name)| AttendeeDto {
            user_id: rsvp.user_id.0,
            display_name: name,
            status: status_dto(rsvp.status),
            checked_in_at: rsvp.checked_in_at,
            answered_at: rsvp.created_at,
            waitlisted_at: rsvp.waitlisted_at,
        })
        .partition(|attendee| attendee.status == RsvpStatusDto::Going);
    Ok(AttendeeList {
        going,
        waitlist,
        capacity: post.post.content.activity.as_ref().and_then(|a| a.capacity),
        checked_in,
    })
}

/// Who is going and who waits (the author, co-organisers and administrators).
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The activity's id.")),
    responses(
        (status = 200, description = "Going and waitlist.", body = AttendeeList),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not an organiser.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_an_activity`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/posts/{id}/attendees")]
pub async fn list_attendees(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<AttendeeList>, ApiError> {
    let id = PostId(id.into_inner());
    let list = state
        .db(move |conn| {
            let post = organised_activity(conn, caller.user_id, id)?;
            attendee_list(conn, &post)
        })
        .await?;
    Ok(web::Json(list))
}

/// Check someone in: they came (organisers). Only people going are checked in, on an open
/// activity, from 00:00 Amsterdam time on the day it starts until a day after it ends.
/// Checking in twice keeps the first time.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The activity's id.")),
    request_body = CheckInRequest,
    responses(
        (status = 200, description = "Checked in.", body = RsvpDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not an organiser.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_going`: on the waitlist; `check_in_not_open`: closed, \
         hidden, before the day it starts or more than a day after it ended.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`no_rsvp`: this person has not signed up.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/check-ins")]
pub async fn check_in(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CheckInRequest>,
) -> Result<web::Json<RsvpDto>, ApiError> {
    let id = PostId(id.into_inner());
    let user = UserId(body.0.user_id);
    let dto = state
        .db(move |conn| {
            let found = organised_activity(conn, caller.user_id, id)?;
            let now = time::now();
            match takes_check_ins(&found.post, now) {
                Ok(()) => {}
                Err(CheckInRefusal::NotAnActivity) => {
                    return Err(ApiError::Refused(ErrorCode::NotAnActivity));
                }
                Err(CheckInRefusal::NotOpen | CheckInRefusal::OutsideWindow) => {
                    return Err(ApiError::Refused(ErrorCode::CheckInNotOpen));
                }
            }
            match repo::check_in(conn, id, user, now)? {
                repo::CheckIn::CheckedIn(rsvp) => rsvp_dto(conn, id, &rsvp),
                repo::CheckIn::Waitlisted => Err(ApiError::Refused(ErrorCode::NotGoing)),
                repo::CheckIn::NoRsvp => Err(ApiError::RefusedFields(
                    ErrorCode::NoRsvp,
                    vec![crate::error::FieldProblem::new(
                        "user_id",
                        FieldIssue::invalid("not signed up", "niet aangemeld"),
                    )],
                )),
            }
        })
        .await?;
    Ok(web::Json(dto))
}

/// Add a co-organiser (the author or an administrator). Co-organisers see attendees, check
/// people in and change the capacity.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The activity's id.")),
    request_body = AddOrganiserRequest,
    responses(
        (status = 201, description = "Added.", body = OrganiserDto),
        (status = 200, description = "Already an organiser.", body = OrganiserDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not the author.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: no such user.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/organisers")]
pub async fn add_organiser(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<AddOrganiserRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    let user = UserId(body.0.user_id);
    let created = state
        .db(move |conn| {
            let (found, actor) = visible_activity(conn, caller.user_id, id)?;
            if !actor.may(Action::AddOrganiser {
                author: found.post.author_id,
            }) {
                return Err(ApiError::Refused(ErrorCode::Forbidden));
            }
            if accounts::find_user(conn, user)?.is_none() {
                return Err(ApiError::validation(
                    "user_id",
                    FieldIssue::invalid("no such user", "geen bestaande gebruiker"),
                ));
            }
            Ok(repo::add_organiser(conn, id, user, time::now())?)
        })
        .await?;
    let dto = OrganiserDto {
        post_id: id.0,
        user_id: user.0,
    };
    Ok(crate::routes::created_or_ok(created, dto))
}

/// Change the capacity (organisers). Raising it moves the waitlist up; lowering it below the
/// number going is refused.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The activity's id.")),
    request_body = SetCapacityRequest,
    responses(
        (status = 200, description = "The capacity after the change.", body = CapacityDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not an organiser.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`capacity_below_going`; `post_not_live`: closed; \
         `rsvp_closed`: over or hidden.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/v1/posts/{id}/capacity")]
pub async fn set_capacity(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<SetCapacityRequest>,
) -> Result<web::Json<CapacityDto>, ApiError> {
    let id = PostId(id.into_inner());
    let capacity = body.0.capacity;
    if capacity.is_some_and(|c| !(1..=buurt_domain::posts::MAX_CAPACITY).contains(&c)) {
        return Err(ApiError::validation("capacity", FieldIssue::OutOfRange));
    }
    let dto = state
        .db(move |conn| {
            let post = organised_activity(conn, caller.user_id, id)?;
            if !post.post.status.is_live() {
                return Err(ApiError::Refused(ErrorCode::PostNotLive));
            }
            // Over, nobody moves up any more: the answers are the record of who came.
            let now = time::now();
            rsvps_open(&post, now)?;
            repo::set_capacity(conn, id, capacity, now)?
                .map_err(|_| ApiError::Refused(ErrorCode::CapacityBelowGoing))?;
            let list = attendee_list(conn, &post)?;
            Ok(CapacityDto {
                capacity,
                going: list.going.len() as u64,
                waitlisted: list.waitlist.len() as u64,
            })
        })
        .await?;
    Ok(web::Json(dto))
}

/// One activity as iCalendar (RFC 5545), in Europe/Amsterdam time, with a stable UID.
#[utoipa::path(
    tag = "activities",
    security((), ("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The activity's id.")),
    responses(
        (status = 200, description = "An iCalendar file with one event.", body = String,
         content_type = "text/calendar"),
        (status = 401, description = "An invalid token was sent.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_an_activity`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/posts/{id}/calendar.ics")]
pub async fn activity_calendar(
    state: web::Data<AppState>,
    caller: crate::auth::MaybeAuthenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    let caller = caller.0.map(|c| c.user_id);
    let post = state
        .db(move |conn| {
            let (found, _) = visible_post(conn, caller, id)?;
            if found.post.content.kind != PostKind::Activity {
                return Err(ApiError::Refused(ErrorCode::NotAnActivity));
            }
            Ok(found.post)
        })
        .await?;
    let name = post.content.title.clone();
    Ok(HttpResponse::Ok()
        .content_type(crate::calendar::CONTENT_TYPE)
        .body(crate::calendar::calendar(&name, &[post])))
}

/// The neighbourhood's upcoming public activities as an iCalendar feed to subscribe to.
#[utoipa::path(
    tag = "activities",
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    responses(
        (status = 200, description = "An iCalendar file with the upcoming public activities.",
         body = String, content_type = "text/calendar"),
        (status = 404, description = "No such neighbourhood.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/calendar.ics")]
pub async fn neighbourhood_calendar(
    state: web::Data<AppState>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = buurt_domain::neighbourhoods::NeighbourhoodId(id.into_inner());
    let (name, posts) = state
        .db(move |conn| {
            let neighbourhood = crate::routes::neighbourhoods::load(conn, id)?;
            let (posts, _) = buurt_persistence::posts::public_section(
                conn,
                id,
                PostKind::Activity,
                time::now(),
                CALENDAR_MAX_EVENTS,
            )?;
            Ok((
                format!("Buurt: {}", neighbourhood.draft.name.as_str()),
                posts,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(crate::calendar::CONTENT_TYPE)
        .body(crate::calendar::calendar(&name, &posts)))
}

/// The most events one neighbourhood calendar holds.
const CALENDAR_MAX_EVENTS: usize = 500;
