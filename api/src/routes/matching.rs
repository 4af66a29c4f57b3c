//! Matching: suggestions, matches and their messages.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use buurt_app::matching::{self as use_case, MatchView, ProposeMatch, SuggestionView};
use buurt_domain::accounts::UserId;
use buurt_domain::matching::{MatchAction, MatchId, Party, Reason};
use buurt_domain::posts::PostId;
use buurt_domain::value::bounded_text;
use buurt_openapi::matching::{
    BrokerageDto, CompleteMatchRequest, ContactDto, CreateMatchRequest, CreateMessageRequest,
    MatchDto, MatchList, MatchPageParams, MatchPerson, MatchRequestSummary, MessageDto,
    MessageList, PartyDto, ReasonDto, SuggestionDto, SuggestionList,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::matching::{MatchCursor, MatchParty, Message, MessageCursor};
use chrono::{DateTime, Utc};

use crate::auth::Authenticated;
use crate::http::error::{ApiError, FieldErrors};
use crate::http::etag::json_with_etag;
use crate::http::extract::{Json, OptionalJson};
use crate::http::lang::{Lang, Negotiated, Text};
use crate::http::paging::{encode_cursor, page};
use crate::http::query::Query;
use crate::state::AppState;

fn person(party: &MatchParty, lang: Lang) -> MatchPerson {
    MatchPerson {
        id: party.id.0.0,
        display_name: buurt_app::privacy::shown_name(&party.display_name, lang),
    }
}

/// The match as its viewer, reading `lang`, sees it.
fn match_dto(view: MatchView, lang: Lang) -> MatchDto {
    let found = view.found;
    MatchDto {
        id: found.id.0,
        request: MatchRequestSummary {
            id: found.request_id.0,
            title: view.request_title,
        },
        requester: person(&view.requester, lang),
        helper: person(&view.helper, lang),
        offer_id: found.offer_id.map(|id| id.0),
        proposed_by: match found.proposed_by {
            Party::Requester => PartyDto::Requester,
            Party::Helper => PartyDto::Helper,
        },
        status: found.status.into(),
        message: found.message,
        thanks: found.thanks,
        contact: view.contact.map(|other| ContactDto {
            display_name: other.display_name,
            email: other.email,
            phone: other.phone,
            street: other.street,
            house_number: other.house_number,
        }),
        created_at: found.created_at,
        updated_at: found.updated_at,
        unread_count: None,
        brokered: view.brokerage.map(|brokerage| BrokerageDto {
            mediator: brokerage.brokered_by.map(|id| MatchPerson {
                id: id.0,
                display_name: brokerage.broker_name.unwrap_or_default(),
            }),
            helper_accepted_at: brokerage.helper_accepted_at,
        }),
    }
}

fn message_dto(message: Message, lang: Lang) -> MessageDto {
    MessageDto {
        id: message.id,
        author: MatchPerson {
            id: message.author_id.0,
            display_name: buurt_app::privacy::shown_name(&message.author_name, lang),
        },
        body: message.body,
        created_at: message.created_at,
        sent_by_mediator: message.sent_by.map(|by| by.0),
    }
}

fn optional_text(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&str>,
) -> Option<Option<String>> {
    let raw = raw.filter(|text| !text.trim().is_empty());
    errors.check_optional(field, raw, |text| bounded_text(text, 1000, true))
}

/// Offer help with a request, or invite someone to help with one's own request, or (a mediator
/// of the request's neighbourhood, with `helper_id`) broker a match: propose a neighbour to
/// help with someone else's request. A brokered match belongs to the request's open case (a
/// request without one is escalated into one, `escalated_by: mediator`); the helper agrees
/// first (`POST /v1/matches/{id}/accept`), then the requester accepts; every step is audited
/// on the case. Contact details are shared only once the requester accepted.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The request's id.")),
    request_body(content = Option<CreateMatchRequest>,
        description = "Optional: no body offers the caller's help without a message."),
    responses(
        (status = 201, description = "Proposed; the other party is notified (the helper, for a \
         brokered match).", body = MatchDto,
         headers(("location" = String, description = "`/v1/matches/{id}`"))),
        (status = 403, description = "`forbidden`: the helper does not live in or next to the \
          request's neighbourhood, or the other party blocked the caller (the same answer on \
          purpose: a block is never given away), or a `helper_id` other than oneself from \
          someone who is neither the request's author nor a mediator of its neighbourhood \
          (only they broker), or the two parties of a brokered match keep apart. `blocked`: the caller blocked the other \
          party; lifting the block lets the match be made. `email_not_verified`: on a server \
          that sends e-mail, offering help needs a verified address.", body = Problem,
          content_type = "application/problem+json"),
        (status = 404, description = "No such request, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_a_request`, `already_matched`, `helper_busy` or \
          `request_not_open`.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`write_limit_reached`: too many offers of help within the \
         hour (`BUURT_LIMIT_OFFERS_PER_HOUR`); see `Retry-After`.", body = Problem,
         content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[post("/v1/posts/{id}/matches")]
pub async fn create_match(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: OptionalJson<CreateMatchRequest>,
) -> Result<HttpResponse, ApiError> {
    crate::routes::account_mail::require_verified(&state, caller.user_id).await?;
    let body = body.0.unwrap_or_default();
    let mut errors = FieldErrors::default();
    let Some(message) = optional_text(&mut errors, "message", body.message.as_deref()) else {
        return Err(errors.into());
    };
    let input = ProposeMatch {
        request: PostId(id.into_inner()),
        helper: body.helper_id.map(UserId),
        offer: body.offer_id.map(PostId),
        message,
    };
    let dto = match_dto(
        state
            .run(move |cx| use_case::propose_match(cx, caller.user_id, input))
            .await?,
        lang,
    );
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/matches/{}", dto.id)))
        .json(dto))
}

/// A request's matches: all of them for its author, one's own for a helper, and those a
/// mediator brokered for the mediators of its neighbourhood (without contact details).
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The request's id.")),
    responses(
        (status = 200, description = "Oldest first.", body = MatchList),
        (status = 404, description = "No such request, or not yours to see.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`not_a_request`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/posts/{id}/matches")]
pub async fn list_request_matches(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<MatchList>, ApiError> {
    let request = PostId(id.into_inner());
    let items = state
        .run(move |cx| use_case::request_matches(cx, request, caller.user_id))
        .await?
        .into_iter()
        .map(|view| match_dto(view, lang))
        .collect();
    Ok(web::Json(MatchList {
        items,
        next_cursor: None,
    }))
}

/// One match, for its two parties only (404 for everyone else); a brokered match also for the
/// mediators of its request's neighbourhood, without contact details.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The match's id.")),
    responses(
        (status = 200, description = "The match; `contact` once accepted.", body = MatchDto),
    ),
)]
#[get("/v1/matches/{id}")]
pub async fn get_match(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<MatchDto>, ApiError> {
    let id = MatchId(id.into_inner());
    let view = state
        .run(move |cx| use_case::get_match(cx, id, caller.user_id))
        .await?;
    Ok(web::Json(match_dto(view, lang)))
}

async fn step(
    lang: Lang,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: MatchId,
    action: MatchAction,
    thanks: Option<String>,
) -> Result<web::Json<MatchDto>, ApiError> {
    let view = state
        .run(move |cx| use_case::step_match(cx, id, caller.user_id, action, thanks.as_deref()))
        .await?;
    Ok(web::Json(match_dto(view, lang)))
}

macro_rules! step_endpoint {
    ($name:ident, $path:literal, $action:expr, $doc:literal, $who:literal) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = "matching",
            security(("bearer" = [])),
            params(("id" = uuid::Uuid, Path, description = "The match's id.")),
            responses(
                (status = 200, description = "The match after the step. On a brokered match the \
                 helper's `accept` keeps it `proposed` (`brokered.helper_accepted_at` set) and \
                 makes it the requester's move.", body = MatchDto),
                (status = 403, description = $who, body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "`illegal_transition`, `request_full` or `request_not_open`.",
                 body = Problem, content_type = "application/problem+json"),
            ),
        )]
        #[post($path)]
        pub async fn $name(
            Negotiated(lang): Negotiated,
            state: web::Data<AppState>,
            caller: Authenticated,
            id: web::Path<uuid::Uuid>,
        ) -> Result<web::Json<MatchDto>, ApiError> {
            step(lang, state, caller, MatchId(id.into_inner()), $action, None).await
        }
    };
}

