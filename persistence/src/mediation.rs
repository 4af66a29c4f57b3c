//! Cases, their private notes, referrals and audit log; consents; the neighbourhood's
//! escalation setting. Rows in and out only: what a step on a case means and what follows it
//! is decided by `buurt_app::mediation` and the domain.

use buurt_domain::accounts::UserId;
use buurt_domain::matching::MatchId;
use buurt_domain::mediation::{Case, CaseId, CaseStatus, ConsentKind, EscalatedBy, Outcome};
use buurt_domain::membership::Role;
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::PostId;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

// Kept at this path for its callers; the domain owns it.
pub use buurt_domain::mediation::EscalateRefusal;

use crate::columns::Stored;
use crate::schema::{
    case_audit, case_notes, case_referrals, cases, consent_events, consents, matches,
    neighbourhoods, posts, users,
};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = cases)]
struct CaseRow {
    id: Stored<CaseId>,
    request_id: Stored<PostId>,
    neighbourhood_id: Stored<NeighbourhoodId>,
    requester_id: Stored<UserId>,
    status: Stored<CaseStatus>,
    outcome: Option<Stored<Outcome>>,
    summary: Option<String>,
    reason: Option<String>,
    escalated_by: Stored<EscalatedBy>,
    claimed_by: Option<Stored<UserId>>,
    follow_up_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<CaseRow> for Case {
    fn from(row: CaseRow) -> Self {
        Case {
            id: row.id.0,
            request_id: row.request_id.0,
            neighbourhood_id: row.neighbourhood_id.0,
            requester_id: row.requester_id.0,
            status: row.status.0,
            outcome: row.outcome.map(|o| o.0),
            summary: row.summary,
            reason: row.reason,
            escalated_by: row.escalated_by.0,
            claimed_by: row.claimed_by.map(|u| u.0),
            follow_up_at: row.follow_up_at.map(from_db),
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        }
    }
}

/// A case as lists and pages show it: with its request's title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseWithTitle {
    pub case: Case,
    pub request_title: String,
}

/// Holds the request's row for the rest of the write transaction. Every writer of a case takes
/// its request first (accepting a match locks the request and then resolves its case), so they
/// queue instead of deadlocking.
pub fn lock_request(conn: &mut DbConnection, request: PostId) -> Result<(), PersistenceError> {
    crate::connection::lock_row(conn, "posts", request.0)
}

pub fn find_case(conn: &mut DbConnection, id: CaseId) -> Result<Option<Case>, PersistenceError> {
    Ok(cases::table
        .find(id.to_string())
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?
        .map(Case::from))
}

/// A case with its request's title, in one query.
pub fn find_case_with_title(
    conn: &mut DbConnection,
    id: CaseId,
) -> Result<Option<CaseWithTitle>, PersistenceError> {
    Ok(cases::table
        .inner_join(posts::table.on(posts::id.eq(cases::request_id)))
        .filter(cases::id.eq(id.to_string()))
        .select((CaseRow::as_select(), posts::title))
        .first(conn)
        .optional()?
        .map(|(row, request_title)| CaseWithTitle {
            case: row.into(),
            request_title,
        }))
}

