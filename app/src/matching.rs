//! Use cases of matching: proposing a match, the steps of its lifecycle, its thread, the
//! suggestions for a post, and personal blocks (which keep people apart in all of these).
//!
//! Everything a step decides is read under the request's row (`holding_post`); a proposal also
//! holds the helper's row, which a block between the two holds too, so that a block and a
//! proposal take turns and a proposal never slips in after a block it did not see.

use std::collections::HashMap;

use buurt_domain::accounts::UserId;
use buurt_domain::effects::matching::{MatchEvent, RequestFacts};
use buurt_domain::matching::{
    BrokeredStep, Candidate, CandidateRef, MAX_ACTIVE_MATCHES, Match, MatchAction, MatchId,
    MatchRefusal, MatchStatus, Party, Suggestion, Wanted, brokered_transition, free_place, rank,
    request_follows_places, transition,
};
use buurt_domain::neighbourhoods::Neighbourhood;
use buurt_domain::notifications::NotificationKind;
use buurt_domain::policy::Action;
use buurt_domain::posts::{Post, PostEvent, PostId, PostKind, PostStatus};
use buurt_persistence::blocks::{self, Block};
use buurt_persistence::matching::{
    self as repo, MatchCursor, MatchParty, Message, MessageCursor, PlaceChange, ShownMatch,
};
use buurt_persistence::workbench::Brokerage;
use buurt_persistence::{DbConnection, accounts, holding_post, in_write_transaction, posts};
use chrono::{DateTime, Utc};

use crate::error::{AppError, ErrorCode, FieldIssue};
use crate::workbench::SuggestionReader;
use crate::{Cx, outbox};
use buurt_domain::moderation::WriteKind;

impl From<MatchRefusal> for ErrorCode {
    fn from(refusal: MatchRefusal) -> Self {
        match refusal {
            MatchRefusal::NotYourMove => ErrorCode::NotYourMove,
            MatchRefusal::Illegal { .. } => ErrorCode::IllegalTransition,
        }
    }
}

impl From<MatchRefusal> for AppError {
    fn from(refusal: MatchRefusal) -> Self {
        AppError::Refused(refusal.into())
    }
}

// ---------------------------------------------------------------------------------------------
// What the use cases read

/// A match as one of its parties sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchView {
    pub found: Match,
    pub request_title: String,
    pub requester: MatchParty,
    pub helper: MatchParty,
    /// The other party's contact details, once the match shares them.
    pub contact: Option<MatchParty>,
    /// Who brokered it and how far it is, when a mediator brokered it.
    pub brokerage: Option<Brokerage>,
}

impl MatchView {
    /// `shown` as `viewer` sees it; `None` when `viewer` is no party of it.
    fn of(shown: ShownMatch, viewer: UserId) -> Option<Self> {
        let party = shown.found.party_of(viewer)?;
        let contact = shown.found.status.shares_contacts().then(|| match party {
            Party::Requester => shown.helper.clone(),
            Party::Helper => shown.requester.clone(),
        });
        Some(Self {
            found: shown.found,
            request_title: shown.request_title,
            requester: shown.requester,
            helper: shown.helper,
            contact,
            brokerage: None,
        })
    }

    /// `shown` as a mediator sees it: without anybody's contact details.
    fn for_mediator(shown: ShownMatch) -> Self {
        Self {
            found: shown.found,
            request_title: shown.request_title,
            requester: shown.requester,
            helper: shown.helper,
            contact: None,
            brokerage: None,
        }
    }
}

/// Fills in the brokerage of every brokered match among `views`, in one query.
fn with_brokerages(
    conn: &mut DbConnection,
    mut views: Vec<MatchView>,
) -> Result<Vec<MatchView>, AppError> {
    let ids: Vec<MatchId> = views.iter().map(|view| view.found.id).collect();
    let mut found = buurt_persistence::workbench::brokerages_of(conn, &ids)?;
    for view in &mut views {
        view.brokerage = found.remove(&view.found.id);
    }
    Ok(views)
}

