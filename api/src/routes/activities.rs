//! Activities: RSVP with a waitlist, attendees, check-ins, organisers, capacity. The handlers
//! translate; the use cases are `buurt_app::activities`.

use actix_web::{HttpResponse, delete, get, post, put, web};
use buurt_app::activities::{self as app, Answer};
use buurt_domain::accounts::UserId;
use buurt_domain::activities::RsvpStatus;
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::PostId;
use buurt_openapi::activities::{
    AddOrganiserRequest, AttendeeDto, AttendeeList, CapacityDto, CheckInRequest, OccurrenceParams,
    OrganiserDto, RsvpDto, RsvpStatusDto, SetCapacityRequest,
};
use buurt_openapi::problem::Problem;

use crate::auth::Authenticated;
use crate::http::error::ApiError;
use crate::http::extract::Json;
use crate::http::lang::{Lang, Negotiated};
use crate::http::query::Query;
use crate::state::AppState;

/// A status the wire cannot show: a cancelled answer is no answer, and is never sent. Meeting
/// one where an answer standing is sent is a bug, not something to show as another status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an RSVP that is {0:?} has no status on the wire")]
pub struct NotOnTheWire(pub RsvpStatus);

impl From<NotOnTheWire> for ApiError {
    fn from(error: NotOnTheWire) -> Self {
        ApiError::internal(error)
    }
}

/// The wire status of an answer standing.
fn status_dto(status: RsvpStatus) -> Result<RsvpStatusDto, NotOnTheWire> {
    match status {
        RsvpStatus::Going => Ok(RsvpStatusDto::Going),
        RsvpStatus::Waitlisted => Ok(RsvpStatusDto::Waitlisted),
        RsvpStatus::Cancelled => Err(NotOnTheWire(status)),
    }
}

fn rsvp_dto(answer: &Answer) -> Result<RsvpDto, NotOnTheWire> {
    Ok(RsvpDto {
        post_id: answer.post.0,
        user_id: answer.rsvp.user_id.0,
        status: status_dto(answer.rsvp.status)?,
        waitlist_ahead: answer.waitlist_ahead,
        occurrence: None,
        checked_in_at: answer.rsvp.checked_in_at,
        created_at: answer.rsvp.created_at,
    })
}

