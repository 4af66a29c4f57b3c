//! Moderation: reports on posts, messages and members; the moderators' queue and its
//! resolutions; decisions with their statement of reasons and the one appeal; posts held for
//! review; the moderation log (JSON or CSV). The use cases are `buurt_app::moderation`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use buurt_app::moderation::{self as app, QueueItem, ReportInput, ResolveInput, Statement};
use buurt_domain::accounts::UserId;
use buurt_domain::matching::MatchId;
use buurt_domain::moderation::{AppealOutcome, LogAction, ReportReason, Resolution, TargetKind};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::PostId;
use buurt_openapi::moderation::{
    AppealDto, AppealOutcome as AppealOutcomeDto, AppealRequest, CreateMemberReportRequest,
    CreateReportRequest, DecideAppealRequest, DecisionDto, DecisionList, HeldPostDto, HeldPostList,
    LogActionDto, ModerationLogEntryDto, ModerationLogList, QueueItemDto, QueueList,
    QueueReportDto, ReportDto, ReportList, ReportReason as ReportReasonDto, ReportStatus,
    ReportTargetKind, Resolution as ResolutionDto, ResolveReportRequest,
};
use buurt_openapi::neighbourhoods::PageParams;
use buurt_openapi::problem::Problem;
use buurt_persistence::moderation::{Decision, LogCursor, LogEntry, QueueCursor, ReportRecord};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::http::error::ApiError;
use crate::http::extract::Json;
use crate::http::lang::{Lang, Text};
use crate::http::paging::{decode_cursor, encode_cursor, limit};
use crate::state::AppState;

