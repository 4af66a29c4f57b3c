//! Issue 20 (h20d): escalation rules per neighbourhood, and signals for its mediators and for
//! the municipality's professionals.

use actix_web::{get, post, put, web};
use buurt_app::escalation::{self as rules_app, RuleInput};
use buurt_app::signals as app;
use buurt_domain::category::Category;
use buurt_domain::escalation::EscalationRules;
use buurt_domain::neighbourhoods::{MunicipalityCode, NeighbourhoodId};
use buurt_domain::signals::{SignalId, SignalKind};
use buurt_domain::stats::Count;
use buurt_openapi::problem::Problem;
use buurt_openapi::signals::{
    AcknowledgeSignalRequest, EscalationRuleDto, EscalationRulesDto, MunicipalitySignals,
    SetEscalationRulesRequest, SignalAcknowledgement, SignalCountDto, SignalDto, SignalKindDto,
    SignalList, SignalListParams, SignalPerson, SignalStatusDto,
};
use buurt_persistence::signals::NamedSignal;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::http::error::ApiError;
use crate::http::extract::Json;
use crate::http::paging::{decode_cursor, encode_cursor, limit};
use crate::http::query::Query;
use crate::state::AppState;

/// The rules as the API shows them: every category, in a fixed order.
pub fn rules_dto(rules: &EscalationRules) -> EscalationRulesDto {
    EscalationRulesDto {
        default_after_days: rules.default_days,
        rules: Category::ALL
            .into_iter()
            .map(|category| {
                let rule = rules.rule_for(Some(category));
                EscalationRuleDto {
                    category: category.into(),
                    escalates: rule.after_days().is_some(),
                    after_days: rule.after_days(),
                    customised: rules.is_custom(category),
                }
            })
            .collect(),
    }
}

/// Which unanswered requests go to the neighbourhood's mediators by themselves, per category,
/// and after how many days (anyone; the public page shows them too).
#[utoipa::path(
    tag = "mediation",
    params(("id" = Uuid, Path, description = "The neighbourhood's id.")),
    responses(
        (status = 200, description = "Every category's rule.", body = EscalationRulesDto),
        (status = 404, description = "No such neighbourhood.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/escalation-rules")]
pub async fn get_escalation_rules(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> Result<web::Json<EscalationRulesDto>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let rules = state.read(move |cx| rules_app::rules(cx, id)).await?;
    Ok(web::Json(rules_dto(&rules)))
}

/// Sets the neighbourhood's own escalation rules, replacing the ones it had (its moderators,
/// administrators). `buurt run-jobs` follows them from its next run.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The neighbourhood's id.")),
    request_body = SetEscalationRulesRequest,
    responses(
        (status = 200, description = "Every category's rule after the change.", body = EscalationRulesDto),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a category twice, `after_days` missing, out of 1 to 60, or given for a category that does not escalate.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/v1/neighbourhoods/{id}/escalation-rules")]
pub async fn set_escalation_rules(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    body: Json<SetEscalationRulesRequest>,
) -> Result<web::Json<EscalationRulesDto>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let input: Vec<RuleInput> = body
        .0
        .rules
        .into_iter()
        .map(|rule| RuleInput {
            category: rule.category.into(),
            escalates: rule.escalates,
            after_days: rule.after_days,
        })
        .collect();
    let rules = state
        .run(move |cx| rules_app::set_rules(cx, caller.user_id, id, input))
        .await?;
    Ok(web::Json(rules_dto(&rules)))
}

fn kind_dto(kind: SignalKind) -> SignalKindDto {
    match kind {
        SignalKind::UnansweredRequests => SignalKindDto::UnansweredRequests,
        SignalKind::LastingHelpLapsed => SignalKindDto::LastingHelpLapsed,
        SignalKind::SolvedShareDropped => SignalKindDto::SolvedShareDropped,
        SignalKind::FollowUpOverdue => SignalKindDto::FollowUpOverdue,
    }
}

fn signal_dto(found: NamedSignal) -> SignalDto {
    let NamedSignal {
        signal,
        person_name,
    } = found;
    let fact = signal.fact;
    SignalDto {
        id: signal.id.0,
        kind: kind_dto(fact.kind),
        neighbourhood_id: fact.neighbourhood_id.0,
        person: fact.person.map(|person| SignalPerson {
            id: person.0,
            display_name: person_name.unwrap_or_default(),
        }),
        case_id: fact.case_id.map(|case| case.0),
        arrangement_id: fact.arrangement_id,
        count: fact.count,
        quarter: fact.quarter,
        share_percent: fact.share_percent,
        previous_share_percent: fact.previous_share_percent,
        follow_up_at: fact.follow_up_at,
        raised_at: signal.raised_at,
        updated_at: signal.updated_at,
        acknowledgement: signal.acknowledgement.map(|ack| SignalAcknowledgement {
            by: ack.by.map(|by| by.0),
            at: ack.at,
            note: ack.note,
        }),
    }
}

