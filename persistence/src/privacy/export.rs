//! What an export reads: the rows that are about one person and given by them, each section in
//! one query. Another person's rows never: of a match only the person's own side, of a case
//! only what concerns their own request.

use buurt_domain::accounts::UserId;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::schema::{
    case_audit, case_notes, cases, match_messages, matches, notifications, posts, reports, rsvps,
    user_blocks,
};
use crate::time::from_db;
use crate::{DbConnection, PersistenceError};

fn at(value: NaiveDateTime) -> DateTime<Utc> {
    from_db(value)
}

/// One of the person's posts.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportPost {
    pub id: String,
    pub neighbourhood_id: String,
    pub kind: String,
    pub status: String,
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    pub visibility: String,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub location: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn posts_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ExportPost>, PersistenceError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        String,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<String>,
        NaiveDateTime,
        NaiveDateTime,
    );
    let rows: Vec<Row> = posts::table
        .filter(posts::author_id.eq(user.to_string()))
        .order((posts::created_at, posts::id))
        .select((
            posts::id,
            posts::neighbourhood_id,
            posts::kind,
            posts::status,
            posts::title,
            posts::body,
            posts::category,
            posts::visibility,
            posts::starts_at,
            posts::ends_at,
            posts::location,
            posts::created_at,
            posts::updated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ExportPost {
            id: r.0,
            neighbourhood_id: r.1,
            kind: r.2,
            status: r.3,
            title: r.4,
            body: r.5,
            category: r.6,
            visibility: r.7,
            starts_at: r.8.map(at),
            ends_at: r.9.map(at),
            location: r.10,
            created_at: at(r.11),
            updated_at: at(r.12),
        })
        .collect())
}

/// One of the person's matches, their side of it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportMatch {
    pub id: String,
    pub request_id: String,
    /// `requester` or `helper`.
    pub role: &'static str,
    pub status: String,
    /// The message the match was proposed with, when the person proposed it.
    pub message: Option<String>,
    /// The thanks, when the person gave it (as the requester).
    pub thanks: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn matches_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ExportMatch>, PersistenceError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        NaiveDateTime,
        NaiveDateTime,
    );
    let id = user.to_string();
    let rows: Vec<Row> = matches::table
        .filter(matches::requester_id.eq(&id).or(matches::helper_id.eq(&id)))
        .order((matches::created_at, matches::id))
        .select((
            matches::id,
            matches::request_id,
            matches::requester_id,
            matches::proposed_by,
            matches::status,
            matches::message,
            matches::thanks,
            matches::created_at,
            matches::updated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let role = if r.2 == id { "requester" } else { "helper" };
            ExportMatch {
                id: r.0,
                request_id: r.1,
                role,
                status: r.4,
                message: (r.3 == role).then_some(r.5).flatten(),
                thanks: (role == "requester").then_some(r.6).flatten(),
                created_at: at(r.7),
                updated_at: at(r.8),
            }
        })
        .collect())
}

/// A message the person wrote in one of their matches.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportMessage {
    pub id: String,
    pub match_id: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub fn messages_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ExportMessage>, PersistenceError> {
    let rows: Vec<(String, String, String, NaiveDateTime)> = match_messages::table
        .filter(match_messages::author_id.eq(user.to_string()))
        .order((match_messages::created_at, match_messages::id))
        .select((
            match_messages::id,
            match_messages::match_id,
            match_messages::body,
            match_messages::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, match_id, body, created)| ExportMessage {
            id,
            match_id,
            body,
            created_at: at(created),
        })
        .collect())
}

/// The person's answer to an activity, and their check-in.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRsvp {
    pub post_id: String,
    pub status: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn rsvps_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ExportRsvp>, PersistenceError> {
    type Row = (
        String,
        String,
        Option<NaiveDateTime>,
        NaiveDateTime,
        NaiveDateTime,
    );
    let rows: Vec<Row> = rsvps::table
        .filter(rsvps::user_id.eq(user.to_string()))
        .order((rsvps::created_at, rsvps::post_id))
        .select((
            rsvps::post_id,
            rsvps::status,
            rsvps::checked_in_at,
            rsvps::created_at,
            rsvps::updated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ExportRsvp {
            post_id: r.0,
            status: r.1,
            checked_in_at: r.2.map(at),
            created_at: at(r.3),
            updated_at: at(r.4),
        })
        .collect())
}

