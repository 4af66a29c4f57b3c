//! Signals: rows in and out, the job's candidate queries, and the signals' audit log. What
//! counts as a signal is `buurt_domain::signals`; when to raise one is `buurt_app::signals`.

use std::collections::HashSet;

use buurt_domain::accounts::UserId;
use buurt_domain::mediation::{CaseId, CaseStatus};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::{PostId, PostKind};
use buurt_domain::signals::{
    Acknowledgement, Signal, SignalFact, SignalId, SignalKind, UNANSWERED_STATUSES,
};
use buurt_domain::stats::{RequestOutcome, StatKind};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::dsl::{count_star, exists, not};
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::Stored;
use crate::schema::{cases, matches, posts, signal_audit, signals, stat_events, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = signals)]
struct SignalRow {
    id: Stored<SignalId>,
    neighbourhood_id: Stored<NeighbourhoodId>,
    kind: Stored<SignalKind>,
    subject: String,
    evidence: String,
    person_id: Option<Stored<UserId>>,
    case_id: Option<Stored<CaseId>>,
    arrangement_id: Option<Stored<Uuid>>,
    count: Option<i64>,
    quarter: Option<String>,
    share_percent: Option<i64>,
    previous_share_percent: Option<i64>,
    follow_up_at: Option<NaiveDateTime>,
    raised_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    acknowledged_at: Option<NaiveDateTime>,
    acknowledged_by: Option<Stored<UserId>>,
    acknowledgement_note: Option<String>,
}

fn unsigned(value: Option<i64>) -> Option<u64> {
    value.map(|v| u64::try_from(v).unwrap_or(0))
}

fn signed(value: Option<u64>) -> Option<i64> {
    value.map(|v| i64::try_from(v).unwrap_or(i64::MAX))
}

impl From<SignalRow> for Signal {
    fn from(row: SignalRow) -> Self {
        let acknowledgement = match (row.acknowledged_at, row.acknowledgement_note) {
            (Some(at), Some(note)) => Some(Acknowledgement {
                by: row.acknowledged_by.map(|u| u.0),
                at: from_db(at),
                note,
            }),
            _ => None,
        };
        Signal {
            id: row.id.0,
            fact: SignalFact {
                neighbourhood_id: row.neighbourhood_id.0,
                kind: row.kind.0,
                subject: row.subject,
                evidence: row.evidence,
                person: row.person_id.map(|u| u.0),
                case_id: row.case_id.map(|c| c.0),
                arrangement_id: row.arrangement_id.map(|a| a.0),
                count: unsigned(row.count),
                quarter: row.quarter,
                share_percent: unsigned(row.share_percent),
                previous_share_percent: unsigned(row.previous_share_percent),
                follow_up_at: row.follow_up_at.map(from_db),
            },
            raised_at: from_db(row.raised_at),
            updated_at: from_db(row.updated_at),
            acknowledgement,
        }
    }
}

/// A signal with the name of the person it is about (while their account exists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedSignal {
    pub signal: Signal,
    pub person_name: Option<String>,
}

/// What raising a fact did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Raised {
    /// A new signal.
    New,
    /// The open signal about the same subject now carries this newer evidence.
    Refreshed,
    /// This evidence raised a signal before (open or acknowledged): nothing changed.
    Known,
}

