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

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The state of each of `posts` as `reader` sees it, keyed by post: at most six queries (the
/// answers and the reader's own answer for the one-off activities and for the next occurrence
/// of the series, the accepted helpers and the reader's own match for the requests). Each is one statement, so what it counts is one
/// consistent snapshot, whatever RSVPs or accepts run at the same time.
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
    let activities = ids_of(posts, PostKind::Activity);
    if !activities.is_empty() {
        let answers: Vec<(Stored<PostId>, Stored<RsvpStatus>, i64)> = rsvps::table
            .filter(rsvps::post_id.eq_any(&activities))
            .filter(rsvps::status.ne(RsvpStatus::Cancelled.as_str()))
            .group_by((rsvps::post_id, rsvps::status))
            .select((rsvps::post_id, rsvps::status, count_star()))
            .load(conn)?;
        for (post, status, n) in answers {
            let state = states.entry(post.0).or_default();
            match status.0 {
                RsvpStatus::Going => state.going = count(n),
                RsvpStatus::Waitlisted => state.waitlisted = count(n),
                RsvpStatus::Cancelled => {}
            }
        }
        if let Some(reader) = reader {
            let mine: Vec<(Stored<PostId>, Stored<RsvpStatus>)> = rsvps::table
                .filter(rsvps::post_id.eq_any(&activities))
                .filter(rsvps::user_id.eq(reader.to_string()))
                .filter(rsvps::status.ne(RsvpStatus::Cancelled.as_str()))
                .select((rsvps::post_id, rsvps::status))
                .load(conn)?;
            for (post, status) in mine {
                states.entry(post.0).or_default().my_rsvp = Some(status.0);
            }
        }
    }
    series_states(conn, posts, reader, now, &mut states)?;
    let requests = ids_of(posts, PostKind::Request);
    if !requests.is_empty() {
        let held: Vec<(Stored<PostId>, i64)> = matches::table
            .filter(matches::request_id.eq_any(&requests))
            .filter(matches::accepted_slot.is_not_null())
            .group_by(matches::request_id)
            .select((matches::request_id, count_star()))
            .load(conn)?;
        for (post, n) in held {
            states.entry(post.0).or_default().helpers_accepted = count(n);
        }
        if let Some(reader) = reader {
            // Oldest first, so the latest match of each request is the one that stays.
            let mine: Vec<(Stored<PostId>, Stored<MatchId>, Stored<MatchStatus>)> = matches::table
                .filter(matches::request_id.eq_any(&requests))
                .filter(matches::helper_id.eq(reader.to_string()))
                .order((matches::created_at.asc(), matches::id.asc()))
                .select((matches::request_id, matches::id, matches::status))
                .load(conn)?;
            for (post, id, status) in mine {
                states.entry(post.0).or_default().my_match = Some((id.0, status.0));
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
    reader: Option<UserId>,
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
    let answers: Vec<(Stored<PostId>, String, Stored<RsvpStatus>, i64)> = occurrence_rsvps::table
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
        ))
        .load(conn)?;
    for (post, on, status, n) in answers {
        if !is_next(post.0, &on) {
            continue;
        }
        let state = states.entry(post.0).or_default();
        match status.0 {
            RsvpStatus::Going => state.going = count(n),
            RsvpStatus::Waitlisted => state.waitlisted = count(n),
            RsvpStatus::Cancelled => {}
        }
    }
    if let Some(reader) = reader {
        let mine: Vec<(Stored<PostId>, String, Stored<RsvpStatus>)> = occurrence_rsvps::table
            .filter(occurrence_rsvps::post_id.eq_any(&ids))
            .filter(occurrence_rsvps::occurrence.eq_any(&days))
            .filter(occurrence_rsvps::user_id.eq(reader.to_string()))
            .filter(occurrence_rsvps::status.ne(RsvpStatus::Cancelled.as_str()))
            .select((
                occurrence_rsvps::post_id,
                occurrence_rsvps::occurrence,
                occurrence_rsvps::status,
            ))
            .load(conn)?;
        for (post, on, status) in mine {
            if is_next(post.0, &on) {
                states.entry(post.0).or_default().my_rsvp = Some(status.0);
            }
        }
    }
    Ok(())
}