/// A notification the person got.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportNotification {
    pub id: String,
    pub kind: String,
    pub post_id: Option<String>,
    pub match_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

pub fn notifications_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ExportNotification>, PersistenceError> {
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        NaiveDateTime,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = notifications::table
        .filter(notifications::user_id.eq(user.to_string()))
        .order((notifications::created_at, notifications::id))
        .select((
            notifications::id,
            notifications::kind,
            notifications::post_id,
            notifications::match_id,
            notifications::created_at,
            notifications::read_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ExportNotification {
            id: r.0,
            kind: r.1,
            post_id: r.2,
            match_id: r.3,
            created_at: at(r.4),
            read_at: r.5.map(at),
        })
        .collect())
}

/// Someone the person blocked, and when.
pub fn blocks_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<(String, DateTime<Utc>)>, PersistenceError> {
    let rows: Vec<(String, NaiveDateTime)> = user_blocks::table
        .filter(user_blocks::blocker_id.eq(user.to_string()))
        .order((user_blocks::created_at, user_blocks::blocked_id))
        .select((user_blocks::blocked_id, user_blocks::created_at))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, when)| (id, at(when))).collect())
}

/// A report the person made.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportReport {
    pub id: String,
    /// `post`, `message` or `member`.
    pub target_kind: String,
    pub target_id: String,
    pub reason: String,
    pub details: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub fn reports_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ExportReport>, PersistenceError> {
    type Row5 = (
        String,
        String,
        String,
        String,
        Option<String>,
        NaiveDateTime,
    );
    let rows: Vec<Row5> = reports::table
        .filter(reports::reporter_id.eq(user.to_string()))
        .order((reports::created_at, reports::id))
        .select((
            reports::id,
            reports::target_kind,
            reports::target_id,
            reports::reason,
            reports::details,
            reports::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ExportReport {
            id: r.0,
            target_kind: r.1,
            target_id: r.2,
            reason: r.3,
            details: r.4,
            created_at: at(r.5),
        })
        .collect())
}

/// One of the person's own cases: its status and outcome, the notes (not working notes), and
/// who read or wrote what of it when.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportCase {
    pub id: String,
    pub request_id: String,
    pub status: String,
    pub outcome: Option<String>,
    pub summary: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Note texts and when they were written.
    pub notes: Vec<(String, DateTime<Utc>)>,
    /// Who (as the person can understand it: a role and where) did what, when.
    pub audit: Vec<ExportAuditEntry>,
}

/// One entry of a case's audit log as its requester reads it: no account ids or names of the
/// people who acted, but in what role and for which organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportAuditEntry {
    pub reader: CaseReader,
    pub action: String,
    pub at: DateTime<Utc>,
}

/// Who acted on a case, as the account stands now (the log keeps the account, not its role
/// at the time): the first that fits, in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseReader {
    /// The requester themselves.
    You,
    /// Nobody: Buurt itself (a scheduled job).
    System,
    /// An account erased since.
    FormerAccount,
    /// A mediator or moderator of the case's neighbourhood (its name).
    Mediator { neighbourhood: String },
    /// A professional of the wijkteam of the case's municipality (its name).
    Professional { municipality: String },
    /// A platform administrator of Buurt.
    Administrator,
    /// An account with none of these roles any more (a mediator since stepped down, say).
    FormerRole,
}

