//! Use cases of signals: the job that finds them (`compute_signals`, in `buurt run-jobs`), the
//! hook lasting help raises lapses through, the mediators' list and acknowledgement, and the
//! wijkteam's counts per municipality.
//!
//! A signal about a person reaches nobody but the mediators of its neighbourhood
//! (`Action::WorkSignals`); professionals see counts per kind and neighbourhood, with the
//! monitoring's small-number suppression for the kinds about people.

use std::collections::HashMap;

use buurt_domain::accounts::UserId;
use buurt_domain::achievements::Achievement;
use buurt_domain::neighbourhoods::{MunicipalityCode, NeighbourhoodId};
use buurt_domain::policy::Action;
use buurt_domain::signals::{
    FOLLOW_UP_GRACE_DAYS, Quarter, QuarterShare, SignalFact, SignalId, SignalKind,
    UNANSWERED_AT_LEAST, follow_up_overdue, share_fell_clearly, unanswered_window,
};
use buurt_domain::stats::{ReportedPlace, local_date};
use buurt_domain::value::bounded_text;
use buurt_persistence::signals::{self as repo, NamedSignal, Raised, SignalCursor};
use buurt_persistence::{DbConnection, in_write_transaction, memberships, neighbourhoods};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::Cx;
use crate::error::{AppError, ErrorCode};

/// What one run of the signal job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignalsRun {
    /// New signals.
    pub raised: usize,
    /// Open signals that got newer evidence.
    pub refreshed: usize,
}

impl SignalsRun {
    fn count(&mut self, raised: Raised) {
        match raised {
            Raised::New => self.raised += 1,
            Raised::Refreshed => self.refreshed += 1,
            Raised::Known => {}
        }
    }
}

/// Every signal the facts show as of now, each raised in its own transaction: residents with
/// unanswered requests, cases past their follow-up by more than a week, and neighbourhoods whose
/// share solved by neighbours fell clearly in the last complete quarter. (Lapsed lasting help
/// is raised by the lasting-help job itself, through `raise_lasting_help_lapse`.) Safe to run
/// again and on several machines at once: known evidence adds nothing.
pub fn compute_signals(cx: &mut Cx<'_>) -> Result<SignalsRun, AppError> {
    let now = cx.now();
    let mut facts = unanswered_request_facts(cx.conn, now)?;
    facts.extend(overdue_follow_up_facts(cx.conn, now)?);
    facts.extend(share_drop_facts(cx.conn, now)?);
    let mut run = SignalsRun::default();
    for fact in facts {
        let raised = in_write_transaction(cx.conn, |conn| {
            Ok::<_, AppError>(repo::raise(conn, &fact, now)?)
        })?;
        run.count(raised);
    }
    Ok(run)
}

fn unanswered_request_facts(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<Vec<SignalFact>, AppError> {
    let (from, to) = unanswered_window(now);
    // Per resident: when each unanswered request was posted, and its id.
    type Posted = Vec<(DateTime<Utc>, Uuid)>;
    let mut by_resident: HashMap<(NeighbourhoodId, UserId), Posted> = HashMap::new();
    for (place, author, request, at) in repo::unanswered_requests(conn, from, to)? {
        by_resident
            .entry((place, author))
            .or_default()
            .push((at, request.0));
    }
    Ok(by_resident
        .into_iter()
        .filter(|(_, requests)| requests.len() >= UNANSWERED_AT_LEAST)
        .filter_map(|((place, resident), requests)| {
            let count = u64::try_from(requests.len()).unwrap_or(u64::MAX);
            let newest = requests.into_iter().max()?;
            Some(SignalFact::unanswered_requests(
                place, resident, count, newest.1,
            ))
        })
        .collect())
}

fn overdue_follow_up_facts(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<Vec<SignalFact>, AppError> {
    let before = now - Duration::days(FOLLOW_UP_GRACE_DAYS);
    Ok(repo::cases_followed_up_before(conn, before)?
        .into_iter()
        .filter(|(.., follow_up_at)| follow_up_overdue(*follow_up_at, now))
        .map(|(case, place, requester, follow_up_at)| {
            SignalFact::follow_up_overdue(place, case, requester, follow_up_at)
        })
        .collect())
}

fn share_drop_facts(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<Vec<SignalFact>, AppError> {
    let (before, last) = Quarter::last_two_complete(local_date(now));
    let ended = repo::ended_requests(conn, None, before.first_day(), last.last_day())?;
    let mut shares: HashMap<(NeighbourhoodId, Quarter), QuarterShare> = HashMap::new();
    for (place, day, outcome, had_case) in ended {
        let share = shares.entry((place, Quarter::of(day))).or_default();
        share.ended += 1;
        if Achievement::of(outcome, had_case) == Some(Achievement::SolvedByNeighbours) {
            share.solved_by_neighbours += 1;
        }
    }
    let places: std::collections::HashSet<NeighbourhoodId> =
        shares.keys().map(|(place, _)| *place).collect();
    Ok(places
        .into_iter()
        .filter_map(|place| {
            let previous = shares.get(&(place, before)).copied().unwrap_or_default();
            let current = shares.get(&(place, last)).copied().unwrap_or_default();
            share_fell_clearly(previous, current)
                .then(|| SignalFact::solved_share_dropped(place, last, previous, current))
        })
        .collect())
}

/// The hook lasting help calls when an arrangement lapsed (sessions missed in a row, or none
/// recorded for too long), inside the transaction that records the lapse: a
/// `lasting_help_lapsed` signal about `person` (the one helped) for the neighbourhood's
/// mediators. The same lapse (`lapsed_at`) raised twice is one signal.
pub fn raise_lasting_help_lapse(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    arrangement: Uuid,
    person: UserId,
    lapsed_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let fact = SignalFact::lasting_help_lapsed(neighbourhood, arrangement, person, lapsed_at);
    Ok(repo::raise(conn, &fact, now)? == Raised::New)
}

/// The caller may work the neighbourhood's signals (its mediators), or why not.
fn require_mediator(
    conn: &mut DbConnection,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
) -> Result<(), AppError> {
    let place =
        neighbourhoods::find_neighbourhood(conn, neighbourhood)?.ok_or(AppError::NotFound)?;
    if memberships::actor(conn, caller, &place)?.may(Action::WorkSignals) {
        Ok(())
    } else {
        Err(ErrorCode::Forbidden.into())
    }
}

/// A page of the neighbourhood's signals, newest first: the open ones, or the acknowledged
/// ones (its mediators). Each signal shown is a read, audited.
pub fn list_signals(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    acknowledged: bool,
    after: Option<SignalCursor>,
    limit: usize,
) -> Result<(Vec<NamedSignal>, Option<SignalCursor>), AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        require_mediator(conn, caller, neighbourhood)?;
        let mut found = repo::list(conn, neighbourhood, acknowledged, after, limit + 1)?;
        let next = if found.len() > limit {
            found.truncate(limit);
            found.last().map(|s| (s.signal.raised_at, s.signal.id))
        } else {
            None
        };
        let ids: Vec<SignalId> = found.iter().map(|s| s.signal.id).collect();
        repo::audit_each(conn, &ids, caller, "read", now)?;
        Ok((found, next))
    })
}

