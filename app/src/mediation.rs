//! Use cases of mediation: escalating a request to a case, the queue, working a case through
//! to its outcome, private notes, referrals, the audit log, consents and the escalation job.
//!
//! Every writer of a case takes its request's row first (`lock_request`): accepting a match
//! locks the request and then resolves its case, so they queue instead of deadlocking. Who
//! may do what is checked under that lock, on the state the change applies to.

use buurt_domain::accounts::UserId;
use buurt_domain::effects::mediation::CaseEvent;
use buurt_domain::mediation::{
    Case, CaseAction, CaseId, CaseStatus, ConsentKind, EscalateRefusal, EscalatedBy,
    IllegalCaseTransition, MATCHED_ONLINE_SUMMARY, Outcome, due_for_escalation,
    request_event_on_resolve, withdrawal_summary,
};
use buurt_domain::neighbourhoods::{Neighbourhood, NeighbourhoodId};
use buurt_domain::policy::{Action, CaseTies};
use buurt_domain::posts::{Post, PostEvent, PostId, PostKind, PostStatus};
use buurt_domain::value::bounded_text;
use buurt_persistence::mediation::{self as repo, CaseWithTitle};
use buurt_persistence::{
    DbConnection, accounts, in_write_transaction, memberships, neighbourhoods, posts,
};
use chrono::{DateTime, Utc};

pub use buurt_persistence::mediation::{AuditEntry, ConsentChange, ConsentRecord, Note};

use crate::error::{AppError, ErrorCode, FieldIssue};
use crate::{Cx, outbox};

/// The most cases one queue shows.
pub const QUEUE_SIZE: usize = 200;

impl From<EscalateRefusal> for AppError {
    fn from(refusal: EscalateRefusal) -> Self {
        match refusal {
            EscalateRefusal::AlreadyOpen => Self::Refused(ErrorCode::AlreadyEscalated),
            EscalateRefusal::NotOpen => Self::Refused(ErrorCode::RequestNotOpen),
        }
    }
}

impl From<IllegalCaseTransition> for AppError {
    fn from(_: IllegalCaseTransition) -> Self {
        Self::Refused(ErrorCode::IllegalTransition)
    }
}

/// A case as it is shown: with its request's title, and whether its follow-up is overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseView {
    pub case: Case,
    pub request_title: String,
    pub overdue: bool,
    /// issue 20 (h20a): how to reach the requester, for the case's mediators only (`GET
    /// /v1/cases/{id}`, audited); `None` everywhere else.
    pub requester: Option<buurt_persistence::workbench::RequesterContact>,
}

impl CaseView {
    fn new(found: CaseWithTitle, now: DateTime<Utc>) -> Self {
        Self {
            overdue: found.case.is_overdue(now),
            case: found.case,
            request_title: found.request_title,
            requester: None,
        }
    }
}

/// The case, with its title, as it is now.
fn view(conn: &mut DbConnection, id: CaseId, now: DateTime<Utc>) -> Result<CaseView, AppError> {
    let found = repo::find_case_with_title(conn, id)?.ok_or(AppError::NotFound)?;
    Ok(CaseView::new(found, now))
}

/// `user` may see the case (404 otherwise, as for a case that does not exist) and do
/// `action` to it (403 otherwise). Returns its neighbourhood.
fn check_access(
    conn: &mut DbConnection,
    user: UserId,
    case: &Case,
    action: impl FnOnce(CaseTies) -> Action,
) -> Result<Neighbourhood, AppError> {
    let place = neighbourhoods::find_neighbourhood(conn, case.neighbourhood_id)?
        .ok_or(AppError::NotFound)?;
    let actor = memberships::actor(conn, user, &place)?;
    let ties = CaseTies {
        requester: case.requester_id,
        referred: repo::is_referred(conn, case.id, user)?,
    };
    if !actor.may(Action::ViewCase(ties)) {
        return Err(AppError::NotFound);
    }
    if !actor.may(action(ties)) {
        return Err(ErrorCode::Forbidden.into());
    }
    Ok(place)
}