pub fn cases_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ExportCase>, PersistenceError> {
    use crate::schema::{memberships, neighbourhoods, professional_grants, users};
    use buurt_domain::membership::{MembershipStatus, Role};
    type Row = (
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        NaiveDateTime,
        NaiveDateTime,
        String,
    );
    let requester = user.to_string();
    let rows: Vec<Row> = cases::table
        .filter(cases::requester_id.eq(&requester))
        .order((cases::created_at, cases::id))
        .select((
            cases::id,
            cases::request_id,
            cases::status,
            cases::outcome,
            cases::summary,
            cases::created_at,
            cases::updated_at,
            cases::neighbourhood_id,
        ))
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let notes: Vec<(String, String, NaiveDateTime)> = case_notes::table
        .filter(case_notes::case_id.eq_any(&ids))
        .filter(case_notes::working.eq(false))
        .order((case_notes::created_at, case_notes::id))
        .select((
            case_notes::case_id,
            case_notes::body,
            case_notes::created_at,
        ))
        .load(conn)?;
    let audit: Vec<(String, Option<String>, String, NaiveDateTime)> = case_audit::table
        .filter(case_audit::case_id.eq_any(&ids))
        .order((case_audit::created_at, case_audit::id))
        .select((
            case_audit::case_id,
            case_audit::actor_id,
            case_audit::action,
            case_audit::created_at,
        ))
        .load(conn)?;
    // What each actor is now, in four queries for the whole export.
    let mut actors: Vec<&String> = audit
        .iter()
        .filter_map(|a| a.1.as_ref())
        .filter(|actor| **actor != requester)
        .collect();
    actors.sort_unstable();
    actors.dedup();
    let places: Vec<&String> = rows.iter().map(|r| &r.7).collect();
    let neighbourhoods: Vec<(String, String, String, String)> = neighbourhoods::table
        .filter(neighbourhoods::id.eq_any(&places))
        .select((
            neighbourhoods::id,
            neighbourhoods::name,
            neighbourhoods::municipality_code,
            neighbourhoods::municipality_name,
        ))
        .load(conn)?;
    let accounts: Vec<(String, Option<NaiveDateTime>, bool)> = users::table
        .filter(users::id.eq_any(&actors))
        .select((users::id, users::erased_at, users::platform_admin))
        .load(conn)?;
    let mediating: Vec<(String, String)> = memberships::table
        .filter(memberships::user_id.eq_any(&actors))
        .filter(memberships::neighbourhood_id.eq_any(&places))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(memberships::role.eq_any([Role::Mediator.as_str(), Role::Moderator.as_str()]))
        .select((memberships::user_id, memberships::neighbourhood_id))
        .load(conn)?;
    let professionals: Vec<(String, String)> = professional_grants::table
        .filter(professional_grants::user_id.eq_any(&actors))
        .select((
            professional_grants::user_id,
            professional_grants::municipality_code,
        ))
        .load(conn)?;
    let reader = |actor: &Option<String>, place: &str| -> CaseReader {
        let Some(actor) = actor else {
            return CaseReader::System;
        };
        if *actor == requester {
            return CaseReader::You;
        }
        let Some((_, erased, admin)) = accounts.iter().find(|a| a.0 == *actor) else {
            return CaseReader::FormerAccount;
        };
        if erased.is_some() {
            return CaseReader::FormerAccount;
        }
        if let Some((id, name, code, municipality)) = neighbourhoods.iter().find(|n| n.0 == place) {
            if mediating.iter().any(|(u, n)| u == actor && n == id) {
                return CaseReader::Mediator {
                    neighbourhood: name.clone(),
                };
            }
            if professionals.iter().any(|(u, c)| u == actor && c == code) {
                return CaseReader::Professional {
                    municipality: municipality.clone(),
                };
            }
        }
        if *admin {
            CaseReader::Administrator
        } else {
            CaseReader::FormerRole
        }
    };
    Ok(rows
        .into_iter()
        .map(|r| ExportCase {
            notes: notes
                .iter()
                .filter(|n| n.0 == r.0)
                .map(|n| (n.1.clone(), at(n.2)))
                .collect(),
            audit: audit
                .iter()
                .filter(|a| a.0 == r.0)
                .map(|a| ExportAuditEntry {
                    reader: reader(&a.1, &r.7),
                    action: a.2.clone(),
                    at: at(a.3),
                })
                .collect(),
            id: r.0,
            request_id: r.1,
            status: r.2,
            outcome: r.3,
            summary: r.4,
            created_at: at(r.5),
            updated_at: at(r.6),
        })
        .collect())
}

// issue 18 for issue 20 (r2privacy): lasting help, series, brokered matches.

/// A session of one of the person's arrangements.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportSession {
    pub on: String,
    pub status: String,
    /// `requester` or `helper`: who recorded it.
    pub recorded_by: String,
    /// The note to the mediator, when the person wrote it (the other party's is theirs).
    pub note_to_mediator: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One of the person's arrangements of lasting help, their side of it, with its sessions.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportArrangement {
    pub match_id: String,
    pub request_id: String,
    /// `requester` or `helper`.
    pub role: &'static str,
    pub recurrence: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_by: Option<String>,
    /// The reason the arrangement ended with, when the person ended it.
    pub end_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sessions: Vec<ExportSession>,
}

