//! Matching: suggestions, matches and their messages.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use buurt_domain::accounts::UserId;
use buurt_domain::matching::{
    CandidateRef, Match, MatchAction, MatchId, MatchRefusal, MatchStatus, Party, Reason, Wanted,
    rank,
};
use buurt_domain::policy::Action;
use buurt_domain::posts::{Post, PostId, PostKind};
use buurt_domain::value::bounded_text;
use buurt_openapi::matching::{
    CompleteMatchRequest, ContactDto, CreateMatchRequest, CreateMessageRequest, MatchDto,
    MatchList, MatchPageParams, MatchPerson, MatchRequestSummary, MatchStatusDto, MessageDto,
    MessageList, PartyDto, ReasonDto, SuggestionDto, SuggestionList,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::matching::{
    self as repo, MatchCursor, MessageCursor, ProposeRefusal, StepOutcome,
};
use buurt_persistence::{DbConnection, accounts, blocks, posts, time};
use chrono::{DateTime, Utc};

use crate::auth::Authenticated;
use crate::error::{ApiError, ErrorCode, FieldErrors, FieldIssue};
use crate::extract::{Json, OptionalJson};
use crate::lang::{Lang, Text};
use crate::paging::{decode_cursor, encode_cursor, limit};
use crate::routes::neighbourhoods::load;
use crate::routes::posts::{post_for, visible_post};
use crate::state::AppState;

/// The most suggestions returned.
const SUGGESTIONS: usize = 20;

fn person(conn: &mut DbConnection, user: UserId) -> Result<MatchPerson, ApiError> {
    let found = accounts::find_user(conn, user)?.ok_or(ApiError::NotFound)?;
    Ok(MatchPerson {
        id: user.0,
        display_name: found.display_name.as_str().to_owned(),
    })
}

/// The match as `viewer` (one of its parties) sees it.
fn match_dto(conn: &mut DbConnection, found: &Match, viewer: UserId) -> Result<MatchDto, ApiError> {
    let request = posts::find_post(conn, found.request_id)?.ok_or(ApiError::NotFound)?;
    let contact = if found.status.shares_contacts() && found.party_of(viewer).is_some() {
        let other =
            accounts::find_user(conn, found.other_party(viewer))?.ok_or(ApiError::NotFound)?;
        Some(ContactDto {
            display_name: other.display_name.as_str().to_owned(),
            email: other.email.as_str().to_owned(),
            phone: other.profile.phone.as_ref().map(|p| p.as_str().to_owned()),
            street: other.profile.street.as_ref().map(|s| s.as_str().to_owned()),
            house_number: other
                .profile
                .house_number
                .as_ref()
                .map(|h| h.as_str().to_owned()),
        })
    } else {
        None
    };
    Ok(MatchDto {
        id: found.id.0,
        request: MatchRequestSummary {
            id: request.id.0,
            title: request.content.title.clone(),
        },
        requester: person(conn, found.requester_id)?,
        helper: person(conn, found.helper_id)?,
        offer_id: found.offer_id.map(|id| id.0),
        proposed_by: match found.proposed_by {
            Party::Requester => PartyDto::Requester,
            Party::Helper => PartyDto::Helper,
        },
        status: match found.status {
            MatchStatus::Proposed => MatchStatusDto::Proposed,
            MatchStatus::Accepted => MatchStatusDto::Accepted,
            MatchStatus::Declined => MatchStatusDto::Declined,
            MatchStatus::Cancelled => MatchStatusDto::Cancelled,
            MatchStatus::Completed => MatchStatusDto::Completed,
            MatchStatus::NoShow => MatchStatusDto::NoShow,
        },
        message: found.message.clone(),
        thanks: found.thanks.clone(),
        contact,
        created_at: found.created_at,
        updated_at: found.updated_at,
    })
}

/// A request the caller may see, or 404; 409 when the post is no request.
fn visible_request(conn: &mut DbConnection, caller: UserId, id: PostId) -> Result<Post, ApiError> {
    let (found, _) = visible_post(conn, Some(caller), id)?;
    if found.post.content.kind != PostKind::Request {
        return Err(ApiError::Refused(ErrorCode::NotARequest));
    }
    Ok(found.post)
}

fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
) -> Option<Option<String>> {
    let raw = raw.filter(|text| !text.trim().is_empty());
    errors.check_optional(field, raw, |text| bounded_text(text, 1000, true))
}