/// The case, read under its request's lock (taken here): the state a change applies to.
fn locked_case(conn: &mut DbConnection, id: CaseId) -> Result<Case, AppError> {
    let found = repo::find_case(conn, id)?.ok_or(AppError::NotFound)?;
    repo::lock_request(conn, found.request_id)?;
    repo::find_case(conn, id)?.ok_or(AppError::NotFound)
}

/// Hands a request to the mediators: its author, or a mediator of its neighbourhood. The
/// request goes to `in_mediation`, the mediators are told.
pub fn escalate(
    cx: &mut Cx<'_>,
    caller: UserId,
    request: PostId,
    reason: Option<String>,
) -> Result<CaseView, AppError> {
    let routes = cx.routes();
    let reason = reason
        .filter(|r| !r.trim().is_empty())
        .map(|r| bounded_text(&r, 1000, true).map_err(|e| AppError::invalid("reason", e.into())))
        .transpose()?;
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        repo::lock_request(conn, request)?;
        let post = posts::find_post(conn, request)?.ok_or(AppError::NotFound)?;
        let place = neighbourhoods::find_neighbourhood(conn, post.neighbourhood_id)?
            .ok_or(AppError::NotFound)?;
        let actor = memberships::actor(conn, caller, &place)?;
        if !actor.reader().may_see(&post) {
            return Err(AppError::NotFound);
        }
        if post.content.kind != PostKind::Request {
            return Err(ErrorCode::NotARequest.into());
        }
        let author = post.author_id;
        crate::moderation::permit(&actor, Action::EscalateRequest { author })?;
        // Whoever else may escalate it mediates here.
        let by = if author == caller {
            EscalatedBy::Requester
        } else {
            EscalatedBy::Mediator
        };
        let case = escalate_within(
            conn,
            request,
            by,
            Some(caller),
            reason.as_deref(),
            now,
            routes,
        )??;
        view(conn, case.id, now)
    })
}

