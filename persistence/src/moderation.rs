//! Moderation: reports, the queue grouped per target, decisions and appeals, posting
//! suspensions, posts held for review, the write-limit log and the append-only moderation log.

use buurt_domain::accounts::UserId;
use buurt_domain::matching::MatchId;
use buurt_domain::moderation::{
    AppealOutcome, LogAction, ReportReason, Resolution, TargetKind, WriteKind,
};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::PostId;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::Stored;
use crate::connection::MultiBackend;
use crate::schema::{
    match_messages, matches, moderation_decisions, moderation_log, neighbourhoods, post_reviews,
    posting_suspensions, posts, reports, write_events,
};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

/// A report about to be stored.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    pub neighbourhood: NeighbourhoodId,
    pub reporter: UserId,
    pub target_kind: TargetKind,
    pub target_id: Uuid,
    pub member: UserId,
    pub post: Option<PostId>,
    pub about_match: Option<MatchId>,
    pub reason: ReportReason,
    pub details: Option<&'a str>,
}

/// Stores a report; `None` when this reporter has an open report on this target already.
pub fn insert_report(
    conn: &mut DbConnection,
    report: &NewReport<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, PersistenceError> {
    let id = Uuid::new_v4();
    let inserted = diesel::insert_into(reports::table)
        .values((
            reports::id.eq(id.to_string()),
            reports::neighbourhood_id.eq(report.neighbourhood.to_string()),
            reports::reporter_id.eq(report.reporter.to_string()),
            reports::target_kind.eq(report.target_kind.as_str()),
            reports::target_id.eq(report.target_id.to_string()),
            reports::member_id.eq(report.member.to_string()),
            reports::post_id.eq(report.post.map(|p| p.to_string())),
            reports::match_id.eq(report.about_match.map(|m| m.to_string())),
            reports::reason.eq(report.reason.as_str()),
            reports::details.eq(report.details),
            reports::created_at.eq(to_db(now)),
        ))
        .execute(conn);
    Ok(crate::error::inserted_unless_duplicate(inserted)?.then_some(id))
}

/// How many open reports a target has.
pub fn open_reports_on(
    conn: &mut DbConnection,
    kind: TargetKind,
    target: Uuid,
) -> Result<i64, PersistenceError> {
    Ok(reports::table
        .filter(reports::target_kind.eq(kind.as_str()))
        .filter(reports::target_id.eq(target.to_string()))
        .filter(reports::resolved_at.is_null())
        .count()
        .get_result(conn)?)
}

/// One stored report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRecord {
    pub id: Uuid,
    pub neighbourhood_id: NeighbourhoodId,
    pub reporter_id: UserId,
    pub target_kind: TargetKind,
    pub target_id: Uuid,
    pub member_id: UserId,
    pub post_id: Option<PostId>,
    pub match_id: Option<MatchId>,
    pub reason: ReportReason,
    pub details: Option<String>,
    pub created_at: DateTime<Utc>,
    pub decision_id: Option<Uuid>,
    pub resolved_at: Option<DateTime<Utc>>,
}

type ReportRow = (
    Stored<Uuid>,
    Stored<NeighbourhoodId>,
    Stored<UserId>,
    Stored<TargetKind>,
    Stored<Uuid>,
    Stored<UserId>,
    Option<Stored<PostId>>,
    Option<Stored<MatchId>>,
    Stored<ReportReason>,
    Option<String>,
    NaiveDateTime,
    Option<Stored<Uuid>>,
    Option<NaiveDateTime>,
);

fn report_record(row: ReportRow) -> ReportRecord {
    ReportRecord {
        id: row.0.0,
        neighbourhood_id: row.1.0,
        reporter_id: row.2.0,
        target_kind: row.3.0,
        target_id: row.4.0,
        member_id: row.5.0,
        post_id: row.6.map(|p| p.0),
        match_id: row.7.map(|m| m.0),
        reason: row.8.0,
        details: row.9,
        created_at: from_db(row.10),
        decision_id: row.11.map(|d| d.0),
        resolved_at: row.12.map(from_db),
    }
}

