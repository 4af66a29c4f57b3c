//! Use cases of moderation: reporting posts, messages and members; the moderators' queue;
//! resolving a target's reports (dismiss, hide, remove, warn, suspend, remove from the
//! neighbourhood) with a statement of reasons; the one appeal; the moderation log; posts held
//! for review; and the per-user write limits every write use case takes first.

use buurt_domain::accounts::UserId;
use buurt_domain::effects::moderation::ModerationEvent;
use buurt_domain::matching::MatchId;
use buurt_domain::membership::{MembershipStatus, Role};
use buurt_domain::moderation::{
    AppealOutcome, AppealRefusal, LogAction, MAX_SUSPENSION_DAYS, REVIEWED_FIRST_POSTS,
    ReportReason, Resolution, TargetKind, WriteKind, WriteLimits, check_appeal_decision,
};
use buurt_domain::neighbourhoods::{Neighbourhood, NeighbourhoodId};
use buurt_domain::policy::{Action, Actor};
use buurt_domain::posts::PostId;
use buurt_domain::value;
use buurt_persistence::moderation::{
    self as repo, Decision, LogCursor, LogEntry, NewReport, QueueCursor, QueueEntry, ReportRecord,
};
use buurt_persistence::{
    DbConnection, PersistenceError, accounts, in_write_transaction, matching, memberships, posts,
};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::{AppError, Cx, ErrorCode, FieldErrors, FieldIssue, outbox};

/// The refusal for an actor who may not do something: `membership_pending` for someone whose
/// request to join waits for a moderator, `forbidden` for everyone else.
pub fn refusal(actor: &Actor) -> AppError {
    if actor.pending() {
        ErrorCode::MembershipPending.into()
    } else {
        ErrorCode::Forbidden.into()
    }
}

/// `Ok` when `actor` may do `action`, else the refusal.
pub fn permit(actor: &Actor, action: Action) -> Result<(), AppError> {
    if actor.may(action) {
        Ok(())
    } else {
        Err(refusal(actor))
    }
}

/// Counts one write of `kind` by `user` against their limit, or refuses it (429 with the wait)
/// when the limit is reached. Call it inside the write's transaction: the user's row lock
/// makes counting and recording one step, so concurrent writes pass exactly up to the limit,
/// and a write that fails later rolls its count back with it.
pub fn take_write(
    conn: &mut DbConnection,
    user: UserId,
    kind: WriteKind,
    limits: WriteLimits,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    accounts::lock_user(conn, user)?;
    // Only the newest as many as the limit allows decide (none when there is no limit): a
    // write costs the same however many the user made within the window.
    let newest = limits.policy(kind).max_failures;
    let recent = repo::recent_writes(conn, user, kind, now - kind.window(), newest)?;
    if let Some(wait) = limits.wait(kind, &recent, now) {
        return Err(AppError::refused_for(ErrorCode::WriteLimitReached, wait));
    }
    repo::record_write(conn, user, kind, now)?;
    Ok(())
}

/// Appends to the moderation log.
#[allow(clippy::too_many_arguments)]
pub fn log(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    actor: Option<UserId>,
    action: LogAction,
    target_kind: TargetKind,
    target_id: Uuid,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    repo::append_log(
        conn,
        &LogEntry {
            id: Uuid::new_v4(),
            neighbourhood_id: neighbourhood,
            actor_id: actor,
            action,
            target_kind,
            target_id,
            reason: reason.map(str::to_owned),
            created_at: now,
        },
    )
}

fn moderators_of(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
) -> Result<Vec<UserId>, PersistenceError> {
    memberships::active_with_role(conn, neighbourhood, Role::Moderator)
}

/// What a reporter says: a reason from the list and, maybe, a few words.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    pub reason: ReportReason,
    pub details: Option<&'a str>,
}

impl ReportInput<'_> {
    fn details(&self) -> Result<Option<String>, AppError> {
        let mut errors = FieldErrors::default();
        // Blank details are no details.
        let details = self.details.filter(|text| !text.trim().is_empty());
        let details = errors.check_optional("details", details, |raw| {
            value::bounded_text(raw, 1000, true)
        });
        errors.finish()?;
        Ok(details.flatten())
    }
}