step_endpoint!(
    accept_match,
    "/v1/matches/{id}/accept",
    MatchAction::Accept,
    "Accept a proposed match (the party that did not propose it). Contact details are shared \
     from now on; the request is `matched` once it has all its helpers.",
    "`not_your_move`: the party that proposed cannot accept. On a brokered match the helper agrees first, then the requester accepts. `forbidden`: a mediator of the request's neighbourhood, on a brokered match (mediators see it, only its parties step it)."
);
step_endpoint!(
    decline_match,
    "/v1/matches/{id}/decline",
    MatchAction::Decline,
    "Decline a proposed match (the party that did not propose it).",
    "`not_your_move`: the party that proposed cannot decline; it cancels. `forbidden`: a mediator of the request's neighbourhood, on a brokered match (mediators see it, only its parties step it)."
);
step_endpoint!(
    cancel_match,
    "/v1/matches/{id}/cancel",
    MatchAction::Cancel,
    "Cancel a proposed or accepted match (either party). A freed place opens the request again.",
    "`forbidden`: a mediator of the request's neighbourhood, on a brokered match (mediators see it, only its parties step it)."
);
step_endpoint!(
    no_show_match,
    "/v1/matches/{id}/no-show",
    MatchAction::NoShow,
    "The help never happened (the requester): the match ends and the request opens again.",
    "`not_your_move`: only the requester reports a no-show. `forbidden`: a mediator of the request's neighbourhood, on a brokered match (mediators see it, only its parties step it)."
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
        (status = 403, description = "`not_your_move`: only the requester completes.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`illegal_transition`: not accepted.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/matches/{id}/complete")]