/// Match `id` as `viewer` (one of its parties) sees it.
fn view(conn: &mut DbConnection, id: MatchId, viewer: UserId) -> Result<MatchView, AppError> {
    let found = repo::shown_match(conn, id)?
        .and_then(|shown| MatchView::of(shown, viewer))
        .ok_or(AppError::NotFound)?;
    Ok(with_brokerages(conn, vec![found])?.remove(0))
}

/// Match `id` as a mediator who brokered it (or mediates where it was brokered) sees it.
fn mediator_view(conn: &mut DbConnection, id: MatchId) -> Result<MatchView, AppError> {
    let found = repo::shown_match(conn, id)?
        .map(MatchView::for_mediator)
        .ok_or(AppError::NotFound)?;
    Ok(with_brokerages(conn, vec![found])?.remove(0))
}

/// A request `caller` may see (not found otherwise), with its neighbourhood; refused when the
/// post is no request.
fn seen_request(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
) -> Result<(Post, Neighbourhood), AppError> {
    let (found, neighbourhood, _) = crate::posts::visible_post_with_place(conn, caller, id)?;
    if found.post.content.kind != PostKind::Request {
        return Err(ErrorCode::NotARequest.into());
    }
    Ok((found.post, neighbourhood))
}

fn request_facts(request: &Post) -> RequestFacts {
    RequestFacts {
        neighbourhood: request.neighbourhood_id,
        posted_at: request.created_at,
    }
}

// ---------------------------------------------------------------------------------------------
// Proposing

/// What someone proposes: their help with a request, or (its author) someone's help with it,
/// or (a mediator of its neighbourhood) a neighbour's help with it: a brokered match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposeMatch {
    pub request: PostId,
    /// The helper invited (by the requester or a mediator), or the caller themselves (by a
    /// helper).
    pub helper: Option<UserId>,
    /// The helper's offer this comes from.
    pub offer: Option<PostId>,
    pub message: Option<String>,
}

fn no_such_offer() -> AppError {
    AppError::invalid(
        "offer_id",
        FieldIssue::invalid("no such open offer", "geen bestaand open aanbod"),
    )
}