/// Stores a report (once per reporter and target while open), counts it against the
/// reporter's limit, and tells the moderators when the target is new in their queue.
fn file_report(
    cx: &mut Cx<'_>,
    input: ReportInput<'_>,
    find: impl FnOnce(&mut DbConnection) -> Result<NewReportTarget, AppError>,
) -> Result<ReportRecord, AppError> {
    let routes = cx.routes();
    let details = input.details()?;
    let now = cx.now();
    let limits = cx.limits();
    in_write_transaction(cx.conn, |conn| {
        let target = find(conn)?;
        let report = NewReport {
            neighbourhood: target.neighbourhood,
            reporter: target.reporter,
            target_kind: target.kind,
            target_id: target.id,
            member: target.member,
            post: target.post,
            about_match: target.about_match,
            reason: input.reason,
            details: details.as_deref(),
        };
        take_write(conn, report.reporter, WriteKind::Report, limits, now)?;
        let id = repo::insert_report(conn, &report, now)?.ok_or(ErrorCode::AlreadyReported)?;
        if repo::open_reports_on(conn, report.target_kind, report.target_id)? == 1 {
            let moderators = moderators_of(conn, report.neighbourhood)?;
            let event = ModerationEvent::Queued { moderators };
            outbox::record(conn, &event.effects(report.post, now), routes)?;
        }
        repo::find_report(conn, id)?.ok_or(AppError::NotFound)
    })
}

/// What a report is about, found and checked.
struct NewReportTarget {
    neighbourhood: NeighbourhoodId,
    reporter: UserId,
    kind: TargetKind,
    id: Uuid,
    member: UserId,
    post: Option<PostId>,
    about_match: Option<MatchId>,
}

/// `caller` (who reads the post and belongs to its neighbourhood) reports it.
pub fn report_post(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: PostId,
    input: ReportInput<'_>,
) -> Result<ReportRecord, AppError> {
    file_report(cx, input, |conn| {
        let (found, actor) = crate::posts::visible_post_as(conn, caller, id)?;
        permit(&actor, Action::ReportPost)?;
        Ok(NewReportTarget {
            neighbourhood: found.post.neighbourhood_id,
            reporter: caller,
            kind: TargetKind::Post,
            id: id.0,
            member: found.post.author_id,
            post: Some(id),
            about_match: None,
        })
    })
}

/// `caller` (a party of the match) reports a message the other party wrote in its thread.
pub fn report_message(
    cx: &mut Cx<'_>,
    caller: UserId,
    about_match: MatchId,
    message: Uuid,
    input: ReportInput<'_>,
) -> Result<ReportRecord, AppError> {
    file_report(cx, input, |conn| {
        let found = matching::find_match(conn, about_match)?
            .filter(|found| found.party_of(caller).is_some())
            .ok_or(AppError::NotFound)?;
        let (in_match, author, request) =
            repo::find_message(conn, message)?.ok_or(AppError::NotFound)?;
        if in_match != found.id {
            return Err(AppError::NotFound);
        }
        if author == caller {
            return Err(own_words());
        }
        let request = posts::find_post(conn, request)?.ok_or(AppError::NotFound)?;
        Ok(NewReportTarget {
            neighbourhood: request.neighbourhood_id,
            reporter: caller,
            kind: TargetKind::Message,
            id: message,
            member: author,
            post: None,
            about_match: Some(found.id),
        })
    })
}

fn own_words() -> AppError {
    AppError::invalid(
        "target",
        FieldIssue::InvalidValue(crate::text::Text::new(
            "someone else (you cannot report yourself)",
            "iemand anders (uzelf melden kan niet)",
        )),
    )
}

/// `caller` (a member of `neighbourhood`) reports `member` (a member there too).
pub fn report_member(
    cx: &mut Cx<'_>,
    caller: UserId,
    member: UserId,
    neighbourhood: NeighbourhoodId,
    input: ReportInput<'_>,
) -> Result<ReportRecord, AppError> {
    file_report(cx, input, |conn| {
        let place = crate::posts::neighbourhood(conn, neighbourhood)?;
        permit(
            &memberships::actor(conn, caller, &place)?,
            Action::ReportPost,
        )?;
        if memberships::find_membership(conn, neighbourhood, member)?.is_none() {
            return Err(AppError::NotFound);
        }
        if member == caller {
            return Err(own_words());
        }
        Ok(NewReportTarget {
            neighbourhood,
            reporter: caller,
            kind: TargetKind::Member,
            id: member.0,
            member,
            post: None,
            about_match: None,
        })
    })
}