pub async fn complete_match(
    Negotiated(lang): Negotiated,
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
        lang,
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
        (status = 200, description = "One page, each match with `unread_count`.", body = MatchList,
         headers(("etag" = String, description = "Send as `If-None-Match` to get 304 when unchanged."))),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
        (status = 400, description = "`invalid_query`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/me/matches")]
pub async fn my_matches(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    params: Query<MatchPageParams>,
) -> Result<HttpResponse, ApiError> {
    let (limit, after): (usize, Option<(DateTime<Utc>, String)>) =
        page(params.limit, params.cursor.as_deref(), Vec::new())?;
    let after = after.map(|(created_at, id)| MatchCursor { created_at, id });
    let user = caller.user_id;
    let lang = Negotiated::of(&req);
    let (views, next, unread) = state
        .run(move |cx| {
            let (views, next) = use_case::my_matches(cx, user, after.as_ref(), limit)?;
            let ids: Vec<MatchId> = views.iter().map(|view| view.found.id).collect();
            let unread = buurt_app::notifications::unread_messages_per_match(cx, user, &ids)?;
            Ok::<_, buurt_app::AppError>((views, next, unread))
        })
        .await?;
    let items = views
        .into_iter()
        .map(|view| {
            let count = unread.get(&view.found.id).copied().unwrap_or(0);
            MatchDto {
                unread_count: Some(count),
                ..match_dto(view, lang)
            }
        })
        .collect();
    json_with_etag(
        &req,
        &MatchList {
            items,
            next_cursor: next.map(|c| encode_cursor(&(c.created_at, c.id))),
        },
    )
}

