//! Use cases of lasting help ("maatjes", issue 20): an accepted match on a recurring request
//! becomes an arrangement that stays active; either party records each session and either may
//! end it with a reason; the job tells the mediators when it lapses.
//!
//! Every writer holds the request's row (`holding_post`, or the mediation lock on it), like the
//! steps of a match: a session, an ending, a match step and the job take turns.

use buurt_domain::accounts::UserId;
use buurt_domain::effects::matching::{MatchEvent, RequestFacts};
use buurt_domain::lasting::{self, Arrangement, Ending, Schedule, Session, SessionStatus};
use buurt_domain::matching::{Match, MatchId, MatchRefusal, MatchStatus, Party};
use buurt_domain::policy::Action;
use buurt_domain::posts::{Post, PostEvent, PostStatus};
use buurt_domain::value::bounded_text;
use buurt_persistence::arrangements as repo;
use buurt_persistence::matching::{self as matches, PlaceChange};
use buurt_persistence::{
    DbConnection, holding_post, in_write_transaction, memberships, neighbourhoods, posts,
};
use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{AppError, ErrorCode, FieldIssue};
use crate::{Cx, outbox};

/// An arrangement with its sessions, as the caller may see them: a party sees the notes to the
/// mediator they wrote themselves, the neighbourhood's mediators see every note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrangementView {
    pub arrangement: Arrangement,
    pub sessions: Vec<Session>,
}

/// A session as a party records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub on: NaiveDate,
    pub status: SessionStatus,
    pub note_to_mediator: Option<String>,
}

/// Starts the arrangement of `found`, just accepted, when its request recurs. Inside the
/// transaction that accepted it (holding the request). (A seam `matching` calls.)
pub(crate) fn start_within(
    conn: &mut DbConnection,
    found: &Match,
    request: &Post,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(rule) = request.content.recurrence else {
        return Ok(());
    };
    let arrangement = Arrangement {
        match_id: found.id,
        request_id: request.id,
        schedule: Schedule {
            every: rule.every,
            starts_on: now.date_naive(),
            ends_on: rule.ends_on,
        },
        ended: None,
        created_at: now,
    };
    repo::insert_arrangement(conn, &arrangement)?;
    Ok(())
}

/// What `caller` may see of match `id`'s arrangement: `Some(party)` for a party, `None` for a
/// mediator (or administrator) of the request's neighbourhood; not found for everyone else,
/// and for a match without an arrangement (one whose request does not recur).
fn access(
    conn: &mut DbConnection,
    caller: UserId,
    id: MatchId,
) -> Result<(Match, Arrangement, Option<Party>), AppError> {
    let found = matches::find_match(conn, id)?.ok_or(AppError::NotFound)?;
    let party = found.party_of(caller);
    if party.is_none() {
        let request = posts::find_post(conn, found.request_id)?.ok_or(AppError::NotFound)?;
        let place = neighbourhoods::find_neighbourhood(conn, request.neighbourhood_id)?
            .ok_or(AppError::NotFound)?;
        if !memberships::actor(conn, caller, &place)?.may(Action::ListAllCases) {
            return Err(AppError::NotFound);
        }
    }
    let arrangement = repo::find_arrangement(conn, id)?.ok_or(match party {
        Some(_) => AppError::Refused(ErrorCode::NoRunningArrangement),
        None => AppError::NotFound,
    })?;
    Ok((found, arrangement, party))
}

/// The arrangement and its sessions as `party` (or a mediator, `None`) sees them.
fn view(
    conn: &mut DbConnection,
    arrangement: Arrangement,
    party: Option<Party>,
) -> Result<ArrangementView, AppError> {
    let mut sessions = repo::sessions_of(conn, arrangement.match_id)?;
    if let Some(party) = party {
        for session in &mut sessions {
            if session.recorded_by != party {
                session.note_to_mediator = None;
            }
        }
    }
    Ok(ArrangementView {
        arrangement,
        sessions,
    })
}

/// The arrangement of match `id` and its sessions (its parties, and the mediators of its
/// neighbourhood).
pub fn list_sessions(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: MatchId,
) -> Result<ArrangementView, AppError> {
    let (_, arrangement, party) = access(cx.conn, caller, id)?;
    view(cx.conn, arrangement, party)
}

/// The match and arrangement `caller` is a party of, read holding the request, and still
/// running (its match accepted, not ended).
fn running_for_party(
    conn: &mut DbConnection,
    caller: UserId,
    id: MatchId,
) -> Result<(Match, Arrangement, Party), AppError> {
    let (found, arrangement, party) = access(conn, caller, id)?;
    let party = party.ok_or(ErrorCode::NotYourMove)?;
    if found.status != MatchStatus::Accepted || arrangement.ended.is_some() {
        return Err(ErrorCode::NoRunningArrangement.into());
    }
    Ok((found, arrangement, party))
}

fn note(raw: Option<String>, field: &str) -> Result<Option<String>, AppError> {
    raw.filter(|text| !text.trim().is_empty())
        .map(|text| {
            bounded_text(&text, lasting::TEXT_MAX, true)
                .map_err(|e| AppError::invalid(field, e.into()))
        })
        .transpose()
}