/// Turns the request into a case, inside the caller's transaction (the request's row is locked
/// first). The refusal says why not. (A seam other areas call: creating a care request opens
/// its case in the same transaction.)
pub fn escalate_within(
    conn: &mut DbConnection,
    request: PostId,
    by: EscalatedBy,
    actor: Option<UserId>,
    reason: Option<&str>,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<Result<Case, EscalateRefusal>, AppError> {
    repo::lock_request(conn, request)?;
    let Some(post) = posts::find_post(conn, request)? else {
        return Ok(Err(EscalateRefusal::NotOpen));
    };
    if repo::open_case_of(conn, request)?.is_some() {
        return Ok(Err(EscalateRefusal::AlreadyOpen));
    }
    if post.content.kind != PostKind::Request || post.status != PostStatus::Open {
        return Ok(Err(EscalateRefusal::NotOpen));
    }
    if !matches!(
        crate::posts::apply_post_event(conn, request, PostEvent::Escalate, now, routes)?,
        Some(Ok(_))
    ) {
        return Ok(Err(EscalateRefusal::NotOpen));
    }
    let case = Case {
        id: CaseId(uuid::Uuid::new_v4()),
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
    repo::insert_case(conn, &case)?;
    repo::audit(conn, case.id, actor, &repo::escalate_action(by), now)?;
    let mediators = repo::mediators_of(conn, case.neighbourhood_id)?;
    outbox::record(
        conn,
        &CaseEvent::Escalated { mediators }.effects(&case, now),
        routes,
    )?;
    Ok(Ok(case))
}

/// The job: open requests unmatched for as long as their neighbourhood's escalation rule for
/// their category says go to the mediators, each in its own transaction (a category that never
/// escalates by itself stays). Returns how many.
pub fn escalate_stale_requests(cx: &mut Cx<'_>) -> Result<usize, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    let candidates = buurt_persistence::escalation::stale_request_candidates(cx.conn, now)?;
    let mut places: Vec<NeighbourhoodId> = candidates.iter().map(|c| c.neighbourhood).collect();
    places.sort_unstable_by_key(|place| place.0);
    places.dedup();
    let rules = buurt_persistence::escalation::rules_of_many(cx.conn, &places)?;
    let mut escalated = 0;
    for candidate in candidates {
        let Some(days) = rules
            .get(&candidate.neighbourhood)
            .and_then(|rules| rules.rule_for(candidate.category).after_days())
        else {
            continue;
        };
        let request = candidate.request;
        let done = in_write_transaction(cx.conn, |conn| {
            repo::lock_request(conn, request)?;
            // Judged again under the lock: it may have been answered or hidden since.
            let Some(post) = posts::find_post(conn, request)? else {
                return Ok::<_, AppError>(false);
            };
            if !due_for_escalation(&post, days, now) {
                return Ok(false);
            }
            Ok(escalate_within(conn, request, EscalatedBy::Job, None, None, now, routes)?.is_ok())
        })?;
        escalated += usize::from(done);
    }
    Ok(escalated)
}

/// A neighbourhood's queue (its mediators and administrators; a professional of its
/// municipality sees only the cases referred to them): open cases, or those with `status`; overdue follow-ups first, then oldest
/// first. Seeing a case in the queue is a read of it, audited.
pub fn case_queue(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    status: Option<CaseStatus>,
) -> Result<Vec<CaseView>, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let place =
            neighbourhoods::find_neighbourhood(conn, neighbourhood)?.ok_or(AppError::NotFound)?;
        let actor = memberships::actor(conn, caller, &place)?;
        if !actor.may(Action::ListCases) {
            return Err(ErrorCode::Forbidden.into());
        }
        // A professional's queue holds only the cases referred to them.
        let referred_to = (!actor.may(Action::ListAllCases)).then_some(caller);
        let found = repo::queue(conn, neighbourhood, status, referred_to, QUEUE_SIZE)?;
        let ids: Vec<CaseId> = found.iter().map(|f| f.case.id).collect();
        repo::audit_each(conn, &ids, Some(caller), "read_queue", now)?;
        let mut views: Vec<CaseView> = found.into_iter().map(|f| CaseView::new(f, now)).collect();
        views.sort_by_key(|view| {
            let overdue = view.overdue.then_some(view.case.follow_up_at).flatten();
            (!view.overdue, overdue, view.case.created_at)
        });
        Ok(views)
    })
}

/// One case (mediators here, administrators, the professionals it is referred to, and the
/// requester). Every read is audited. Its mediators see how to reach the requester too, and
/// that is audited as well (`read_requester_contact`).
pub fn get_case(cx: &mut Cx<'_>, caller: UserId, id: CaseId) -> Result<CaseView, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let found = repo::find_case_with_title(conn, id)?.ok_or(AppError::NotFound)?;
        let place = check_access(conn, caller, &found.case, Action::ViewCase)?;
        repo::audit(conn, id, Some(caller), "read_case", now)?;
        let actor = memberships::actor(conn, caller, &place)?;
        let requester = crate::workbench::requester_contact_for(conn, &actor, &found.case, now)?;
        Ok(CaseView {
            requester,
            ..CaseView::new(found, now)
        })
    })
}

/// Claims a new case (a mediator of its neighbourhood). Of two claims at once, one wins; the
/// requester is told.
pub fn claim_case(cx: &mut Cx<'_>, caller: UserId, id: CaseId) -> Result<CaseView, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let case = locked_case(conn, id)?;
        check_access(conn, caller, &case, |_| Action::WorkCase)?;
        step(
            conn,
            &case,
            caller,
            CaseAction::Claim,
            StepDetails::default(),
            now,
            routes,
        )?;
        view(conn, id, now)
    })
}

/// The status a mediator asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WantedStatus {
    /// Only ever a new follow-up date (claiming is `claim_case`).
    Claimed,
    InProgress,
    Resolved,
}

