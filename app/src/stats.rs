//! Use cases of monitoring: the figures per neighbourhood and week or month, for the wijkteam,
//! the municipality and partners, and for `buurt export-stats`. Never about a person.

use buurt_domain::neighbourhoods::{MunicipalityCode, NeighbourhoodId};
use buurt_domain::partners::Scope;
use buurt_domain::policy::Action;
use buurt_domain::stats::{
    self as rules, Figures, Interval, Period, RangeError, ReportedPlace, local_date,
};
use buurt_persistence::{DbConnection, memberships, stats as repo};
use chrono::{DateTime, NaiveDate, Utc};

use crate::error::{AppError, ErrorCode};
use crate::partners::Requester;
use crate::{Cx, neighbourhoods};

/// How many periods a report covers when `from` is not given.
const DEFAULT_PERIODS: u32 = 12;

/// The periods a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub interval: Interval,
    pub periods: Vec<Period>,
}

impl Range {
    /// The whole periods from `from` to `to`; `to` defaults to `today`, `from` to the start of
    /// the twelve periods up to `to`.
    pub fn new(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        interval: Interval,
        today: NaiveDate,
    ) -> Result<Self, RangeError> {
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| rules::recent(to, interval, DEFAULT_PERIODS).0);
        Ok(Self {
            interval,
            periods: rules::periods(from, to, interval)?,
        })
    }
}

/// One neighbourhood in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub place: ReportedPlace,
    pub period: Period,
    pub figures: Figures,
}

/// The figures of some neighbourhoods of one municipality, every place and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub municipality_code: String,
    pub municipality_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub interval: Interval,
    pub rows: Vec<ReportRow>,
}

/// The report over `places` (all in one municipality), every place and period.
fn build_report(
    conn: &mut DbConnection,
    places: &[ReportedPlace],
    range: &Range,
    now: DateTime<Utc>,
) -> Result<Report, AppError> {
    let ids: Vec<NeighbourhoodId> = places.iter().map(|place| place.id).collect();
    let raw = repo::report(conn, &ids, &range.periods, range.interval, now)?;
    let mut rows = Vec::with_capacity(places.len() * range.periods.len());
    for place in places {
        for period in &range.periods {
            let figures = raw
                .get(&(place.id, period.start))
                .map(Figures::publish)
                .unwrap_or_else(|| Figures::publish(&Default::default()));
            rows.push(ReportRow {
                place: place.clone(),
                period: *period,
                figures,
            });
        }
    }
    let first = places.first();
    Ok(Report {
        municipality_code: first
            .map(|p| p.municipality_code.clone())
            .unwrap_or_default(),
        municipality_name: first
            .map(|p| p.municipality_name.clone())
            .unwrap_or_default(),
        from: range
            .periods
            .first()
            .map_or_else(|| local_date(now), |p| p.start),
        to: range
            .periods
            .last()
            .map_or_else(|| local_date(now), |p| p.end),
        interval: range.interval,
        rows,
    })
}

/// Figures for one neighbourhood (its mediators and moderators, professionals of its
/// municipality, administrators, and machine clients with `stats:read` there).
pub fn neighbourhood_report(
    cx: &mut Cx<'_>,
    by: &Requester,
    id: NeighbourhoodId,
    range: &Range,
) -> Result<Report, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let place = neighbourhoods::find(conn, id)?;
    match by {
        Requester::Client(token) => {
            let municipality = place.draft.municipality_code.as_str();
            token.client_in(conn, Scope::StatsRead, municipality)?;
        }
        by => {
            let actor = memberships::actor(conn, by.user()?, &place)?;
            if !actor.may(Action::ReadNeighbourhoodStats) {
                return Err(ErrorCode::Forbidden.into());
            }
        }
    }
    build_report(conn, &[ReportedPlace::from(&place)], range, now)
}

/// Figures for every neighbourhood of a municipality (its professionals, administrators, and
/// machine clients with `stats:read` there). `NotFound` when it has no neighbourhoods.
pub fn municipality_report(
    cx: &mut Cx<'_>,
    by: &Requester,
    code: &MunicipalityCode,
    range: &Range,
) -> Result<Report, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let places = repo::places_in_municipality(conn, code.as_str())?;
    if places.is_empty() {
        return Err(AppError::NotFound);
    }
    match by {
        Requester::Client(token) => {
            token.client_in(conn, Scope::StatsRead, code.as_str())?;
        }
        by => {
            let actor = memberships::municipality_actor(conn, by.user()?, code)?;
            if !actor.may(Action::ReadMunicipalityStats) {
                return Err(ErrorCode::Forbidden.into());
            }
        }
    }
    build_report(conn, &places, range, now)
}

/// Which figures `export_stats` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportScope {
    /// The neighbourhood with this CBS code.
    Neighbourhood(String),
    /// Every neighbourhood of the municipality with this code.
    Municipality(String),
}

/// The figures for an operator (`buurt export-stats`): no caller to check. `NotFound` when the
/// scope holds no neighbourhood.
pub fn export_stats(
    cx: &mut Cx<'_>,
    scope: &ExportScope,
    range: &Range,
) -> Result<Report, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let places = match scope {
        ExportScope::Neighbourhood(code) => repo::place_by_code(conn, code)?
            .into_iter()
            .collect::<Vec<_>>(),
        ExportScope::Municipality(code) => repo::places_in_municipality(conn, code)?,
    };
    if places.is_empty() {
        return Err(AppError::NotFound);
    }
    build_report(conn, &places, range, now)
}

/// How many rows `rebuild_stats` reads per query.
const REBUILD_CHUNK: i64 = 20_000;