/// `caller` offers help with a request, or invites someone to help with their own request;
/// the other party is told. Every check is made holding the request, and the helper's row
/// (see the module's notes), so what was checked is still so when the match is stored.
pub fn propose_match(
    cx: &mut Cx<'_>,
    caller: UserId,
    input: ProposeMatch,
) -> Result<MatchView, AppError> {
    let routes = cx.routes();
    let clock = cx.clock();
    let limits = cx.limits();
    holding_post(cx.conn, input.request.0, |conn| {
        let (request, neighbourhood) = seen_request(conn, caller, input.request)?;
        let offer = match input.offer {
            Some(offer) => {
                let found = match crate::posts::visible_post_with_place(conn, caller, offer) {
                    Ok((found, ..)) => found.post,
                    Err(AppError::NotFound) => return Err(no_such_offer()),
                    Err(other) => return Err(other),
                };
                if found.content.kind != PostKind::Offer || !found.status.is_live() {
                    return Err(no_such_offer());
                }
                Some(found)
            }
            None => None,
        };
        // A mediator brokering: someone else's help with someone else's request.
        let mut broker = None;
        let (helper, proposed_by) = if caller == request.author_id {
            let helper = match (&offer, input.helper) {
                (Some(offer), _) => offer.author_id,
                (None, Some(helper)) => helper,
                (None, None) => return Err(AppError::invalid("helper_id", FieldIssue::Required)),
            };
            (helper, Party::Requester)
        } else if let Some(helper) = input.helper.filter(|helper| *helper != caller) {
            crate::workbench::permit_brokering(conn, caller, &neighbourhood)?;
            if offer
                .as_ref()
                .is_some_and(|offer| offer.author_id != helper)
            {
                return Err(AppError::invalid(
                    "offer_id",
                    FieldIssue::invalid("one of the helper's offers", "een aanbod van de helper"),
                ));
            }
            broker = Some(caller);
            // Proposed on the requester's side: the helper answers first.
            (helper, Party::Requester)
        } else {
            if input.helper.is_some_and(|helper| helper != caller) {
                return Err(AppError::invalid(
                    "helper_id",
                    FieldIssue::invalid("you offer your own help", "u biedt uw eigen hulp aan"),
                ));
            }
            if offer
                .as_ref()
                .is_some_and(|offer| offer.author_id != caller)
            {
                return Err(AppError::invalid(
                    "offer_id",
                    FieldIssue::invalid("one of your own offers", "een van uw eigen aanbiedingen"),
                ));
            }
            (caller, Party::Helper)
        };
        if helper == request.author_id {
            return Err(AppError::invalid(
                "helper_id",
                FieldIssue::invalid("not the requester", "niet de aanvrager"),
            ));
        }
        if accounts::find_user(conn, helper)?.is_none() {
            return Err(AppError::invalid(
                "helper_id",
                FieldIssue::invalid("no such user", "geen bestaande gebruiker"),
            ));
        }
        // From here on a block between the two waits for this proposal, or this one for it.
        repo::hold_helper(conn, helper)?;
        if blocks::apart(conn, request.author_id, helper)? {
            // Who blocked learns that their own block stands in the way; who was blocked gets
            // the refusal of a helper from too far away, so the block is not given away.
            let other = if caller == helper {
                request.author_id
            } else {
                helper
            };
            // A mediator learns only that the match cannot be made.
            return Err(if blocks::find(conn, caller, other)?.is_some() {
                ErrorCode::Blocked.into()
            } else {
                ErrorCode::Forbidden.into()
            });
        }
        let places = repo::nearby(conn, &neighbourhood)?;
        if !repo::lives_nearby(conn, helper, &places)? {
            return Err(ErrorCode::Forbidden.into());
        }
        if !matches!(request.status, PostStatus::Open | PostStatus::InMediation) {
            return Err(ErrorCode::RequestNotOpen.into());
        }
        if repo::active_matches_of(conn, helper)? >= MAX_ACTIVE_MATCHES {
            return Err(ErrorCode::HelperBusy.into());
        }
        if repo::live_match_exists(conn, request.id, helper)? {
            return Err(ErrorCode::AlreadyMatched.into());
        }
        // The time once the rows are held: a block that went first is older than this match.
        let now = clock.now();
        if proposed_by == Party::Helper {
            crate::moderation::take_write(conn, caller, WriteKind::Offer, limits, now)?;
        }
        let new = Match {
            id: MatchId::new(),
            request_id: request.id,
            requester_id: request.author_id,
            helper_id: helper,
            offer_id: offer.map(|offer| offer.id),
            proposed_by,
            status: MatchStatus::Proposed,
            message: input.message,
            thanks: None,
            created_at: now,
            updated_at: now,
        };
        let Some(mediator) = broker else {
            repo::insert_match(conn, &new, request.content.helpers_needed)?;
            let effects = MatchEvent::Proposed.effects(&new, request_facts(&request), caller, now);
            outbox::record(conn, &effects, routes)?;
            return view(conn, new.id, caller);
        };
        // Brokered: under the request's case (opened now when it has none), every step
        // audited there; the helper is told as by an invitation from the requester's side.
        let case = crate::workbench::case_for_brokering(conn, &request, mediator, now, routes)?;
        repo::insert_match(conn, &new, request.content.helpers_needed)?;
        crate::workbench::record_brokering(conn, &new, case, mediator, now)?;
        let effects =
            MatchEvent::Proposed.effects(&new, request_facts(&request), request.author_id, now);
        outbox::record(conn, &effects, routes)?;
        mediator_view(conn, new.id)
    })
}

// ---------------------------------------------------------------------------------------------
// The steps of a match