/// Raises `fact`: once per evidence, one open signal per subject (refreshed by newer evidence).
/// Safe when several jobs run at once (unique keys; a lost race is `Known`). Call it in a
/// transaction.
pub fn raise(
    conn: &mut DbConnection,
    fact: &SignalFact,
    now: DateTime<Utc>,
) -> Result<Raised, PersistenceError> {
    let place = fact.neighbourhood_id.to_string();
    let same_subject = || {
        signals::table
            .filter(signals::neighbourhood_id.eq(place.clone()))
            .filter(signals::kind.eq(fact.kind.as_str()))
            .filter(signals::subject.eq(fact.subject.clone()))
    };
    let known: i64 = same_subject()
        .filter(signals::evidence.eq(&fact.evidence))
        .count()
        .get_result(conn)?;
    if known > 0 {
        return Ok(Raised::Known);
    }
    // In savepoints: on PostgreSQL a failed statement (a job running at once got there first)
    // would otherwise abort the caller's whole transaction.
    let refreshed = conn.transaction(|conn| {
        diesel::update(same_subject().filter(signals::acknowledged_at.is_null()))
            .set((
                signals::evidence.eq(&fact.evidence),
                signals::count.eq(signed(fact.count)),
                signals::follow_up_at.eq(fact.follow_up_at.map(to_db)),
                signals::updated_at.eq(to_db(now)),
            ))
            .execute(conn)
    });
    match refreshed {
        Ok(0) => {}
        Ok(_) => return Ok(Raised::Refreshed),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => return Ok(Raised::Known),
        Err(error) => return Err(error.into()),
    }
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(signals::table)
            .values((
                signals::id.eq(Uuid::new_v4().to_string()),
                signals::neighbourhood_id.eq(&place),
                signals::kind.eq(fact.kind.as_str()),
                signals::subject.eq(&fact.subject),
                signals::evidence.eq(&fact.evidence),
                signals::person_id.eq(fact.person.map(|p| p.to_string())),
                signals::case_id.eq(fact.case_id.map(|c| c.to_string())),
                signals::arrangement_id.eq(fact.arrangement_id.map(|a| a.to_string())),
                signals::count.eq(signed(fact.count)),
                signals::quarter.eq(fact.quarter.as_deref()),
                signals::share_percent.eq(signed(fact.share_percent)),
                signals::previous_share_percent.eq(signed(fact.previous_share_percent)),
                signals::follow_up_at.eq(fact.follow_up_at.map(to_db)),
                signals::raised_at.eq(to_db(now)),
                signals::updated_at.eq(to_db(now)),
            ))
            .execute(conn)
    });
    Ok(if crate::error::inserted_unless_duplicate(inserted)? {
        Raised::New
    } else {
        Raised::Known
    })
}

/// Where a page of signals starts: after this one (newest first).
pub type SignalCursor = (DateTime<Utc>, SignalId);

/// A neighbourhood's signals, newest first, open ones or acknowledged ones, at most `limit`
/// after `after`, each with the name of its person: one query.
pub fn list(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    acknowledged: bool,
    after: Option<SignalCursor>,
    limit: usize,
) -> Result<Vec<NamedSignal>, PersistenceError> {
    let mut query = signals::table
        .left_join(users::table.on(signals::person_id.eq(users::id.nullable())))
        .filter(signals::neighbourhood_id.eq(neighbourhood.to_string()))
        .order((signals::raised_at.desc(), signals::id.desc()))
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select((SignalRow::as_select(), users::display_name.nullable()))
        .into_boxed::<crate::connection::MultiBackend>();
    query = if acknowledged {
        query.filter(signals::acknowledged_at.is_not_null())
    } else {
        query.filter(signals::acknowledged_at.is_null())
    };
    if let Some((at, id)) = after {
        let at = to_db(at);
        query = query.filter(crate::keyset::before(
            (signals::raised_at, signals::id),
            (at, id.to_string()),
        ));
    }
    let rows: Vec<(SignalRow, Option<String>)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, person_name)| NamedSignal {
            signal: row.into(),
            person_name,
        })
        .collect())
}

/// One signal with its person's name.
pub fn find(
    conn: &mut DbConnection,
    id: SignalId,
) -> Result<Option<NamedSignal>, PersistenceError> {
    let row: Option<(SignalRow, Option<String>)> = signals::table
        .left_join(users::table.on(signals::person_id.eq(users::id.nullable())))
        .filter(signals::id.eq(id.to_string()))
        .select((SignalRow::as_select(), users::display_name.nullable()))
        .first(conn)
        .optional()?;
    Ok(row.map(|(row, person_name)| NamedSignal {
        signal: row.into(),
        person_name,
    }))
}