fn moderated_place(
    conn: &mut DbConnection,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
) -> Result<Neighbourhood, AppError> {
    let place = crate::posts::neighbourhood(conn, neighbourhood)?;
    permit(&memberships::actor(conn, caller, &place)?, Action::Moderate)?;
    Ok(place)
}

/// One target in the queue and its open reports, oldest first.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub entry: QueueEntry,
    pub reports: Vec<ReportRecord>,
}

/// The neighbourhood's queue (moderators there, administrators): open reports grouped per
/// target, the longest waiting first; two queries a page.
pub fn list_queue(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    after: Option<&QueueCursor>,
    limit: usize,
) -> Result<(Vec<QueueItem>, Option<QueueCursor>), AppError> {
    let conn = &mut *cx.conn;
    moderated_place(conn, caller, neighbourhood)?;
    let (entries, next) = repo::queue(conn, neighbourhood, after, limit)?;
    let targets: Vec<Uuid> = entries.iter().map(|e| e.target_id).collect();
    let mut reports = repo::open_reports_for(conn, neighbourhood, &targets)?;
    let items = entries
        .into_iter()
        .map(|entry| {
            let (mine, rest) = reports.drain(..).partition(|r: &ReportRecord| {
                r.target_id == entry.target_id && r.target_kind == entry.target_kind
            });
            reports = rest;
            QueueItem {
                entry,
                reports: mine,
            }
        })
        .collect();
    Ok((items, next))
}

/// What a moderator decides.
#[derive(Debug, Clone, Copy)]
pub struct ResolveInput<'a> {
    pub resolution: Resolution,
    pub reason: &'a str,
    /// Days of suspension from posting (`suspend` only).
    pub suspend_days: Option<u32>,
}

fn reason_text(field: &str, raw: &str) -> Result<String, AppError> {
    let mut errors = FieldErrors::default();
    let text = errors.check(field, value::bounded_text(raw, 2000, true));
    errors.finish()?;
    Ok(text.unwrap_or_default())
}

/// A moderator of the report's neighbourhood (or an administrator) resolves every open report
/// on its target at once, with a reason: the reporters are told the outcome, the member
/// concerned what was done and why, and the log gets the step.
pub fn resolve(
    cx: &mut Cx<'_>,
    caller: UserId,
    report: Uuid,
    input: ResolveInput<'_>,
) -> Result<Decision, AppError> {
    let routes = cx.routes();
    let mut errors = FieldErrors::default();
    errors.check("reason", value::bounded_text(input.reason, 2000, true));
    let days = match (input.resolution, input.suspend_days) {
        (Resolution::Suspend, Some(days)) if (1..=MAX_SUSPENSION_DAYS).contains(&days) => {
            Some(days)
        }
        (Resolution::Suspend, Some(_)) => {
            errors.push("suspend_days", FieldIssue::OutOfRange);
            None
        }
        (Resolution::Suspend, None) => {
            errors.push("suspend_days", FieldIssue::Required);
            None
        }
        (_, Some(_)) => {
            errors.push(
                "suspend_days",
                FieldIssue::InvalidValue(crate::text::Text::new(
                    "only with the resolution suspend",
                    "alleen bij de afhandeling suspend",
                )),
            );
            None
        }
        (_, None) => None,
    };
    errors.finish()?;
    let reason = input.reason.trim().to_owned();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let found = repo::find_report(conn, report)?.ok_or(AppError::NotFound)?;
        let place = crate::posts::neighbourhood(conn, found.neighbourhood_id)?;
        let actor = memberships::actor(conn, caller, &place)?;
        if !actor.may(Action::Moderate) {
            // Reporters and everyone else learn nothing of reports that are not theirs.
            return Err(if actor.may(Action::ReportPost) {
                ErrorCode::Forbidden.into()
            } else {
                AppError::NotFound
            });
        }
        if !input.resolution.fits(found.target_kind) {
            return Err(AppError::invalid(
                "resolution",
                FieldIssue::InvalidValue(crate::text::Text::new(
                    "one that fits the target: hide_post for posts, remove_message for \
                     messages; dismiss, warn, suspend or remove_member for any",
                    "een die bij het doel past: hide_post voor berichten, remove_message voor \
                     chatberichten; dismiss, warn, suspend of remove_member voor alles",
                )),
            ));
        }
        let reporters = repo::open_reporters(conn, found.target_kind, found.target_id)?;
        let id = Uuid::new_v4();
        // Two moderators at once: the second finds nothing open and is told so.
        if repo::resolve_open_reports(conn, found.target_kind, found.target_id, id, now)? == 0 {
            return Err(ErrorCode::ReportAlreadyResolved.into());
        }
        let member = found.member_id;
        let until = days.map(|days| now + Duration::days(i64::from(days)));
        apply(conn, &found, input.resolution, id, until, now)?;
        let decision = Decision {
            id,
            neighbourhood_id: found.neighbourhood_id,
            target_kind: found.target_kind,
            target_id: found.target_id,
            member_id: member,
            resolution: input.resolution,
            reason: reason.clone(),
            suspended_until: until,
            decided_by: Some(caller),
            decided_at: now,
            appeal_text: None,
            appealed_at: None,
            appeal_outcome: None,
            appeal_reason: None,
            appeal_decided_by: None,
            appeal_decided_at: None,
        };
        repo::insert_decision(conn, &decision)?;
        let (log_kind, log_target) = log_target(&found);
        log(
            conn,
            found.neighbourhood_id,
            Some(caller),
            input.resolution.log_action(),
            log_kind,
            log_target,
            Some(&reason),
            now,
        )?;
        let event = ModerationEvent::Resolved {
            resolution: input.resolution,
            reporters,
            member,
        };
        outbox::record(conn, &event.effects(found.post_id, now), routes)?;
        Ok(decision)
    })
}

