//! Privacy: one's data to take along (`GET /v1/me/export`), and erasing an account (oneself,
//! or an administrator).

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, delete, get, web};
use buurt_app::privacy::export::{self, CaseReader, ExportAuditEntry, Head, Part, Section};
use buurt_app::privacy::{self as app, ErasedBy};
use buurt_domain::accounts::UserId;
use buurt_openapi::privacy::{
    CaseReaderRoleDto, DeleteMeRequest, ExportAuditDto, ExportBlockDto, ExportCaseDto,
    ExportCaseReaderDto, ExportDocument, ExportMatchDto, ExportMessageDto, ExportNoteDto,
    ExportNotificationDto, ExportPostDto, ExportReportDto, ExportRsvpDto,
};
use buurt_openapi::privacy::{
    ExportArrangementDto, ExportBrokeredMatchDto, ExportOccurrenceRsvpDto, ExportOfflineAuditDto,
    ExportOfflineIntakeDto, ExportSessionDto,
};
use buurt_openapi::problem::Problem;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use uuid::Uuid;

use crate::auth::Authenticated;
use crate::auth::tokens::refresh_token_hash;
use crate::http::error::{ApiError, FieldIssue};
use crate::http::extract::Json;
use crate::http::lang::{Lang, Negotiated};
use crate::routes::me::{check_current_password, me_dto};
use crate::routes::mediation::consent_list;
use crate::routes::memberships::my_membership_list;
use crate::state::AppState;

