//! Lasting help (issue 20): arrangements, their sessions and the lapses the job noticed. Rows in,
//! rows out; `buurt_app::arrangements` decides what a step does. Writers hold the request's
//! `posts` row, so a session, an ending and the job's look at an arrangement take turns.

use buurt_domain::lasting::{Arrangement, Ending, Recurrence, Schedule, Session, SessionStatus};
use buurt_domain::matching::{MatchId, MatchStatus, Party};
use buurt_domain::mediation::CaseId;
use buurt_domain::posts::PostId;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::columns::{Stored, day_column};
use crate::schema::{arrangement_lapses, arrangement_sessions, arrangements, matches, posts};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = arrangements)]
struct ArrangementRow {
    match_id: Stored<MatchId>,
    request_id: Stored<PostId>,
    recurrence: Stored<Recurrence>,
    starts_on: Stored<NaiveDate>,
    ends_on: Option<Stored<NaiveDate>>,
    ended_at: Option<NaiveDateTime>,
    ended_by: Option<Stored<Party>>,
    end_reason: Option<String>,
    created_at: NaiveDateTime,
}

impl From<ArrangementRow> for Arrangement {
    fn from(row: ArrangementRow) -> Self {
        Arrangement {
            match_id: row.match_id.0,
            request_id: row.request_id.0,
            schedule: Schedule {
                every: row.recurrence.0,
                starts_on: row.starts_on.0,
                ends_on: row.ends_on.map(|day| day.0),
            },
            ended: match (row.ended_at, row.ended_by) {
                (Some(at), Some(by)) => Some(Ending {
                    by: by.0,
                    reason: row.end_reason.unwrap_or_default(),
                    at: from_db(at),
                }),
                _ => None,
            },
            created_at: from_db(row.created_at),
        }
    }
}