/// A change of a case's status, as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub status: WantedStatus,
    pub outcome: Option<Outcome>,
    pub summary: Option<String>,
    /// `Some(None)`: no follow-up date any more.
    pub follow_up_at: Option<Option<DateTime<Utc>>>,
}

impl StatusChange {
    /// The action asked for and the resolution's summary, or what is wrong with the request.
    fn parse(self) -> Result<(CaseAction, Option<String>), AppError> {
        let StatusChange {
            status,
            outcome,
            summary,
            follow_up_at,
        } = self;
        let only_resolved = || FieldIssue::invalid("only with `resolved`", "alleen bij `resolved`");
        if status != WantedStatus::Resolved {
            if outcome.is_some() {
                return Err(AppError::invalid("outcome", only_resolved()));
            }
            if summary.is_some() {
                return Err(AppError::invalid("summary", only_resolved()));
            }
        }
        let summary = match status {
            WantedStatus::Resolved => {
                let summary = summary
                    .filter(|s| !s.trim().is_empty())
                    .ok_or_else(|| AppError::invalid("summary", FieldIssue::Required))?;
                let summary = bounded_text(&summary, 1000, true)
                    .map_err(|e| AppError::invalid("summary", e.into()))?;
                Some(summary)
            }
            WantedStatus::Claimed | WantedStatus::InProgress => None,
        };
        let action = match (status, outcome) {
            (WantedStatus::Resolved, Some(outcome)) => CaseAction::Resolve(outcome),
            (WantedStatus::Resolved, None) => {
                return Err(AppError::invalid("outcome", FieldIssue::Required));
            }
            (WantedStatus::InProgress, _) => CaseAction::Start,
            (WantedStatus::Claimed, _) if follow_up_at.is_none() => {
                return Err(AppError::invalid("follow_up_at", FieldIssue::Required));
            }
            (WantedStatus::Claimed, _) => CaseAction::Reschedule(CaseStatus::Claimed),
        };
        Ok((action, summary))
    }
}

/// Moves a case on (a mediator of its neighbourhood): in progress, resolved with an outcome
/// and a summary (its request following the outcome), or a new follow-up date.
pub fn set_case_status(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: CaseId,
    change: StatusChange,
) -> Result<CaseView, AppError> {
    let routes = cx.routes();
    let follow_up_at = change.follow_up_at;
    let (asked, summary) = change.parse()?;
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let case = locked_case(conn, id)?;
        check_access(conn, caller, &case, |_| Action::WorkCase)?;
        let action = asked.judged_against(case.status, follow_up_at.is_some());
        step(
            conn,
            &case,
            caller,
            action,
            StepDetails {
                summary: summary.as_deref(),
                follow_up_at,
            },
            now,
            routes,
        )?;
        view(conn, id, now)
    })
}

/// `resolve_case`: `set_case_status` to `resolved`.
pub fn resolve_case(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: CaseId,
    outcome: Outcome,
    summary: String,
) -> Result<CaseView, AppError> {
    let change = StatusChange {
        status: WantedStatus::Resolved,
        outcome: Some(outcome),
        summary: Some(summary),
        follow_up_at: None,
    };
    set_case_status(cx, caller, id, change)
}

/// What a step on a case may carry: the resolution's summary, and a follow-up date to set
/// (`Some(None)` clears it).
#[derive(Debug, Default, Clone, Copy)]
struct StepDetails<'a> {
    summary: Option<&'a str>,
    follow_up_at: Option<Option<DateTime<Utc>>>,
}