pub fn find_report(
    conn: &mut DbConnection,
    id: Uuid,
) -> Result<Option<ReportRecord>, PersistenceError> {
    let row: Option<ReportRow> = reports::table
        .filter(reports::id.eq(id.to_string()))
        .select(reports::all_columns)
        .first(conn)
        .optional()?;
    Ok(row.map(report_record))
}

/// The open reports on the targets of `targets` (kind and id), oldest first: one query for a
/// page of the queue.
pub fn open_reports_for(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    targets: &[Uuid],
) -> Result<Vec<ReportRecord>, PersistenceError> {
    let rows: Vec<ReportRow> = reports::table
        .filter(reports::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(reports::resolved_at.is_null())
        .filter(reports::target_id.eq_any(targets.iter().map(Uuid::to_string)))
        .order((reports::created_at, reports::id))
        .select(reports::all_columns)
        .load(conn)?;
    Ok(rows.into_iter().map(report_record).collect())
}

/// The reports `reporter` made, newest first, at most `limit`.
pub fn reports_by(
    conn: &mut DbConnection,
    reporter: UserId,
    limit: usize,
) -> Result<Vec<(ReportRecord, Option<Resolution>)>, PersistenceError> {
    let rows: Vec<(ReportRow, Option<Stored<Resolution>>)> = reports::table
        .left_join(
            moderation_decisions::table
                .on(moderation_decisions::id.nullable().eq(reports::decision_id)),
        )
        .filter(reports::reporter_id.eq(reporter.to_string()))
        .order((reports::created_at.desc(), reports::id.desc()))
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select((
            reports::all_columns,
            moderation_decisions::action.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, action)| (report_record(row), action.map(|a| a.0)))
        .collect())
}

/// One target in the queue: what it is, who it concerns, and its open reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueEntry {
    pub target_kind: TargetKind,
    pub target_id: Uuid,
    pub member_id: UserId,
    pub first_reported_at: DateTime<Utc>,
    pub count: i64,
}

/// Where a page of the queue starts: after this first report time and target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueCursor {
    pub first_reported_at: DateTime<Utc>,
    pub target_id: Uuid,
}

