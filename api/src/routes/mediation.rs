//! Mediation: escalation, the case queue, private notes, referrals, the audit log, consents.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use buurt_app::mediation::{self as cases, CaseView, StatusChange, WantedStatus};
use buurt_domain::accounts::UserId;
use buurt_domain::mediation::{Case, CaseId, CaseStatus, ConsentKind, EscalatedBy, Outcome};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::PostId;
use buurt_openapi::mediation::{
    AuditEntryDto, AuditList, CaseDto, CaseList, CaseRequesterDto, CaseStatusChange, CaseStatusDto,
    CaseStatusRequest, ConsentChangeDto, ConsentChangeKindDto, ConsentDto, ConsentKindDto,
    ConsentList, ConsentRequest, CreateNoteRequest, CreateReferralRequest, EscalateRequest,
    EscalatedByDto, ListCasesParams, MediationStatusDto, NeighbourhoodSettings, NoteDto, NoteList,
    OutcomeDto, ReferralDto, TimelineActorDto, TimelineEntryDto, TimelineList,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::DbConnection;

use crate::auth::Authenticated;
use crate::http::error::ApiError;
use crate::http::extract::{Json, OptionalJson};
use crate::http::lang::{Lang, Negotiated, Text, request_lang};
use crate::http::query::Query;
use crate::state::AppState;

fn status_dto(status: CaseStatus) -> CaseStatusDto {
    match status {
        CaseStatus::New => CaseStatusDto::New,
        CaseStatus::Claimed => CaseStatusDto::Claimed,
        CaseStatus::InProgress => CaseStatusDto::InProgress,
        CaseStatus::Resolved => CaseStatusDto::Resolved,
    }
}

fn status_from(status: CaseStatusDto) -> CaseStatus {
    match status {
        CaseStatusDto::New => CaseStatus::New,
        CaseStatusDto::Claimed => CaseStatus::Claimed,
        CaseStatusDto::InProgress => CaseStatus::InProgress,
        CaseStatusDto::Resolved => CaseStatus::Resolved,
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

fn case_dto(view: CaseView) -> CaseDto {
    let CaseView {
        case,
        request_title,
        overdue,
        requester,
    } = view;
    CaseDto {
        id: case.id.0,
        request_id: case.request_id.0,
        request_title,
        neighbourhood_id: case.neighbourhood_id.0,
        status: status_dto(case.status),
        outcome: case.outcome.map(outcome_dto),
        summary: case.summary,
        reason: case.reason,
        escalated_by: match case.escalated_by {
            EscalatedBy::Requester => EscalatedByDto::Requester,
            EscalatedBy::Mediator => EscalatedByDto::Mediator,
            EscalatedBy::Job => EscalatedByDto::Job,
            EscalatedBy::CareConsent => EscalatedByDto::CareConsent,
        },
        claimed_by: case.claimed_by.map(|u| u.0),
        follow_up_at: case.follow_up_at,
        overdue,
        created_at: case.created_at,
        updated_at: case.updated_at,
        requester: requester.map(|contact| CaseRequesterDto {
            id: contact.id.0,
            display_name: contact.display_name,
            email: contact.email,
            phone: contact.phone,
        }),
    }
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
        (status = 403, description = "`forbidden`: neither its author nor a mediator here.", body = Problem,
         content_type = "application/problem+json"),
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
    let reason = body.0.and_then(|b| b.reason);
    let view = state
        .run(move |cx| cases::escalate(cx, caller.user_id, id, reason))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/cases/{}", view.case.id)))
        .json(case_dto(view)))
}

/// The mediation queue of a neighbourhood (its mediators, professionals of its municipality,
/// administrators): overdue follow-ups first, then oldest first.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id."), ListCasesParams),
    responses(
        (status = 200, description = "The queue.", body = CaseList),
        (status = 403, description = "`forbidden`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/cases")]
pub async fn list_cases(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    params: Query<ListCasesParams>,
) -> Result<web::Json<CaseList>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let status = params.into_inner().status.map(status_from);
    let views = state
        .run(move |cx| cases::case_queue(cx, caller.user_id, id, status))
        .await?;
    Ok(web::Json(CaseList {
        items: views.into_iter().map(case_dto).collect(),
        next_cursor: None,
    }))
}

/// One case (mediators here, professionals of the municipality, administrators, and the
/// requester). Every read is audited. The case's mediators see its `requester` with how to
/// reach them (name, e-mail, phone), audited as `read_requester_contact`; nobody else does.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    responses(
        (status = 200, description = "The case (never its notes); `requester` for its mediators          only.", body = CaseDto),
    ),
)]
#[get("/v1/cases/{id}")]
pub async fn get_case(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<CaseDto>, ApiError> {
    let id = CaseId(id.into_inner());
    let view = state
        .run(move |cx| cases::get_case(cx, caller.user_id, id))
        .await?;
    Ok(web::Json(case_dto(view)))
}

/// Claim a new case (a mediator of its neighbourhood). Of two claims at once, one wins.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    responses(
        (status = 200, description = "Claimed; the requester is told.", body = CaseDto),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem, content_type = "application/problem+json"),
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
    let view = state
        .run(move |cx| cases::claim_case(cx, caller.user_id, id))
        .await?;
    Ok(web::Json(case_dto(view)))
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
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem, content_type = "application/problem+json"),
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
    let change = StatusChange {
        status: match status {
            CaseStatusChange::Claimed => WantedStatus::Claimed,
            CaseStatusChange::InProgress => WantedStatus::InProgress,
            CaseStatusChange::Resolved => WantedStatus::Resolved,
        },
        outcome: outcome.map(outcome_from),
        summary,
        follow_up_at,
    };
    let view = state
        .run(move |cx| cases::set_case_status(cx, caller.user_id, id, change))
        .await?;
    Ok(web::Json(case_dto(view)))
}