/// One step on `case`, read under its request's lock: conditional on the status it was decided
/// from, audited, with what follows it. Resolving moves the request on
/// (`request_event_on_resolve`); a request no longer in mediation stays as it is.
fn step(
    conn: &mut DbConnection,
    case: &Case,
    actor: UserId,
    action: CaseAction,
    details: StepDetails<'_>,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<(), AppError> {
    let StepDetails {
        summary,
        follow_up_at,
    } = details;
    let next = case.status.transition(action)?;
    let moved = match action {
        CaseAction::Claim => repo::move_case(conn, case.id, case.status, next, Some(actor), now)?,
        CaseAction::Start | CaseAction::Reschedule(_) => {
            repo::move_case(conn, case.id, case.status, next, None, now)?
        }
        CaseAction::Resolve(outcome) => {
            let summary = summary.unwrap_or_default();
            repo::resolve_case(conn, case.id, outcome, summary, now)?
        }
    };
    if !moved {
        return Err(ErrorCode::IllegalTransition.into());
    }
    if let Some(follow_up_at) = follow_up_at {
        repo::set_follow_up(conn, case.id, follow_up_at)?;
    }
    let by = Some(actor);
    match action {
        CaseAction::Claim => {
            repo::audit(conn, case.id, by, "claim", now)?;
            outbox::record(conn, &CaseEvent::Claimed.effects(case, now), routes)?;
        }
        CaseAction::Start => repo::audit(conn, case.id, by, "start", now)?,
        CaseAction::Reschedule(_) => repo::audit(conn, case.id, by, "reschedule", now)?,
        CaseAction::Resolve(outcome) => {
            repo::audit(conn, case.id, by, &repo::resolve_action(outcome), now)?;
            // The case's outcome is recorded before the request moves, so it is the one that
            // counts.
            let resolved = CaseEvent::Resolved { outcome, by };
            outbox::record(conn, &resolved.effects(case, now), routes)?;
            // A request that is not with the mediators (lasting help that lapsed: it stays
            // matched) stays as it is.
            if let Some(request) = posts::find_post(conn, case.request_id)?
                .filter(|request| request.status == PostStatus::InMediation)
            {
                let taken = repo::places_taken(conn, case.request_id)?;
                let needed = request.content.helpers_needed;
                let event = request_event_on_resolve(outcome, taken, needed);
                crate::posts::apply_post_event(conn, case.request_id, event, now, routes)?;
            }
        }
    }
    Ok(())
}

/// The request's open case, if any, ends as matched online (every helper place is taken).
/// Call it inside the transaction that holds the request. (A seam other areas call.)
pub fn resolve_matched_online(
    conn: &mut DbConnection,
    request: PostId,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<(), AppError> {
    let (outcome, summary) = (Outcome::MatchedOnline, MATCHED_ONLINE_SUMMARY);
    if let Some(case) = repo::resolve_open_case(conn, request, outcome, summary, None, now)? {
        outbox::record(
            conn,
            &CaseEvent::matched_online().effects(&case, now),
            routes,
        )?;
    }
    Ok(())
}

/// The request's open case, if any, ends as withdrawn (its request was closed by `by`). Call it
/// inside the transaction that holds the request, before the request changes. (A seam other
/// areas call.)
pub fn withdraw_case(
    conn: &mut DbConnection,
    request: &Post,
    by: UserId,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<(), AppError> {
    let summary = withdrawal_summary(request.author_id, by);
    let outcome = Outcome::Withdrawn;
    if let Some(case) = repo::resolve_open_case(conn, request.id, outcome, summary, Some(by), now)?
    {
        outbox::record(conn, &CaseEvent::withdrawn(by).effects(&case, now), routes)?;
    }
    Ok(())
}

/// A case's private notes, oldest first (mediators here and professionals it was referred
/// to). Every read is audited.
pub fn read_notes(cx: &mut Cx<'_>, caller: UserId, id: CaseId) -> Result<Vec<Note>, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let case = repo::find_case(conn, id)?.ok_or(AppError::NotFound)?;
        check_access(conn, caller, &case, Action::UseCaseNotes)?;
        repo::audit(conn, id, Some(caller), "read_notes", now)?;
        Ok(repo::notes_of(conn, id)?)
    })
}