/// A neighbourhood's open reports grouped per target, the longest waiting first.
pub fn queue(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    after: Option<&QueueCursor>,
    limit: usize,
) -> Result<(Vec<QueueEntry>, Option<QueueCursor>), PersistenceError> {
    let mut query = reports::table
        .filter(reports::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(reports::resolved_at.is_null())
        .group_by((reports::target_kind, reports::target_id, reports::member_id))
        .select((
            reports::target_kind,
            reports::target_id,
            reports::member_id,
            min(reports::created_at),
            count_star(),
        ))
        .order((min(reports::created_at), reports::target_id))
        .limit(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .into_boxed::<MultiBackend>();
    if let Some(after) = after {
        let at = to_db(after.first_reported_at);
        query = query.having(crate::keyset::after(
            (min(reports::created_at), reports::target_id),
            (at, after.target_id.to_string()),
        ));
    }
    type Row = (
        Stored<TargetKind>,
        Stored<Uuid>,
        Stored<UserId>,
        Option<NaiveDateTime>,
        i64,
    );
    let rows: Vec<Row> = query.load(conn)?;
    let mut entries: Vec<QueueEntry> = rows
        .into_iter()
        .map(|row| QueueEntry {
            target_kind: row.0.0,
            target_id: row.1.0,
            member_id: row.2.0,
            first_reported_at: row.3.map(from_db).unwrap_or_default(),
            count: row.4,
        })
        .collect();
    let next = if entries.len() > limit {
        entries.truncate(limit);
        entries.last().map(|entry| QueueCursor {
            first_reported_at: entry.first_reported_at,
            target_id: entry.target_id,
        })
    } else {
        None
    };
    Ok((entries, next))
}

/// The reporters of a target's open reports.
pub fn open_reporters(
    conn: &mut DbConnection,
    kind: TargetKind,
    target: Uuid,
) -> Result<Vec<UserId>, PersistenceError> {
    let ids: Vec<Stored<UserId>> = reports::table
        .filter(reports::target_kind.eq(kind.as_str()))
        .filter(reports::target_id.eq(target.to_string()))
        .filter(reports::resolved_at.is_null())
        .select(reports::reporter_id)
        .load(conn)?;
    Ok(ids.into_iter().map(|id| id.0).collect())
}

/// Closes a target's open reports with `decision`; how many there were.
pub fn resolve_open_reports(
    conn: &mut DbConnection,
    kind: TargetKind,
    target: Uuid,
    decision: Uuid,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    Ok(diesel::update(
        reports::table
            .filter(reports::target_kind.eq(kind.as_str()))
            .filter(reports::target_id.eq(target.to_string()))
            .filter(reports::resolved_at.is_null()),
    )
    .set((
        reports::decision_id.eq(Some(decision.to_string())),
        reports::resolved_at.eq(Some(to_db(now))),
    ))
    .execute(conn)?)
}

/// A moderator's decision about a reported target, and the appeal against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub id: Uuid,
    pub neighbourhood_id: NeighbourhoodId,
    pub target_kind: TargetKind,
    pub target_id: Uuid,
    pub member_id: UserId,
    pub resolution: Resolution,
    pub reason: String,
    pub suspended_until: Option<DateTime<Utc>>,
    pub decided_by: Option<UserId>,
    pub decided_at: DateTime<Utc>,
    pub appeal_text: Option<String>,
    pub appealed_at: Option<DateTime<Utc>>,
    pub appeal_outcome: Option<AppealOutcome>,
    pub appeal_reason: Option<String>,
    pub appeal_decided_by: Option<UserId>,
    pub appeal_decided_at: Option<DateTime<Utc>>,
}

pub fn insert_decision(
    conn: &mut DbConnection,
    decision: &Decision,
) -> Result<(), PersistenceError> {
    diesel::insert_into(moderation_decisions::table)
        .values((
            moderation_decisions::id.eq(decision.id.to_string()),
            moderation_decisions::neighbourhood_id.eq(decision.neighbourhood_id.to_string()),
            moderation_decisions::target_kind.eq(decision.target_kind.as_str()),
            moderation_decisions::target_id.eq(decision.target_id.to_string()),
            moderation_decisions::member_id.eq(decision.member_id.to_string()),
            moderation_decisions::action.eq(decision.resolution.as_str()),
            moderation_decisions::reason.eq(&decision.reason),
            moderation_decisions::suspended_until.eq(decision.suspended_until.map(to_db)),
            moderation_decisions::decided_by.eq(decision.decided_by.map(|u| u.to_string())),
            moderation_decisions::decided_at.eq(to_db(decision.decided_at)),
        ))
        .execute(conn)?;
    Ok(())
}

type DecisionRow = (
    Stored<Uuid>,
    Stored<NeighbourhoodId>,
    Stored<TargetKind>,
    Stored<Uuid>,
    Stored<UserId>,
    Stored<Resolution>,
    String,
    Option<NaiveDateTime>,
    Option<Stored<UserId>>,
    NaiveDateTime,
    Option<String>,
    Option<NaiveDateTime>,
    Option<Stored<AppealOutcome>>,
    Option<String>,
    Option<Stored<UserId>>,
    Option<NaiveDateTime>,
);

fn decision(row: DecisionRow) -> Decision {
    Decision {
        id: row.0.0,
        neighbourhood_id: row.1.0,
        target_kind: row.2.0,
        target_id: row.3.0,
        member_id: row.4.0,
        resolution: row.5.0,
        reason: row.6,
        suspended_until: row.7.map(from_db),
        decided_by: row.8.map(|u| u.0),
        decided_at: from_db(row.9),
        appeal_text: row.10,
        appealed_at: row.11.map(from_db),
        appeal_outcome: row.12.map(|o| o.0),
        appeal_reason: row.13,
        appeal_decided_by: row.14.map(|u| u.0),
        appeal_decided_at: row.15.map(from_db),
    }
}

pub fn find_decision(
    conn: &mut DbConnection,
    id: Uuid,
) -> Result<Option<Decision>, PersistenceError> {
    let row: Option<DecisionRow> = moderation_decisions::table
        .filter(moderation_decisions::id.eq(id.to_string()))
        .select(moderation_decisions::all_columns)
        .first(conn)
        .optional()?;
    Ok(row.map(decision))
}

/// The decisions about `member`, newest first, at most `limit`.
pub fn decisions_about(
    conn: &mut DbConnection,
    member: UserId,
    limit: usize,
) -> Result<Vec<Decision>, PersistenceError> {
    let rows: Vec<DecisionRow> = moderation_decisions::table
        .filter(moderation_decisions::member_id.eq(member.to_string()))
        .filter(moderation_decisions::action.ne(Resolution::Dismiss.as_str()))
        .order((
            moderation_decisions::decided_at.desc(),
            moderation_decisions::id.desc(),
        ))
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select(moderation_decisions::all_columns)
        .load(conn)?;
    Ok(rows.into_iter().map(decision).collect())
}

/// The reasons of the reports a decision closed.
pub fn reasons_of_decision(
    conn: &mut DbConnection,
    decision: Uuid,
) -> Result<Vec<ReportReason>, PersistenceError> {
    let reasons: Vec<Stored<ReportReason>> = reports::table
        .filter(reports::decision_id.eq(decision.to_string()))
        .select(reports::reason)
        .distinct()
        .load(conn)?;
    Ok(reasons.into_iter().map(|r| r.0).collect())
}

/// The reasons of the reports each of `decisions` resolved, in one statement.
pub fn reasons_of_decisions(
    conn: &mut DbConnection,
    decisions: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<ReportReason>>, PersistenceError> {
    let ids: Vec<String> = decisions.iter().map(Uuid::to_string).collect();
    let rows: Vec<(Option<Stored<Uuid>>, Stored<ReportReason>)> = reports::table
        .filter(reports::decision_id.eq_any(ids))
        .select((reports::decision_id, reports::reason))
        .distinct()
        .load(conn)?;
    let mut reasons = std::collections::HashMap::<Uuid, Vec<ReportReason>>::new();
    for (decision, reason) in rows {
        if let Some(decision) = decision {
            reasons.entry(decision.0).or_default().push(reason.0);
        }
    }
    Ok(reasons)
}

/// Records the member's appeal; false when there was one already.
pub fn appeal(
    conn: &mut DbConnection,
    id: Uuid,
    text: &str,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let changed = diesel::update(
        moderation_decisions::table
            .filter(moderation_decisions::id.eq(id.to_string()))
            .filter(moderation_decisions::appealed_at.is_null()),
    )
    .set((
        moderation_decisions::appeal_text.eq(Some(text)),
        moderation_decisions::appealed_at.eq(Some(to_db(now))),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Records the decision on an appeal; false when it was decided already.
pub fn decide_appeal(
    conn: &mut DbConnection,
    id: Uuid,
    outcome: AppealOutcome,
    reason: &str,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let changed = diesel::update(
        moderation_decisions::table
            .filter(moderation_decisions::id.eq(id.to_string()))
            .filter(moderation_decisions::appealed_at.is_not_null())
            .filter(moderation_decisions::appeal_outcome.is_null()),
    )
    .set((
        moderation_decisions::appeal_outcome.eq(Some(outcome.as_str())),
        moderation_decisions::appeal_reason.eq(Some(reason)),
        moderation_decisions::appeal_decided_by.eq(Some(by.to_string())),
        moderation_decisions::appeal_decided_at.eq(Some(to_db(now))),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Suspends `user` from posting in `neighbourhood` until `until` (replacing a suspension).
pub fn suspend_posting(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    user: UserId,
    until: DateTime<Utc>,
    decision: Uuid,
) -> Result<(), PersistenceError> {
    lift_posting_suspension(conn, neighbourhood, user)?;
    diesel::insert_into(posting_suspensions::table)
        .values((
            posting_suspensions::neighbourhood_id.eq(neighbourhood.to_string()),
            posting_suspensions::user_id.eq(user.to_string()),
            posting_suspensions::until.eq(to_db(until)),
            posting_suspensions::decision_id.eq(decision.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn lift_posting_suspension(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    user: UserId,
) -> Result<(), PersistenceError> {
    diesel::delete(
        posting_suspensions::table
            .filter(posting_suspensions::neighbourhood_id.eq(neighbourhood.to_string()))
            .filter(posting_suspensions::user_id.eq(user.to_string())),
    )
    .execute(conn)?;
    Ok(())
}

/// Until when `user` may not post in `neighbourhood`, if they are suspended at `now`.
pub fn posting_suspended_until(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, PersistenceError> {
    let until: Option<NaiveDateTime> = posting_suspensions::table
        .filter(posting_suspensions::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(posting_suspensions::user_id.eq(user.to_string()))
        .filter(posting_suspensions::until.gt(to_db(now)))
        .select(posting_suspensions::until)
        .first(conn)
        .optional()?;
    Ok(until.map(from_db))
}

/// A message's match and author, unless it was removed.
pub fn find_message(
    conn: &mut DbConnection,
    id: Uuid,
) -> Result<Option<(MatchId, UserId, PostId)>, PersistenceError> {
    let row: Option<(Stored<MatchId>, Stored<UserId>, Stored<PostId>)> = match_messages::table
        .inner_join(matches::table.on(matches::id.eq(match_messages::match_id)))
        .filter(match_messages::id.eq(id.to_string()))
        .filter(match_messages::removed_at.is_null())
        .select((
            match_messages::match_id,
            match_messages::author_id,
            matches::request_id,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(m, a, p)| (m.0, a.0, p.0)))
}

/// Removes a message from its thread (`Some(now)`), or puts it back (`None`).
pub fn set_message_removed(
    conn: &mut DbConnection,
    id: Uuid,
    removed_at: Option<DateTime<Utc>>,
) -> Result<(), PersistenceError> {
    diesel::update(match_messages::table.filter(match_messages::id.eq(id.to_string())))
        .set(match_messages::removed_at.eq(removed_at.map(to_db)))
        .execute(conn)?;
    Ok(())
}

/// Whether a neighbourhood holds new members' first posts for review.
pub fn first_posts_reviewed(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
) -> Result<bool, PersistenceError> {
    Ok(neighbourhoods::table
        .filter(neighbourhoods::id.eq(neighbourhood.to_string()))
        .select(neighbourhoods::first_posts_reviewed)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

pub fn set_first_posts_reviewed(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    reviewed: bool,
) -> Result<(), PersistenceError> {
    diesel::update(neighbourhoods::table.filter(neighbourhoods::id.eq(neighbourhood.to_string())))
        .set(neighbourhoods::first_posts_reviewed.eq(reviewed))
        .execute(conn)?;
    Ok(())
}

/// How many posts `author` has written in `neighbourhood`.
pub fn posts_by(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    author: UserId,
) -> Result<i64, PersistenceError> {
    Ok(posts::table
        .filter(posts::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(posts::author_id.eq(author.to_string()))
        .count()
        .get_result(conn)?)
}

/// Holds a post for review.
pub fn hold_post(
    conn: &mut DbConnection,
    post: PostId,
    neighbourhood: NeighbourhoodId,
    author: UserId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(post_reviews::table)
        .values((
            post_reviews::post_id.eq(post.to_string()),
            post_reviews::neighbourhood_id.eq(neighbourhood.to_string()),
            post_reviews::author_id.eq(author.to_string()),
            post_reviews::held_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether a post waits for review.
pub fn is_held(conn: &mut DbConnection, post: PostId) -> Result<bool, PersistenceError> {
    Ok(post_reviews::table
        .filter(post_reviews::post_id.eq(post.to_string()))
        .filter(post_reviews::reviewed_at.is_null())
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Ends a post's wait for review; false when it was not waiting.
pub fn release_post(
    conn: &mut DbConnection,
    post: PostId,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let changed = diesel::update(
        post_reviews::table
            .filter(post_reviews::post_id.eq(post.to_string()))
            .filter(post_reviews::reviewed_at.is_null()),
    )
    .set((
        post_reviews::reviewed_at.eq(Some(to_db(now))),
        post_reviews::reviewed_by.eq(Some(by.to_string())),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The posts of a neighbourhood waiting for review, the longest waiting first (at most 100).
pub fn held_posts(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
) -> Result<Vec<(PostId, UserId, DateTime<Utc>)>, PersistenceError> {
    let rows: Vec<(Stored<PostId>, Stored<UserId>, NaiveDateTime)> = post_reviews::table
        .filter(post_reviews::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(post_reviews::reviewed_at.is_null())
        .order((post_reviews::held_at, post_reviews::post_id))
        .limit(100)
        .select((
            post_reviews::post_id,
            post_reviews::author_id,
            post_reviews::held_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(p, a, at)| (p.0, a.0, from_db(at)))
        .collect())
}

/// When `user` wrote `kind` since `since`, the `newest` most recent, newest first, forgetting
/// older writes. The caller holds the user's lock, so counting and then `record_write` are one
/// step.
pub fn recent_writes(
    conn: &mut DbConnection,
    user: UserId,
    kind: WriteKind,
    since: DateTime<Utc>,
    newest: usize,
) -> Result<Vec<DateTime<Utc>>, PersistenceError> {
    diesel::delete(
        write_events::table
            .filter(write_events::user_id.eq(user.to_string()))
            .filter(write_events::kind.eq(kind.as_str()))
            .filter(write_events::created_at.le(to_db(since))),
    )
    .execute(conn)?;
    let at: Vec<NaiveDateTime> = write_events::table
        .filter(write_events::user_id.eq(user.to_string()))
        .filter(write_events::kind.eq(kind.as_str()))
        .select(write_events::created_at)
        .order(write_events::created_at.desc())
        .limit(i64::try_from(newest).unwrap_or(i64::MAX))
        .load(conn)?;
    Ok(at.into_iter().map(from_db).collect())
}

pub fn record_write(
    conn: &mut DbConnection,
    user: UserId,
    kind: WriteKind,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(write_events::table)
        .values((
            write_events::id.eq(Uuid::new_v4().to_string()),
            write_events::user_id.eq(user.to_string()),
            write_events::kind.eq(kind.as_str()),
            write_events::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// One entry of the moderation log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub id: Uuid,
    pub neighbourhood_id: NeighbourhoodId,
    pub actor_id: Option<UserId>,
    pub action: LogAction,
    pub target_kind: TargetKind,
    pub target_id: Uuid,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

pub fn append_log(conn: &mut DbConnection, entry: &LogEntry) -> Result<(), PersistenceError> {
    diesel::insert_into(moderation_log::table)
        .values((
            moderation_log::id.eq(entry.id.to_string()),
            moderation_log::neighbourhood_id.eq(entry.neighbourhood_id.to_string()),
            moderation_log::actor_id.eq(entry.actor_id.map(|a| a.to_string())),
            moderation_log::action.eq(entry.action.as_str()),
            moderation_log::target_kind.eq(entry.target_kind.as_str()),
            moderation_log::target_id.eq(entry.target_id.to_string()),
            moderation_log::reason.eq(entry.reason.as_deref()),
            moderation_log::created_at.eq(to_db(entry.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Where a page of the log starts: after this time and id (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogCursor {
    pub created_at: DateTime<Utc>,
    pub id: Uuid,
}

/// A neighbourhood's moderation log, oldest first, one page at a time.
pub fn log_page(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    after: Option<&LogCursor>,
    limit: usize,
) -> Result<(Vec<LogEntry>, Option<LogCursor>), PersistenceError> {
    let mut query = moderation_log::table
        .filter(moderation_log::neighbourhood_id.eq(neighbourhood.to_string()))
        .order((moderation_log::created_at, moderation_log::id))
        .limit(i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX))
        .select(moderation_log::all_columns)
        .into_boxed::<MultiBackend>();
    if let Some(after) = after {
        let at = to_db(after.created_at);
        query = query.filter(crate::keyset::after(
            (moderation_log::created_at, moderation_log::id),
            (at, after.id.to_string()),
        ));
    }
    type Row = (
        Stored<Uuid>,
        Stored<NeighbourhoodId>,
        Option<Stored<UserId>>,
        Stored<LogAction>,
        Stored<TargetKind>,
        Stored<Uuid>,
        Option<String>,
        NaiveDateTime,
    );
    let rows: Vec<Row> = query.load(conn)?;
    let mut entries: Vec<LogEntry> = rows
        .into_iter()
        .map(|row| LogEntry {
            id: row.0.0,
            neighbourhood_id: row.1.0,
            actor_id: row.2.map(|a| a.0),
            action: row.3.0,
            target_kind: row.4.0,
            target_id: row.5.0,
            reason: row.6,
            created_at: from_db(row.7),
        })
        .collect();
    let next = if entries.len() > limit {
        entries.truncate(limit);
        entries.last().map(|entry| LogCursor {
            created_at: entry.created_at,
            id: entry.id,
        })
    } else {
        None
    };
    Ok((entries, next))
}