/// Stores a new arrangement (its match was just accepted).
pub fn insert_arrangement(
    conn: &mut DbConnection,
    arrangement: &Arrangement,
) -> Result<(), PersistenceError> {
    let schedule = &arrangement.schedule;
    diesel::insert_into(arrangements::table)
        .values((
            arrangements::match_id.eq(arrangement.match_id.to_string()),
            arrangements::request_id.eq(arrangement.request_id.to_string()),
            arrangements::recurrence.eq(schedule.every.as_str()),
            arrangements::starts_on.eq(day_column(schedule.starts_on)),
            arrangements::ends_on.eq(schedule.ends_on.map(day_column)),
            arrangements::created_at.eq(to_db(arrangement.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_arrangement(
    conn: &mut DbConnection,
    id: MatchId,
) -> Result<Option<Arrangement>, PersistenceError> {
    Ok(arrangements::table
        .find(id.to_string())
        .select(ArrangementRow::as_select())
        .first(conn)
        .optional()?
        .map(Arrangement::from))
}

/// Ends a running arrangement; false when it had ended already.
pub fn end_arrangement(
    conn: &mut DbConnection,
    id: MatchId,
    ending: &Ending,
) -> Result<bool, PersistenceError> {
    let changed = diesel::update(
        arrangements::table
            .find(id.to_string())
            .filter(arrangements::ended_at.is_null()),
    )
    .set((
        arrangements::ended_at.eq(Some(to_db(ending.at))),
        arrangements::ended_by.eq(Some(ending.by.as_str())),
        arrangements::end_reason.eq(Some(ending.reason.as_str())),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Records a session; false when one was recorded for that day already.
pub fn insert_session(
    conn: &mut DbConnection,
    id: MatchId,
    session: &Session,
) -> Result<bool, PersistenceError> {
    let day = day_column(session.on);
    let exists: i64 = arrangement_sessions::table
        .filter(arrangement_sessions::match_id.eq(id.to_string()))
        .filter(arrangement_sessions::on_date.eq(&day))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(arrangement_sessions::table)
        .values((
            arrangement_sessions::match_id.eq(id.to_string()),
            arrangement_sessions::on_date.eq(&day),
            arrangement_sessions::status.eq(session.status.as_str()),
            arrangement_sessions::note_to_mediator.eq(session.note_to_mediator.as_deref()),
            arrangement_sessions::recorded_by.eq(session.recorded_by.as_str()),
            arrangement_sessions::created_at.eq(to_db(session.created_at)),
        ))
        .execute(conn)?;
    Ok(true)
}

type SessionColumns = (
    Stored<NaiveDate>,
    Stored<SessionStatus>,
    Option<String>,
    Stored<Party>,
    NaiveDateTime,
);

/// An arrangement's sessions, by day.
pub fn sessions_of(conn: &mut DbConnection, id: MatchId) -> Result<Vec<Session>, PersistenceError> {
    let rows: Vec<SessionColumns> = arrangement_sessions::table
        .filter(arrangement_sessions::match_id.eq(id.to_string()))
        .order(arrangement_sessions::on_date.asc())
        .select((
            arrangement_sessions::on_date,
            arrangement_sessions::status,
            arrangement_sessions::note_to_mediator,
            arrangement_sessions::recorded_by,
            arrangement_sessions::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(on, status, note, by, at)| Session {
            on: on.0,
            status: status.0,
            note_to_mediator: note,
            recorded_by: by.0,
            created_at: from_db(at),
        })
        .collect())
}

/// The arrangements running: not ended, their match still accepted. With their requests.
pub fn running(conn: &mut DbConnection) -> Result<Vec<(MatchId, PostId)>, PersistenceError> {
    let rows: Vec<(Stored<MatchId>, Stored<PostId>)> = arrangements::table
        .inner_join(matches::table.on(matches::id.eq(arrangements::match_id)))
        .filter(arrangements::ended_at.is_null())
        .filter(matches::status.eq(MatchStatus::Accepted.as_str()))
        .order(arrangements::match_id.asc())
        .select((arrangements::match_id, arrangements::request_id))
        .load(conn)?;
    Ok(rows.into_iter().map(|(m, r)| (m.0, r.0)).collect())
}

/// How many arrangements of lasting help run in `neighbourhood` now (accepted, not ended).
pub fn running_in(
    conn: &mut DbConnection,
    neighbourhood: buurt_domain::neighbourhoods::NeighbourhoodId,
) -> Result<u64, PersistenceError> {
    let count: i64 = arrangements::table
        .inner_join(matches::table.on(matches::id.eq(arrangements::match_id)))
        .inner_join(posts::table.on(posts::id.eq(arrangements::request_id)))
        .filter(arrangements::ended_at.is_null())
        .filter(matches::status.eq(MatchStatus::Accepted.as_str()))
        .filter(posts::neighbourhood_id.eq(neighbourhood.to_string()))
        .count()
        .get_result(conn)?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Whether the lapse of `id` since `since` was noticed already.
pub fn lapse_noticed(
    conn: &mut DbConnection,
    id: MatchId,
    since: NaiveDate,
) -> Result<bool, PersistenceError> {
    let found: i64 = arrangement_lapses::table
        .filter(arrangement_lapses::match_id.eq(id.to_string()))
        .filter(arrangement_lapses::since.eq(day_column(since)))
        .count()
        .get_result(conn)?;
    Ok(found > 0)
}

/// Remembers that the lapse of `id` since `since` went to `case`.
pub fn insert_lapse(
    conn: &mut DbConnection,
    id: MatchId,
    since: NaiveDate,
    case: CaseId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(arrangement_lapses::table)
        .values((
            arrangement_lapses::match_id.eq(id.to_string()),
            arrangement_lapses::since.eq(day_column(since)),
            arrangement_lapses::case_id.eq(case.to_string()),
            arrangement_lapses::noticed_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many lapses of `id` were noticed.
pub fn lapses_of(conn: &mut DbConnection, id: MatchId) -> Result<i64, PersistenceError> {
    Ok(arrangement_lapses::table
        .filter(arrangement_lapses::match_id.eq(id.to_string()))
        .count()
        .get_result(conn)?)
}