/// What a resolution's log entry names: the post or message, or the member for the steps
/// taken against a member.
fn log_target(report: &ReportRecord) -> (TargetKind, Uuid) {
    (report.target_kind, report.target_id)
}

/// Does what `resolution` says to the reported target and member.
fn apply(
    conn: &mut DbConnection,
    report: &ReportRecord,
    resolution: Resolution,
    decision: Uuid,
    until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let place = report.neighbourhood_id;
    match resolution {
        Resolution::Dismiss | Resolution::Warn => {}
        Resolution::HidePost => {
            posts::set_hidden(conn, PostId(report.target_id), true, now)?;
        }
        Resolution::RemoveMessage => repo::set_message_removed(conn, report.target_id, Some(now))?,
        Resolution::Suspend => {
            let until = until.ok_or(ErrorCode::BadRequest)?;
            repo::suspend_posting(conn, place, report.member_id, until, decision)?;
        }
        Resolution::RemoveMember => {
            if let Some(mut membership) =
                memberships::find_membership(conn, place, report.member_id)?
            {
                if membership.role == Role::Moderator
                    && membership.status == MembershipStatus::Active
                    && memberships::other_active_moderators(conn, place, report.member_id)? == 0
                {
                    return Err(ErrorCode::LastModerator.into());
                }
                // Removed: as one turned down, and back to resident should they return.
                membership.status = MembershipStatus::Rejected;
                membership.role = Role::Resident;
                membership.updated_at = now;
                memberships::update_membership(conn, &membership)?;
            }
        }
    }
    Ok(())
}

/// Undoes what `decision` did, after an overturned appeal.
fn undo(conn: &mut DbConnection, decision: &Decision, now: DateTime<Utc>) -> Result<(), AppError> {
    let place = decision.neighbourhood_id;
    match decision.resolution {
        Resolution::Dismiss | Resolution::Warn => {}
        Resolution::HidePost => {
            posts::set_hidden(conn, PostId(decision.target_id), false, now)?;
        }
        Resolution::RemoveMessage => repo::set_message_removed(conn, decision.target_id, None)?,
        Resolution::Suspend => repo::lift_posting_suspension(conn, place, decision.member_id)?,
        Resolution::RemoveMember => {
            if let Some(mut membership) =
                memberships::find_membership(conn, place, decision.member_id)?
                && membership.status == MembershipStatus::Rejected
            {
                membership.status = MembershipStatus::Active;
                membership.updated_at = now;
                memberships::update_membership(conn, &membership)?;
            }
        }
    }
    Ok(())
}

/// The reports `caller` made, newest first, with what came of each (at most 100).
pub fn my_reports(
    cx: &mut Cx<'_>,
    caller: UserId,
) -> Result<Vec<(ReportRecord, Option<Resolution>)>, AppError> {
    Ok(repo::reports_by(cx.conn, caller, 100)?)
}

