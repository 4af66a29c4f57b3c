//! The live state shown with posts (`PostState`): for a whole page of posts in a constant
//! number of queries, whatever the page holds (no query per post).

use std::collections::HashMap;

use buurt_domain::accounts::UserId;
use buurt_domain::activities::RsvpStatus;
use buurt_domain::matching::{MatchId, MatchStatus};
use buurt_domain::posts::{Post, PostId, PostKind, PostState};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::columns::Stored;
use crate::columns::day_column;
use crate::schema::{matches, occurrence_rsvps, rsvps};
use crate::{DbConnection, PersistenceError};

fn ids_of(posts: &[&Post], kind: PostKind) -> Vec<String> {
    posts
        .iter()
        .filter(|post| post.content.kind == kind)
        .map(|post| post.id.to_string())
        .collect()
}

/// Of a group of RSVPs (of `rsvps` or `occurrence_rsvps`), how many are the reader's (none
/// for the empty id of an anonymous reader).
macro_rules! answered_by {
    ($reader_id:expr) => {
        diesel::dsl::sql::<diesel::sql_types::BigInt>("SUM(CASE WHEN user_id = ")
            .bind::<diesel::sql_types::Text, _>($reader_id.to_owned())
            .sql(" THEN 1 ELSE 0 END)")
    };
}

/// A post, a status, how many answered so, and how many of those are the reader's.
type Answers = (Stored<PostId>, Stored<RsvpStatus>, i64, i64);
/// The same for one occurrence of a series (its day).
type OccurrenceAnswers = (Stored<PostId>, String, Stored<RsvpStatus>, i64, i64);
/// A request's match: its id and status, whether it was accepted, and its helper.
type MatchSeen = (
    Stored<PostId>,
    Stored<MatchId>,
    Stored<MatchStatus>,
    bool,
    String,
);

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The state of each of `posts` as `reader` sees it, keyed by post: at most three queries (the
/// answers, with the reader's own among them, for the one-off activities and for the next
/// occurrence of the series; the accepted matches and the reader's own for the requests). Each
/// is one statement, so what it counts is one consistent snapshot, whatever RSVPs or accepts
/// run at the same time.
pub fn post_states(
    conn: &mut DbConnection,
    posts: &[&Post],
    reader: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<HashMap<PostId, PostState>, PersistenceError> {
    let mut states: HashMap<PostId, PostState> = posts
        .iter()
        .map(|post| (post.id, PostState::default()))
        .collect();
    let reader_id = reader.map(|reader| reader.to_string()).unwrap_or_default();
    let activities = ids_of(posts, PostKind::Activity);
    if !activities.is_empty() {
        // The answers per status, and whether the reader's own answer is among them.
        let answers: Vec<Answers> = rsvps::table
            .filter(rsvps::post_id.eq_any(&activities))
            .filter(rsvps::status.ne(RsvpStatus::Cancelled.as_str()))
            .group_by((rsvps::post_id, rsvps::status))
            .select((
                rsvps::post_id,
                rsvps::status,
                count_star(),
                answered_by!(reader_id),
            ))
            .load(conn)?;
        for (post, status, n, mine) in answers {
            let state = states.entry(post.0).or_default();
            match status.0 {
                RsvpStatus::Going => state.going = count(n),
                RsvpStatus::Waitlisted => state.waitlisted = count(n),
                RsvpStatus::Cancelled => {}
            }
            if mine > 0 && reader.is_some() {
                state.my_rsvp = Some(status.0);
            }
        }
    }
    series_states(conn, posts, &reader_id, now, &mut states)?;
    let requests = ids_of(posts, PostKind::Request);
    if !requests.is_empty() {
        // The accepted matches of the page's requests and the reader's own, oldest first, so
        // the latest match of each request is the one that stays.
        let found: Vec<MatchSeen> = matches::table
            .filter(matches::request_id.eq_any(&requests))
            .filter(
                matches::accepted_slot
                    .is_not_null()
                    .or(matches::helper_id.eq(&reader_id)),
            )
            .order((matches::created_at.asc(), matches::id.asc()))
            .select((
                matches::request_id,
                matches::id,
                matches::status,
                matches::accepted_slot.is_not_null(),
                matches::helper_id,
            ))
            .load(conn)?;
        for (post, id, status, accepted, helper) in found {
            let state = states.entry(post.0).or_default();
            if accepted {
                state.helpers_accepted += 1;
            }
            if reader.is_some() && helper == reader_id {
                state.my_match = Some((id.0, status.0));
            }
        }
    }
    Ok(states)
}

/// Recurring activities are answered per occurrence: their state is that of the next one (the
/// first not ended at `now`), read in two queries for the whole page.
fn series_states(
    conn: &mut DbConnection,
    posts: &[&Post],
    reader_id: &str,
    now: DateTime<Utc>,
    states: &mut HashMap<PostId, PostState>,
) -> Result<(), PersistenceError> {
    let next: HashMap<PostId, NaiveDate> = posts
        .iter()
        .filter_map(|post| {
            buurt_domain::activities::next_occurrence(post, now).map(|(on, _, _)| (post.id, on))
        })
        .collect();
    for (post, on) in &next {
        states.entry(*post).or_default().next_occurrence = Some(*on);
    }
    if next.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = next.keys().map(ToString::to_string).collect();
    let days: Vec<String> = next.values().copied().map(day_column).collect();
    let is_next =
        |post: PostId, on: &str| next.get(&post).map(|day| day_column(*day)).as_deref() == Some(on);
    let answers: Vec<OccurrenceAnswers> = occurrence_rsvps::table
        .filter(occurrence_rsvps::post_id.eq_any(&ids))
        .filter(occurrence_rsvps::occurrence.eq_any(&days))
        .filter(occurrence_rsvps::status.ne(RsvpStatus::Cancelled.as_str()))
        .group_by((
            occurrence_rsvps::post_id,
            occurrence_rsvps::occurrence,
            occurrence_rsvps::status,
        ))
        .select((
            occurrence_rsvps::post_id,
            occurrence_rsvps::occurrence,
            occurrence_rsvps::status,
            count_star(),
            answered_by!(reader_id),
        ))
        .load(conn)?;
    for (post, on, status, n, mine) in answers {
        if !is_next(post.0, &on) {
            continue;
        }
        let state = states.entry(post.0).or_default();
        match status.0 {
            RsvpStatus::Going => state.going = count(n),
            RsvpStatus::Waitlisted => state.waitlisted = count(n),
            RsvpStatus::Cancelled => {}
        }
        if mine > 0 && !reader_id.is_empty() {
            state.my_rsvp = Some(status.0);
        }
    }
    Ok(())
}