/// `by` takes `action` on match `id`: the request follows (matched when its places are full,
/// open again when a place frees, fulfilled on completion; a case in mediation ends when the
/// last place is taken), and the other party is told. `thanks` goes with completion.
pub fn step_match(
    cx: &mut Cx<'_>,
    id: MatchId,
    by: UserId,
    action: MatchAction,
    thanks: Option<&str>,
) -> Result<MatchView, AppError> {
    let routes = cx.routes();
    let found = repo::find_match(cx.conn, id)?.ok_or(AppError::NotFound)?;
    let clock = cx.clock();
    holding_post(cx.conn, found.request_id.0, |conn| {
        // Read again under the lock: this is the state the step applies to.
        let current = repo::find_match(conn, id)?.ok_or(AppError::NotFound)?;
        let request = posts::find_post(conn, current.request_id)?.ok_or(AppError::NotFound)?;
        // A mediator of the request's neighbourhood takes the requester's steps for an
        // offline resident (issue 20); the step is the requester's, the mediator audited.
        let mediator = (current.party_of(by).is_none()
            && crate::offline::may_act_for(
                conn,
                by,
                current.requester_id,
                request.neighbourhood_id,
            )?)
        .then_some(by);
        let by = if mediator.is_some() {
            current.requester_id
        } else {
            by
        };
        let party = crate::workbench::acting_party(conn, &current, by)?;
        let brokerage = crate::workbench::brokerage_of(conn, id)?;
        let next = match &brokerage {
            None => transition(current.status, action, party, current.proposed_by)?,
            Some(brokerage) => {
                let agreed = brokerage.helper_accepted_at.is_some();
                match brokered_transition(current.status, action, party, agreed)? {
                    BrokeredStep::To(next) => next,
                    BrokeredStep::HelperAgrees => {
                        return helper_agrees(conn, &current, brokerage, by, clock.now(), routes);
                    }
                }
            }
        };
        let now = clock.now();
        let needed = request.content.helpers_needed;
        let held = repo::held_places(conn, current.request_id)?;
        let place = match action {
            MatchAction::Accept => {
                match request.status {
                    PostStatus::Open | PostStatus::InMediation => {}
                    PostStatus::Matched => return Err(ErrorCode::RequestFull.into()),
                    _ => return Err(ErrorCode::RequestNotOpen.into()),
                }
                let taken: Vec<i32> = held.iter().map(|(_, place)| *place).collect();
                let place = free_place(&taken, needed).ok_or(ErrorCode::RequestFull)?;
                PlaceChange::Take {
                    place,
                    limit: needed,
                }
            }
            MatchAction::Decline => PlaceChange::Keep,
            MatchAction::Cancel | MatchAction::NoShow => PlaceChange::Free,
            MatchAction::Complete => PlaceChange::KeepWithThanks(thanks),
        };
        // The match changes first, conditional on the status decided from: when it changed
        // meanwhile, nothing else has been written and the step is refused.
        if !repo::change_status(conn, id, current.status, next, place, now)? {
            let status = repo::find_match(conn, id)?.map_or(current.status, |m| m.status);
            return Err(MatchRefusal::Illegal { status, action }.into());
        }
        let held_after = (count(held.len()) + u32::from(next.holds_place()))
            .saturating_sub(u32::from(current.status.holds_place()));
        match action {
            MatchAction::Accept => {
                // Help that recurs: the match becomes an arrangement that stays active.
                crate::arrangements::start_within(conn, &current, &request, now)?;
                if request.status == PostStatus::InMediation && held_after >= needed {
                    // Matched online after all, every place taken: the case ends so. (A place
                    // short, the request stays with the mediators.)
                    crate::mediation::resolve_matched_online(conn, request.id, now, routes)?;
                }
                follow_places(conn, &request, held_after, now, routes)?;
            }
            MatchAction::Cancel | MatchAction::NoShow => {
                follow_places(conn, &request, held_after, now, routes)?;
            }
            MatchAction::Complete => {
                if request.status == PostStatus::Matched {
                    follow(conn, &request, PostEvent::Fulfil, now, routes)?;
                }
            }
            MatchAction::Decline => {}
        }
        if let Some(brokerage) = &brokerage {
            let audited = crate::workbench::step_action(action);
            crate::workbench::audit_step(conn, brokerage, by, audited, now)?;
        }
        let event = MatchEvent::from(action);
        outbox::record(
            conn,
            &event.effects(&current, request_facts(&request), by, now),
            routes,
        )?;
        if let Some(mediator) = mediator {
            crate::offline::audit_match(
                conn,
                by,
                mediator,
                &crate::offline::actions::match_step(action_name(action)),
                id,
                request.id,
                now,
            )?;
        }
        view(conn, id, by)
    })
}