/// A decision as the member concerned reads it: with the reasons of the reports behind it.
#[derive(Debug, Clone)]
pub struct Statement {
    pub decision: Decision,
    pub report_reasons: Vec<ReportReason>,
}

/// The decisions about `caller` (never dismissals), newest first (at most 100).
pub fn my_decisions(cx: &mut Cx<'_>, caller: UserId) -> Result<Vec<Statement>, AppError> {
    let decisions = repo::decisions_about(cx.conn, caller, 100)?;
    let ids: Vec<Uuid> = decisions.iter().map(|decision| decision.id).collect();
    let mut reasons = repo::reasons_of_decisions(cx.conn, &ids)?;
    Ok(decisions
        .into_iter()
        .map(|decision| Statement {
            report_reasons: reasons.remove(&decision.id).unwrap_or_default(),
            decision,
        })
        .collect())
}

/// The grounds of a decision: the reasons of the reports it resolved.
pub fn grounds(cx: &mut Cx<'_>, decision: Uuid) -> Result<Vec<ReportReason>, AppError> {
    Ok(repo::reasons_of_decision(cx.conn, decision)?)
}

/// The member concerned appeals a decision, once; the neighbourhood's moderators are told.
pub fn appeal(
    cx: &mut Cx<'_>,
    caller: UserId,
    decision: Uuid,
    text: &str,
) -> Result<Decision, AppError> {
    let routes = cx.routes();
    let text = reason_text("text", text)?;
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let found = repo::find_decision(conn, decision)?
            .filter(|d| d.member_id == caller && d.resolution.concerns_member())
            .ok_or(AppError::NotFound)?;
        if !repo::appeal(conn, decision, &text, now)? {
            return Err(ErrorCode::AlreadyAppealed.into());
        }
        log(
            conn,
            found.neighbourhood_id,
            Some(caller),
            LogAction::AppealFiled,
            found.target_kind,
            found.target_id,
            Some(&text),
            now,
        )?;
        let moderators = moderators_of(conn, found.neighbourhood_id)?
            .into_iter()
            .filter(|m| Some(*m) != found.decided_by)
            .collect();
        let post = (found.target_kind == TargetKind::Post).then_some(PostId(found.target_id));
        outbox::record(
            conn,
            &ModerationEvent::Appealed { moderators }.effects(post, now),
            routes,
        )?;
        repo::find_decision(conn, decision)?.ok_or(AppError::NotFound)
    })
}

/// Another moderator of the neighbourhood, or an administrator, decides an appeal: upheld, or
/// overturned (what was done is undone). Who took the decision never decides its appeal.
pub fn decide_appeal(
    cx: &mut Cx<'_>,
    caller: UserId,
    decision: Uuid,
    outcome: AppealOutcome,
    reason: &str,
) -> Result<Decision, AppError> {
    let routes = cx.routes();
    let reason = reason_text("reason", reason)?;
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let found = repo::find_decision(conn, decision)?.ok_or(AppError::NotFound)?;
        let place = crate::posts::neighbourhood(conn, found.neighbourhood_id)?;
        let actor = memberships::actor(conn, caller, &place)?;
        if !actor.may(Action::Moderate) {
            return Err(if found.member_id == caller {
                ErrorCode::Forbidden.into()
            } else {
                refusal(&actor)
            });
        }
        check_appeal_decision(
            found.decided_by,
            found.appealed_at.is_some(),
            found.appeal_outcome.is_some(),
            caller,
        )
        .map_err(|refused| match refused {
            AppealRefusal::NotAppealed => ErrorCode::NotAppealed,
            AppealRefusal::AlreadyDecided => ErrorCode::AppealAlreadyDecided,
            AppealRefusal::SameModerator => ErrorCode::SameModerator,
        })?;
        if !repo::decide_appeal(conn, decision, outcome, &reason, caller, now)? {
            return Err(ErrorCode::AppealAlreadyDecided.into());
        }
        let action = match outcome {
            AppealOutcome::Upheld => LogAction::AppealUpheld,
            AppealOutcome::Overturned => LogAction::AppealOverturned,
        };
        let (kind, target) = (found.target_kind, found.target_id);
        log(
            conn,
            place.id,
            Some(caller),
            action,
            kind,
            target,
            Some(&reason),
            now,
        )?;
        if outcome == AppealOutcome::Overturned {
            undo(conn, &found, now)?;
            if let Some(undone) = found.resolution.undo_action() {
                log(
                    conn,
                    place.id,
                    Some(caller),
                    undone,
                    kind,
                    target,
                    Some(&reason),
                    now,
                )?;
            }
        }
        let post = (kind == TargetKind::Post).then_some(PostId(target));
        let event = ModerationEvent::AppealDecided {
            member: found.member_id,
        };
        outbox::record(conn, &event.effects(post, now), routes)?;
        repo::find_decision(conn, decision)?.ok_or(AppError::NotFound)
    })
}