/// The open case of a request, or its latest one.
pub fn case_of_request(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<Option<Case>, PersistenceError> {
    Ok(cases::table
        .filter(cases::request_id.eq(request.to_string()))
        .order((cases::created_at.desc(), cases::id.desc()))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?
        .map(Case::from))
}

/// The open case of a request, if any.
pub fn open_case_of(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<Option<Case>, PersistenceError> {
    Ok(cases::table
        .filter(cases::request_id.eq(request.to_string()))
        .filter(cases::status.ne(CaseStatus::Resolved.as_str()))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()?
        .map(Case::from))
}

/// A new case (one open case per request: a unique index).
pub fn insert_case(conn: &mut DbConnection, case: &Case) -> Result<(), PersistenceError> {
    diesel::insert_into(cases::table)
        .values((
            cases::id.eq(case.id.to_string()),
            cases::request_id.eq(case.request_id.to_string()),
            cases::neighbourhood_id.eq(case.neighbourhood_id.to_string()),
            cases::requester_id.eq(case.requester_id.to_string()),
            cases::status.eq(case.status.as_str()),
            cases::reason.eq(case.reason.as_deref()),
            cases::escalated_by.eq(case.escalated_by.as_str()),
            cases::created_at.eq(to_db(case.created_at)),
            cases::updated_at.eq(to_db(case.updated_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves a case from `from` to `to` (claimed by `claimed_by`, when given), if it still has
/// `from`: false when another change came first.
pub fn move_case(
    conn: &mut DbConnection,
    id: CaseId,
    from: CaseStatus,
    to: CaseStatus,
    claimed_by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let row = cases::table
        .filter(cases::id.eq(id.to_string()))
        .filter(cases::status.eq(from.as_str()));
    let updated = match claimed_by {
        Some(by) => diesel::update(row)
            .set((
                cases::status.eq(to.as_str()),
                cases::claimed_by.eq(Some(by.to_string())),
                cases::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?,
        None => diesel::update(row)
            .set((
                cases::status.eq(to.as_str()),
                cases::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?,
    };
    Ok(updated > 0)
}

/// Resolves a case with `outcome` and `summary`, if it is still open: false when it was
/// resolved already.
pub fn resolve_case(
    conn: &mut DbConnection,
    id: CaseId,
    outcome: Outcome,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let updated = diesel::update(
        cases::table
            .filter(cases::id.eq(id.to_string()))
            .filter(cases::status.ne(CaseStatus::Resolved.as_str())),
    )
    .set((
        cases::status.eq(CaseStatus::Resolved.as_str()),
        cases::outcome.eq(Some(outcome.as_str())),
        cases::summary.eq(Some(summary)),
        cases::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(updated > 0)
}

/// A new (or no) follow-up date.
pub fn set_follow_up(
    conn: &mut DbConnection,
    id: CaseId,
    follow_up_at: Option<DateTime<Utc>>,
) -> Result<(), PersistenceError> {
    diesel::update(cases::table.find(id.to_string()))
        .set(cases::follow_up_at.eq(follow_up_at.map(to_db)))
        .execute(conn)?;
    Ok(())
}

/// Writes one audit entry: who did what to a case, and when.
pub fn audit(
    conn: &mut DbConnection,
    case: CaseId,
    actor: Option<UserId>,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    audit_each(conn, &[case], actor, action, now)
}

/// `audit` of a step that concerns match `about` (issue 20: the case's timeline names it).
pub fn audit_about(
    conn: &mut DbConnection,
    case: CaseId,
    actor: Option<UserId>,
    action: &str,
    about: Option<MatchId>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(case_audit::table)
        .values((
            case_audit::id.eq(Uuid::new_v4().to_string()),
            case_audit::case_id.eq(case.to_string()),
            case_audit::actor_id.eq(actor.map(|a| a.to_string())),
            case_audit::action.eq(action),
            case_audit::created_at.eq(to_db(now)),
            case_audit::match_id.eq(about.map(|m| m.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

/// `audit` for several cases at once, in one statement (the queue audits a whole page).
pub fn audit_each(
    conn: &mut DbConnection,
    cases: &[CaseId],
    actor: Option<UserId>,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    // Five values a row; SQLite binds at most 32,766 per statement.
    for chunk in cases.chunks(5_000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|case| {
                (
                    case_audit::id.eq(Uuid::new_v4().to_string()),
                    case_audit::case_id.eq(case.to_string()),
                    case_audit::actor_id.eq(actor.map(|a| a.to_string())),
                    case_audit::action.eq(action),
                    case_audit::created_at.eq(to_db(now)),
                )
            })
            .collect();
        // A batch insert is backend-specific in diesel: run it on the backend's connection.
        let insert = diesel::insert_into(case_audit::table).values(rows);
        match conn {
            DbConnection::Postgresql(conn) => insert.execute(conn)?,
            DbConnection::Sqlite(conn) => insert.execute(conn)?,
        };
    }
    Ok(())
}

/// An audit entry as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub actor_id: Option<UserId>,
    pub action: String,
    pub at: DateTime<Utc>,
}

/// The audit log of a case, oldest first.
pub fn audit_entries(
    conn: &mut DbConnection,
    case: CaseId,
) -> Result<Vec<AuditEntry>, PersistenceError> {
    let rows: Vec<(Option<Stored<UserId>>, String, NaiveDateTime)> = case_audit::table
        .filter(case_audit::case_id.eq(case.to_string()))
        .order((case_audit::created_at, case_audit::id))
        .select((
            case_audit::actor_id,
            case_audit::action,
            case_audit::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(actor, action, at)| AuditEntry {
            actor_id: actor.map(|a| a.0),
            action,
            at: from_db(at),
        })
        .collect())
}

/// One entry of a case's audit log with its actor's name and the match it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineRow {
    pub actor_id: Option<UserId>,
    /// The actor's name now (`None` for the system, or an account that is gone).
    pub actor_name: Option<String>,
    pub action: String,
    pub match_id: Option<MatchId>,
    pub at: DateTime<Utc>,
}

/// The audit log of a case with names, oldest first, in one query.
pub fn timeline_rows(
    conn: &mut DbConnection,
    case: CaseId,
) -> Result<Vec<TimelineRow>, PersistenceError> {
    type Row = (
        Option<Stored<UserId>>,
        Option<String>,
        String,
        Option<Stored<MatchId>>,
        NaiveDateTime,
    );
    let rows: Vec<Row> = case_audit::table
        .left_join(users::table.on(case_audit::actor_id.eq(users::id.nullable())))
        .filter(case_audit::case_id.eq(case.to_string()))
        .order((case_audit::created_at, case_audit::id))
        .select((
            case_audit::actor_id,
            users::display_name.nullable(),
            case_audit::action,
            case_audit::match_id,
            case_audit::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(actor, name, action, about, at)| TimelineRow {
            actor_id: actor.map(|a| a.0),
            actor_name: name,
            action,
            match_id: about.map(|m| m.0),
            at: from_db(at),
        })
        .collect())
}

/// Active mediators of a neighbourhood.
pub fn mediators_of(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
) -> Result<Vec<UserId>, PersistenceError> {
    crate::memberships::active_with_role(conn, neighbourhood, Role::Mediator)
}

/// How many helper places of a request are taken by accepted matches.
pub fn places_taken(conn: &mut DbConnection, request: PostId) -> Result<u32, PersistenceError> {
    let taken: i64 = matches::table
        .filter(matches::request_id.eq(request.to_string()))
        .filter(matches::accepted_slot.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(u32::try_from(taken).unwrap_or(u32::MAX))
}

/// A neighbourhood's cases with `status` (open ones without), oldest first, at most `limit`,
/// each with its request's title: one query whatever their number. With `referred_to`, only
/// the cases referred to that professional.
pub fn queue(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    status: Option<CaseStatus>,
    referred_to: Option<UserId>,
    limit: usize,
) -> Result<Vec<CaseWithTitle>, PersistenceError> {
    let mut query = cases::table
        .inner_join(posts::table.on(posts::id.eq(cases::request_id)))
        .filter(cases::neighbourhood_id.eq(neighbourhood.to_string()))
        .order((cases::created_at, cases::id))
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select((CaseRow::as_select(), posts::title))
        .into_boxed::<crate::connection::MultiBackend>();
    if let Some(professional) = referred_to {
        query = query.filter(
            cases::id.eq_any(
                case_referrals::table
                    .filter(case_referrals::professional_id.eq(professional.to_string()))
                    .select(case_referrals::case_id),
            ),
        );
    }
    query = match status {
        Some(status) => query.filter(cases::status.eq(status.as_str())),
        None => query.filter(cases::status.ne(CaseStatus::Resolved.as_str())),
    };
    let rows: Vec<(CaseRow, String)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, request_title)| CaseWithTitle {
            case: row.into(),
            request_title,
        })
        .collect())
}

/// A private note, with its author's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: Uuid,
    pub author_id: UserId,
    pub author_name: String,
    pub body: String,
    /// A mediator's own working aid: not part of the requester's export.
    pub working: bool,
    pub created_at: DateTime<Utc>,
}

pub fn insert_note(
    conn: &mut DbConnection,
    case: CaseId,
    author: UserId,
    body: &str,
    working: bool,
    now: DateTime<Utc>,
) -> Result<Uuid, PersistenceError> {
    let id = Uuid::new_v4();
    diesel::insert_into(case_notes::table)
        .values((
            case_notes::id.eq(id.to_string()),
            case_notes::case_id.eq(case.to_string()),
            case_notes::author_id.eq(author.to_string()),
            case_notes::body.eq(body),
            case_notes::working.eq(working),
            case_notes::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The notes of a case with their authors' names, oldest first, in one query.
pub fn notes_of(conn: &mut DbConnection, case: CaseId) -> Result<Vec<Note>, PersistenceError> {
    type NoteRow = (
        Stored<Uuid>,
        Stored<UserId>,
        String,
        String,
        bool,
        NaiveDateTime,
    );
    let rows: Vec<NoteRow> = case_notes::table
        .inner_join(users::table.on(users::id.eq(case_notes::author_id)))
        .filter(case_notes::case_id.eq(case.to_string()))
        .order((case_notes::created_at, case_notes::id))
        .select((
            case_notes::id,
            case_notes::author_id,
            users::display_name,
            case_notes::body,
            case_notes::working,
            case_notes::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, author, name, body, working, at)| Note {
            id: id.0,
            author_id: author.0,
            author_name: name,
            body,
            working,
            created_at: from_db(at),
        })
        .collect())
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

/// A referral of a case to a professional: false when it was referred to them already.
pub fn insert_referral(
    conn: &mut DbConnection,
    case: CaseId,
    professional: UserId,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    // In a savepoint: on PostgreSQL a failed statement (the duplicate) would otherwise abort
    // the caller's whole transaction.
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
    Ok(crate::error::inserted_unless_duplicate(inserted)?)
}

/// Holds `user`'s row for the rest of the write transaction, so that a consent checked before
/// a write (a referral, a care request's escalation) is not withdrawn until it is done.
pub fn lock_consents_of(conn: &mut DbConnection, user: UserId) -> Result<(), PersistenceError> {
    crate::connection::lock_row(conn, "users", user.0)
}

/// Records a consent, or its withdrawal, and the change in the consent's history. Giving a
/// consent again starts it anew; withdrawing keeps when it was given. False when nothing
/// changed (given twice, or withdrawn when not given). Call it in a transaction.
pub fn set_consent(
    conn: &mut DbConnection,
    user: UserId,
    kind: ConsentKind,
    given: bool,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let current = consents_of(conn, user)?
        .into_iter()
        .find(|(k, _, _)| *k == kind);
    let holds = current.is_some_and(|(_, _, withdrawn)| withdrawn.is_none());
    if holds == given {
        return Ok(false);
    }
    let this = consents::table
        .filter(consents::user_id.eq(user.to_string()))
        .filter(consents::kind.eq(kind.as_str()));
    if given {
        diesel::delete(this).execute(conn)?;
        diesel::insert_into(consents::table)
            .values((
                consents::user_id.eq(user.to_string()),
                consents::kind.eq(kind.as_str()),
                consents::given_at.eq(to_db(now)),
                consents::withdrawn_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
    } else {
        diesel::update(this)
            .set(consents::withdrawn_at.eq(Some(to_db(now))))
            .execute(conn)?;
    }
    diesel::insert_into(consent_events::table)
        .values((
            consent_events::id.eq(Uuid::new_v4().to_string()),
            consent_events::user_id.eq(user.to_string()),
            consent_events::kind.eq(kind.as_str()),
            consent_events::change.eq(if given { "given" } else { "withdrawn" }),
            consent_events::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(true)
}

/// One change of a consent: its kind, whether it was given (or withdrawn), and when.
pub type ConsentChange = (ConsentKind, bool, DateTime<Utc>);

/// Every change of `user`'s consents, oldest first.
pub fn consent_history(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ConsentChange>, PersistenceError> {
    let rows: Vec<(Stored<ConsentKind>, String, NaiveDateTime)> = consent_events::table
        .filter(consent_events::user_id.eq(user.to_string()))
        .order((consent_events::created_at, consent_events::id))
        .select((
            consent_events::kind,
            consent_events::change,
            consent_events::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(kind, change, at)| (kind.0, change == "given", from_db(at)))
        .collect())
}

/// Ends every referral of `requester`'s cases (their care-data consent is withdrawn) and
/// returns the cases whose referrals ended.
pub fn end_referrals_of(
    conn: &mut DbConnection,
    requester: UserId,
) -> Result<Vec<CaseId>, PersistenceError> {
    let theirs = cases::table
        .filter(cases::requester_id.eq(requester.to_string()))
        .select(cases::id);
    let referred: Vec<Stored<CaseId>> = case_referrals::table
        .filter(case_referrals::case_id.eq_any(theirs))
        .select(case_referrals::case_id)
        .distinct()
        .load(conn)?;
    let ids: Vec<String> = referred.iter().map(|c| c.0.to_string()).collect();
    diesel::delete(case_referrals::table.filter(case_referrals::case_id.eq_any(&ids)))
        .execute(conn)?;
    Ok(referred.into_iter().map(|c| c.0).collect())
}

/// A consent: its kind, when it was given, and when it was withdrawn.
pub type ConsentRecord = (ConsentKind, DateTime<Utc>, Option<DateTime<Utc>>);

/// The user's consents: kind, when given, when withdrawn.
pub fn consents_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ConsentRecord>, PersistenceError> {
    let rows: Vec<(Stored<ConsentKind>, NaiveDateTime, Option<NaiveDateTime>)> = consents::table
        .filter(consents::user_id.eq(user.to_string()))
        .order(consents::kind)
        .select((consents::kind, consents::given_at, consents::withdrawn_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(kind, given, withdrawn)| (kind.0, from_db(given), withdrawn.map(from_db)))
        .collect())
}

/// Whether `user` has given consent `kind` and not withdrawn it.
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

/// The request's open case, if any, resolved with `outcome` and `summary` by `by` (audited):
/// the case as it was before, when it was resolved now.
pub fn resolve_open_case(
    conn: &mut DbConnection,
    request: PostId,
    outcome: Outcome,
    summary: &str,
    by: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<Option<Case>, PersistenceError> {
    let Some(case) = open_case_of(conn, request)? else {
        return Ok(None);
    };
    if !resolve_case(conn, case.id, outcome, summary, now)? {
        return Ok(None);
    }
    audit(conn, case.id, by, &resolve_action(outcome), now)?;
    Ok(Some(case))
}

/// The audit action of a resolution.
pub fn resolve_action(outcome: Outcome) -> String {
    format!("resolve:{}", outcome.as_str())
}

/// The audit action of an escalation.
pub fn escalate_action(by: EscalatedBy) -> String {
    format!("escalate:{}", by.as_str())
}

/// Resolved cases after `after` in id order, `limit` at a time (for `rebuild-stats`).
pub fn resolved_cases_after(
    conn: &mut DbConnection,
    after: Option<CaseId>,
    limit: i64,
) -> Result<Vec<Case>, PersistenceError> {
    let after = after.map(|id| id.to_string()).unwrap_or_default();
    Ok(cases::table
        .filter(cases::id.gt(after))
        .filter(cases::outcome.is_not_null())
        .order(cases::id)
        .limit(limit)
        .select(CaseRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Case::from)
        .collect())
}