/// Offer help with a request, or invite someone to help with one's own request.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The request's id.")),
    request_body = CreateMatchRequest,
    responses(
        (status = 201, description = "Proposed; the other party is notified.", body = MatchDto,
         headers(("location" = String, description = "`/v1/matches/{id}`"))),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: the helper does not live in or next to the \
          request's neighbourhood. `blocked`: the requester and the helper, one blocked the \
          other.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_a_request`, `already_matched`, `helper_busy` or \
          `request_not_open`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: see `errors`.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/matches")]
pub async fn create_match(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CreateMatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let request_id = PostId(id.into_inner());
    let body = body.0;
    let mut errors = FieldErrors::default();
    let Some(message) = optional_text(&mut errors, "message", body.message.as_deref()) else {
        return Err(errors.into());
    };
    let dto = state
        .db(move |conn| {
            let request = visible_request(conn, caller.user_id, request_id)?;
            let offer = match body.offer_id {
                Some(offer) => {
                    let (found, _) = visible_post(conn, Some(caller.user_id), PostId(offer))
                        .map_err(|_| {
                            ApiError::validation(
                                "offer_id",
                                FieldIssue::invalid(
                                    "no such open offer",
                                    "geen bestaand open aanbod",
                                ),
                            )
                        })?;
                    if found.post.content.kind != PostKind::Offer || !found.post.status.is_live() {
                        return Err(ApiError::validation(
                            "offer_id",
                            FieldIssue::invalid("no such open offer", "geen bestaand open aanbod"),
                        ));
                    }
                    Some(found.post)
                }
                None => None,
            };
            let (helper, proposed_by) = if caller.user_id == request.author_id {
                let helper = match (&offer, body.helper_id) {
                    (Some(offer), _) => offer.author_id,
                    (None, Some(helper)) => UserId(helper),
                    (None, None) => {
                        return Err(ApiError::validation("helper_id", FieldIssue::Required));
                    }
                };
                (helper, Party::Requester)
            } else {
                if body
                    .helper_id
                    .is_some_and(|helper| helper != caller.user_id.0)
                {
                    return Err(ApiError::validation(
                        "helper_id",
                        FieldIssue::invalid("you offer your own help", "u biedt uw eigen hulp aan"),
                    ));
                }
                if offer
                    .as_ref()
                    .is_some_and(|offer| offer.author_id != caller.user_id)
                {
                    return Err(ApiError::validation(
                        "offer_id",
                        FieldIssue::invalid(
                            "one of your own offers",
                            "een van uw eigen aanbiedingen",
                        ),
                    ));
                }
                (caller.user_id, Party::Helper)
            };
            if helper == request.author_id {
                return Err(ApiError::validation(
                    "helper_id",
                    FieldIssue::invalid("not the requester", "niet de aanvrager"),
                ));
            }
            if accounts::find_user(conn, helper)?.is_none() {
                return Err(ApiError::validation(
                    "helper_id",
                    FieldIssue::invalid("no such user", "geen bestaande gebruiker"),
                ));
            }
            if blocks::apart(conn, request.author_id, helper)? {
                return Err(ApiError::Refused(ErrorCode::Blocked));
            }
            let neighbourhood = load(conn, request.neighbourhood_id)?;
            let places = repo::nearby(conn, &neighbourhood)?;
            if !repo::lives_nearby(conn, helper, &places)? {
                return Err(ApiError::Refused(ErrorCode::Forbidden));
            }
            let now = time::now();
            let new = Match {
                id: MatchId::new(),
                request_id,
                requester_id: request.author_id,
                helper_id: helper,
                offer_id: offer.map(|o| o.id),
                proposed_by,
                status: MatchStatus::Proposed,
                message,
                thanks: None,
                created_at: now,
                updated_at: now,
            };
            match repo::propose(conn, &new)? {
                Ok(()) => match_dto(conn, &new, caller.user_id),
                Err(ProposeRefusal::AlreadyMatched) => {
                    Err(ApiError::Refused(ErrorCode::AlreadyMatched))
                }
                Err(ProposeRefusal::HelperBusy) => Err(ApiError::Refused(ErrorCode::HelperBusy)),
                Err(ProposeRefusal::RequestNotOpen) => {
                    Err(ApiError::Refused(ErrorCode::RequestNotOpen))
                }
            }
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/matches/{}", dto.id)))
        .json(dto))
}

/// A request's matches: all of them for its author, one's own for a helper.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The request's id.")),
    responses(
        (status = 200, description = "Oldest first.", body = MatchList),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_a_request`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/posts/{id}/matches")]
pub async fn list_request_matches(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<MatchList>, ApiError> {
    let request_id = PostId(id.into_inner());
    let items = state
        .db(move |conn| {
            visible_request(conn, caller.user_id, request_id)?;
            let mut items = Vec::new();
            for found in repo::matches_of_request(conn, request_id)? {
                if found.party_of(caller.user_id).is_some() {
                    items.push(match_dto(conn, &found, caller.user_id)?);
                }
            }
            Ok(items)
        })
        .await?;
    Ok(web::Json(MatchList {
        items,
        next_cursor: None,
    }))
}

/// One match, for its two parties only (404 for everyone else).
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The match's id.")),
    responses(
        (status = 200, description = "The match; `contact` once accepted.", body = MatchDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match of yours.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/matches/{id}")]
pub async fn get_match(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<MatchDto>, ApiError> {
    let id = MatchId(id.into_inner());
    let dto = state
        .db(move |conn| {
            let found = repo::find_match(conn, id)?
                .filter(|m| m.party_of(caller.user_id).is_some())
                .ok_or(ApiError::NotFound)?;
            match_dto(conn, &found, caller.user_id)
        })
        .await?;
    Ok(web::Json(dto))
}

async fn step(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: MatchId,
    action: MatchAction,
    thanks: Option<String>,
) -> Result<web::Json<MatchDto>, ApiError> {
    let dto = state
        .db(move |conn| {
            match repo::step(
                conn,
                id,
                caller.user_id,
                action,
                thanks.as_deref(),
                time::now(),
            )? {
                StepOutcome::Done(found) => match_dto(conn, &found, caller.user_id),
                StepOutcome::NotFound => Err(ApiError::NotFound),
                StepOutcome::Refused(MatchRefusal::NotYourMove) => {
                    Err(ApiError::Refused(ErrorCode::NotYourMove))
                }
                StepOutcome::Refused(MatchRefusal::Illegal { .. }) => {
                    Err(ApiError::Refused(ErrorCode::IllegalTransition))
                }
                StepOutcome::RequestFull => Err(ApiError::Refused(ErrorCode::RequestFull)),
                StepOutcome::RequestNotOpen => Err(ApiError::Refused(ErrorCode::RequestNotOpen)),
            }
        })
        .await?;
    Ok(web::Json(dto))
}

macro_rules! step_endpoint {
    ($name:ident, $path:literal, $action:expr, $doc:literal, $who:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "matching",
            security(("bearer" = [])),
            params(("id" = uuid::Uuid, Path, description = "The match's id.")),
            responses(
                (status = 200, description = "The match after the step.", body = MatchDto),
                (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = $who, body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such match of yours.", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "`illegal_transition`, `request_full` or `request_not_open`.",
                 body = Problem, content_type = "application/problem+json"),
            ),
        )]
        #[post($path)]
        pub async fn $name(
            state: web::Data<AppState>,
            caller: Authenticated,
            id: web::Path<uuid::Uuid>,
        ) -> Result<web::Json<MatchDto>, ApiError> {
            step(state, caller, MatchId(id.into_inner()), $action, None).await
        }
    };
}

step_endpoint!(
    accept_match,
    "/v1/matches/{id}/accept",
    MatchAction::Accept,
    "Accept a proposed match (the party that did not propose it). Contact details are shared \
     from now on; the request is `matched` once it has all its helpers.",
    "`not_your_move`: the party that proposed cannot accept."
);
step_endpoint!(
    decline_match,
    "/v1/matches/{id}/decline",
    MatchAction::Decline,
    "Decline a proposed match (the party that did not propose it).",
    "`not_your_move`: the party that proposed cannot decline; it cancels."
);
step_endpoint!(
    cancel_match,
    "/v1/matches/{id}/cancel",
    MatchAction::Cancel,
    "Cancel a proposed or accepted match (either party). A freed place opens the request again.",
    "Not used."
);
step_endpoint!(
    no_show_match,
    "/v1/matches/{id}/no-show",
    MatchAction::NoShow,
    "The help never happened (the requester): the match ends and the request opens again.",
    "`not_your_move`: only the requester reports a no-show."
);

/// Complete an accepted match, with optional thanks (the requester). The request is then
/// `fulfilled`.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The match's id.")),
    request_body(content = Option<CompleteMatchRequest>, description = "Optional."),
    responses(
        (status = 200, description = "Completed.", body = MatchDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`not_your_move`: only the requester completes.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such match of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`illegal_transition`: not accepted.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/matches/{id}/complete")]
pub async fn complete_match(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: OptionalJson<CompleteMatchRequest>,
) -> Result<web::Json<MatchDto>, ApiError> {
    let mut errors = FieldErrors::default();
    let thanks = body.0.and_then(|body| body.thanks);
    let Some(thanks) = optional_text(&mut errors, "thanks", thanks.as_deref()) else {
        return Err(errors.into());
    };
    step(
        state,
        caller,
        MatchId(id.into_inner()),
        MatchAction::Complete,
        thanks,
    )
    .await
}

/// The signed-in user's matches, as requester or helper, newest first.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(MatchPageParams),
    responses(
        (status = 200, description = "One page.", body = MatchList),
        (status = 400, description = "`invalid_query`.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/me/matches")]
pub async fn my_matches(
    state: web::Data<AppState>,
    caller: Authenticated,
    params: web::Query<MatchPageParams>,
) -> Result<web::Json<MatchList>, ApiError> {
    let limit = limit(params.limit)?;
    let after: Option<(DateTime<Utc>, String)> = decode_cursor(params.cursor.as_deref())?;
    let (items, next) = state
        .db(move |conn| {
            let after = after.map(|(created_at, id)| MatchCursor { created_at, id });
            let (found, next) = repo::matches_of_user(conn, caller.user_id, after.as_ref(), limit)?;
            let items = found
                .iter()
                .map(|m| match_dto(conn, m, caller.user_id))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((items, next))
        })
        .await?;
    Ok(web::Json(MatchList {
        items,
        next_cursor: next.map(|c| encode_cursor(&(c.created_at, c.id))),
    }))
}

fn party_match(conn: &mut DbConnection, caller: UserId, id: MatchId) -> Result<Match, ApiError> {
    repo::find_match(conn, id)?
        .filter(|m| m.party_of(caller).is_some())
        .ok_or(ApiError::NotFound)
}

/// A match's thread, oldest first (its two parties only).
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The match's id."), MatchPageParams),
    responses(
        (status = 200, description = "One page of messages.", body = MessageList),
        (status = 400, description = "`invalid_query`.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match of yours.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/matches/{id}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    params: web::Query<MatchPageParams>,
) -> Result<web::Json<MessageList>, ApiError> {
    let id = MatchId(id.into_inner());
    let limit = limit(params.limit)?;
    let after: Option<(DateTime<Utc>, String)> = decode_cursor(params.cursor.as_deref())?;
    let (items, next) = state
        .db(move |conn| {
            party_match(conn, caller.user_id, id)?;
            let after = after.map(|(created_at, id)| MessageCursor { created_at, id });
            Ok(repo::messages(conn, id, after.as_ref(), limit)?)
        })
        .await?;
    Ok(web::Json(MessageList {
        items: items
            .into_iter()
            .map(|m| MessageDto {
                id: m.id,
                author: MatchPerson {
                    id: m.author_id.0,
                    display_name: m.author_name,
                },
                body: m.body,
                created_at: m.created_at,
            })
            .collect(),
        next_cursor: next.map(|c| encode_cursor(&(c.created_at, c.id))),
    }))
}

/// Write in a match's thread (its two parties only); the other is notified.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The match's id.")),
    request_body = CreateMessageRequest,
    responses(
        (status = 201, description = "Sent.", body = MessageDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such match of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/matches/{id}/messages")]
pub async fn create_message(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CreateMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = MatchId(id.into_inner());
    let text = bounded_text(&body.0.body, 2000, true)
        .map_err(|e| ApiError::validation("body", e.into()))?;
    let dto = state
        .db(move |conn| {
            let found = party_match(conn, caller.user_id, id)?;
            let now = time::now();
            let message = repo::add_message(conn, &found, caller.user_id, &text, now)?;
            Ok(MessageDto {
                id: message,
                author: person(conn, caller.user_id)?,
                body: text,
                created_at: now,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(dto))
}

fn reason_dto(reason: &Reason, lang: Lang) -> ReasonDto {
    let (code, text) = match reason {
        Reason::SameCategory(category) => (
            "same_category",
            Text::owned(
                format!("Offers exactly this kind of help ({}).", category.as_str()),
                format!("Biedt precies dit soort hulp ({}).", category.as_str()),
            ),
        ),
        Reason::Interested(category) => (
            "interested",
            Text::owned(
                format!(
                    "Is interested in this kind of help ({}).",
                    category.as_str()
                ),
                format!("Heeft interesse in dit soort hulp ({}).", category.as_str()),
            ),
        ),
        Reason::SharedWords(words) => (
            "shared_words",
            Text::owned(
                format!("Mentions the same: {}.", words.join(", ")),
                format!("Noemt hetzelfde: {}.", words.join(", ")),
            ),
        ),
        Reason::SameNeighbourhood => (
            "same_neighbourhood",
            Text::new("Lives in your neighbourhood.", "Woont in uw buurt."),
        ),
        Reason::AdjacentNeighbourhood => (
            "adjacent_neighbourhood",
            Text::new(
                "Lives in a neighbouring neighbourhood.",
                "Woont in een buurt ernaast.",
            ),
        ),
        Reason::RemoteHelp => (
            "remote_help",
            Text::new(
                "Can help from a distance; distance does not matter.",
                "Kan op afstand helpen; afstand telt niet.",
            ),
        ),
        Reason::Recent => (
            "recent",
            Text::new("Posted this week.", "Deze week geplaatst."),
        ),
        Reason::Busy { active_matches } => (
            "busy",
            Text::owned(
                format!("Already helping with {active_matches} other request(s)."),
                format!("Helpt al bij {active_matches} andere hulpvraag/-vragen."),
            ),
        ),
    };
    ReasonDto {
        code: code.into(),
        text: text.get(lang).to_owned(),
    }
}

/// Ranked suggestions for one's own request (open offers and residents whose skills fit) or
/// offer (open requests), each with a score and reasons. Distance counts only for help that
/// is not remote; busy helpers rank lower, and those at the limit of open matches, people who
/// declined this request, people blocked either way, and oneself are never suggested.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The request's or offer's id.")),
    responses(
        (status = 200, description = "Best first.", body = SuggestionList),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not the author.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_a_request`: only requests and offers get suggestions.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/posts/{id}/suggestions")]
pub async fn list_suggestions(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<SuggestionList>, ApiError> {
    let lang = Lang::negotiate(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let id = PostId(id.into_inner());
    let items = state
        .db(move |conn| {
            let post = post_for(conn, caller.user_id, id, |found| Action::SeeSuggestions {
                author: found.post.author_id,
            })?
            .post;
            let Some(category) = post.content.category else {
                return Err(ApiError::Refused(ErrorCode::NotARequest));
            };
            let neighbourhood = load(conn, post.neighbourhood_id)?;
            let places = repo::nearby(conn, &neighbourhood)?;
            // `rank` leaves out the author and who declined; the queries skip them too, so
            // they take no candidate's place among the few loaded per neighbourhood.
            let declined = match post.content.kind {
                PostKind::Request => repo::declined_helpers(conn, post.id)?,
                _ => Vec::new(),
            };
            let blocked: Vec<UserId> = blocks::kept_apart_from(conn, post.author_id)?
                .into_iter()
                .collect();
            let mut exclude = vec![post.author_id];
            exclude.extend(declined.iter().copied());
            exclude.extend(blocked.iter().copied());
            let mut names = std::collections::HashMap::new();
            let mut posts_by_id = std::collections::HashMap::new();
            let mut candidates = Vec::new();
            match post.content.kind {
                PostKind::Request => {
                    for (candidate, offer, name) in
                        repo::post_candidates(conn, PostKind::Offer, &places, &exclude)?
                    {
                        names.insert(candidate.user_id, name);
                        posts_by_id.insert(offer.id, offer);
                        candidates.push(candidate);
                    }
                    for (candidate, name) in
                        repo::resident_candidates(conn, category, &places, &exclude)?
                    {
                        names.insert(candidate.user_id, name);
                        candidates.push(candidate);
                    }
                }
                PostKind::Offer => {
                    for (mut candidate, request, name) in
                        repo::post_candidates(conn, PostKind::Request, &places, &exclude)?
                    {
                        // The helper is the offer's author, whatever the request: load is theirs.
                        candidate.active_matches = 0;
                        names.insert(candidate.user_id, name);
                        posts_by_id.insert(request.id, request);
                        candidates.push(candidate);
                    }
                }
                _ => return Err(ApiError::Refused(ErrorCode::NotARequest)),
            }
            let wanted = Wanted {
                category,
                text: format!("{} {}", post.content.title, post.content.body),
                remote_ok: post.content.remote_ok,
                author: post.author_id,
                declined,
                blocked,
            };
            Ok(rank(&wanted, candidates, time::now())
                .into_iter()
                .take(SUGGESTIONS)
                .map(|suggestion| SuggestionDto {
                    score: (suggestion.score * 1000.0).round() / 1000.0,
                    reasons: suggestion
                        .reasons
                        .iter()
                        .map(|r| reason_dto(r, lang))
                        .collect(),
                    post: match suggestion.candidate.what {
                        CandidateRef::Post(id) => {
                            posts_by_id.get(&id).map(|p: &Post| MatchRequestSummary {
                                id: p.id.0,
                                title: p.content.title.clone(),
                            })
                        }
                        CandidateRef::Resident => None,
                    },
                    user: MatchPerson {
                        id: suggestion.candidate.user_id.0,
                        display_name: names
                            .get(&suggestion.candidate.user_id)
                            .cloned()
                            .unwrap_or_default(),
                    },
                })
                .collect())
        })
        .await?;
    Ok(web::Json(SuggestionList { items }))
}
