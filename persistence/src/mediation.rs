//! Cases, their private notes, referrals and audit log; consents; escalation.

use buurt_domain::accounts::UserId;
use buurt_domain::mediation::{
    Case, CaseAction, CaseId, CaseStatus, ConsentKind, EscalatedBy, IllegalCaseTransition,
    MATCHED_ONLINE_SUMMARY, Outcome, REMOVED_SUMMARY, WITHDRAWN_SUMMARY, due_for_escalation,
    request_event_on_resolve,
};
use buurt_domain::membership::{MembershipStatus, Role};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::notifications::NotificationKind;
use buurt_domain::partners::EventKind;
use buurt_domain::posts::{Post, PostEvent, PostId, PostKind, PostStatus};
use buurt_domain::stats::StatKind;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::notifications::notify;
use crate::posts::{apply_event_within, find_post};
use crate::schema::{
    case_audit, case_notes, case_referrals, cases, consents, matches, memberships, neighbourhoods,
    posts, users,
};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError, partners, stats, write_transaction};

fn corrupt(what: &str, value: &str) -> PersistenceError {
    PersistenceError::Corrupt(format!("cases.{what} holds {value:?}"))
}

fn uuid(what: &str, raw: &str) -> Result<Uuid, PersistenceError> {
    Uuid::parse_str(raw).map_err(|_| corrupt(what, raw))
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = cases)]
struct CaseRow {
    id: String,
    request_id: String,
    neighbourhood_id: String,
    requester_id: String,
    status: String,
    outcome: Option<String>,
    summary: Option<String>,
    reason: Option<String>,
    escalated_by: String,
    claimed_by: Option<String>,
    follow_up_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<CaseRow> for Case {
    type Error = PersistenceError;

    fn try_from(row: CaseRow) -> Result<Self, PersistenceError> {
        Ok(Case {
            id: CaseId(uuid("id", &row.id)?),
            request_id: PostId(uuid("request_id", &row.request_id)?),
            neighbourhood_id: NeighbourhoodId(uuid("neighbourhood_id", &row.neighbourhood_id)?),
            requester_id: UserId(uuid("requester_id", &row.requester_id)?),
            status: CaseStatus::parse(&row.status).ok_or_else(|| corrupt("status", &row.status))?,
            outcome: row
                .outcome
                .map(|o| Outcome::parse(&o).ok_or_else(|| corrupt("outcome", &o)))
                .transpose()?,
            summary: row.summary,
            reason: row.reason,
            escalated_by: EscalatedBy::parse(&row.escalated_by)
                .ok_or_else(|| corrupt("escalated_by", &row.escalated_by))?,
            claimed_by: row
                .claimed_by
                .map(|id| uuid("claimed_by", &id).map(UserId))
                .transpose()?,
            follow_up_at: row.follow_up_at.map(from_db),
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

/// Writes one audit entry: who did what to a case, and when.
pub fn audit(
    conn: &mut DbConnection,
    case: CaseId,
    actor: Option<UserId>,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(case_audit::table)
        .values((
            case_audit::id.eq(Uuid::new_v4().to_string()),
            case_audit::case_id.eq(case.to_string()),
            case_audit::actor_id.eq(actor.map(|a| a.to_string())),
            case_audit::action.eq(action),
            case_audit::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// An audit entry as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub actor_id: Option<UserId>,
    pub action: String,
    pub at: DateTime<Utc>,
}

/// The audit log of a case, oldest first. Reading it is itself audited (`read_audit`), as the
/// last entry of what is returned.
pub fn audit_log(
    conn: &mut DbConnection,
    case: CaseId,
    reader: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<AuditEntry>, PersistenceError> {
    write_transaction(conn, |conn| {
        audit(conn, case, Some(reader), "read_audit", now)?;
        audit_entries(conn, case)
    })
}

fn audit_entries(
    conn: &mut DbConnection,
    case: CaseId,
) -> Result<Vec<AuditEntry>, PersistenceError> {
    let rows: Vec<(Option<String>, String, NaiveDateTime)> = case_audit::table
        .filter(case_audit::case_id.eq(case.to_string()))
        .order((case_audit::created_at, case_audit::id))
        .select((
            case_audit::actor_id,
            case_audit::action,
            case_audit::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(actor, action, at)| {
            Ok(AuditEntry {
                actor_id: actor
                    .map(|a| uuid("actor_id", &a).map(UserId))
                    .transpose()?,
                action,
                at: from_db(at),
            })
        })
        .collect()
}

pub fn find_case(conn: &mut DbConnection, id: CaseId) -> Result<Option<Case>, PersistenceError> {
    cases::table
        .find(id.to_string())
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?
        .map(Case::try_from)
        .transpose()
}

/// The open case of a request, or its latest one.
pub fn case_of_request(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<Option<Case>, PersistenceError> {
    cases::table
        .filter(cases::request_id.eq(request.to_string()))
        .order((cases::created_at.desc(), cases::id.desc()))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?
        .map(Case::try_from)
        .transpose()
}

/// Active mediators of a neighbourhood.
fn mediators_of(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
) -> Result<Vec<UserId>, PersistenceError> {
    let ids: Vec<String> = memberships::table
        .filter(memberships::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(memberships::role.eq(Role::Mediator.as_str()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .select(memberships::user_id)
        .load(conn)?;
    ids.iter()
        .map(|id| uuid("mediator", id).map(UserId))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalateRefusal {
    /// Only an open request can be escalated.
    NotOpen,
    /// The request has an open case already.
    AlreadyOpen,
}

/// Turns a request into a case: the request goes to `in_mediation`, the mediators of its
/// neighbourhood are told. One open case per request (a unique index).
pub fn escalate(
    conn: &mut DbConnection,
    request: PostId,
    by: EscalatedBy,
    actor: Option<UserId>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Result<Case, EscalateRefusal>, PersistenceError> {
    write_transaction(conn, |conn| {
        escalate_within(conn, request, by, actor, reason, now)
    })
}

pub fn escalate_within(
    conn: &mut DbConnection,
    request: PostId,
    by: EscalatedBy,
    actor: Option<UserId>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Result<Case, EscalateRefusal>, PersistenceError> {
    crate::connection::lock_row(conn, "posts", request.0)?;
    let Some(post) = find_post(conn, request)? else {
        return Ok(Err(EscalateRefusal::NotOpen));
    };
    let open: i64 = cases::table
        .filter(cases::request_id.eq(request.to_string()))
        .filter(cases::status.ne(CaseStatus::Resolved.as_str()))
        .count()
        .get_result(conn)?;
    if open > 0 {
        return Ok(Err(EscalateRefusal::AlreadyOpen));
    }
    if post.content.kind != PostKind::Request || post.status != PostStatus::Open {
        return Ok(Err(EscalateRefusal::NotOpen));
    }
    if !matches!(
        apply_event_within(conn, request, PostEvent::Escalate, now)?,
        Some(Ok(_))
    ) {
        return Ok(Err(EscalateRefusal::NotOpen));
    }
    let case = Case {
        id: CaseId(Uuid::new_v4()),
        request_id: request,
        neighbourhood_id: post.neighbourhood_id,
        requester_id: post.author_id,
        status: CaseStatus::New,
        outcome: None,
        summary: None,
        reason: reason.map(str::to_owned),
        escalated_by: by,
        claimed_by: None,
        follow_up_at: None,
        created_at: now,
        updated_at: now,
    };
    diesel::insert_into(cases::table)
        .values((
            cases::id.eq(case.id.to_string()),
            cases::request_id.eq(request.to_string()),
            cases::neighbourhood_id.eq(case.neighbourhood_id.to_string()),
            cases::requester_id.eq(case.requester_id.to_string()),
            cases::status.eq(case.status.as_str()),
            cases::reason.eq(reason),
            cases::escalated_by.eq(by.as_str()),
            cases::created_at.eq(to_db(now)),
            cases::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    audit(
        conn,
        case.id,
        actor,
        &format!("escalate:{}", by.as_str()),
        now,
    )?;
    let place = case.neighbourhood_id;
    partners::emit(
        conn,
        EventKind::CaseEscalated,
        place,
        case.id.0,
        Some(request),
        now,
    )?;
    for mediator in mediators_of(conn, case.neighbourhood_id)? {
        notify(
            conn,
            mediator,
            NotificationKind::CaseNew,
            Some(request),
            now,
        )?;
    }
    Ok(Ok(case))
}

/// How a step on a case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseStep {
    Done(Case),
    Illegal(IllegalCaseTransition),
}

/// Claims, starts, reschedules or resolves a case, conditional on the status it was decided
/// from (so of two mediators claiming at once exactly one wins). Resolving moves the request
/// on (`request_event_on_resolve`); the requester is told of a claim and of the outcome.
///
/// The request's row is locked before the case is touched: accepting a match locks the
/// request and then resolves its case, so every writer of both takes them in that order and
/// they queue instead of deadlocking.
pub fn step(
    conn: &mut DbConnection,
    id: CaseId,
    actor: Option<UserId>,
    action: CaseAction,
    summary: Option<&str>,
    follow_up_at: Option<Option<DateTime<Utc>>>,
    now: DateTime<Utc>,
) -> Result<Option<CaseStep>, PersistenceError> {
    write_transaction(conn, |conn| {
        let Some(found) = find_case(conn, id)? else {
            return Ok(None);
        };
        crate::connection::lock_row(conn, "posts", found.request_id.0)?;
        // Read again under the lock: this is the state the step applies to.
        let Some(case) = find_case(conn, id)? else {
            return Ok(None);
        };
        let illegal = |status| {
            Ok(Some(CaseStep::Illegal(IllegalCaseTransition {
                status,
                action,
            })))
        };
        let next = match case.status.transition(action) {
            Ok(next) => next,
            Err(refused) => return Ok(Some(CaseStep::Illegal(refused))),
        };
        let row = cases::table
            .filter(cases::id.eq(id.to_string()))
            .filter(cases::status.eq(case.status.as_str()));
        let updated = match action {
            CaseAction::Claim => diesel::update(row)
                .set((
                    cases::status.eq(next.as_str()),
                    cases::claimed_by.eq(actor.map(|a| a.to_string())),
                    cases::updated_at.eq(to_db(now)),
                ))
                .execute(conn)?,
            CaseAction::Start | CaseAction::Reschedule(_) => diesel::update(row)
                .set((
                    cases::status.eq(next.as_str()),
                    cases::updated_at.eq(to_db(now)),
                ))
                .execute(conn)?,
            CaseAction::Resolve(outcome) => {
                let summary = summary.unwrap_or_default();
                usize::from(resolve_within(conn, &case, actor, outcome, summary, now)?)
            }
        };
        if updated == 0 {
            return illegal(find_case(conn, id)?.map_or(case.status, |c| c.status));
        }
        if let Some(follow_up_at) = follow_up_at {
            diesel::update(cases::table.find(id.to_string()))
                .set(cases::follow_up_at.eq(follow_up_at.map(to_db)))
                .execute(conn)?;
        }
        match action {
            CaseAction::Claim => {
                audit(conn, id, actor, "claim", now)?;
                notify(
                    conn,
                    case.requester_id,
                    NotificationKind::CaseClaimed,
                    Some(case.request_id),
                    now,
                )?;
            }
            CaseAction::Start => audit(conn, id, actor, "start", now)?,
            CaseAction::Reschedule(_) => audit(conn, id, actor, "reschedule", now)?,
            CaseAction::Resolve(outcome) => {
                if let Some(request) = find_post(conn, case.request_id)? {
                    let taken = places_taken(conn, case.request_id)?;
                    let needed = request.content.helpers_needed;
                    let event = request_event_on_resolve(outcome, taken, needed);
                    // A request no longer in mediation (matched already, say) stays as it is.
                    apply_event_within(conn, case.request_id, event, now)?;
                }
            }
        }
        let case =
            find_case(conn, id)?.ok_or(PersistenceError::Query(diesel::result::Error::NotFound))?;
        Ok(Some(CaseStep::Done(case)))
    })
}

/// How many helper places of a request are taken by accepted matches.
fn places_taken(conn: &mut DbConnection, request: PostId) -> Result<u32, PersistenceError> {
    let taken: i64 = matches::table
        .filter(matches::request_id.eq(request.to_string()))
        .filter(matches::accepted_slot.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(u32::try_from(taken).unwrap_or(u32::MAX))
}

/// Resolves an open case with `outcome` and `summary`, if it is still open (false when it was
/// resolved already): audited, counted, told to partners and to the requester. The caller
/// holds the request's lock and moves the request; this runs before it does, so the case's
/// outcome is the one that counts.
fn resolve_within(
    conn: &mut DbConnection,
    case: &Case,
    actor: Option<UserId>,
    outcome: Outcome,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let updated = diesel::update(
        cases::table
            .filter(cases::id.eq(case.id.to_string()))
            .filter(cases::status.ne(CaseStatus::Resolved.as_str())),
    )
    .set((
        cases::status.eq(CaseStatus::Resolved.as_str()),
        cases::outcome.eq(Some(outcome.as_str())),
        cases::summary.eq(Some(summary)),
        cases::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Ok(false);
    }
    audit(
        conn,
        case.id,
        actor,
        &format!("resolve:{}", outcome.as_str()),
        now,
    )?;
    let (place, request) = (case.neighbourhood_id, case.request_id);
    let kind = StatKind::Outcome(outcome.into());
    stats::note(conn, kind, place, request.0, None, None, now)?;
    let told = EventKind::CaseResolved;
    partners::emit(conn, told, place, case.id.0, Some(request), now)?;
    // The requester is told, unless it was their own doing (they withdrew the request).
    if actor != Some(case.requester_id) {
        notify(
            conn,
            case.requester_id,
            NotificationKind::CaseResolved,
            Some(request),
            now,
        )?;
    }
    Ok(true)
}

/// The open case of a request, if any.
fn open_case_of(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<Option<Case>, PersistenceError> {
    cases::table
        .filter(cases::request_id.eq(request.to_string()))
        .filter(cases::status.ne(CaseStatus::Resolved.as_str()))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?
        .map(Case::try_from)
        .transpose()
}

/// An accepted match filled a request in mediation: its open case is resolved as matched
/// online. Runs inside the caller's transaction, which holds the request's lock.
pub fn resolve_matched_online(
    conn: &mut DbConnection,
    request: PostId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    if let Some(case) = open_case_of(conn, request)? {
        let summary = MATCHED_ONLINE_SUMMARY;
        resolve_within(conn, &case, None, Outcome::MatchedOnline, summary, now)?;
    }
    Ok(())
}

/// A request is being closed or deleted by `by` (its author, or an administrator): its open
/// case, if any, is resolved as withdrawn. Runs inside the caller's transaction, which holds
/// the request's lock, before the request changes.
pub fn withdraw_within(
    conn: &mut DbConnection,
    request: &Post,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    if let Some(case) = open_case_of(conn, request.id)? {
        let summary = if by == request.author_id {
            WITHDRAWN_SUMMARY
        } else {
            REMOVED_SUMMARY
        };
        resolve_within(conn, &case, Some(by), Outcome::Withdrawn, summary, now)?;
    }
    Ok(())
}

/// A neighbourhood's open cases (or those with `status`): overdue follow-ups first, then
/// oldest first.
pub fn queue(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    status: Option<CaseStatus>,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Case>, PersistenceError> {
    let mut query = cases::table
        .filter(cases::neighbourhood_id.eq(neighbourhood.to_string()))
        .order((cases::created_at, cases::id))
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select(CaseRow::as_select())
        .into_boxed::<crate::connection::MultiBackend>();
    query = match status {
        Some(status) => query.filter(cases::status.eq(status.as_str())),
        None => query.filter(cases::status.ne(CaseStatus::Resolved.as_str())),
    };
    let rows: Vec<CaseRow> = query.load(conn)?;
    let mut found: Vec<Case> = rows
        .into_iter()
        .map(Case::try_from)
        .collect::<Result<_, _>>()?;
    found.sort_by_key(|case| {
        (
            !case.is_overdue(now),
            case.follow_up_at.filter(|_| case.is_overdue(now)),
            case.created_at,
        )
    });
    Ok(found)
}

/// A private note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: Uuid,
    pub author_id: UserId,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub fn add_note(
    conn: &mut DbConnection,
    case: CaseId,
    author: UserId,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, PersistenceError> {
    let id = Uuid::new_v4();
    write_transaction(conn, |conn| {
        diesel::insert_into(case_notes::table)
            .values((
                case_notes::id.eq(id.to_string()),
                case_notes::case_id.eq(case.to_string()),
                case_notes::author_id.eq(author.to_string()),
                case_notes::body.eq(body),
                case_notes::created_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        audit(conn, case, Some(author), "write_note", now)
    })?;
    Ok(id)
}

/// The notes of a case, oldest first; the read is audited.
pub fn read_notes(
    conn: &mut DbConnection,
    case: CaseId,
    reader: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<Note>, PersistenceError> {
    write_transaction(conn, |conn| {
        audit(conn, case, Some(reader), "read_notes", now)?;
        let rows: Vec<(String, String, String, String, NaiveDateTime)> = case_notes::table
            .inner_join(users::table.on(users::id.eq(case_notes::author_id)))
            .filter(case_notes::case_id.eq(case.to_string()))
            .order((case_notes::created_at, case_notes::id))
            .select((
                case_notes::id,
                case_notes::author_id,
                users::display_name,
                case_notes::body,
                case_notes::created_at,
            ))
            .load(conn)?;
        rows.into_iter()
            .map(|(id, author, name, body, at)| {
                Ok(Note {
                    id: uuid("note id", &id)?,
                    author_id: UserId(uuid("author", &author)?),
                    author_name: name,
                    body,
                    created_at: from_db(at),
                })
            })
            .collect()
    })
}

pub fn is_referred(
    conn: &mut DbConnection,
    case: CaseId,
    professional: UserId,
) -> Result<bool, PersistenceError> {
    let count: i64 = case_referrals::table
        .filter(case_referrals::case_id.eq(case.to_string()))
        .filter(case_referrals::professional_id.eq(professional.to_string()))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Refers a case to a professional. Returns false when it was referred to them already.
pub fn refer(
    conn: &mut DbConnection,
    case: CaseId,
    professional: UserId,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    write_transaction(conn, |conn| {
        // In a savepoint: on PostgreSQL a failed statement (the duplicate) would otherwise
        // abort the whole transaction, and with it the audit entry and the commit.
        let inserted = conn.transaction(|conn| {
            diesel::insert_into(case_referrals::table)
                .values((
                    case_referrals::case_id.eq(case.to_string()),
                    case_referrals::professional_id.eq(professional.to_string()),
                    case_referrals::referred_by.eq(by.to_string()),
                    case_referrals::created_at.eq(to_db(now)),
                ))
                .execute(conn)
        });
        let created = crate::error::inserted_unless_duplicate(inserted)?;
        if created {
            audit(conn, case, Some(by), "refer", now)?;
            if let Some(found) = find_case(conn, case)? {
                let (place, request) = (found.neighbourhood_id, Some(found.request_id));
                partners::emit(conn, EventKind::CaseReferred, place, case.0, request, now)?;
            }
        }
        Ok(created)
    })
}

/// Records a consent, or its withdrawal.
pub fn set_consent(
    conn: &mut DbConnection,
    user: UserId,
    kind: ConsentKind,
    given: bool,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    write_transaction(conn, |conn| {
        diesel::delete(
            consents::table
                .filter(consents::user_id.eq(user.to_string()))
                .filter(consents::kind.eq(kind.as_str())),
        )
        .execute(conn)?;
        diesel::insert_into(consents::table)
            .values((
                consents::user_id.eq(user.to_string()),
                consents::kind.eq(kind.as_str()),
                consents::given_at.eq(to_db(now)),
                consents::withdrawn_at.eq((!given).then(|| to_db(now))),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// A consent: its kind, when it was given, and when it was withdrawn.
pub type ConsentRecord = (ConsentKind, DateTime<Utc>, Option<DateTime<Utc>>);

/// The user's consents: kind, when given, when withdrawn.
pub fn consents_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ConsentRecord>, PersistenceError> {
    let rows: Vec<(String, NaiveDateTime, Option<NaiveDateTime>)> = consents::table
        .filter(consents::user_id.eq(user.to_string()))
        .order(consents::kind)
        .select((consents::kind, consents::given_at, consents::withdrawn_at))
        .load(conn)?;
    rows.into_iter()
        .map(|(kind, given, withdrawn)| {
            Ok((
                ConsentKind::parse(&kind).ok_or_else(|| corrupt("consent", &kind))?,
                from_db(given),
                withdrawn.map(from_db),
            ))
        })
        .collect()
}

pub fn has_consent(
    conn: &mut DbConnection,
    user: UserId,
    kind: ConsentKind,
) -> Result<bool, PersistenceError> {
    Ok(consents_of(conn, user)?
        .iter()
        .any(|(k, _, withdrawn)| *k == kind && withdrawn.is_none()))
}

pub fn escalate_after_days(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
) -> Result<u32, PersistenceError> {
    let days: i32 = neighbourhoods::table
        .find(neighbourhood.to_string())
        .select(neighbourhoods::escalate_after_days)
        .first(conn)?;
    Ok(u32::try_from(days).unwrap_or(3))
}

pub fn set_escalate_after_days(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    days: u32,
) -> Result<(), PersistenceError> {
    diesel::update(neighbourhoods::table.find(neighbourhood.to_string()))
        .set(neighbourhoods::escalate_after_days.eq(i32::try_from(days).unwrap_or(3)))
        .execute(conn)?;
    Ok(())
}

/// The job: open requests unmatched for their neighbourhood's `escalate_after_days` go to
/// mediators. Returns how many.
pub fn escalate_stale_requests(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    // The shortest setting is a day: nothing younger can be due.
    let candidates: Vec<(String, i32)> = posts::table
        .inner_join(neighbourhoods::table)
        .filter(posts::kind.eq(PostKind::Request.as_str()))
        .filter(posts::status.eq(PostStatus::Open.as_str()))
        .filter(posts::hidden.eq(false))
        .filter(posts::created_at.le(to_db(now - Duration::days(1))))
        .select((posts::id, neighbourhoods::escalate_after_days))
        .load(conn)?;
    let mut escalated = 0;
    for (id, days) in candidates {
        let id = PostId(uuid("post", &id)?);
        let Some(post) = find_post(conn, id)? else {
            continue;
        };
        if due_for_escalation(&post, u32::try_from(days).unwrap_or(3), now)
            && escalate(conn, id, EscalatedBy::Job, None, None, now)?.is_ok()
        {
            escalated += 1;
        }
    }
    Ok(escalated)
}