pub fn arrangements_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ExportArrangement>, PersistenceError> {
    use crate::schema::{arrangement_sessions as sessions, arrangements};
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<NaiveDateTime>,
        Option<String>,
        Option<String>,
        NaiveDateTime,
        String,
    );
    let id = user.to_string();
    let rows: Vec<Row> = arrangements::table
        .inner_join(matches::table.on(matches::id.eq(arrangements::match_id)))
        .filter(matches::requester_id.eq(&id).or(matches::helper_id.eq(&id)))
        .order((arrangements::created_at, arrangements::match_id))
        .select((
            arrangements::match_id,
            arrangements::request_id,
            arrangements::recurrence,
            arrangements::starts_on,
            matches::requester_id,
            arrangements::ends_on,
            arrangements::ended_at,
            arrangements::ended_by,
            arrangements::end_reason,
            arrangements::created_at,
            matches::helper_id,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let role = if r.4 == id { "requester" } else { "helper" };
        let found: Vec<(String, String, String, Option<String>, NaiveDateTime)> = sessions::table
            .filter(sessions::match_id.eq(&r.0))
            .order(sessions::on_date)
            .select((
                sessions::on_date,
                sessions::status,
                sessions::recorded_by,
                sessions::note_to_mediator,
                sessions::created_at,
            ))
            .load(conn)?;
        let sessions = found
            .into_iter()
            .map(|(on, status, recorded_by, note, created)| ExportSession {
                note_to_mediator: (recorded_by == role).then_some(note).flatten(),
                on,
                status,
                recorded_by,
                created_at: at(created),
            })
            .collect();
        out.push(ExportArrangement {
            end_reason: (r.7.as_deref() == Some(role)).then_some(r.8).flatten(),
            match_id: r.0,
            request_id: r.1,
            role,
            recurrence: r.2,
            starts_on: r.3,
            ends_on: r.5,
            ended_at: r.6.map(at),
            ended_by: r.7,
            created_at: at(r.9),
            sessions,
        });
    }
    Ok(out)
}

/// The person's answer for one occurrence of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportOccurrenceRsvp {
    pub post_id: String,
    pub occurrence: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn occurrence_rsvps_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ExportOccurrenceRsvp>, PersistenceError> {
    use crate::schema::occurrence_rsvps as rsvps;
    let rows: Vec<(String, String, String, NaiveDateTime, NaiveDateTime)> = rsvps::table
        .filter(rsvps::user_id.eq(user.to_string()))
        .order((rsvps::occurrence, rsvps::post_id))
        .select((
            rsvps::post_id,
            rsvps::occurrence,
            rsvps::status,
            rsvps::created_at,
            rsvps::updated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ExportOccurrenceRsvp {
            post_id: r.0,
            occurrence: r.1,
            status: r.2,
            created_at: at(r.3),
            updated_at: at(r.4),
        })
        .collect())
}

/// A match of the person's that a mediator brokered: which case it came from, and when the
/// helper accepted it. The mediator is not named (as in a case, their own role).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportBrokeredMatch {
    pub match_id: String,
    pub case_id: String,
    pub helper_accepted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub fn brokered_matches_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<ExportBrokeredMatch>, PersistenceError> {
    use crate::schema::brokered_matches as brokered;
    let id = user.to_string();
    let rows: Vec<(String, String, Option<NaiveDateTime>, NaiveDateTime)> = brokered::table
        .inner_join(matches::table.on(matches::id.eq(brokered::match_id)))
        .filter(matches::requester_id.eq(&id).or(matches::helper_id.eq(&id)))
        .order((brokered::created_at, brokered::match_id))
        .select((
            brokered::match_id,
            brokered::case_id,
            brokered::helper_accepted_at,
            brokered::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ExportBrokeredMatch {
            match_id: r.0,
            case_id: r.1,
            helper_accepted_at: r.2.map(at),
            created_at: at(r.3),
        })
        .collect())
}