/// How a step is named in audit logs.
fn action_name(action: MatchAction) -> &'static str {
    match action {
        MatchAction::Accept => "accept",
        MatchAction::Decline => "decline",
        MatchAction::Cancel => "cancel",
        MatchAction::NoShow => "no_show",
        MatchAction::Complete => "complete",
    }
}

/// The helper agrees to a brokered match (the request still open to them): it stays
/// `proposed`, now the requester's to accept, who is told. Audited on its case.
fn helper_agrees(
    conn: &mut DbConnection,
    current: &Match,
    brokerage: &Brokerage,
    by: UserId,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<MatchView, AppError> {
    let request = posts::find_post(conn, current.request_id)?.ok_or(AppError::NotFound)?;
    match request.status {
        PostStatus::Open | PostStatus::InMediation => {}
        PostStatus::Matched => return Err(ErrorCode::RequestFull.into()),
        _ => return Err(ErrorCode::RequestNotOpen.into()),
    }
    if !buurt_persistence::workbench::record_helper_acceptance(conn, current.id, now)? {
        let status = repo::find_match(conn, current.id)?.map_or(current.status, |m| m.status);
        return Err(MatchRefusal::Illegal {
            status,
            action: MatchAction::Accept,
        }
        .into());
    }
    crate::workbench::audit_step(conn, brokerage, by, "broker_helper_accept", now)?;
    // For the requester it is a proposal now: theirs to accept or decline.
    let effects = buurt_domain::effects::Effects::none(now).notify(
        current.requester_id,
        NotificationKind::MatchProposed,
        Some(current.request_id),
        Some(current.id),
    );
    outbox::record(conn, &effects, routes)?;
    view(conn, current.id, by)
}

pub fn accept_match(cx: &mut Cx<'_>, id: MatchId, by: UserId) -> Result<MatchView, AppError> {
    step_match(cx, id, by, MatchAction::Accept, None)
}

pub fn decline_match(cx: &mut Cx<'_>, id: MatchId, by: UserId) -> Result<MatchView, AppError> {
    step_match(cx, id, by, MatchAction::Decline, None)
}

pub fn cancel_match(cx: &mut Cx<'_>, id: MatchId, by: UserId) -> Result<MatchView, AppError> {
    step_match(cx, id, by, MatchAction::Cancel, None)
}

pub fn report_no_show(cx: &mut Cx<'_>, id: MatchId, by: UserId) -> Result<MatchView, AppError> {
    step_match(cx, id, by, MatchAction::NoShow, None)
}

pub fn complete_match(
    cx: &mut Cx<'_>,
    id: MatchId,
    by: UserId,
    thanks: Option<&str>,
) -> Result<MatchView, AppError> {
    step_match(cx, id, by, MatchAction::Complete, thanks)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Moves the request to where its `held` places put it (see `request_follows_places`).
fn follow_places(
    conn: &mut DbConnection,
    request: &Post,
    held: u32,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<(), AppError> {
    match request_follows_places(request.status, held, request.content.helpers_needed) {
        Some(event) => follow(conn, request, event, now, routes),
        None => Ok(()),
    }
}

/// Applies `event` to a request whose row this transaction holds (so its status is the one
/// read): a refusal means the decision was wrong, and rolls everything back.
pub(crate) fn follow(
    conn: &mut DbConnection,
    request: &Post,
    event: PostEvent,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<(), AppError> {
    match crate::posts::apply_post_event(conn, request.id, event, now, routes)? {
        Some(Ok(_)) => Ok(()),
        Some(Err(illegal)) => Err(buurt_persistence::PersistenceError::Corrupt(format!(
            "request {} could not follow its matches: {illegal}",
            request.id
        ))
        .into()),
        None => Err(AppError::NotFound),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading matches

/// One match, for its two parties only (not found for everyone else).
pub fn get_match(cx: &mut Cx<'_>, id: MatchId, caller: UserId) -> Result<MatchView, AppError> {
    match view(cx.conn, id, caller) {
        Err(AppError::NotFound) => {
            let found = repo::find_match(cx.conn, id)?.ok_or(AppError::NotFound)?;
            let request = posts::find_post(cx.conn, found.request_id)?.ok_or(AppError::NotFound)?;
            if crate::offline::may_act_for(
                cx.conn,
                caller,
                found.requester_id,
                request.neighbourhood_id,
            )? {
                // A mediator acting for an offline requester sees it as the requester does.
                view(cx.conn, id, found.requester_id)
            } else if crate::workbench::may_see_as_mediator(cx.conn, &found, caller)? {
                // A brokered match is seen by the mediators where it was brokered too.
                mediator_view(cx.conn, id)
            } else {
                Err(AppError::NotFound)
            }
        }
        other => other,
    }
}

/// A request's matches that `caller` is a party of (all of them for its author; and those
/// brokered for it, for the mediators of its neighbourhood), oldest first.
pub fn request_matches(
    cx: &mut Cx<'_>,
    request: PostId,
    caller: UserId,
) -> Result<Vec<MatchView>, AppError> {
    let (post, neighbourhood) = seen_request(cx.conn, caller, request)?;
    // A mediator acting for an offline author sees them as the author does (issue 20).
    if crate::offline::may_act_for(cx.conn, caller, post.author_id, post.neighbourhood_id)? {
        let views = repo::shown_matches_of_request(cx.conn, request, post.author_id)?
            .into_iter()
            .filter_map(|shown| MatchView::of(shown, post.author_id))
            .collect();
        return with_brokerages(cx.conn, views);
    }
    let mut views: Vec<MatchView> = repo::shown_matches_of_request(cx.conn, request, caller)?
        .into_iter()
        .filter_map(|shown| MatchView::of(shown, caller))
        .collect();
    // The mediators of its neighbourhood see the matches brokered for it too (without
    // anybody's contact details), to follow them.
    if caller != post.author_id
        && buurt_persistence::memberships::actor(cx.conn, caller, &neighbourhood)?
            .may(Action::BrokerMatch)
    {
        let brokered = repo::shown_brokered_matches_of_request(cx.conn, request)?;
        views.extend(
            brokered
                .into_iter()
                .filter(|shown| shown.found.party_of(caller).is_none())
                .map(MatchView::for_mediator),
        );
        views.sort_by_key(|view| (view.found.created_at, view.found.id.0));
    }
    with_brokerages(cx.conn, views)
}

/// `caller`'s matches, as requester or helper, newest first, one page.
pub fn my_matches(
    cx: &mut Cx<'_>,
    caller: UserId,
    after: Option<&MatchCursor>,
    limit: usize,
) -> Result<(Vec<MatchView>, Option<MatchCursor>), AppError> {
    let (shown, next) = repo::shown_matches_of_user(cx.conn, caller, after, limit)?;
    let views = shown
        .into_iter()
        .filter_map(|shown| MatchView::of(shown, caller))
        .collect();
    Ok((with_brokerages(cx.conn, views)?, next))
}

// ---------------------------------------------------------------------------------------------
// The thread

/// Whose thread `caller` reads or writes in: their own as a party, or (issue 20) the offline
/// requester's, when `caller` mediates in the request's neighbourhood. The match, the party
/// the thread is read or written as, and the mediator when one acts.
fn thread_party(
    conn: &mut DbConnection,
    caller: UserId,
    id: MatchId,
) -> Result<(Match, UserId, Option<UserId>), AppError> {
    let found = repo::find_match(conn, id)?.ok_or(AppError::NotFound)?;
    if found.party_of(caller).is_some() {
        return Ok((found, caller, None));
    }
    let request = posts::find_post(conn, found.request_id)?.ok_or(AppError::NotFound)?;
    if crate::offline::may_act_for(conn, caller, found.requester_id, request.neighbourhood_id)? {
        let requester = found.requester_id;
        return Ok((found, requester, Some(caller)));
    }
    Err(AppError::NotFound)
}

/// A match's thread, oldest first, one page (its two parties, and the mediators acting for
/// an offline requester: their read is audited).
pub fn list_messages(
    cx: &mut Cx<'_>,
    id: MatchId,
    caller: UserId,
    after: Option<&MessageCursor>,
    limit: usize,
) -> Result<(Vec<Message>, Option<MessageCursor>), AppError> {
    let now = cx.now();
    let (_, party, mediator) = thread_party(cx.conn, caller, id)?;
    if let Some(mediator) = mediator {
        in_write_transaction(cx.conn, |conn| {
            crate::offline::audit(
                conn,
                party,
                mediator,
                crate::offline::actions::READ_MESSAGES,
                Some(id.0),
                None,
                now,
            )
        })?;
    }
    Ok(repo::messages(cx.conn, id, after, limit)?)
}

/// `author` (a party) writes in match `id`'s thread; the other party is told. A mediator of
/// the request's neighbourhood writes for an offline requester (issue 20): the message is the
/// requester's, marked as sent by the mediator, and audited (on the case too, when the request
/// has an open one).
pub fn send_message(
    cx: &mut Cx<'_>,
    id: MatchId,
    author: UserId,
    body: String,
) -> Result<Message, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    let limits = cx.limits();
    in_write_transaction(cx.conn, |conn| {
        let (found, party, mediator) = thread_party(conn, author, id)?;
        // The write budget is the writer's: the mediator's when they write for someone.
        crate::moderation::take_write(conn, author, WriteKind::Message, limits, now)?;
        let author_name = accounts::find_user(conn, party)?
            .ok_or(AppError::NotFound)?
            .display_name
            .as_str()
            .to_owned();
        let message = repo::insert_message(conn, id, party, mediator, &body, now)?;
        let request = posts::find_post(conn, found.request_id)?.ok_or(AppError::NotFound)?;
        let effects = MatchEvent::Message.effects(&found, request_facts(&request), party, now);
        outbox::record(conn, &effects, routes)?;
        if let Some(mediator) = mediator {
            crate::offline::audit_match(
                conn,
                party,
                mediator,
                crate::offline::actions::SEND_MESSAGE,
                id,
                request.id,
                now,
            )?;
        }
        Ok(Message {
            id: message,
            author_id: party,
            author_name,
            body,
            created_at: now,
            sent_by: mediator,
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Suggestions

/// The most suggestions returned.
const SUGGESTIONS: usize = 20;

/// A suggestion with what showing it needs.
#[derive(Debug, Clone)]
pub struct SuggestionView {
    pub suggestion: Suggestion,
    /// The suggested offer or request: its id and title.
    pub post: Option<(PostId, String)>,
    /// The suggested person's name.
    pub name: String,
}

/// Ranked suggestions for `caller`'s own request (open offers and residents whose skills fit)
/// or offer (open requests), best first. The author, who declined the request, and people
/// blocked either way are never suggested. What is drawn from follows the caller's membership
/// now: an author who left sees public posts only, and no residents.
pub fn list_suggestions(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: PostId,
) -> Result<Vec<SuggestionView>, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let (post, neighbourhood, actor, reader) =
        crate::workbench::suggestion_reader(conn, caller, id)?;
    let Some(category) = post.content.category else {
        return Err(ErrorCode::NotARequest.into());
    };
    let (members_posts, residents) = match reader {
        // Suggestions follow the author's membership as it is now: members-only posts only
        // for who reads them in the feed, residents only for who may see the member list.
        SuggestionReader::Author => (
            actor.reader().sees_members_posts(),
            actor.may(Action::ListMembers),
        ),
        // The workbench draws on the whole neighbourhood, as its mediators see it.
        SuggestionReader::Workbench { case } => {
            if let Some(case) = case {
                crate::workbench::audit_suggestions_read(conn, case, caller, now)?;
            }
            (true, true)
        }
    };
    let places = repo::nearby(conn, &neighbourhood)?;
    // `rank` leaves out the author and who was asked already or declined; the queries skip them too, so they take
    // no candidate's place among the few loaded per neighbourhood.
    let declined = match post.content.kind {
        PostKind::Request => repo::asked_helpers(conn, post.id)?,
        _ => Vec::new(),
    };
    let blocked: Vec<UserId> = blocks::kept_apart_from(conn, post.author_id)?
        .into_iter()
        .collect();
    let mut exclude = vec![post.author_id];
    exclude.extend(declined.iter().copied());
    exclude.extend(blocked.iter().copied());
    let mut names = HashMap::new();
    let mut posts_by_id = HashMap::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    match post.content.kind {
        PostKind::Request => {
            for (candidate, offer, name) in
                repo::post_candidates(conn, PostKind::Offer, &places, &exclude, members_posts)?
            {
                names.insert(candidate.user_id, name);
                posts_by_id.insert(offer.id, offer.content.title);
                candidates.push(candidate);
            }
            if residents {
                for (candidate, name) in
                    repo::resident_candidates(conn, category, &places, &exclude)?
                {
                    names.insert(candidate.user_id, name);
                    candidates.push(candidate);
                }
            }
        }
        PostKind::Offer => {
            for (mut candidate, request, name) in
                repo::post_candidates(conn, PostKind::Request, &places, &exclude, members_posts)?
            {
                // The helper is the offer's author, whatever the request: the load is theirs.
                candidate.active_matches = 0;
                names.insert(candidate.user_id, name);
                posts_by_id.insert(request.id, request.content.title);
                candidates.push(candidate);
            }
        }
        _ => return Err(ErrorCode::NotARequest.into()),
    }
    let wanted = Wanted {
        category,
        text: format!("{} {}", post.content.title, post.content.body),
        remote_ok: post.content.remote_ok,
        author: post.author_id,
        declined,
        blocked,
    };
    Ok(rank(&wanted, candidates, now)
        .into_iter()
        .take(SUGGESTIONS)
        .map(|suggestion| {
            let post = match suggestion.candidate.what {
                CandidateRef::Post(id) => posts_by_id.get(&id).map(|title| (id, title.clone())),
                CandidateRef::Resident => None,
            };
            let name = names
                .get(&suggestion.candidate.user_id)
                .cloned()
                .unwrap_or_default();
            SuggestionView {
                suggestion,
                post,
                name,
            }
        })
        .collect())
}

// ---------------------------------------------------------------------------------------------
// Blocks

/// `blocker` blocks `blocked`: whether the block is new, and the block. Holds both people's
/// rows, so a proposal between them either went first or sees the block.
pub fn block_user(
    cx: &mut Cx<'_>,
    blocker: UserId,
    blocked: UserId,
) -> Result<(bool, Block), AppError> {
    if blocked == blocker {
        return Err(AppError::invalid(
            "id",
            FieldIssue::invalid("you cannot block yourself", "u kunt uzelf niet blokkeren"),
        ));
    }
    let clock = cx.clock();
    in_write_transaction(cx.conn, |conn| {
        accounts::find_user(conn, blocked)?.ok_or(AppError::NotFound)?;
        blocks::hold_pair(conn, blocker, blocked)?;
        if let Some(block) = blocks::find(conn, blocker, blocked)? {
            return Ok((false, block));
        }
        // The time once the rows are held: a proposal that went first is older than this.
        let created = blocks::block(conn, blocker, blocked, clock.now())?;
        // Gone only if the account was deleted meanwhile.
        let block = blocks::find(conn, blocker, blocked)?.ok_or(AppError::NotFound)?;
        Ok((created, block))
    })
}

/// `blocker` lifts their block of `blocked` (lifting one that is not there is harmless).
pub fn unblock_user(cx: &mut Cx<'_>, blocker: UserId, blocked: UserId) -> Result<(), AppError> {
    blocks::unblock(cx.conn, blocker, blocked)?;
    Ok(())
}

/// The people `blocker` blocked, by user id, after `after`, at most `limit`.
pub fn list_blocks(
    cx: &mut Cx<'_>,
    blocker: UserId,
    after: Option<UserId>,
    limit: usize,
) -> Result<Vec<Block>, AppError> {
    Ok(blocks::blocked_by(cx.conn, blocker, after, limit)?)
}
