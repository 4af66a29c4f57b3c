//! Mediation: escalation, the case queue, private notes, referrals, the audit log, consents.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, put, web};
use buurt_domain::accounts::UserId;
use buurt_domain::mediation::{
    Case, CaseAction, CaseId, CaseStatus, ConsentKind, EscalatedBy, Outcome,
};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::policy::{Action, CaseTies};
use buurt_domain::posts::{PostId, PostKind};
use buurt_domain::value::bounded_text;
use buurt_openapi::mediation::{
    AuditEntryDto, AuditList, CaseDto, CaseList, CaseStatusChange, CaseStatusDto,
    CaseStatusRequest, ConsentDto, ConsentKindDto, ConsentList, ConsentRequest, CreateNoteRequest,
    CreateReferralRequest, EscalateRequest, EscalatedByDto, ListCasesParams, MediationStatusDto,
    NeighbourhoodSettings, NoteDto, NoteList, OutcomeDto, ReferralDto,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::mediation::{self as repo, CaseStep, EscalateRefusal};
use buurt_persistence::{DbConnection, memberships, posts, time};

use crate::auth::Authenticated;
use crate::error::{ApiError, ErrorCode, FieldIssue};
use crate::extract::{Json, OptionalJson};
use crate::lang::{Lang, Text};
use crate::routes::neighbourhoods::load;
use crate::routes::posts::visible_post_as;
use crate::state::AppState;

/// The most cases one queue shows.
const QUEUE_SIZE: usize = 200;

fn status_dto(status: CaseStatus) -> CaseStatusDto {
    match status {
        CaseStatus::New => CaseStatusDto::New,
        CaseStatus::Claimed => CaseStatusDto::Claimed,
        CaseStatus::InProgress => CaseStatusDto::InProgress,
        CaseStatus::Resolved => CaseStatusDto::Resolved,
    }
}

fn outcome_dto(outcome: Outcome) -> OutcomeDto {
    match outcome {
        Outcome::MatchedOnline => OutcomeDto::MatchedOnline,
        Outcome::SolvedOffline => OutcomeDto::SolvedOffline,
        Outcome::ReferredWijkteam => OutcomeDto::ReferredWijkteam,
        Outcome::NotSolvable => OutcomeDto::NotSolvable,
        Outcome::Withdrawn => OutcomeDto::Withdrawn,
    }
}

fn outcome_from(outcome: OutcomeDto) -> Outcome {
    match outcome {
        OutcomeDto::MatchedOnline => Outcome::MatchedOnline,
        OutcomeDto::SolvedOffline => Outcome::SolvedOffline,
        OutcomeDto::ReferredWijkteam => Outcome::ReferredWijkteam,
        OutcomeDto::NotSolvable => Outcome::NotSolvable,
        OutcomeDto::Withdrawn => Outcome::Withdrawn,
    }
}

fn case_dto(conn: &mut DbConnection, case: &Case) -> Result<CaseDto, ApiError> {
    let title = posts::find_post(conn, case.request_id)?
        .map(|p| p.content.title)
        .unwrap_or_default();
    Ok(CaseDto {
        id: case.id.0,
        request_id: case.request_id.0,
        request_title: title,
        neighbourhood_id: case.neighbourhood_id.0,
        status: status_dto(case.status),
        outcome: case.outcome.map(outcome_dto),
        summary: case.summary.clone(),
        reason: case.reason.clone(),
        escalated_by: match case.escalated_by {
            EscalatedBy::Requester => EscalatedByDto::Requester,
            EscalatedBy::Mediator => EscalatedByDto::Mediator,
            EscalatedBy::Job => EscalatedByDto::Job,
            EscalatedBy::CareConsent => EscalatedByDto::CareConsent,
        },
        claimed_by: case.claimed_by.map(|u| u.0),
        follow_up_at: case.follow_up_at,
        overdue: case.is_overdue(time::now()),
        created_at: case.created_at,
        updated_at: case.updated_at,
    })
}

/// The case if `user` may see it (404 otherwise, as for a case that does not exist) and may do
/// `action` to it (403 otherwise).
fn case_for(
    conn: &mut DbConnection,
    user: UserId,
    id: CaseId,
    action: impl FnOnce(CaseTies) -> Action,
) -> Result<Case, ApiError> {
    let case = repo::find_case(conn, id)?.ok_or(ApiError::NotFound)?;
    let place = load(conn, case.neighbourhood_id)?;
    let actor = memberships::actor(conn, user, &place)?;
    let ties = CaseTies {
        requester: case.requester_id,
        referred: repo::is_referred(conn, case.id, user)?,
    };
    if !actor.may(Action::ViewCase(ties)) {
        return Err(ApiError::NotFound);
    }
    if !actor.may(action(ties)) {
        return Err(ApiError::Refused(ErrorCode::Forbidden));
    }
    Ok(case)
}

/// The requester's view of mediation, in plain words.
pub fn mediation_status(case: &Case, lang: Lang) -> MediationStatusDto {
    let text = match (case.status, case.outcome) {
        (CaseStatus::New, _) => Text::new(
            "Your request is with the mediators of your neighbourhood.",
            "Uw hulpvraag ligt bij de bemiddelaars van uw buurt.",
        ),
        (CaseStatus::Claimed | CaseStatus::InProgress, _) => Text::new(
            "A mediator is working on your request.",
            "Een bemiddelaar werkt aan uw hulpvraag.",
        ),
        (CaseStatus::Resolved, Some(Outcome::MatchedOnline)) => Text::new(
            "Someone from the neighbourhood helps you.",
            "Iemand uit de buurt helpt u.",
        ),
        (CaseStatus::Resolved, Some(Outcome::SolvedOffline)) => {
            Text::new("Your request was solved.", "Uw hulpvraag is opgelost.")
        }
        (CaseStatus::Resolved, Some(Outcome::ReferredWijkteam)) => Text::new(
            "The wijkteam takes it from here.",
            "Het wijkteam neemt het over.",
        ),
        (CaseStatus::Resolved, Some(Outcome::NotSolvable)) => Text::new(
            "Sadly, no help could be found.",
            "Er kon helaas geen hulp worden gevonden.",
        ),
        (CaseStatus::Resolved, _) => {
            Text::new("Mediation has ended.", "De bemiddeling is afgerond.")
        }
    };
    MediationStatusDto {
        status: status_dto(case.status),
        outcome: case.outcome.map(outcome_dto),
        text: text.get(lang).to_owned(),
        updated_at: case.updated_at,
    }
}

/// Hand a request to the mediators (its author, or a mediator of its neighbourhood). The
/// request goes to `in_mediation`; the mediators are notified.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The request's id.")),
    request_body(content = Option<EscalateRequest>, description = "Optional."),
    responses(
        (status = 201, description = "Escalated.", body = CaseDto,
         headers(("location" = String, description = "`/v1/cases/{id}`"))),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: neither its author nor a mediator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such post, or not yours to see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_a_request`, `request_not_open` or `already_escalated`.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/posts/{id}/escalate")]
pub async fn escalate(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: OptionalJson<EscalateRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    let reason = body
        .0
        .and_then(|b| b.reason)
        .filter(|r| !r.trim().is_empty());
    let reason = reason
        .map(|r| bounded_text(&r, 1000, true).map_err(|e| ApiError::validation("reason", e.into())))
        .transpose()?;
    let dto = state
        .db(move |conn| {
            let (found, actor) = visible_post_as(conn, caller.user_id, id)?;
            if found.post.content.kind != PostKind::Request {
                return Err(ApiError::Refused(ErrorCode::NotARequest));
            }
            let author = found.post.author_id;
            if !actor.may(Action::EscalateRequest { author }) {
                return Err(ApiError::Refused(ErrorCode::Forbidden));
            }
            // Whoever else may escalate it mediates here.
            let by = if author == caller.user_id {
                EscalatedBy::Requester
            } else {
                EscalatedBy::Mediator
            };
            match repo::escalate(
                conn,
                id,
                by,
                Some(caller.user_id),
                reason.as_deref(),
                time::now(),
            )? {
                Ok(case) => case_dto(conn, &case),
                Err(EscalateRefusal::AlreadyOpen) => {
                    Err(ApiError::Refused(ErrorCode::AlreadyEscalated))
                }
                Err(EscalateRefusal::NotOpen) => Err(ApiError::Refused(ErrorCode::RequestNotOpen)),
            }
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/cases/{}", dto.id)))
        .json(dto))
}

/// The mediation queue of a neighbourhood (its mediators, professionals of its municipality,
/// administrators): overdue follow-ups first, then oldest first.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id."), ListCasesParams),
    responses(
        (status = 200, description = "The queue.", body = CaseList),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/cases")]
pub async fn list_cases(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    params: web::Query<ListCasesParams>,
) -> Result<web::Json<CaseList>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let status = params.into_inner().status.map(|s| match s {
        CaseStatusDto::New => CaseStatus::New,
        CaseStatusDto::Claimed => CaseStatus::Claimed,
        CaseStatusDto::InProgress => CaseStatus::InProgress,
        CaseStatusDto::Resolved => CaseStatus::Resolved,
    });
    let items = state
        .db(move |conn| {
            let place = load(conn, id)?;
            if !memberships::actor(conn, caller.user_id, &place)?.may(Action::ListCases) {
                return Err(ApiError::Refused(ErrorCode::Forbidden));
            }
            let now = time::now();
            let cases = repo::queue(conn, id, status, now, QUEUE_SIZE)?;
            // Seeing a case in the queue is a read of it too.
            for case in &cases {
                repo::audit(conn, case.id, Some(caller.user_id), "read_queue", now)?;
            }
            cases
                .iter()
                .map(|case| case_dto(conn, case))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(web::Json(CaseList {
        items,
        next_cursor: None,
    }))
}

/// One case (mediators here, professionals of the municipality, administrators, and the
/// requester). Every read is audited.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    responses(
        (status = 200, description = "The case (never its notes).", body = CaseDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not yours to see.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/cases/{id}")]
pub async fn get_case(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<CaseDto>, ApiError> {
    let id = CaseId(id.into_inner());
    let dto = state
        .db(move |conn| {
            let case = case_for(conn, caller.user_id, id, Action::ViewCase)?;
            repo::audit(conn, id, Some(caller.user_id), "read_case", time::now())?;
            case_dto(conn, &case)
        })
        .await?;
    Ok(web::Json(dto))
}

fn step_result(conn: &mut DbConnection, step: Option<CaseStep>) -> Result<CaseDto, ApiError> {
    match step {
        Some(CaseStep::Done(case)) => case_dto(conn, &case),
        Some(CaseStep::Illegal(_)) => Err(ApiError::Refused(ErrorCode::IllegalTransition)),
        None => Err(ApiError::NotFound),
    }
}

/// Claim a new case (a mediator of its neighbourhood). Of two claims at once, one wins.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    responses(
        (status = 200, description = "Claimed; the requester is told.", body = CaseDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not yours to see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`illegal_transition`: claimed already.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/cases/{id}/claim")]
pub async fn claim_case(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<CaseDto>, ApiError> {
    let id = CaseId(id.into_inner());
    let dto = state
        .db(move |conn| {
            case_for(conn, caller.user_id, id, |_| Action::WorkCase)?;
            let step = repo::step(
                conn,
                id,
                Some(caller.user_id),
                CaseAction::Claim,
                None,
                None,
                time::now(),
            )?;
            step_result(conn, step)
        })
        .await?;
    Ok(web::Json(dto))
}

/// Move a case on (a mediator of its neighbourhood): `in_progress`, or `resolved` with an
/// outcome and a short summary; `follow_up_at` sets the next look. Sent with the status the
/// case has (`claimed` or `in_progress`) and a `follow_up_at` (or `null`), it only reschedules.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    request_body = CaseStatusRequest,
    responses(
        (status = 200, description = "The case after the change.", body = CaseDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not yours to see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`illegal_transition`: not possible from the case's status (resolved \
         already, say), or its status again without a `follow_up_at`.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: `resolved` without an outcome or a summary, an \
         outcome or summary with another status, `claimed` without `follow_up_at`.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/cases/{id}/status")]
pub async fn set_case_status(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CaseStatusRequest>,
) -> Result<web::Json<CaseDto>, ApiError> {
    let id = CaseId(id.into_inner());
    let CaseStatusRequest {
        status,
        outcome,
        summary,
        follow_up_at,
    } = body.0;
    let only_resolved = || FieldIssue::invalid("only with `resolved`", "alleen bij `resolved`");
    if status != CaseStatusChange::Resolved {
        if outcome.is_some() {
            return Err(ApiError::validation("outcome", only_resolved()));
        }
        if summary.is_some() {
            return Err(ApiError::validation("summary", only_resolved()));
        }
    }
    let summary = match status {
        CaseStatusChange::Resolved => {
            let summary = summary
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| ApiError::validation("summary", FieldIssue::Required))?;
            let summary = bounded_text(&summary, 1000, true)
                .map_err(|e| ApiError::validation("summary", e.into()))?;
            Some(summary)
        }
        CaseStatusChange::Claimed | CaseStatusChange::InProgress => None,
    };
    let requested = match (status, outcome) {
        (CaseStatusChange::Resolved, Some(outcome)) => {
            Some(CaseAction::Resolve(outcome_from(outcome)))
        }
        (CaseStatusChange::Resolved, None) => {
            return Err(ApiError::validation("outcome", FieldIssue::Required));
        }
        (CaseStatusChange::InProgress, _) => Some(CaseAction::Start),
        // Claiming is its own endpoint: `claimed` here only ever reschedules.
        (CaseStatusChange::Claimed, _) if follow_up_at.is_none() => {
            return Err(ApiError::validation("follow_up_at", FieldIssue::Required));
        }
        (CaseStatusChange::Claimed, _) => None,
    };
    let dto = state
        .db(move |conn| {
            let case = case_for(conn, caller.user_id, id, |_| Action::WorkCase)?;
            // The status the case has, with a follow-up date, is no transition but a new date.
            // (Decided on this read; the step checks the status again under its lock.)
            let action = match requested {
                Some(CaseAction::Start)
                    if case.status == CaseStatus::InProgress && follow_up_at.is_some() =>
                {
                    CaseAction::Reschedule(CaseStatus::InProgress)
                }
                Some(action) => action,
                None => CaseAction::Reschedule(CaseStatus::Claimed),
            };
            let step = repo::step(
                conn,
                id,
                Some(caller.user_id),
                action,
                summary.as_deref(),
                follow_up_at,
                time::now(),
            )?;
            step_result(conn, step)
        })
        .await?;
    Ok(web::Json(dto))
}

/// A case's private notes (mediators here and professionals it was referred to; nobody
/// else). Every read is audited.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    responses(
        (status = 200, description = "Oldest first.", body = NoteList),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: may see the case, not its notes.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not yours to see.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/cases/{id}/notes")]
pub async fn list_notes(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<NoteList>, ApiError> {
    let id = CaseId(id.into_inner());
    let notes = state
        .db(move |conn| {
            case_for(conn, caller.user_id, id, Action::UseCaseNotes)?;
            Ok(repo::read_notes(conn, id, caller.user_id, time::now())?)
        })
        .await?;
    Ok(web::Json(NoteList {
        items: notes
            .into_iter()
            .map(|n| NoteDto {
                id: n.id,
                author_id: n.author_id.0,
                author_name: n.author_name,
                body: n.body,
                created_at: n.created_at,
            })
            .collect(),
        next_cursor: None,
    }))
}

/// Add a private note (mediators here and referred professionals). Audited.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    request_body = CreateNoteRequest,
    responses(
        (status = 201, description = "Written.", body = NoteDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not yours to see.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/cases/{id}/notes")]
pub async fn create_note(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CreateNoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CaseId(id.into_inner());
    let text = bounded_text(&body.0.body, 5000, true)
        .map_err(|e| ApiError::validation("body", e.into()))?;
    let dto = state
        .db(move |conn| {
            case_for(conn, caller.user_id, id, Action::UseCaseNotes)?;
            let now = time::now();
            let note = repo::add_note(conn, id, caller.user_id, &text, now)?;
            let name = buurt_persistence::accounts::find_user(conn, caller.user_id)?
                .map(|u| u.display_name.as_str().to_owned())
                .unwrap_or_default();
            Ok(NoteDto {
                id: note,
                author_id: caller.user_id.0,
                author_name: name,
                body: text,
                created_at: now,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(dto))
}

/// Refer a case to a professional of the neighbourhood's municipality (a mediator here). Needs
/// the requester's care-data consent; the professional may then read and write its notes.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    request_body = CreateReferralRequest,
    responses(
        (status = 201, description = "Referred.", body = ReferralDto),
        (status = 200, description = "Referred to them already.", body = ReferralDto),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not yours to see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`consent_required`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: not a professional of this municipality.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/cases/{id}/referrals")]
pub async fn create_referral(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CreateReferralRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CaseId(id.into_inner());
    let professional = UserId(body.0.professional_id);
    let created = state
        .db(move |conn| {
            let case = case_for(conn, caller.user_id, id, |_| Action::WorkCase)?;
            let place = load(conn, case.neighbourhood_id)?;
            let municipalities = memberships::professional_municipalities(conn, professional)?;
            if !municipalities.contains(&place.draft.municipality_code) {
                return Err(ApiError::validation(
                    "professional_id",
                    FieldIssue::invalid(
                        "not a professional of this municipality",
                        "geen professional van deze gemeente",
                    ),
                ));
            }
            if !repo::has_consent(conn, case.requester_id, ConsentKind::CareData)? {
                return Err(ApiError::Refused(ErrorCode::ConsentRequired));
            }
            Ok(repo::refer(
                conn,
                id,
                professional,
                caller.user_id,
                time::now(),
            )?)
        })
        .await?;
    let dto = ReferralDto {
        case_id: id.0,
        professional_id: professional.0,
    };
    Ok(crate::routes::created_or_ok(created, dto))
}

/// Who read or wrote what of a case, and when (professionals of the municipality, referred
/// professionals, administrators). Nobody can change it; reading it is recorded on it too.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    responses(
        (status = 200, description = "Oldest first.", body = AuditList),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such case, or not yours to see.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/cases/{id}/audit")]
pub async fn case_audit(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<AuditList>, ApiError> {
    let id = CaseId(id.into_inner());
    let entries = state
        .db(move |conn| {
            case_for(conn, caller.user_id, id, Action::ReadCaseAudit)?;
            Ok(repo::audit_log(conn, id, caller.user_id, time::now())?)
        })
        .await?;
    Ok(web::Json(AuditList {
        items: entries
            .into_iter()
            .map(|e| AuditEntryDto {
                actor_id: e.actor_id.map(|a| a.0),
                action: e.action,
                at: e.at,
            })
            .collect(),
    }))
}

fn consent_kind(kind: ConsentKindDto) -> ConsentKind {
    match kind {
        ConsentKindDto::Terms => ConsentKind::Terms,
        ConsentKindDto::CareData => ConsentKind::CareData,
    }
}

/// Give or withdraw a consent; answers with all of one's consents. Care-data consent lets care
/// requests go to mediators at once and cases be referred to the wijkteam.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ConsentRequest,
    responses(
        (status = 200, description = "All consents after the change.", body = ConsentList),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/me/consents")]
pub async fn set_consent(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Json<ConsentRequest>,
) -> Result<web::Json<ConsentList>, ApiError> {
    let ConsentRequest { kind, given } = body.0;
    let items = state
        .db(move |conn| {
            repo::set_consent(conn, caller.user_id, consent_kind(kind), given, time::now())?;
            Ok(repo::consents_of(conn, caller.user_id)?)
        })
        .await?;
    Ok(web::Json(ConsentList {
        items: items
            .into_iter()
            .map(|(kind, given_at, withdrawn_at)| ConsentDto {
                kind: match kind {
                    ConsentKind::Terms => ConsentKindDto::Terms,
                    ConsentKind::CareData => ConsentKindDto::CareData,
                },
                given: withdrawn_at.is_none(),
                given_at,
                withdrawn_at,
            })
            .collect(),
    }))
}

/// A neighbourhood's mediation setting (moderators of the neighbourhood, administrators).
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    request_body = NeighbourhoodSettings,
    responses(
        (status = 200, description = "The settings after the change.", body = NeighbourhoodSettings),
        (status = 401, description = "Not signed in.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/v1/neighbourhoods/{id}/settings")]
pub async fn set_settings(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<NeighbourhoodSettings>,
) -> Result<web::Json<NeighbourhoodSettings>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let days = body.0.escalate_after_days;
    if !(1..=60).contains(&days) {
        return Err(ApiError::validation(
            "escalate_after_days",
            FieldIssue::OutOfRange,
        ));
    }
    state
        .db(move |conn| {
            let place = load(conn, id)?;
            if !memberships::actor(conn, caller.user_id, &place)?.may(Action::ChangeSettings) {
                return Err(ApiError::Refused(ErrorCode::Forbidden));
            }
            Ok(repo::set_escalate_after_days(conn, id, days)?)
        })
        .await?;
    Ok(web::Json(NeighbourhoodSettings {
        escalate_after_days: days,
    }))
}

/// The mediation part of a post, for its author.
pub fn mediation_for_author(
    conn: &mut DbConnection,
    lang: Lang,
    post: &buurt_domain::posts::Post,
    caller: Option<UserId>,
) -> Result<Option<MediationStatusDto>, ApiError> {
    if caller != Some(post.author_id) || post.content.kind != PostKind::Request {
        return Ok(None);
    }
    Ok(repo::case_of_request(conn, post.id)?.map(|case| mediation_status(&case, lang)))
}