/// Acknowledges a signal with a note (a mediator of its neighbourhood); audited, and on the
/// case's audit log too when it is about a case. Of two at once, one wins.
pub fn acknowledge_signal(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    id: SignalId,
    note: &str,
) -> Result<NamedSignal, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        require_mediator(conn, caller, neighbourhood)?;
        let note = bounded_text(note, 2000, true)
            .map_err(|error| AppError::invalid("note", error.into()))?;
        let found = repo::find(conn, id)?
            .filter(|s| s.signal.fact.neighbourhood_id == neighbourhood)
            .ok_or(AppError::NotFound)?;
        if !repo::acknowledge(conn, id, caller, &note, now)? {
            return Err(ErrorCode::SignalAlreadyAcknowledged.into());
        }
        repo::audit_each(conn, &[id], caller, "acknowledge", now)?;
        if let Some(case) = found.signal.fact.case_id {
            buurt_persistence::mediation::audit(
                conn,
                case,
                Some(caller),
                "acknowledge_signal",
                now,
            )?;
        }
        repo::find(conn, id)?.ok_or(AppError::NotFound)
    })
}

/// Signals of one kind in one neighbourhood, as counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalCounts {
    pub place: ReportedPlace,
    pub kind: SignalKind,
    pub open: u64,
    pub acknowledged: u64,
}

/// For every neighbourhood of a municipality and every kind, how many signals are open and how
/// many were acknowledged (its professionals, administrators): counts only, never a person.
/// `NotFound` when the municipality has no neighbourhoods.
pub fn municipality_signals(
    cx: &mut Cx<'_>,
    caller: UserId,
    code: &MunicipalityCode,
) -> Result<Vec<SignalCounts>, AppError> {
    let conn = &mut *cx.conn;
    let places = buurt_persistence::stats::places_in_municipality(conn, code.as_str())?;
    if places.is_empty() {
        return Err(AppError::NotFound);
    }
    if !memberships::municipality_actor(conn, caller, code)?.may(Action::ReadMunicipalityStats) {
        return Err(ErrorCode::Forbidden.into());
    }
    let ids: Vec<NeighbourhoodId> = places.iter().map(|p| p.id).collect();
    let counted: HashMap<(NeighbourhoodId, SignalKind), (u64, u64)> = repo::counts(conn, &ids)?
        .into_iter()
        .map(|(place, kind, open, acknowledged)| ((place, kind), (open, acknowledged)))
        .collect();
    let mut rows = Vec::with_capacity(places.len() * SignalKind::ALL.len());
    for place in places {
        for kind in SignalKind::ALL {
            let (open, acknowledged) = counted.get(&(place.id, *kind)).copied().unwrap_or_default();
            rows.push(SignalCounts {
                place: place.clone(),
                kind: *kind,
                open,
                acknowledged,
            });
        }
    }
    Ok(rows)
}