/// The neighbourhood's signals, newest first: residents with unanswered requests, lapsed
/// lasting help, a fall in the share solved by neighbours, cases past their follow-up (its
/// mediators only: signals point at people). Every signal shown is a read, audited.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The neighbourhood's id."), SignalListParams),
    responses(
        (status = 200, description = "A page of signals.", body = SignalList),
        (status = 400, description = "`invalid_query`: a `limit` out of range, a cursor not from this list, or an unknown `status`.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/signals")]
pub async fn list_signals(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
    params: Query<SignalListParams>,
) -> Result<web::Json<SignalList>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let limit = limit(params.limit)?;
    let after: Option<(DateTime<Utc>, Uuid)> = decode_cursor(params.cursor.as_deref())?;
    let after = after.map(|(at, signal)| (at, SignalId(signal)));
    let acknowledged = params.status.unwrap_or_default() == SignalStatusDto::Acknowledged;
    let (items, next) = state
        .run(move |cx| app::list_signals(cx, caller.user_id, id, acknowledged, after, limit))
        .await?;
    Ok(web::Json(SignalList {
        items: items.into_iter().map(signal_dto).collect(),
        next_cursor: next.map(|(at, signal)| encode_cursor(&(at, signal.0))),
    }))
}

/// Acknowledges a signal with a note on what was done (a mediator of its neighbourhood). The
/// acknowledgement is audited, and written to the case's audit log when the signal is about a
/// case. An acknowledged signal is raised again only by newer evidence.
#[utoipa::path(
    tag = "mediation",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The neighbourhood's id."),
        ("signal_id" = Uuid, Path, description = "The signal's id."),
    ),
    request_body = AcknowledgeSignalRequest,
    responses(
        (status = 200, description = "The signal, acknowledged.", body = SignalDto),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood, or no such signal in it.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`signal_already_acknowledged`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: no `note`, or one over 2,000 characters or with control characters.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/neighbourhoods/{id}/signals/{signal_id}/acknowledgement")]
pub async fn acknowledge_signal(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
    body: Json<AcknowledgeSignalRequest>,
) -> Result<web::Json<SignalDto>, ApiError> {
    let (id, signal) = path.into_inner();
    let (id, signal) = (NeighbourhoodId(id), SignalId(signal));
    let note = body.0.note;
    let found = state
        .run(move |cx| app::acknowledge_signal(cx, caller.user_id, id, signal, &note))
        .await?;
    Ok(web::Json(signal_dto(found)))
}

/// Signals of every neighbourhood of a municipality as counts per kind (its professionals,
/// administrators): how many are open and how many were acknowledged, never who they are
/// about. Counts of the kinds about a person are published as monitoring's are (`"<5"`).
#[utoipa::path(
    tag = "stats",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The CBS municipality code, `GM` and four digits.", example = "GM0363")),
    responses(
        (status = 200, description = "The counts.", body = MunicipalitySignals),
        (status = 403, description = "`forbidden`: not a professional of this municipality.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No neighbourhoods with this municipality code.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/municipalities/{code}/signals")]
pub async fn municipality_signals(
    state: web::Data<AppState>,
    caller: Authenticated,
    code: web::Path<String>,
) -> Result<web::Json<MunicipalitySignals>, ApiError> {
    let code = MunicipalityCode::parse(&code).map_err(|_| ApiError::NotFound)?;
    let municipality_code = code.as_str().to_owned();
    let rows = state
        .read(move |cx| app::municipality_signals(cx, caller.user_id, &code))
        .await?;
    let published = |kind: SignalKind, n: u64| {
        if kind.is_about_a_person() {
            Count::of(n).into()
        } else {
            Count::Exact(n).into()
        }
    };
    Ok(web::Json(MunicipalitySignals {
        municipality_code,
        items: rows
            .into_iter()
            .map(|row| SignalCountDto {
                neighbourhood_id: row.place.id.0,
                neighbourhood_code: row.place.code,
                neighbourhood_name: row.place.name,
                kind: kind_dto(row.kind),
                open: published(row.kind, row.open),
                acknowledged: published(row.kind, row.acknowledged),
            })
            .collect(),
    }))
}
