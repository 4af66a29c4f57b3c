//! The mediators' workbench (issue 20): the ranked suggestions for a request seen by the
//! mediators of its neighbourhood (and a professional its case was referred to), matches a
//! mediator brokers, and how a case's mediators reach its requester.
//!
//! A brokered match belongs to a case: brokering a request that has no open case opens one
//! (escalated by the mediator), so that every step of the match — the proposal, the helper's
//! yes, the requester's acceptance, and what follows (decline, cancel, completion, no-show) —
//! lands in that case's audit log, even after the case ended (as matched online, when the
//! acceptance filled the request).
//!
//! The matching use cases (`crate::matching`) call in here; the rules are the domain's
//! (`brokered_transition`, `Action::BrokerMatch`, `Action::SuggestForCase`).

use buurt_domain::accounts::UserId;
use buurt_domain::matching::{Match, MatchAction, MatchId, Party};
use buurt_domain::mediation::{CaseId, EscalatedBy};
use buurt_domain::neighbourhoods::Neighbourhood;
use buurt_domain::policy::{Action, Actor};
use buurt_domain::posts::{Post, PostKind};
use buurt_persistence::workbench::{self as repo, Brokerage, RequesterContact};
use buurt_persistence::{DbConnection, in_write_transaction, mediation, memberships, posts};
use chrono::{DateTime, Utc};

use crate::error::{AppError, ErrorCode};

// ---------------------------------------------------------------------------------------------
// Suggestions

/// Who reads a post's suggestions, and so what they are drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionReader {
    /// The post's author: drawn from what their membership lets them see.
    Author,
    /// A mediator of the neighbourhood, or a professional the request's open case is referred
    /// to: drawn from every open offer nearby and every resident whose skills or interests fit,
    /// as the neighbourhood's mediators see them. The read is audited on `case`, if any.
    Workbench { case: Option<CaseId> },
}

/// The post, its neighbourhood and the caller as an actor there, if the caller may read its
/// suggestions: not found when the post is not theirs to see (a referred professional sees
/// the request of their case), forbidden when they may see it but not its suggestions.
pub fn suggestion_reader(
    conn: &mut DbConnection,
    caller: UserId,
    id: buurt_domain::posts::PostId,
) -> Result<(Post, Neighbourhood, Actor, SuggestionReader), AppError> {
    let post = posts::find_post(conn, id)?.ok_or(AppError::NotFound)?;
    let neighbourhood =
        buurt_persistence::neighbourhoods::find_neighbourhood(conn, post.neighbourhood_id)?
            .ok_or(AppError::NotFound)?;
    let actor = memberships::actor(conn, caller, &neighbourhood)?;
    let case = if post.content.kind == PostKind::Request {
        mediation::open_case_of(conn, post.id)?
    } else {
        None
    };
    let referred = match &case {
        Some(case) => mediation::is_referred(conn, case.id, caller)?,
        None => false,
    };
    if !(actor.reader().may_see(&post) || referred) {
        return Err(AppError::NotFound);
    }
    if actor.may(Action::SeeSuggestions {
        author: post.author_id,
    }) {
        return Ok((post, neighbourhood, actor, SuggestionReader::Author));
    }
    if post.content.kind == PostKind::Request && actor.may(Action::SuggestForCase { referred }) {
        let case = case.map(|case| case.id);
        return Ok((
            post,
            neighbourhood,
            actor,
            SuggestionReader::Workbench { case },
        ));
    }
    Err(ErrorCode::Forbidden.into())
}