/// An id as stored: ours, so it parses; a corrupt one reads as the nil id rather than failing a
/// whole export.
fn id(raw: &str) -> Uuid {
    Uuid::parse_str(raw).unwrap_or_default()
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

/// An audit entry of one's own case: who by role and organisation, and what in words.
fn audit_dto(entry: ExportAuditEntry, lang: Lang) -> ExportAuditDto {
    let (role, organisation) = match entry.reader {
        CaseReader::You => (CaseReaderRoleDto::You, None),
        CaseReader::System => (CaseReaderRoleDto::System, None),
        CaseReader::FormerAccount => (CaseReaderRoleDto::FormerAccount, None),
        CaseReader::Mediator { neighbourhood } => {
            (CaseReaderRoleDto::Mediator, Some(neighbourhood))
        }
        CaseReader::Professional { municipality } => {
            (CaseReaderRoleDto::Professional, Some(municipality))
        }
        CaseReader::Administrator => (CaseReaderRoleDto::Administrator, None),
        CaseReader::FormerRole => (CaseReaderRoleDto::FormerRole, None),
    };
    ExportAuditDto {
        reader: ExportCaseReaderDto { role, organisation },
        description: export::describe_action(&entry.action).get(lang).to_owned(),
        action: entry.action,
        at: entry.at,
    }
}

/// One section as the document's next member: `,"name":[…]`.
fn section_json(section: Section, lang: Lang) -> Result<String, ApiError> {
    let (name, items) = match section {
        Section::Posts(rows) => (
            "posts",
            json(
                &rows
                    .into_iter()
                    .map(|p| ExportPostDto {
                        id: id(&p.id),
                        neighbourhood_id: id(&p.neighbourhood_id),
                        kind: p.kind,
                        status: p.status,
                        title: p.title,
                        body: p.body,
                        category: p.category,
                        visibility: p.visibility,
                        starts_at: p.starts_at,
                        ends_at: p.ends_at,
                        location: p.location,
                        created_at: p.created_at,
                        updated_at: p.updated_at,
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        Section::Matches(rows) => (
            "matches",
            json(
                &rows
                    .into_iter()
                    .map(|m| ExportMatchDto {
                        id: id(&m.id),
                        request_id: id(&m.request_id),
                        role: m.role.to_owned(),
                        status: m.status,
                        message: m.message,
                        thanks: m.thanks,
                        created_at: m.created_at,
                        updated_at: m.updated_at,
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        Section::Messages(rows) => (
            "messages",
            json(
                &rows
                    .into_iter()
                    .map(|m| ExportMessageDto {
                        id: id(&m.id),
                        match_id: id(&m.match_id),
                        body: m.body,
                        created_at: m.created_at,
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        Section::Rsvps(rows) => (
            "rsvps",
            json(
                &rows
                    .into_iter()
                    .map(|r| ExportRsvpDto {
                        post_id: id(&r.post_id),
                        status: r.status,
                        checked_in_at: r.checked_in_at,
                        created_at: r.created_at,
                        updated_at: r.updated_at,
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        Section::Notifications(rows) => (
            "notifications",
            json(
                &rows
                    .into_iter()
                    .map(|n| ExportNotificationDto {
                        id: id(&n.id),
                        kind: n.kind,
                        post_id: n.post_id.as_deref().map(id),
                        match_id: n.match_id.as_deref().map(id),
                        created_at: n.created_at,
                        read_at: n.read_at,
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        // issue 18 for issue 20 (r2privacy)
        Section::OccurrenceRsvps(rows) => (
            "occurrence_rsvps",
            json(
                &rows
                    .into_iter()
                    .map(|r| ExportOccurrenceRsvpDto {
                        post_id: id(&r.post_id),
                        occurrence: r.occurrence,
                        status: r.status,
                        created_at: r.created_at,
                        updated_at: r.updated_at,
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        Section::Arrangements(rows) => (
            "arrangements",
            json(
                &rows
                    .into_iter()
                    .map(|a| ExportArrangementDto {
                        match_id: id(&a.match_id),
                        request_id: id(&a.request_id),
                        role: a.role.to_owned(),
                        recurrence: a.recurrence,
                        starts_on: a.starts_on,
                        ends_on: a.ends_on,
                        ended_at: a.ended_at,
                        ended_by: a.ended_by,
                        end_reason: a.end_reason,
                        created_at: a.created_at,
                        sessions: a
                            .sessions
                            .into_iter()
                            .map(|s| ExportSessionDto {
                                on: s.on,
                                status: s.status,
                                recorded_by: s.recorded_by,
                                note_to_mediator: s.note_to_mediator,
                                created_at: s.created_at,
                            })
                            .collect(),
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        Section::BrokeredMatches(rows) => (
            "brokered_matches",
            json(
                &rows
                    .into_iter()
                    .map(|b| ExportBrokeredMatchDto {
                        match_id: id(&b.match_id),
                        case_id: id(&b.case_id),
                        helper_accepted_at: b.helper_accepted_at,
                        created_at: b.created_at,
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        // issue 20 (h20rest)
        Section::OfflineIntake(rows) => (
            "offline_intake",
            json(
                &rows
                    .into_iter()
                    .map(|r| ExportOfflineIntakeDto {
                        resident_id: r.intake.resident_id,
                        neighbourhood_id: r.intake.neighbourhood_id.0,
                        registered_by: r.intake.registered_by.0,
                        registered_by_name: r.intake.registered_by_name,
                        registered_at: r.intake.registered_at,
                        consent_method: r.intake.consent_method,
                        consent_given_at: r.intake.consent_given_at,
                        claimed_at: r.intake.claimed_at,
                        audit: r
                            .audit
                            .into_iter()
                            .map(|e| ExportOfflineAuditDto {
                                actor_id: e.actor_id.map(|a| a.0),
                                action: e.action,
                                subject_id: e.subject_id,
                                at: e.at,
                            })
                            .collect(),
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        Section::Devices(rows) => (
            "devices",
            json(
                &rows
                    .into_iter()
                    .map(crate::routes::devices::dto)
                    .collect::<Vec<_>>(),
            )?,
        ),
        Section::Blocks(rows) => (
            "blocks",
            json(
                &rows
                    .into_iter()
                    .map(|(user, created_at)| ExportBlockDto {
                        user_id: id(&user),
                        created_at,
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        Section::Reports(rows) => (
            "reports",
            json(
                &rows
                    .into_iter()
                    .map(|r| ExportReportDto {
                        id: id(&r.id),
                        target_kind: r.target_kind,
                        target_id: id(&r.target_id),
                        reason: r.reason,
                        details: r.details,
                        created_at: r.created_at,
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
        Section::Cases(rows) => (
            "cases",
            json(
                &rows
                    .into_iter()
                    .map(|c| ExportCaseDto {
                        id: id(&c.id),
                        request_id: id(&c.request_id),
                        status: c.status,
                        outcome: c.outcome,
                        summary: c.summary,
                        created_at: c.created_at,
                        updated_at: c.updated_at,
                        notes: c
                            .notes
                            .into_iter()
                            .map(|(body, created_at)| ExportNoteDto { body, created_at })
                            .collect(),
                        audit: c
                            .audit
                            .into_iter()
                            .map(|entry| audit_dto(entry, lang))
                            .collect(),
                    })
                    .collect::<Vec<_>>(),
            )?,
        ),
    };
    Ok(format!(",\"{name}\":{items}"))
}

/// Everything Buurt holds about you, as one JSON document to download (AVG art. 15 and 20).
///
/// The document (`ExportDocument`) is streamed: its sections are read one after another as
/// they are sent, so a large export does not wait for all of it, nor hold it in memory. All of
/// it is read from one snapshot of the database: it shows your data as it was when the
/// download began, whatever is written meanwhile. A download cut short ends in an incomplete
/// document (not valid JSON), never in a complete-looking one that misses data.
/// Working notes (a mediator's own aid, marked `working`) are not in it; every other note on
/// a case of your own request is.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The export, as an attachment.", body = ExportDocument,
         headers(("content-disposition" = String, description = "`attachment; filename=\"buurt-export-YYYY-MM-DD.json\"`"))),
        (status = 401, description = "`unauthorized`, `invalid_token` or `token_expired`.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/me/export")]
pub async fn export_me(
    Negotiated(lang): Negotiated,
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let user = caller.user_id;
    let now = state.clock.now();
    // The reading side runs on the blocking pool, in one snapshot, and hands each part over as
    // it is read; at most one part waits to be sent, so a slow download holds back the reads
    // rather than filling memory.
    let (parts, mut received) = tokio::sync::mpsc::channel::<Result<Bytes, ApiError>>(1);
    let reader = state.clone();
    actix_web::rt::spawn(async move {
        let sink = parts.clone();
        let read = reader
            .run(move |cx| {
                export::export(cx, user, |part| {
                    let chunk = match part {
                        Part::Head(head) => head_json(&head, lang, now)?,
                        Part::Section(section) => section_json(section, lang)?,
                    };
                    sink.blocking_send(Ok(Bytes::from(chunk)))
                        .map_err(|_| ApiError::internal("the export's reader went away"))
                })?;
                sink.blocking_send(Ok(Bytes::from_static(b"}")))
                    .map_err(|_| ApiError::internal("the export's reader went away"))
            })
            .await;
        if let Err(error) = read {
            // Before the first part, this is the answer; later it cuts the download short, so
            // the client sees an incomplete document rather than a whole one missing data.
            if parts.send(Err(error)).await.is_err() {
                tracing::debug!("an export ended early: its reader went away");
            }
        }
    });
    let head = match received.recv().await {
        Some(Ok(head)) => head,
        Some(Err(error)) => return Err(error),
        None => return Err(ApiError::internal("the export ended before it began")),
    };
    let rest = futures_util::stream::poll_fn(move |cx| received.poll_recv(cx));
    let body = futures_util::stream::once(async move { Ok::<_, ApiError>(head) }).chain(rest);
    let filename = format!("buurt-export-{}.json", now.format("%Y-%m-%d"));
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

/// The document's beginning: its format, when it was made, the profile, memberships and
/// consents.
fn head_json(head: &Head, lang: Lang, now: DateTime<Utc>) -> Result<String, ApiError> {
    Ok(format!(
        "{{\"format\":\"buurt-export/1\",\"generated_at\":{},\"profile\":{},\"memberships\":{},\"consents\":{}",
        json(&buurt_openapi::moment::format(&now))?,
        json(&me_dto(&head.account))?,
        json(&my_membership_list(head.memberships.clone()).items)?,
        json(&consent_list(lang, head.consents.clone()))?,
    ))
}

/// Erase your account, for good.
///
/// Needs your password (`current_password_incorrect` otherwise, counted like a failed sign-in),
/// or instead the refresh token of a sign-in that began less than 10 minutes ago (a fresh
/// login; `login_not_fresh` otherwise).
/// In one transaction: your live matches are cancelled (the other party is told), your RSVPs
/// withdrawn (the waitlist moves up), your open requests closed (their cases withdrawn); posts
/// others depend on (an activity others signed up for, a request with matches) stay, shown as
/// by "former resident" ("voormalig bewoner" in Dutch) without any link to you, and the rest of
/// your posts are deleted; your contact details, postcode, skills, memberships, devices,
/// tokens, sessions, consents, notifications, blocks and photos are gone. Monitoring figures keep their counts and the audit logs
/// their entries, with a pseudonym for you. Signing in with the old credentials fails from
/// now on; registering the e-mail address again makes a new, empty account. The last moderator
/// of a neighbourhood (`last_moderator`) or the last platform administrator (`last_admin`) has
/// to hand over first.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = DeleteMeRequest,
    responses(
        (status = 204, description = "Erased."),
        (status = 401, description = "`unauthorized`, `invalid_token` or `token_expired`.",
         body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`current_password_incorrect`, or `login_not_fresh`: \
          nothing was changed.",
         body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_moderator` or `last_admin`: hand over first; nothing was changed.",
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: not exactly one of `password` and \
          `refresh_token`.",
         body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_attempts`: wait `Retry-After` seconds.",
         body = Problem, content_type = "application/problem+json",
         headers(("retry-after" = u64, description = "Seconds to wait."))),
    ),
)]
#[delete("/v1/me")]
pub async fn delete_me(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Json<DeleteMeRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = caller.user_id;
    match body.0 {
        DeleteMeRequest {
            password: Some(password),
            refresh_token: None,
        } if !password.is_empty() => {
            check_current_password(&req, &state, user, password).await?;
        }
        DeleteMeRequest {
            password: None,
            refresh_token: Some(token),
        } if !token.is_empty() => {
            let hash = refresh_token_hash(&token);
            state
                .run(move |cx| app::check_fresh_login(cx, user, &hash))
                .await?;
        }
        _ => {
            let issue = FieldIssue::invalid(
                "exactly one of `password` and `refresh_token`",
                "precies een van `password` en `refresh_token`",
            );
            return Err(ApiError::validation("password", issue));
        }
    }
    erase(&state, user, ErasedBy::Themselves).await
}

/// Erase an account (platform administrators), as `DELETE /v1/me` does; recorded with the
/// administrator who did it.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The user's id.")),
    responses(
        (status = 204, description = "Erased."),
        (status = 403, description = "`forbidden`: administrators only.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_moderator` or `last_admin`: someone has to take over first.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/v1/admin/users/{id}")]
pub async fn erase_user(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    erase(
        &state,
        UserId(id.into_inner()),
        ErasedBy::Admin(caller.user_id),
    )
    .await
}

async fn erase(
    state: &web::Data<AppState>,
    user: UserId,
    by: ErasedBy,
) -> Result<HttpResponse, ApiError> {
    let erased = state
        .run(move |cx| app::erase_account(cx, user, by))
        .await?;
    // Its access tokens stop at once here; elsewhere within seconds, and at once for any
    // request that then fails (see `auth::recheck_refused_tokens`).
    state.standings.forget(user);
    // The photos go too. The rows are gone already, so nobody can see them meanwhile; bytes a
    // store failure leaves behind are logged, and lead to nobody.
    for image in erased.uploads {
        if let Err(error) = state.images.delete(image).await {
            tracing::error!(%error, %image, "an erased account's image bytes could not be deleted");
        }
    }
    tracing::info!("account erased");
    Ok(HttpResponse::NoContent().finish())
}