/// Sign up for an activity: `going` while there is room, `waitlisted` after, in order of
/// arrival. Signing up again changes nothing. Members-only activities take members only.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The activity's id."), OccurrenceParams),
    responses(
        (status = 201, description = "Signed up.", body = RsvpDto),
        (status = 200, description = "Already signed up: unchanged.", body = RsvpDto),
        (status = 400, description = "`invalid_query`.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_an_activity`, or `rsvp_closed` (over, closed or hidden; \
         for a series: that occurrence is over).",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/rsvp")]
pub async fn create_rsvp(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    params: Query<OccurrenceParams>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    if let Some(on) = params.into_inner().occurrence {
        let (found, created) = state
            .run(move |cx| app::rsvp_occurrence(cx, caller.user_id, id, on))
            .await?;
        let mut dto = rsvp_dto(&found.answer)?;
        dto.occurrence = found.occurrence;
        return Ok(crate::routes::created_or_ok(created, dto));
    }
    let (answer, created) = state
        .run(move |cx| app::rsvp(cx, caller.user_id, id))
        .await?;
    Ok(crate::routes::created_or_ok(created, rsvp_dto(&answer)?))
}

/// Cancel one's sign-up while the activity takes sign-ups. A place freed by someone going goes
/// to the first on the waitlist, who is notified. Once it is over or closed the answers stand
/// as the record of who came, and someone checked in stays checked in.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The activity's id."), OccurrenceParams),
    responses(
        (status = 204, description = "Cancelled."),
        (status = 400, description = "`invalid_query`.", body = Problem,
         content_type = "application/problem+json"),
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
    params: Query<OccurrenceParams>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    if let Some(on) = params.into_inner().occurrence {
        state
            .run(move |cx| app::cancel_occurrence(cx, caller.user_id, id, on))
            .await?;
        return Ok(HttpResponse::NoContent().finish());
    }
    state
        .run(move |cx| app::cancel_rsvp(cx, caller.user_id, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn attendee_list(attendees: app::Attendees, lang: Lang) -> Result<AttendeeList, NotOnTheWire> {
    let checked_in = attendees
        .attendees
        .iter()
        .filter(|a| a.rsvp.checked_in_at.is_some())
        .count();
    let mut going = Vec::new();
    let mut waitlist = Vec::new();
    for attendee in attendees.attendees {
        let rsvp = attendee.rsvp;
        let dto = AttendeeDto {
            user_id: rsvp.user_id.0,
            display_name: buurt_app::privacy::shown_name(&attendee.display_name, lang),
            status: status_dto(rsvp.status)?,
            checked_in_at: rsvp.checked_in_at,
            answered_at: rsvp.created_at,
            waitlisted_at: rsvp.waitlisted_at,
        };
        match dto.status {
            RsvpStatusDto::Going => going.push(dto),
            RsvpStatusDto::Waitlisted => waitlist.push(dto),
        }
    }
    Ok(AttendeeList {
        going,
        waitlist,
        capacity: attendees.capacity,
        checked_in,
    })
}

/// Who is going and who waits (the author, co-organisers and administrators). For a recurring
/// activity, at one occurrence (`occurrence`, required; past ones too: who came).
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The activity's id."), OccurrenceParams),
    responses(
        (status = 200, description = "Going and waitlist.", body = AttendeeList),
        (status = 400, description = "`invalid_query`: `occurrence` is no date.", body = Problem,
         content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not an organiser.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_an_activity`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` on `occurrence`: missing for a \
         recurring activity, sent for a one-off one, or no day the series takes place.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/posts/{id}/attendees")]
pub async fn list_attendees(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    params: Query<OccurrenceParams>,
) -> Result<web::Json<AttendeeList>, ApiError> {
    let id = PostId(id.into_inner());
    let on = params.into_inner().occurrence;
    let attendees = state
        .run(move |cx| app::attendees(cx, caller.user_id, id, on))
        .await?;
    Ok(web::Json(attendee_list(attendees, lang)?))
}

/// Check someone in: they came (organisers). Only people going are checked in, on an open
/// activity, from 00:00 Amsterdam time on the day it starts until a day after it ends.
/// Checking in twice keeps the first time. A recurring activity is checked in per occurrence
/// (`occurrence`, required), within that occurrence's window.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The activity's id."), OccurrenceParams),
    request_body = CheckInRequest,
    responses(
        (status = 200, description = "Checked in.", body = RsvpDto),
        (status = 400, description = "`invalid_query`: `occurrence` is no date.", body = Problem,
         content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not an organiser.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_going`: on the waitlist; `check_in_not_open`: closed, \
         hidden, before the day it starts or more than a day after it ended.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`no_rsvp`: this person has not signed up (for that \
         occurrence); `validation_failed` on `occurrence`: missing for a recurring activity, \
         sent for a one-off one, or no day the series takes place.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/check-ins")]
pub async fn check_in(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    params: Query<OccurrenceParams>,
    body: Json<CheckInRequest>,
) -> Result<web::Json<RsvpDto>, ApiError> {
    let id = PostId(id.into_inner());
    let user = UserId(body.0.user_id);
    let on = params.into_inner().occurrence;
    let found = state
        .run(move |cx| app::check_in(cx, caller.user_id, id, user, on))
        .await?;
    let mut dto = rsvp_dto(&found.answer)?;
    dto.occurrence = found.occurrence;
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
        (status = 403, description = "`forbidden`: not the author.", body = Problem,
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
        .run(move |cx| app::add_organiser(cx, caller.user_id, id, user))
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
        (status = 403, description = "`forbidden`: not an organiser.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`capacity_below_going`; `post_not_live`: closed; \
         `rsvp_closed`: over or hidden.", body = Problem, content_type = "application/problem+json"),
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
    let change = state
        .run(move |cx| app::set_capacity(cx, caller.user_id, id, capacity))
        .await?;
    Ok(web::Json(CapacityDto {
        capacity: change.capacity,
        going: change.going,
        waitlisted: change.waitlisted,
    }))
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
    let post = state.run(move |cx| app::activity(cx, caller, id)).await?;
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
    ),
)]
#[get("/v1/neighbourhoods/{id}/calendar.ics")]
pub async fn neighbourhood_calendar(
    state: web::Data<AppState>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let (neighbourhood, posts) = state
        .run(move |cx| app::upcoming_activities(cx, id))
        .await?;
    let name = format!("Buurt: {}", neighbourhood.draft.name.as_str());
    Ok(HttpResponse::Ok()
        .content_type(crate::calendar::CONTENT_TYPE)
        .body(crate::calendar::calendar(&name, &posts)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_standing_keep_their_status_on_the_wire() {
        assert_eq!(status_dto(RsvpStatus::Going), Ok(RsvpStatusDto::Going));
        assert_eq!(
            status_dto(RsvpStatus::Waitlisted),
            Ok(RsvpStatusDto::Waitlisted)
        );
    }

    #[test]
    fn a_cancelled_answer_is_never_shown_as_another_status() {
        assert_eq!(
            status_dto(RsvpStatus::Cancelled),
            Err(NotOnTheWire(RsvpStatus::Cancelled))
        );
        // Where it would be sent, the caller gets an opaque 500 instead of a wrong answer.
        let error = ApiError::from(NotOnTheWire(RsvpStatus::Cancelled));
        assert!(matches!(error, ApiError::Internal(_)));
    }
}