/// A party records a session of a running arrangement: one per day, within the arrangement and
/// not in the future.
pub fn record_session(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: MatchId,
    input: NewSession,
) -> Result<ArrangementView, AppError> {
    let note_to_mediator = note(input.note_to_mediator, "note_to_mediator")?;
    let found = matches::find_match(cx.conn, id)?.ok_or(AppError::NotFound)?;
    let clock = cx.clock();
    holding_post(cx.conn, found.request_id.0, |conn| {
        let (_, arrangement, party) = running_for_party(conn, caller, id)?;
        let now = clock.now();
        arrangement
            .schedule
            .check_session_day(input.on, now.date_naive())
            .map_err(|_| {
                AppError::invalid(
                    "on",
                    FieldIssue::invalid(
                        "a day from the start of the arrangement until today (and its end)",
                        "een dag vanaf het begin van de afspraak tot vandaag (en het einde)",
                    ),
                )
            })?;
        let session = Session {
            on: input.on,
            status: input.status,
            note_to_mediator,
            recorded_by: party,
            created_at: now,
        };
        if !repo::insert_session(conn, id, &session)? {
            return Err(ErrorCode::SessionAlreadyRecorded.into());
        }
        // On the request's open case, for its timeline (issue 20): the mediators follow it.
        if let Some(case) = buurt_persistence::mediation::open_case_of(conn, found.request_id)? {
            buurt_persistence::mediation::audit_about(
                conn,
                case.id,
                Some(caller),
                &format!("session:{}", session.status.as_str()),
                Some(id),
                now,
            )?;
        }
        view(conn, arrangement, Some(party))
    })
}

/// A party ends a running arrangement with a reason: the match completes (the request is
/// fulfilled when it was matched) and the other party is told.
pub fn end_arrangement(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: MatchId,
    reason: String,
) -> Result<ArrangementView, AppError> {
    let routes = cx.routes();
    let reason = note(Some(reason), "reason")?
        .ok_or_else(|| AppError::invalid("reason", FieldIssue::Required))?;
    let found = matches::find_match(cx.conn, id)?.ok_or(AppError::NotFound)?;
    let clock = cx.clock();
    holding_post(cx.conn, found.request_id.0, |conn| {
        let (current, arrangement, party) = running_for_party(conn, caller, id)?;
        let next = lasting::end(current.status)?;
        let now = clock.now();
        let keep = PlaceChange::KeepWithThanks(None);
        if !matches::change_status(conn, id, current.status, next, keep, now)? {
            let status = matches::find_match(conn, id)?.map_or(current.status, |m| m.status);
            return Err(MatchRefusal::Illegal {
                status,
                action: buurt_domain::matching::MatchAction::Complete,
            }
            .into());
        }
        let ending = Ending {
            by: party,
            reason,
            at: now,
        };
        if !repo::end_arrangement(conn, id, &ending)? {
            return Err(ErrorCode::NoRunningArrangement.into());
        }
        let request = posts::find_post(conn, current.request_id)?.ok_or(AppError::NotFound)?;
        if request.status == PostStatus::Matched {
            crate::matching::follow(conn, &request, PostEvent::Fulfil, now, routes)?;
        }
        let facts = RequestFacts {
            neighbourhood: request.neighbourhood_id,
            posted_at: request.created_at,
        };
        outbox::record(
            conn,
            &MatchEvent::Completed.effects(&current, facts, caller, now),
            routes,
        )?;
        let arrangement = Arrangement {
            ended: Some(ending),
            ..arrangement
        };
        view(conn, arrangement, Some(party))
    })
}

/// The job: every running arrangement that lapsed (`Schedule::lapsed_since`) puts a follow-up
/// on its request's open case, or opens one, so a mediator checks in; once per lapse, each in
/// its own transaction holding the request (so two runs at once notice it once). Returns how
/// many lapses were noticed.
pub fn notice_lapses(cx: &mut Cx<'_>) -> Result<usize, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    let today = now.date_naive();
    let mut noticed = 0;
    for (id, request) in repo::running(cx.conn)? {
        let done = in_write_transaction(cx.conn, |conn| {
            buurt_persistence::mediation::lock_request(conn, request)?;
            // Judged again under the lock: it may have ended or been noticed since.
            let Some(arrangement) = repo::find_arrangement(conn, id)? else {
                return Ok::<_, AppError>(false);
            };
            let accepted = matches::find_match(conn, id)?
                .is_some_and(|found| found.status == MatchStatus::Accepted);
            if !accepted || arrangement.ended.is_some() {
                return Ok(false);
            }
            let sessions: Vec<(NaiveDate, SessionStatus)> = repo::sessions_of(conn, id)?
                .into_iter()
                .map(|session| (session.on, session.status))
                .collect();
            let Some(since) = arrangement.schedule.lapsed_since(&sessions, today) else {
                return Ok(false);
            };
            if repo::lapse_noticed(conn, id, since)? {
                return Ok(false);
            }
            let reason = format!(
                "Lasting help lapsed: no session took place since {since} ({} periods or more).",
                lasting::LAPSE_PERIODS
            );
            let case = crate::mediation::follow_up_lapse(conn, request, id, &reason, now, routes)?;
            repo::insert_lapse(conn, id, since, case, now)?;
            // The mediators' signal about the person helped, in the same transaction.
            if let Some(post) = buurt_persistence::posts::find_post(conn, request)? {
                crate::signals::raise_lasting_help_lapse(
                    conn,
                    post.neighbourhood_id,
                    id.0,
                    post.author_id,
                    since.and_time(chrono::NaiveTime::MIN).and_utc(),
                    now,
                )?;
            }
            Ok(true)
        })?;
        noticed += usize::from(done);
    }
    Ok(noticed)
}