/// Acknowledges a signal not acknowledged yet: false when someone came first.
pub fn acknowledge(
    conn: &mut DbConnection,
    id: SignalId,
    by: UserId,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let updated = diesel::update(
        signals::table
            .filter(signals::id.eq(id.to_string()))
            .filter(signals::acknowledged_at.is_null()),
    )
    .set((
        signals::acknowledged_at.eq(Some(to_db(now))),
        signals::acknowledged_by.eq(Some(by.to_string())),
        signals::acknowledgement_note.eq(Some(note)),
        signals::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(updated > 0)
}

/// Writes one audit entry per signal: who did what, and when, in one statement per 5,000.
pub fn audit_each(
    conn: &mut DbConnection,
    ids: &[SignalId],
    actor: UserId,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    for chunk in ids.chunks(5_000) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|id| {
                (
                    signal_audit::id.eq(Uuid::new_v4().to_string()),
                    signal_audit::signal_id.eq(id.to_string()),
                    signal_audit::actor_id.eq(Some(actor.to_string())),
                    signal_audit::action.eq(action),
                    signal_audit::created_at.eq(to_db(now)),
                )
            })
            .collect();
        let insert = diesel::insert_into(signal_audit::table).values(rows);
        match conn {
            DbConnection::Postgresql(conn) => insert.execute(conn)?,
            DbConnection::Sqlite(conn) => insert.execute(conn)?,
        };
    }
    Ok(())
}

/// Signals per neighbourhood and kind: (neighbourhood, kind, open, acknowledged), only where
/// there are some.
pub fn counts(
    conn: &mut DbConnection,
    places: &[NeighbourhoodId],
) -> Result<Vec<(NeighbourhoodId, SignalKind, u64, u64)>, PersistenceError> {
    let ids: Vec<String> = places.iter().map(ToString::to_string).collect();
    let mut found: std::collections::HashMap<(NeighbourhoodId, SignalKind), (u64, u64)> =
        std::collections::HashMap::new();
    for open in [true, false] {
        let query = signals::table
            .filter(signals::neighbourhood_id.eq_any(&ids))
            .group_by((signals::neighbourhood_id, signals::kind))
            .select((signals::neighbourhood_id, signals::kind, count_star()))
            .into_boxed::<crate::connection::MultiBackend>();
        let query = if open {
            query.filter(signals::acknowledged_at.is_null())
        } else {
            query.filter(signals::acknowledged_at.is_not_null())
        };
        let rows: Vec<(Stored<NeighbourhoodId>, Stored<SignalKind>, i64)> = query.load(conn)?;
        for (place, kind, count) in rows {
            let entry = found.entry((place.0, kind.0)).or_default();
            let count = u64::try_from(count).unwrap_or(0);
            if open {
                entry.0 = count;
            } else {
                entry.1 = count;
            }
        }
    }
    Ok(found
        .into_iter()
        .map(|((place, kind), (open, acknowledged))| (place, kind, open, acknowledged))
        .collect())
}

/// An unanswered request: its neighbourhood, author, id and when it was posted.
pub type UnansweredRequest = (NeighbourhoodId, UserId, PostId, DateTime<Utc>);