/// A match's thread, oldest first (its two parties only; and, for an offline requester, the
/// mediators of the request's neighbourhood, each read audited).
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The match's id."), MatchPageParams),
    responses(
        (status = 200, description = "One page of messages.", body = MessageList,
         headers(("etag" = String, description = "Send as `If-None-Match` to get 304 when unchanged."))),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
        (status = 400, description = "`invalid_query`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/matches/{id}/messages")]
pub async fn list_messages(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    params: Query<MatchPageParams>,
) -> Result<HttpResponse, ApiError> {
    let id = MatchId(id.into_inner());
    let (limit, after): (usize, Option<(DateTime<Utc>, String)>) =
        page(params.limit, params.cursor.as_deref(), Vec::new())?;
    let after = after.map(|(created_at, id)| MessageCursor { created_at, id });
    let lang = Negotiated::of(&req);
    let (items, next) = state
        .run(move |cx| use_case::list_messages(cx, id, caller.user_id, after.as_ref(), limit))
        .await?;
    json_with_etag(
        &req,
        &MessageList {
            items: items
                .into_iter()
                .map(|message| message_dto(message, lang))
                .collect(),
            next_cursor: next.map(|c| encode_cursor(&(c.created_at, c.id))),
        },
    )
}

/// Write in a match's thread (its two parties only); the other is notified. A mediator of the
/// request's neighbourhood writes for an offline requester: the message is the requester's,
/// marked `sent_by_mediator`, and audited (on the request's open case too).
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The match's id.")),
    request_body = CreateMessageRequest,
    responses(
        (status = 201, description = "Sent.", body = MessageDto),
        (status = 429, description = "`write_limit_reached`: too many messages within the \
         minute (`BUURT_LIMIT_MESSAGES_PER_MINUTE`); see `Retry-After`.", body = Problem,
         content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[post("/v1/matches/{id}/messages")]
pub async fn create_message(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CreateMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = MatchId(id.into_inner());
    let text = bounded_text(&body.0.body, 2000, true)
        .map_err(|e| ApiError::validation("body", e.into()))?;
    let message = state
        .run(move |cx| use_case::send_message(cx, id, caller.user_id, text))
        .await?;
    let dto = message_dto(message, lang);
    Ok(HttpResponse::Created().json(dto))
}

fn suggestion_dto(view: SuggestionView, lang: Lang) -> SuggestionDto {
    let SuggestionView {
        suggestion,
        post,
        name,
    } = view;
    SuggestionDto {
        score: (suggestion.score * 1000.0).round() / 1000.0,
        reasons: suggestion
            .reasons
            .iter()
            .map(|r| reason_dto(r, lang))
            .collect(),
        post: post.map(|(id, title)| MatchRequestSummary { id: id.0, title }),
        user: MatchPerson {
            id: suggestion.candidate.user_id.0,
            display_name: name,
        },
    }
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
/// Residents are matched on their declared skills and interests, never on their private bio.
/// Suggestions follow the caller's membership now: members-only posts and residents only
/// while the caller is an active member of the post's neighbourhood.
///
/// The mediators' workbench: for a request, the mediators of its neighbourhood and a
/// professional its open case is referred to see its suggestions too, drawn from every open
/// offer and every fitting resident of the neighbourhood and its adjacent ones (ranked the
/// same way); with an open case, each such read is audited on it (`read_suggestions`).
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The request's or offer's id.")),
    responses(
        (status = 200, description = "Best first.", body = SuggestionList),
        (status = 403, description = "`forbidden`: not the author (nor, for a request, a \
         mediator of its neighbourhood or a professional its case is referred to).", body = Problem,
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
        .run(move |cx| use_case::list_suggestions(cx, caller.user_id, id))
        .await?
        .into_iter()
        .map(|view| suggestion_dto(view, lang))
        .collect();
    Ok(web::Json(SuggestionList { items }))
}