/// A case's private notes (mediators here and professionals it was referred to; nobody
/// else). Every read is audited.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    responses(
        (status = 200, description = "Oldest first.", body = NoteList),
        (status = 403, description = "`forbidden`: may see the case, not its notes.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/cases/{id}/notes")]
pub async fn list_notes(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<NoteList>, ApiError> {
    let id = CaseId(id.into_inner());
    let notes = state
        .run(move |cx| cases::read_notes(cx, caller.user_id, id))
        .await?;
    Ok(web::Json(NoteList {
        items: notes.into_iter().map(|note| note_dto(note, lang)).collect(),
        next_cursor: None,
    }))
}

fn note_dto(note: cases::Note, lang: Lang) -> NoteDto {
    NoteDto {
        id: note.id,
        author_id: note.author_id.0,
        author_name: buurt_app::privacy::shown_name(&note.author_name, lang),
        body: note.body,
        working: note.working,
        created_at: note.created_at,
    }
}

/// Add a private note (mediators here and referred professionals). Audited.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    request_body = CreateNoteRequest,
    responses(
        (status = 201, description = "Written.", body = NoteDto),
        (status = 403, description = "`forbidden`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/cases/{id}/notes")]
pub async fn create_note(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CreateNoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = CaseId(id.into_inner());
    let CreateNoteRequest {
        body: text,
        working,
    } = body.0;
    let note = state
        .run(move |cx| cases::add_note(cx, caller.user_id, id, &text, working))
        .await?;
    Ok(HttpResponse::Created().json(note_dto(note, lang)))
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
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem, content_type = "application/problem+json"),
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
        .run(move |cx| cases::refer_case(cx, caller.user_id, id, professional))
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
        (status = 403, description = "`forbidden`.", body = Problem, content_type = "application/problem+json"),
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
        .run(move |cx| cases::read_audit(cx, caller.user_id, id))
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

// issue 20 (h20rest)
/// A case's timeline, newest last: every step taken on it (escalation, claiming, brokering
/// and each step of a brokered match, steps and messages a mediator took for an offline
/// requester, sessions and lapses of lasting help, follow-ups, referral, resolution), who took
/// it and which match it concerns. For the case's mediators (and a referred professional, an
/// administrator); reads are left out (they are in `GET /v1/cases/{id}/audit`), and reading
/// the timeline is audited there (`read_timeline`).
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The case's id.")),
    responses(
        (status = 200, description = "Oldest first, newest last.", body = TimelineList),
        (status = 403, description = "`forbidden`: the case's requester.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such case, or not the caller's to see (another neighbourhood's mediator, a helper).", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/cases/{id}/timeline")]
pub async fn case_timeline(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    lang: Negotiated,
) -> Result<web::Json<TimelineList>, ApiError> {
    let id = CaseId(id.into_inner());
    let entries = state
        .run(move |cx| cases::read_timeline(cx, caller.user_id, id))
        .await?;
    Ok(web::Json(TimelineList {
        items: entries
            .into_iter()
            .map(|e| TimelineEntryDto {
                at: e.row.at,
                actor: e.row.actor_id.map(|actor| TimelineActorDto {
                    id: actor.0,
                    display_name: e
                        .row
                        .actor_name
                        .as_deref()
                        .map(|name| buurt_app::privacy::shown_name(name, lang.0))
                        .unwrap_or_default(),
                }),
                kind: e.kind.into(),
                action: e.row.action,
                match_id: e.row.match_id.map(|m| m.0),
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

fn consent_kind_dto(kind: ConsentKind) -> ConsentKindDto {
    match kind {
        ConsentKind::Terms => ConsentKindDto::Terms,
        ConsentKind::CareData => ConsentKindDto::CareData,
    }
}

/// What a consent covers, as the consent list says it.
fn covers(kind: ConsentKind) -> Text {
    match kind {
        ConsentKind::Terms => Text::new(
            "The terms of use of Buurt.",
            "De gebruiksvoorwaarden van Buurt.",
        ),
        ConsentKind::CareData => Text::new(
            "Your care requests go to the mediators of your neighbourhood at once, and a \
             mediator may refer your case to a professional of the municipality's wijkteam, who \
             then reads its status and notes; the wijkteam's systems receive the case with your \
             name, e-mail address, phone number and postcode. Withdrawing it ends every such \
             referral at once.",
            "Uw zorgvragen gaan meteen naar de bemiddelaars van uw buurt, en een bemiddelaar mag \
             uw casus doorverwijzen naar een professional van het wijkteam van de gemeente, die \
             dan de status en notities leest; de systemen van het wijkteam ontvangen de casus met \
             uw naam, e-mailadres, telefoonnummer en postcode. Intrekken beëindigt elke \
             doorverwijzing meteen.",
        ),
    }
}

pub fn consent_list(
    lang: Lang,
    (items, history): (Vec<cases::ConsentRecord>, Vec<cases::ConsentChange>),
) -> ConsentList {
    ConsentList {
        items: items
            .into_iter()
            .map(|(kind, given_at, withdrawn_at)| ConsentDto {
                kind: consent_kind_dto(kind),
                given: withdrawn_at.is_none(),
                given_at,
                withdrawn_at,
                covers: covers(kind).get(lang).to_owned(),
            })
            .collect(),
        history: history
            .into_iter()
            .map(|(kind, given, at)| ConsentChangeDto {
                kind: consent_kind_dto(kind),
                change: if given {
                    ConsentChangeKindDto::Given
                } else {
                    ConsentChangeKindDto::Withdrawn
                },
                at,
            })
            .collect(),
    }
}

/// Give or withdraw a consent; answers with all of one's consents and their history.
/// Care-data consent lets care requests go to mediators at once and cases be referred to the
/// wijkteam. Withdrawing it ends every referral of one's cases at once (every professional's
/// access through the app and the partner API), with an entry in each case's audit log; giving
/// it again does not bring them back.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ConsentRequest,
    responses(
        (status = 200, description = "All consents after the change, with their history.", body = ConsentList),
    ),
)]
#[post("/v1/me/consents")]
pub async fn set_consent(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Json<ConsentRequest>,
) -> Result<web::Json<ConsentList>, ApiError> {
    let lang = request_lang(&req);
    let ConsentRequest { kind, given } = body.0;
    let kind = consent_kind(kind);
    let user = caller.user_id;
    let found = state
        .run(move |cx| {
            cases::set_consent(cx, user, kind, given)?;
            cases::list_consents(cx, user)
        })
        .await?;
    Ok(web::Json(consent_list(lang, found)))
}

/// One's consents as they stand (what each covers), and every time one was given or withdrawn.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The consents and their history.", body = ConsentList),
    ),
)]
#[get("/v1/me/consents")]
pub async fn list_consents(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<web::Json<ConsentList>, ApiError> {
    let lang = request_lang(&req);
    let found = state
        .run(move |cx| cases::list_consents(cx, caller.user_id))
        .await?;
    Ok(web::Json(consent_list(lang, found)))
}

/// A neighbourhood's settings: when requests go to the mediators, and whether new members'
/// first posts wait for a moderator (moderators of the neighbourhood, administrators).
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    request_body = NeighbourhoodSettings,
    responses(
        (status = 200, description = "The settings after the change.", body = NeighbourhoodSettings),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem, content_type = "application/problem+json"),
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
    let reviewed = body.0.first_posts_reviewed;
    let (escalate_after_days, first_posts_reviewed) = state
        .run(move |cx| {
            let days = cases::set_escalate_after_days(cx, caller.user_id, id, days)?;
            let reviewed =
                buurt_app::moderation::set_first_posts_reviewed(cx, caller.user_id, id, reviewed)?;
            Ok::<_, buurt_app::AppError>((days, reviewed))
        })
        .await?;
    Ok(web::Json(NeighbourhoodSettings {
        escalate_after_days,
        first_posts_reviewed,
    }))
}

/// The mediation part of a post, for its author.
pub fn mediation_for_author(
    conn: &mut DbConnection,
    lang: Lang,
    post: &buurt_domain::posts::Post,
    caller: Option<UserId>,
) -> Result<Option<MediationStatusDto>, buurt_app::AppError> {
    let case = cases::case_for_author(conn, post, caller)?;
    Ok(case.map(|case| mediation_status(&case, lang)))
}