/// A workbench read of a request's suggestions, on its case's audit log.
pub fn audit_suggestions_read(
    conn: &mut DbConnection,
    case: CaseId,
    caller: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    in_write_transaction(conn, |conn| {
        mediation::audit(conn, case, Some(caller), "read_suggestions", now)?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// Brokering

/// Whether `caller` (not the request's author, proposing someone else's help) may broker a
/// match for `request`: a mediator of its neighbourhood. Forbidden otherwise.
pub fn permit_brokering(
    conn: &mut DbConnection,
    caller: UserId,
    neighbourhood: &Neighbourhood,
) -> Result<(), AppError> {
    let actor = memberships::actor(conn, caller, neighbourhood)?;
    if actor.may(Action::BrokerMatch) {
        Ok(())
    } else {
        Err(ErrorCode::Forbidden.into())
    }
}

/// The open case a match brokered for `request` belongs to: the request's, or a new one that
/// `mediator` escalates it into. Call it holding the request's row.
pub fn case_for_brokering(
    conn: &mut DbConnection,
    request: &Post,
    mediator: UserId,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<CaseId, AppError> {
    if let Some(case) = mediation::open_case_of(conn, request.id)? {
        return Ok(case.id);
    }
    let case = crate::mediation::escalate_within(
        conn,
        request.id,
        EscalatedBy::Mediator,
        Some(mediator),
        Some(BROKERED_REASON),
        now,
        routes,
    )??;
    Ok(case.id)
}

/// The reason of a case a brokered match opened.
pub const BROKERED_REASON: &str = "A mediator brokers a match.";

/// Records the brokered match `found` under `case`, with its first audit entry.
pub fn record_brokering(
    conn: &mut DbConnection,
    found: &Match,
    case: CaseId,
    mediator: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    repo::insert_brokerage(conn, found.id, case, mediator, now)?;
    mediation::audit_about(
        conn,
        case,
        Some(mediator),
        "broker_propose",
        Some(found.id),
        now,
    )?;
    Ok(())
}

/// The brokerage of match `id`, if it was brokered.
pub fn brokerage_of(conn: &mut DbConnection, id: MatchId) -> Result<Option<Brokerage>, AppError> {
    Ok(repo::brokerage_of(conn, id)?)
}

/// The audit action of a step on a brokered match.
pub fn step_action(action: MatchAction) -> &'static str {
    match action {
        MatchAction::Accept => "broker_accept",
        MatchAction::Decline => "broker_decline",
        MatchAction::Cancel => "broker_cancel",
        MatchAction::Complete => "broker_complete",
        MatchAction::NoShow => "broker_no_show",
    }
}

/// `by`'s step on a brokered match, on its case's audit log.
pub fn audit_step(
    conn: &mut DbConnection,
    brokerage: &Brokerage,
    by: UserId,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    mediation::audit_about(
        conn,
        brokerage.case_id,
        Some(by),
        action,
        Some(brokerage.match_id),
        now,
    )?;
    Ok(())
}

/// The party `by` takes a step on `found` as: a party of it, as they are. Anyone else is
/// refused: a mediator of the request's neighbourhood (who may see brokered matches) with
/// `forbidden`, everyone else with not found. (The seam where a mediator taking the requester's
/// steps for an offline resident fits in.)
pub fn acting_party(conn: &mut DbConnection, found: &Match, by: UserId) -> Result<Party, AppError> {
    if let Some(party) = found.party_of(by) {
        return Ok(party);
    }
    if may_see_as_mediator(conn, found, by)? {
        return Err(ErrorCode::Forbidden.into());
    }
    Err(AppError::NotFound)
}

/// Whether `caller` sees brokered match `found` as a mediator: it was brokered, and they
/// mediate in its request's neighbourhood.
pub fn may_see_as_mediator(
    conn: &mut DbConnection,
    found: &Match,
    caller: UserId,
) -> Result<bool, AppError> {
    if repo::brokerage_of(conn, found.id)?.is_none() {
        return Ok(false);
    }
    let Some(request) = posts::find_post(conn, found.request_id)? else {
        return Ok(false);
    };
    let Some(place) =
        buurt_persistence::neighbourhoods::find_neighbourhood(conn, request.neighbourhood_id)?
    else {
        return Ok(false);
    };
    Ok(memberships::actor(conn, caller, &place)?.may(Action::BrokerMatch))
}

// ---------------------------------------------------------------------------------------------
// The requester of a case

/// How the case's mediators reach its requester, when `actor` is one of them (`None` for
/// everyone else). Each time it is given, the read is audited (`read_requester_contact`).
pub fn requester_contact_for(
    conn: &mut DbConnection,
    actor: &Actor,
    case: &buurt_domain::mediation::Case,
    now: DateTime<Utc>,
) -> Result<Option<RequesterContact>, AppError> {
    if !actor.may(Action::WorkCase) {
        return Ok(None);
    }
    let contact = repo::requester_contact(conn, case.requester_id)?;
    if contact.is_some() {
        mediation::audit(
            conn,
            case.id,
            Some(actor.user_id),
            "read_requester_contact",
            now,
        )?;
    }
    Ok(contact)
}