/// A page of the neighbourhood's moderation log, oldest first (moderators there,
/// administrators).
pub fn list_log(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    after: Option<&LogCursor>,
    limit: usize,
) -> Result<(Vec<LogEntry>, Option<LogCursor>), AppError> {
    moderated_place(cx.conn, caller, neighbourhood)?;
    Ok(repo::log_page(cx.conn, neighbourhood, after, limit)?)
}

/// The posts of the neighbourhood waiting for review (moderators there, administrators).
pub fn list_held_posts(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
) -> Result<Vec<(PostId, UserId, DateTime<Utc>)>, AppError> {
    moderated_place(cx.conn, caller, neighbourhood)?;
    Ok(repo::held_posts(cx.conn, neighbourhood)?)
}

/// Sets whether the neighbourhood holds new members' first posts for a moderator.
pub fn set_first_posts_reviewed(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    reviewed: bool,
) -> Result<bool, AppError> {
    in_write_transaction(cx.conn, |conn| {
        let place = crate::posts::neighbourhood(conn, neighbourhood)?;
        permit(
            &memberships::actor(conn, caller, &place)?,
            Action::ChangeSettings,
        )?;
        repo::set_first_posts_reviewed(conn, neighbourhood, reviewed)?;
        Ok(reviewed)
    })
}

/// Whether the neighbourhood holds new members' first posts.
pub fn first_posts_reviewed(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
) -> Result<bool, AppError> {
    Ok(repo::first_posts_reviewed(conn, neighbourhood)?)
}

/// Before `author` posts in `neighbourhood`: refused while suspended from posting there, and
/// counted against the post limit. Returns whether the post is to be held for review (a new
/// member's first posts where the neighbourhood asks for it; never a moderator's).
pub fn before_posting(
    conn: &mut DbConnection,
    actor: &Actor,
    neighbourhood: NeighbourhoodId,
    limits: WriteLimits,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let author = actor.user_id;
    if repo::posting_suspended_until(conn, neighbourhood, author, now)?.is_some() {
        return Err(ErrorCode::PostingSuspended.into());
    }
    take_write(conn, author, WriteKind::Post, limits, now)?;
    Ok(!actor.may(Action::Moderate)
        && repo::first_posts_reviewed(conn, neighbourhood)?
        && repo::posts_by(conn, neighbourhood, author)? < REVIEWED_FIRST_POSTS)
}

/// After a post was written hidden for review: it waits, the moderators are told, and the log
/// has it.
pub fn hold(
    conn: &mut DbConnection,
    post: PostId,
    neighbourhood: NeighbourhoodId,
    author: UserId,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<(), AppError> {
    repo::hold_post(conn, post, neighbourhood, author, now)?;
    log(
        conn,
        neighbourhood,
        None,
        LogAction::HoldPost,
        TargetKind::Post,
        post.0,
        None,
        now,
    )?;
    let moderators = moderators_of(conn, neighbourhood)?;
    outbox::record(
        conn,
        &ModerationEvent::Held { moderators }.effects(Some(post), now),
        routes,
    )?;
    Ok(())
}

/// Logs a moderator's hide or unhide of a post; unhiding a held post approves it.
pub fn hidden_changed(
    conn: &mut DbConnection,
    by: UserId,
    post: PostId,
    neighbourhood: NeighbourhoodId,
    hidden: bool,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let action = if hidden {
        LogAction::HidePost
    } else if repo::release_post(conn, post, by, now)? {
        LogAction::ApprovePost
    } else {
        LogAction::UnhidePost
    };
    log(
        conn,
        neighbourhood,
        Some(by),
        action,
        TargetKind::Post,
        post.0,
        None,
        now,
    )?;
    Ok(())
}