fn lang_of(request: &HttpRequest) -> Lang {
    Lang::negotiate(
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

fn reason_in(reason: ReportReasonDto) -> ReportReason {
    match reason {
        ReportReasonDto::Spam => ReportReason::Spam,
        ReportReasonDto::Intimidation => ReportReason::Intimidation,
        ReportReasonDto::Discrimination => ReportReason::Discrimination,
        ReportReasonDto::Privacy => ReportReason::Privacy,
        ReportReasonDto::Dangerous => ReportReason::Dangerous,
        ReportReasonDto::Other => ReportReason::Other,
    }
}

fn reason_out(reason: ReportReason) -> ReportReasonDto {
    match reason {
        ReportReason::Spam => ReportReasonDto::Spam,
        ReportReason::Intimidation => ReportReasonDto::Intimidation,
        ReportReason::Discrimination => ReportReasonDto::Discrimination,
        ReportReason::Privacy => ReportReasonDto::Privacy,
        ReportReason::Dangerous => ReportReasonDto::Dangerous,
        ReportReason::Other => ReportReasonDto::Other,
    }
}

fn kind_out(kind: TargetKind) -> ReportTargetKind {
    match kind {
        TargetKind::Post => ReportTargetKind::Post,
        TargetKind::Message => ReportTargetKind::Message,
        TargetKind::Member => ReportTargetKind::Member,
    }
}

fn resolution_in(resolution: ResolutionDto) -> Resolution {
    match resolution {
        ResolutionDto::Dismiss => Resolution::Dismiss,
        ResolutionDto::HidePost => Resolution::HidePost,
        ResolutionDto::RemoveMessage => Resolution::RemoveMessage,
        ResolutionDto::Warn => Resolution::Warn,
        ResolutionDto::Suspend => Resolution::Suspend,
        ResolutionDto::RemoveMember => Resolution::RemoveMember,
    }
}

fn resolution_out(resolution: Resolution) -> ResolutionDto {
    match resolution {
        Resolution::Dismiss => ResolutionDto::Dismiss,
        Resolution::HidePost => ResolutionDto::HidePost,
        Resolution::RemoveMessage => ResolutionDto::RemoveMessage,
        Resolution::Warn => ResolutionDto::Warn,
        Resolution::Suspend => ResolutionDto::Suspend,
        Resolution::RemoveMember => ResolutionDto::RemoveMember,
    }
}

fn log_action_out(action: LogAction) -> LogActionDto {
    match action {
        LogAction::HidePost => LogActionDto::HidePost,
        LogAction::UnhidePost => LogActionDto::UnhidePost,
        LogAction::HoldPost => LogActionDto::HoldPost,
        LogAction::ApprovePost => LogActionDto::ApprovePost,
        LogAction::RemoveMessage => LogActionDto::RemoveMessage,
        LogAction::RestoreMessage => LogActionDto::RestoreMessage,
        LogAction::Warn => LogActionDto::Warn,
        LogAction::Suspend => LogActionDto::Suspend,
        LogAction::LiftSuspension => LogActionDto::LiftSuspension,
        LogAction::RemoveMember => LogActionDto::RemoveMember,
        LogAction::ReinstateMember => LogActionDto::ReinstateMember,
        LogAction::Dismiss => LogActionDto::Dismiss,
        LogAction::RoleChange => LogActionDto::RoleChange,
        LogAction::AppealFiled => LogActionDto::AppealFiled,
        LogAction::AppealUpheld => LogActionDto::AppealUpheld,
        LogAction::AppealOverturned => LogActionDto::AppealOverturned,
    }
}

/// What a reporter is told came of their report: plain words, naming nobody.
fn outcome_text(resolution: Resolution) -> Text {
    match resolution {
        Resolution::Dismiss => Text::new(
            "The moderators looked at your report and found no reason to act.",
            "De moderatoren hebben uw melding bekeken en zagen geen reden om in te grijpen.",
        ),
        Resolution::HidePost => Text::new(
            "The moderators hid the post you reported.",
            "De moderatoren hebben het gemelde bericht verborgen.",
        ),
        Resolution::RemoveMessage => Text::new(
            "The moderators removed the message you reported.",
            "De moderatoren hebben het gemelde chatbericht verwijderd.",
        ),
        Resolution::Warn => Text::new(
            "The moderators acted on your report: a warning was given.",
            "De moderatoren hebben op uw melding gereageerd: er is een waarschuwing gegeven.",
        ),
        Resolution::Suspend => Text::new(
            "The moderators acted on your report: posting was suspended for a while.",
            "De moderatoren hebben op uw melding gereageerd: berichten plaatsen is tijdelijk \
             geschorst.",
        ),
        Resolution::RemoveMember => Text::new(
            "The moderators acted on your report: the member was removed from the \
             neighbourhood.",
            "De moderatoren hebben op uw melding gereageerd: het lid is uit de buurt gezet.",
        ),
    }
}

/// What was done, for the member concerned.
fn what_was_done(resolution: Resolution) -> Text {
    match resolution {
        Resolution::Dismiss => Text::new("No action was taken.", "Er is niets gedaan."),
        Resolution::HidePost => Text::new(
            "A moderator hid your post.",
            "Een moderator heeft uw bericht verborgen.",
        ),
        Resolution::RemoveMessage => Text::new(
            "A moderator removed your message.",
            "Een moderator heeft uw chatbericht verwijderd.",
        ),
        Resolution::Warn => Text::new(
            "A moderator warned you.",
            "Een moderator heeft u gewaarschuwd.",
        ),
        Resolution::Suspend => Text::new(
            "A moderator suspended you from posting in this neighbourhood until",
            "Een moderator heeft u geschorst voor berichten in deze buurt tot",
        ),
        Resolution::RemoveMember => Text::new(
            "A moderator removed you from the neighbourhood.",
            "Een moderator heeft u uit de buurt gezet.",
        ),
    }
}

/// The statement of reasons: what was done, on which grounds, why, and how to appeal.
fn statement(decision: &Decision, grounds: &[ReportReason], lang: Lang) -> String {
    let done = what_was_done(decision.resolution);
    let mut text = done.get(lang).to_owned();
    if let Some(until) = decision.suspended_until {
        text.push_str(&format!(" {}.", until.format("%Y-%m-%d %H:%M UTC")));
    }
    let grounds: Vec<&str> = grounds.iter().map(|g| g.as_str()).collect();
    let (reported, why, how_to_appeal) = match lang {
        Lang::En => (
            "Reported as",
            "Reason",
            "You can appeal this decision once.",
        ),
        Lang::Nl => (
            "Gemeld als",
            "Reden",
            "U kunt één keer bezwaar maken tegen dit besluit.",
        ),
    };
    if !grounds.is_empty() {
        text.push_str(&format!(" {reported}: {}.", grounds.join(", ")));
    }
    text.push_str(&format!(" {why}: {}", decision.reason));
    if decision.appealed_at.is_none() {
        text.push_str(&format!(" {how_to_appeal}"));
    }
    text
}

fn decision_dto(decision: &Decision, grounds: &[ReportReason], lang: Lang) -> DecisionDto {
    DecisionDto {
        id: decision.id,
        neighbourhood_id: decision.neighbourhood_id.0,
        target_kind: kind_out(decision.target_kind),
        target_id: decision.target_id,
        resolution: resolution_out(decision.resolution),
        reason: decision.reason.clone(),
        report_reasons: grounds.iter().copied().map(reason_out).collect(),
        suspended_until: decision.suspended_until,
        decided_at: decision.decided_at,
        statement: statement(decision, grounds, lang),
        appealable: decision.appealed_at.is_none() && decision.resolution.concerns_member(),
        appeal: match (&decision.appeal_text, decision.appealed_at) {
            (Some(text), Some(appealed_at)) => Some(AppealDto {
                text: text.clone(),
                appealed_at,
                outcome: decision.appeal_outcome.map(|o| match o {
                    AppealOutcome::Upheld => AppealOutcomeDto::Upheld,
                    AppealOutcome::Overturned => AppealOutcomeDto::Overturned,
                }),
                reason: decision.appeal_reason.clone(),
                decided_at: decision.appeal_decided_at,
            }),
            _ => None,
        },
    }
}

fn report_dto(report: ReportRecord, outcome: Option<Resolution>, lang: Lang) -> ReportDto {
    ReportDto {
        id: report.id,
        target_kind: kind_out(report.target_kind),
        target_id: report.target_id,
        reason: reason_out(report.reason),
        details: report.details,
        status: if report.resolved_at.is_some() {
            ReportStatus::Resolved
        } else {
            ReportStatus::Open
        },
        outcome: outcome.map(resolution_out),
        outcome_text: outcome.map(|o| outcome_text(o).get(lang).to_owned()),
        created_at: report.created_at,
        resolved_at: report.resolved_at,
    }
}

/// Runs a use case that returns a decision, and answers with it and its grounds.
async fn answer_decision<F>(
    request: &HttpRequest,
    state: &AppState,
    work: F,
) -> Result<web::Json<DecisionDto>, ApiError>
where
    F: FnOnce(&mut buurt_app::Cx<'_>) -> Result<Decision, buurt_app::AppError> + Send + 'static,
{
    let (decision, grounds) = state
        .run(move |cx| {
            let decision = work(cx)?;
            let grounds = app::grounds(cx, decision.id)?;
            Ok::<_, buurt_app::AppError>((decision, grounds))
        })
        .await?;
    Ok(web::Json(decision_dto(
        &decision,
        &grounds,
        lang_of(request),
    )))
}

fn created(report: ReportRecord, lang: Lang) -> HttpResponse {
    HttpResponse::Created().json(report_dto(report, None, lang))
}

/// Report a post to the neighbourhood's moderators (members who can read it; one open report
/// per reporter and post).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The post's id.")),
    request_body = CreateReportRequest,
    responses(
        (status = 201, description = "Reported; follow it at `GET /v1/me/reports`.", body = ReportDto),
        (status = 403, description = "`forbidden`: not a member here; `membership_pending`.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_reported`: your report on it is still open.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`write_limit_reached`: too many reports today (`BUURT_LIMIT_REPORTS_PER_DAY`); see `Retry-After`.", body = Problem, content_type = "application/problem+json", headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[post("/v1/posts/{id}/reports")]
pub async fn report_post(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    body: Json<CreateReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = PostId(id.into_inner());
    let CreateReportRequest { reason, details } = body.0;
    let report = state
        .run(move |cx| {
            let input = ReportInput {
                reason: reason_in(reason),
                details: details.as_deref(),
            };
            app::report_post(cx, caller.user_id, id, input)
        })
        .await?;
    Ok(created(report, lang_of(&request)))
}

/// Report a message the other party wrote in a match's thread (its parties).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The match's id."),
        ("mid" = Uuid, Path, description = "The message's id."),
    ),
    request_body = CreateReportRequest,
    responses(
        (status = 201, description = "Reported.", body = ReportDto),
        (status = 404, description = "No such match or message, or not yours to see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_reported`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: your own message (`target`).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`write_limit_reached`; see `Retry-After`.", body = Problem, content_type = "application/problem+json", headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[post("/v1/matches/{id}/messages/{mid}/reports")]
pub async fn report_message(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<CreateReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let (about_match, message) = path.into_inner();
    let CreateReportRequest { reason, details } = body.0;
    let report = state
        .run(move |cx| {
            let input = ReportInput {
                reason: reason_in(reason),
                details: details.as_deref(),
            };
            app::report_message(cx, caller.user_id, MatchId(about_match), message, input)
        })
        .await?;
    Ok(created(report, lang_of(&request)))
}

/// Report a member of a neighbourhood you belong to, to its moderators.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The member's user id.")),
    request_body = CreateMemberReportRequest,
    responses(
        (status = 201, description = "Reported.", body = ReportDto),
        (status = 403, description = "`forbidden`: not a member of that neighbourhood; `membership_pending`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood, or the user is no member of it.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_reported`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: yourself (`target`).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`write_limit_reached`; see `Retry-After`.", body = Problem, content_type = "application/problem+json", headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[post("/v1/users/{id}/reports")]
pub async fn report_member(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    body: Json<CreateMemberReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let member = UserId(id.into_inner());
    let CreateMemberReportRequest {
        neighbourhood_id,
        reason,
        details,
    } = body.0;
    let report = state
        .run(move |cx| {
            let input = ReportInput {
                reason: reason_in(reason),
                details: details.as_deref(),
            };
            let place = NeighbourhoodId(neighbourhood_id);
            app::report_member(cx, caller.user_id, member, place, input)
        })
        .await?;
    Ok(created(report, lang_of(&request)))
}

fn queue_item_dto(item: QueueItem) -> QueueItemDto {
    let first = item.reports.first();
    QueueItemDto {
        report_id: first.map_or(Uuid::nil(), |r| r.id),
        target_kind: kind_out(item.entry.target_kind),
        target_id: item.entry.target_id,
        member_id: item.entry.member_id.0,
        post_id: first.and_then(|r| r.post_id).map(|p| p.0),
        match_id: first.and_then(|r| r.match_id).map(|m| m.0),
        report_count: u32::try_from(item.entry.count).unwrap_or(u32::MAX),
        first_reported_at: item.entry.first_reported_at,
        reports: item
            .reports
            .into_iter()
            .map(|r| QueueReportDto {
                id: r.id,
                reason: reason_out(r.reason),
                details: r.details,
                created_at: r.created_at,
            })
            .collect(),
    }
}

/// The neighbourhood's report queue: reported targets with their open reports, the longest
/// waiting first (its moderators, administrators).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The neighbourhood's id."), PageParams),
    responses(
        (status = 200, description = "A page of the queue.", body = QueueList),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/reports")]
pub async fn list_reports(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    params: web::Query<PageParams>,
) -> Result<web::Json<QueueList>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let limit = limit(params.limit)?;
    let after: Option<(DateTime<Utc>, Uuid)> = decode_cursor(params.cursor.as_deref())?;
    let after = after.map(|(first_reported_at, target_id)| QueueCursor {
        first_reported_at,
        target_id,
    });
    let (items, next) = state
        .run(move |cx| app::list_queue(cx, caller.user_id, id, after.as_ref(), limit))
        .await?;
    Ok(web::Json(QueueList {
        items: items.into_iter().map(queue_item_dto).collect(),
        next_cursor: next.map(|c| encode_cursor(&(c.first_reported_at, c.target_id))),
    }))
}

/// Resolve every open report on the report's target (its neighbourhood's moderators,
/// administrators): the reporters are told the outcome, the member concerned what was done
/// and why, and the step is logged.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "An open report on the target.")),
    request_body = ResolveReportRequest,
    responses(
        (status = 200, description = "The decision, with the statement the member reads.", body = DecisionDto),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report, or not yours to see.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`report_already_resolved`; `last_moderator`: removing the neighbourhood's last moderator.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a resolution that does not fit the target, no `reason`, or `suspend_days` missing, out of range or without `suspend`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/reports/{id}/resolve")]
pub async fn resolve_report(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    body: Json<ResolveReportRequest>,
) -> Result<web::Json<DecisionDto>, ApiError> {
    let id = id.into_inner();
    let ResolveReportRequest {
        resolution,
        reason,
        suspend_days,
    } = body.0;
    answer_decision(&request, &state, move |cx| {
        let input = ResolveInput {
            resolution: resolution_in(resolution),
            reason: &reason,
            suspend_days,
        };
        app::resolve(cx, caller.user_id, id, input)
    })
    .await
}

/// The reports you made and what came of them, newest first (the latest 100).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    responses((status = 200, description = "Your reports.", body = ReportList)),
)]
#[get("/v1/me/reports")]
pub async fn my_reports(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<web::Json<ReportList>, ApiError> {
    let lang = lang_of(&request);
    let reports = state
        .run(move |cx| app::my_reports(cx, caller.user_id))
        .await?;
    Ok(web::Json(ReportList {
        items: reports
            .into_iter()
            .map(|(report, outcome)| report_dto(report, outcome, lang))
            .collect(),
    }))
}

/// The moderation decisions about you or what you wrote, with their statement of reasons,
/// newest first (the latest 100).
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    responses((status = 200, description = "Decisions about you.", body = DecisionList)),
)]
#[get("/v1/me/moderation-decisions")]
pub async fn my_decisions(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<web::Json<DecisionList>, ApiError> {
    let lang = lang_of(&request);
    let statements = state
        .run(move |cx| app::my_decisions(cx, caller.user_id))
        .await?;
    Ok(web::Json(DecisionList {
        items: statements
            .iter()
            .map(
                |Statement {
                     decision,
                     report_reasons,
                 }| { decision_dto(decision, report_reasons, lang) },
            )
            .collect(),
    }))
}

/// Appeal a decision about you, once; another moderator or an administrator decides.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The decision's id.")),
    request_body = AppealRequest,
    responses(
        (status = 200, description = "Appealed.", body = DecisionDto),
        (status = 404, description = "No such decision about you.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_appealed`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/moderation-decisions/{id}/appeal")]
pub async fn appeal(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    body: Json<AppealRequest>,
) -> Result<web::Json<DecisionDto>, ApiError> {
    let id = id.into_inner();
    let text = body.0.text;
    answer_decision(&request, &state, move |cx| {
        app::appeal(cx, caller.user_id, id, &text)
    })
    .await
}

/// Decide an appeal (another moderator of the neighbourhood, or an administrator; never who
/// took the decision). Overturning undoes what was done.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The decision's id.")),
    request_body = DecideAppealRequest,
    responses(
        (status = 200, description = "Decided; the member is told.", body = DecisionDto),
        (status = 403, description = "`forbidden`: not a moderator here; `same_moderator`: you took the decision.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such decision.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_appealed` or `appeal_already_decided`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/moderation-decisions/{id}/appeal/decision")]
pub async fn decide_appeal(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    body: Json<DecideAppealRequest>,
) -> Result<web::Json<DecisionDto>, ApiError> {
    let id = id.into_inner();
    let DecideAppealRequest { outcome, reason } = body.0;
    let outcome = match outcome {
        AppealOutcomeDto::Upheld => AppealOutcome::Upheld,
        AppealOutcomeDto::Overturned => AppealOutcome::Overturned,
    };
    answer_decision(&request, &state, move |cx| {
        app::decide_appeal(cx, caller.user_id, id, outcome, &reason)
    })
    .await
}

fn log_entry_dto(entry: LogEntry) -> ModerationLogEntryDto {
    ModerationLogEntryDto {
        id: entry.id,
        actor_id: entry.actor_id.map(|a| a.0),
        action: log_action_out(entry.action),
        target_kind: kind_out(entry.target_kind),
        target_id: entry.target_id,
        reason: entry.reason,
        created_at: entry.created_at,
    }
}

/// The log as CSV, every cell spreadsheet-safe.
fn log_csv(entries: &[LogEntry]) -> Result<Vec<u8>, csv::Error> {
    use crate::routes::stats::spreadsheet_safe;
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(ModerationLogEntryDto::CSV_HEADER)?;
    for entry in entries {
        let cells = [
            entry
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            entry.action.as_str().to_owned(),
            entry.actor_id.map(|a| a.to_string()).unwrap_or_default(),
            entry.target_kind.as_str().to_owned(),
            entry.target_id.to_string(),
            entry.reason.clone().unwrap_or_default(),
            entry.id.to_string(),
        ];
        writer.write_record(cells.iter().map(|cell| spreadsheet_safe(cell).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

/// The neighbourhood's moderation log, oldest first (its moderators, administrators): every
/// hide, unhide, removal, suspension, role change, resolution and appeal, with who, why and
/// when. JSON a page at a time, or the whole log as CSV with `Accept: text/csv`.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The neighbourhood's id."), PageParams),
    responses(
        (status = 200, description = "The log.", content(
            (ModerationLogList = "application/json"),
            (String = "text/csv", example = json!("created_at,action,actor_id,target_kind,target_id,reason,id\n")),
        )),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/moderation-log")]
pub async fn moderation_log(
    request: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let csv = crate::routes::stats::wants_csv(&request);
    let limit = limit(params.limit)?;
    let after: Option<(DateTime<Utc>, Uuid)> = decode_cursor(params.cursor.as_deref())?;
    let after = after.map(|(created_at, id)| LogCursor { created_at, id });
    if csv {
        // The whole log, a page at a time on the database.
        let entries = state
            .run(move |cx| {
                let mut all = Vec::new();
                let mut after = after;
                loop {
                    let (page, next) = app::list_log(cx, caller.user_id, id, after.as_ref(), 1000)?;
                    all.extend(page);
                    match next {
                        Some(next) => after = Some(next),
                        None => return Ok::<_, buurt_app::AppError>(all),
                    }
                }
            })
            .await?;
        let body = log_csv(&entries).map_err(ApiError::internal)?;
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"buurt-moderation-log-{id}.csv\""),
            ))
            .body(body));
    }
    let (entries, next) = state
        .run(move |cx| app::list_log(cx, caller.user_id, id, after.as_ref(), limit))
        .await?;
    Ok(HttpResponse::Ok().json(ModerationLogList {
        items: entries.into_iter().map(log_entry_dto).collect(),
        next_cursor: next.map(|c| encode_cursor(&(c.created_at, c.id))),
    }))
}

/// Posts of new members waiting for review (its moderators, administrators); release one with
/// `POST /v1/posts/{id}/unhide`.
#[utoipa::path(
    tag = "moderation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The neighbourhood's id.")),
    responses(
        (status = 200, description = "Held posts.", body = HeldPostList),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/held-posts")]
pub async fn held_posts(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<HeldPostList>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let held = state
        .run(move |cx| app::list_held_posts(cx, caller.user_id, id))
        .await?;
    Ok(web::Json(HeldPostList {
        items: held
            .into_iter()
            .map(|(post, author, held_at)| HeldPostDto {
                post_id: post.0,
                author_id: author.0,
                held_at,
            })
            .collect(),
    }))
}