/// Adds a private note (mediators here and referred professionals). Audited. A `working` note
/// is the writer's own aid and is left out of the requester's export.
pub fn add_note(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: CaseId,
    body: &str,
    working: bool,
) -> Result<Note, AppError> {
    let body = bounded_text(body, 5000, true).map_err(|e| AppError::invalid("body", e.into()))?;
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let case = repo::find_case(conn, id)?.ok_or(AppError::NotFound)?;
        check_access(conn, caller, &case, Action::UseCaseNotes)?;
        let note = repo::insert_note(conn, id, caller, &body, working, now)?;
        repo::audit(conn, id, Some(caller), "write_note", now)?;
        let author_name = accounts::find_user(conn, caller)?
            .map(|u| u.display_name.as_str().to_owned())
            .unwrap_or_default();
        Ok(Note {
            id: note,
            author_id: caller,
            author_name,
            body,
            working,
            created_at: now,
        })
    })
}

/// Refers a case to a professional of the neighbourhood's municipality (a mediator here),
/// with the requester's care-data consent. False when it was referred to them already.
pub fn refer_case(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: CaseId,
    professional: UserId,
) -> Result<bool, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let case = locked_case(conn, id)?;
        let place = check_access(conn, caller, &case, |_| Action::WorkCase)?;
        let municipalities = memberships::professional_municipalities(conn, professional)?;
        if !municipalities.contains(&place.draft.municipality_code) {
            return Err(AppError::invalid(
                "professional_id",
                FieldIssue::invalid(
                    "not a professional of this municipality",
                    "geen professional van deze gemeente",
                ),
            ));
        }
        // The consent holds until the referral is written: a withdrawal waits for it.
        repo::lock_consents_of(conn, case.requester_id)?;
        if !repo::has_consent(conn, case.requester_id, ConsentKind::CareData)? {
            return Err(ErrorCode::ConsentRequired.into());
        }
        let created = repo::insert_referral(conn, id, professional, caller, now)?;
        if created {
            repo::audit(conn, id, Some(caller), "refer", now)?;
            outbox::record(conn, &CaseEvent::Referred.effects(&case, now), routes)?;
        }
        Ok(created)
    })
}

/// Who read or wrote what of a case, oldest first (professionals of the municipality,
/// referred professionals, administrators). Reading it is recorded on it too, as the last
/// entry of what is returned.
pub fn read_audit(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: CaseId,
) -> Result<Vec<AuditEntry>, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let case = repo::find_case(conn, id)?.ok_or(AppError::NotFound)?;
        check_access(conn, caller, &case, Action::ReadCaseAudit)?;
        repo::audit(conn, id, Some(caller), "read_audit", now)?;
        Ok(repo::audit_entries(conn, id)?)
    })
}

// issue 20 (h20rest)
/// One step on a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub kind: buurt_domain::mediation::TimelineKind,
    pub row: repo::TimelineRow,
}

/// A case's timeline, oldest first (newest last): every step taken on it (escalation,
/// claiming, brokering, steps and messages for an offline resident, sessions, lapses,
/// follow-ups, resolution), who took it and which match it concerns; the reads stay in the
/// audit log. For the case's mediators (and who may read its audit log); reading it is
/// audited (`read_timeline`). Everyone else: not found, or forbidden when they may see the
/// case (its requester).
pub fn read_timeline(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: CaseId,
) -> Result<Vec<TimelineEntry>, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let case = repo::find_case(conn, id)?.ok_or(AppError::NotFound)?;
        check_access(conn, caller, &case, Action::ReadCaseTimeline)?;
        repo::audit(conn, id, Some(caller), "read_timeline", now)?;
        Ok(repo::timeline_rows(conn, id)?
            .into_iter()
            .filter_map(|row| {
                buurt_domain::mediation::TimelineKind::of_action(&row.action)
                    .map(|kind| TimelineEntry { kind, row })
            })
            .collect())
    })
}