/// Requests posted in `[from, to]` that nobody answered: in one of `UNANSWERED_STATUSES` and
/// without a single match (no neighbour offered, nobody was invited).
pub fn unanswered_requests(
    conn: &mut DbConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<UnansweredRequest>, PersistenceError> {
    let statuses: Vec<&str> = UNANSWERED_STATUSES.iter().map(|s| s.as_str()).collect();
    type Row = (
        Stored<NeighbourhoodId>,
        Stored<UserId>,
        Stored<PostId>,
        NaiveDateTime,
    );
    let rows: Vec<Row> = posts::table
        .filter(posts::kind.eq(PostKind::Request.as_str()))
        .filter(posts::status.eq_any(statuses))
        .filter(posts::created_at.ge(to_db(from)))
        .filter(posts::created_at.le(to_db(to)))
        .filter(not(exists(
            matches::table.filter(matches::request_id.eq(posts::id)),
        )))
        .select((
            posts::neighbourhood_id,
            posts::author_id,
            posts::id,
            posts::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(place, author, id, at)| (place.0, author.0, id.0, from_db(at)))
        .collect())
}

/// An open case past its follow-up: id, neighbourhood, requester, follow-up date.
pub type OverdueCase = (CaseId, NeighbourhoodId, UserId, DateTime<Utc>);

/// Open cases whose follow-up date is before `before`.
pub fn cases_followed_up_before(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
) -> Result<Vec<OverdueCase>, PersistenceError> {
    type Row = (
        Stored<CaseId>,
        Stored<NeighbourhoodId>,
        Stored<UserId>,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = cases::table
        .filter(cases::status.ne(CaseStatus::Resolved.as_str()))
        .filter(cases::follow_up_at.lt(to_db(before)))
        .select((
            cases::id,
            cases::neighbourhood_id,
            cases::requester_id,
            cases::follow_up_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, place, requester, at)| {
            at.map(|at| (id.0, place.0, requester.0, from_db(at)))
        })
        .collect())
}

/// A request's first way of ending, as monitoring counted it: its neighbourhood, the Dutch
/// calendar day, the outcome, and whether the request ever had a case.
pub type EndedRequest = (NeighbourhoodId, NaiveDate, RequestOutcome, bool);

/// The requests that ended on the days `from` to `to` (both included), in `places` (every
/// neighbourhood when `None`): two queries, whatever their number.
pub fn ended_requests(
    conn: &mut DbConnection,
    places: Option<&[NeighbourhoodId]>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<EndedRequest>, PersistenceError> {
    let outcomes: Vec<&str> = StatKind::OUTCOMES.iter().map(|k| k.as_str()).collect();
    let mut query = stat_events::table
        .filter(stat_events::kind.eq_any(outcomes))
        .filter(stat_events::day.ge(from.format("%Y-%m-%d").to_string()))
        .filter(stat_events::day.le(to.format("%Y-%m-%d").to_string()))
        .select((
            stat_events::neighbourhood_id,
            stat_events::day,
            stat_events::kind,
            stat_events::key,
        ))
        .into_boxed::<crate::connection::MultiBackend>();
    if let Some(places) = places {
        let ids: Vec<String> = places.iter().map(ToString::to_string).collect();
        query = query.filter(stat_events::neighbourhood_id.eq_any(ids));
    }
    let rows: Vec<(Stored<NeighbourhoodId>, String, Stored<StatKind>, String)> =
        query.load(conn)?;
    // An outcome's key is `outcome:<request id>` (`StatEvent::key`).
    let request_of = |key: &str| key.strip_prefix("outcome:").map(str::to_owned);
    let requests: Vec<String> = rows.iter().filter_map(|r| request_of(&r.3)).collect();
    let mut with_case: HashSet<String> = HashSet::new();
    for chunk in requests.chunks(5_000) {
        let found: Vec<String> = cases::table
            .filter(cases::request_id.eq_any(chunk))
            .select(cases::request_id)
            .distinct()
            .load(conn)?;
        with_case.extend(found);
    }
    let mut ended = Vec::with_capacity(rows.len());
    for (place, day, kind, key) in rows {
        let StatKind::Outcome(outcome) = kind.0 else {
            continue;
        };
        let day: NaiveDate = day
            .parse()
            .map_err(|_| PersistenceError::Corrupt(format!("stat_events holds the day {day:?}")))?;
        let had_case = request_of(&key).is_some_and(|request| with_case.contains(&request));
        ended.push((place.0, day, outcome, had_case));
    }
    Ok(ended)
}