/// Derives the monitoring facts from what the tables hold, for data that came in without them
/// (a bulk load, or rows from before monitoring existed), with the very rules the live path
/// records them by (`buurt_domain::effects`): only the facts of each event are kept, never its
/// notices or partner events. Facts already recorded stay as they are. Times are the best the
/// tables know: a request's outcome counts at its last change, an acceptance at the match's
/// last change; a request closed after its helper was accepted (which cancels the match)
/// counts as withdrawn, since the tables no longer show the helper. Returns the facts added.
/// The facts added go into the monitoring rollups as they are recorded, so it may run while
/// the server does.
pub fn rebuild_stats(cx: &mut Cx<'_>) -> Result<usize, AppError> {
    derive_facts(cx, repo::Rollups::Kept)
}

/// `rebuild_stats` for a bulk load (`buurt seed`): the facts first, then the rollups from all
/// of them in a few set statements, which is much faster for millions of facts. Nothing else
/// may record facts meanwhile.
pub fn derive_seeded_stats(cx: &mut Cx<'_>) -> Result<usize, AppError> {
    let added = derive_facts(cx, repo::Rollups::Deferred)?;
    repo::refill_rollups(cx.conn)?;
    Ok(added)
}

fn derive_facts(cx: &mut Cx<'_>, rollups: repo::Rollups) -> Result<usize, AppError> {
    use buurt_domain::effects::activities::ActivityHappening;
    use buurt_domain::effects::matching::{MatchEvent, RequestFacts};
    use buurt_domain::effects::mediation::outcome_counted;
    use buurt_domain::effects::membership::MembershipEvent;
    use buurt_domain::effects::posts::{PostHappening, event_that_ended};
    use buurt_domain::matching::{MatchStatus, Party};
    use buurt_persistence::{activities, matching, mediation, posts};

    let conn = &mut *cx.conn;
    let mut added = 0;

    // Case outcomes first: a request that went through mediation ended the way its case did.
    let mut after = None;
    loop {
        let chunk = mediation::resolved_cases_after(conn, after, REBUILD_CHUNK)?;
        let Some(last) = chunk.last() else { break };
        after = Some(last.id);
        let facts: Vec<_> = chunk
            .iter()
            .filter_map(|case| {
                let outcome = case.outcome?;
                let counted = outcome_counted(
                    case.neighbourhood_id,
                    case.request_id,
                    outcome,
                    case.updated_at,
                );
                Some(counted.facts)
            })
            .flatten()
            .collect();
        added += repo::record_facts(conn, &facts, rollups)?;
    }

    // Matches: a neighbour's offer is their first response when made; an acceptance (of an
    // offer, or of an invite, which is then the first response) counts at the match's last
    // change, with the helper helped.
    let mut after = None;
    loop {
        let chunk = matching::matches_after(conn, after, REBUILD_CHUNK)?;
        let Some((last, _, _)) = chunk.last() else {
            break;
        };
        after = Some(last.id);
        let mut facts = Vec::new();
        for (found, neighbourhood, posted_at) in &chunk {
            let request = RequestFacts {
                neighbourhood: *neighbourhood,
                posted_at: *posted_at,
            };
            if found.proposed_by == Party::Helper {
                let proposed =
                    MatchEvent::Proposed.effects(found, request, found.helper_id, found.created_at);
                facts.extend(proposed.facts);
            }
            if matches!(found.status, MatchStatus::Accepted | MatchStatus::Completed) {
                let accepter = match found.proposed_by {
                    Party::Helper => found.requester_id,
                    Party::Requester => found.helper_id,
                };
                let accepted =
                    MatchEvent::Accepted.effects(found, request, accepter, found.updated_at);
                facts.extend(accepted.facts);
            }
        }
        // The earliest first: a request's first response and acceptance keep the first fact.
        facts.sort_by_key(|fact| fact.at);
        added += repo::record_facts(conn, &facts, rollups)?;
    }

    // Posts: who posted, requests opened and offers, and how requests ended.
    let mut after = None;
    loop {
        let chunk = posts::posts_after(conn, after, REBUILD_CHUNK)?;
        let Some(last) = chunk.last() else { break };
        after = Some(last.id);
        let mut facts = Vec::new();
        for post in &chunk {
            facts.extend(PostHappening::Created.effects(post, post.created_at).facts);
            if let Some(event) = event_that_ended(post.status) {
                facts.extend(
                    PostHappening::Moved(event)
                        .effects(post, post.updated_at)
                        .facts,
                );
            }
        }
        added += repo::record_facts(conn, &facts, rollups)?;
    }

    // Answers to activities and check-ins.
    let mut after = None;
    loop {
        let chunk = activities::answers_after(conn, after, REBUILD_CHUNK)?;
        let Some(last) = chunk.last() else { break };
        after = Some((last.post, last.user));
        let mut facts = Vec::new();
        for answer in &chunk {
            let (post, place, user) = (answer.post, answer.neighbourhood, answer.user);
            let answered =
                ActivityHappening::Answered.effects(post, place, user, answer.answered_at);
            facts.extend(answered.facts);
            if let Some(at) = answer.checked_in_at {
                facts.extend(
                    ActivityHappening::CheckedIn
                        .effects(post, place, user, at)
                        .facts,
                );
            }
        }
        added += repo::record_facts(conn, &facts, rollups)?;
    }

    // Members.
    let mut after = None;
    loop {
        let chunk = memberships::active_memberships_after(conn, after, REBUILD_CHUNK)?;
        let Some(last) = chunk.last() else { break };
        after = Some(last.id);
        let facts: Vec<_> = chunk
            .iter()
            .flat_map(|membership| {
                let joined = MembershipEvent::Joined {
                    neighbourhood: membership.neighbourhood,
                    member: membership.member,
                };
                joined.effects(membership.joined_at).facts
            })
            .collect();
        added += repo::record_facts(conn, &facts, rollups)?;
    }
    Ok(added)
}