/// Gives or withdraws a consent; returns all of `user`'s consents after the change. Withdrawing
/// care-data consent ends, in the same transaction, every referral of the user's cases (so
/// every professional's access to them), with an entry in each case's audit log; a new consent
/// does not bring them back: a mediator refers again.
pub fn set_consent(
    cx: &mut Cx<'_>,
    user: UserId,
    kind: ConsentKind,
    given: bool,
) -> Result<Vec<ConsentRecord>, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        repo::lock_consents_of(conn, user)?;
        let changed = repo::set_consent(conn, user, kind, given, now)?;
        if changed && !given && kind == ConsentKind::CareData {
            let ended = repo::end_referrals_of(conn, user)?;
            repo::audit_each(conn, &ended, Some(user), "consent_withdrawn", now)?;
        }
        Ok(repo::consents_of(conn, user)?)
    })
}

/// `user`'s consents: kind, when given, when withdrawn; and every change of them, oldest first.
pub fn list_consents(
    cx: &mut Cx<'_>,
    user: UserId,
) -> Result<(Vec<ConsentRecord>, Vec<ConsentChange>), AppError> {
    Ok((
        repo::consents_of(cx.conn, user)?,
        repo::consent_history(cx.conn, user)?,
    ))
}

/// Sets after how many days an unanswered request goes to the mediators (moderators of the
/// neighbourhood, administrators): 1 to 60.
pub fn set_escalate_after_days(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    days: u32,
) -> Result<u32, AppError> {
    if !(1..=60).contains(&days) {
        return Err(AppError::invalid(
            "escalate_after_days",
            FieldIssue::OutOfRange,
        ));
    }
    in_write_transaction(cx.conn, |conn| {
        let place =
            neighbourhoods::find_neighbourhood(conn, neighbourhood)?.ok_or(AppError::NotFound)?;
        if !memberships::actor(conn, caller, &place)?.may(Action::ChangeSettings) {
            return Err(ErrorCode::Forbidden.into());
        }
        repo::set_escalate_after_days(conn, neighbourhood, days)?;
        Ok(days)
    })
}

/// The case of a request as its author sees it on the request (nobody else does).
pub fn case_for_author(
    conn: &mut DbConnection,
    post: &Post,
    caller: Option<UserId>,
) -> Result<Option<Case>, AppError> {
    if caller != Some(post.author_id) || post.content.kind != PostKind::Request {
        return Ok(None);
    }
    Ok(repo::case_of_request(conn, post.id)?)
}

/// Lasting help on `request` lapsed (issue 20): its open case gets a follow-up now, or a new
/// case opens (by the job, with `reason`; the request stays as it is) and the mediators are
/// told. Audited as `arrangement_lapsed`. Call it inside the transaction that holds the
/// request. Returns the case. (A seam `arrangements` calls.)
pub fn follow_up_lapse(
    conn: &mut DbConnection,
    request: PostId,
    about: buurt_domain::matching::MatchId,
    reason: &str,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<CaseId, AppError> {
    repo::lock_request(conn, request)?;
    let case = match repo::open_case_of(conn, request)? {
        Some(case) => case,
        None => {
            let post = posts::find_post(conn, request)?.ok_or(AppError::NotFound)?;
            let case = Case {
                id: CaseId(uuid::Uuid::new_v4()),
                request_id: request,
                neighbourhood_id: post.neighbourhood_id,
                requester_id: post.author_id,
                status: CaseStatus::New,
                outcome: None,
                summary: None,
                reason: Some(reason.to_owned()),
                escalated_by: EscalatedBy::Job,
                claimed_by: None,
                follow_up_at: Some(now),
                created_at: now,
                updated_at: now,
            };
            repo::insert_case(conn, &case)?;
            // Opened for the lapse of lasting help: the case's timeline names its match.
            repo::audit_about(
                conn,
                case.id,
                None,
                &repo::escalate_action(EscalatedBy::Job),
                Some(about),
                now,
            )?;
            let mediators = repo::mediators_of(conn, case.neighbourhood_id)?;
            outbox::record(
                conn,
                &CaseEvent::Escalated { mediators }.effects(&case, now),
                routes,
            )?;
            case
        }
    };
    repo::set_follow_up(conn, case.id, Some(now))?;
    repo::audit_about(conn, case.id, None, "arrangement_lapsed", Some(about), now)?;
    Ok(case.id)
}
