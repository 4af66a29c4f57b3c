//! Matches and their messages: rows in, rows out. The use cases (`buurt_app::matching`) decide
//! what a step does and what follows it; here a step is a conditional update (on the status it
//! was decided from), and taking a helper place is backed by a unique index, so a request never
//! has more accepted helpers than it asked for.
//!
//! Lock order, wherever both are held: the request's `posts` row first (`hold_request`), then
//! the helper's `users` row (`hold_helper`, which serialises everything that counts the
//! helper's active matches or keeps two people apart).

use buurt_domain::accounts::UserId;
use buurt_domain::matching::{Match, MatchId, MatchStatus, Party};
use buurt_domain::posts::{Post, PostId};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::Stored;
use crate::connection::MultiBackend;
use crate::schema::{match_messages, matches, posts, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

/// Proposed or accepted: the statuses of a live match.
fn live_statuses() -> [&'static str; 2] {
    [
        MatchStatus::Proposed.as_str(),
        MatchStatus::Accepted.as_str(),
    ]
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = matches)]
struct MatchRow {
    id: Stored<MatchId>,
    request_id: Stored<PostId>,
    requester_id: Stored<UserId>,
    helper_id: Stored<UserId>,
    offer_id: Option<Stored<PostId>>,
    proposed_by: Stored<Party>,
    status: Stored<MatchStatus>,
    message: Option<String>,
    thanks: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<MatchRow> for Match {
    fn from(row: MatchRow) -> Self {
        Match {
            id: row.id.0,
            request_id: row.request_id.0,
            requester_id: row.requester_id.0,
            helper_id: row.helper_id.0,
            offer_id: row.offer_id.map(|id| id.0),
            proposed_by: row.proposed_by.0,
            status: row.status.0,
            message: row.message,
            thanks: row.thanks,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        }
    }
}

pub fn find_match(conn: &mut DbConnection, id: MatchId) -> Result<Option<Match>, PersistenceError> {
    Ok(matches::table
        .find(id.to_string())
        .select(MatchRow::as_select())
        .first(conn)
        .optional()?
        .map(Match::from))
}

/// Holds the request's row for the rest of the write transaction: every step on its matches
/// takes turns on it.
pub fn hold_request(conn: &mut DbConnection, request: PostId) -> Result<(), PersistenceError> {
    crate::connection::lock_row(conn, "posts", request.0)
}

/// Holds the helper's row for the rest of the write transaction (after the request's): what
/// counts their active matches, and blocks of them (`blocks::hold_pair`), take turns on it.
pub fn hold_helper(conn: &mut DbConnection, helper: UserId) -> Result<(), PersistenceError> {
    crate::connection::lock_row(conn, "users", helper.0)
}

/// A helper's live matches: proposed or accepted, for a request that has not ended. (A closed,
/// fulfilled or expired request keeps its matches as they were, but they take up no one's
/// time any more.)
pub fn active_matches_of(conn: &mut DbConnection, helper: UserId) -> Result<u32, PersistenceError> {
    let count: i64 = matches::table
        .inner_join(posts::table.on(posts::id.eq(matches::request_id)))
        .filter(matches::helper_id.eq(helper.to_string()))
        .filter(matches::status.eq_any(live_statuses()))
        .filter(posts::status.eq_any(crate::posts::live()))
        .count()
        .get_result(conn)?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// `active_matches_of` for many helpers in one query (helpers without any are absent).
fn active_matches_of_many(
    conn: &mut DbConnection,
    helpers: &[String],
) -> Result<std::collections::HashMap<UserId, u32>, PersistenceError> {
    if helpers.is_empty() {
        return Ok(Default::default());
    }
    let counts: Vec<(Stored<UserId>, i64)> = matches::table
        .inner_join(posts::table.on(posts::id.eq(matches::request_id)))
        .filter(matches::helper_id.eq_any(helpers))
        .filter(matches::status.eq_any(live_statuses()))
        .filter(posts::status.eq_any(crate::posts::live()))
        .group_by(matches::helper_id)
        .select((matches::helper_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(counts
        .into_iter()
        .map(|(helper, count)| (helper.0, u32::try_from(count).unwrap_or(u32::MAX)))
        .collect())
}

/// Fills in `active_matches` of candidates gathered with 0 there.
fn count_active_matches<'a>(
    conn: &mut DbConnection,
    candidates: impl Iterator<Item = &'a mut Candidate>,
) -> Result<(), PersistenceError> {
    let mut candidates: Vec<&mut Candidate> = candidates.collect();
    let mut helpers: Vec<String> = candidates.iter().map(|c| c.user_id.to_string()).collect();
    helpers.sort_unstable();
    helpers.dedup();
    let counts = active_matches_of_many(conn, &helpers)?;
    for candidate in &mut candidates {
        candidate.active_matches = counts.get(&candidate.user_id).copied().unwrap_or(0);
    }
    Ok(())
}

/// Everyone already asked or answered for `request`: a match proposed, accepted, completed or
/// declined. Suggesting them again would only lead to a refusal (or a repeat of one).
pub fn asked_helpers(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<Vec<UserId>, PersistenceError> {
    let statuses = [
        MatchStatus::Proposed,
        MatchStatus::Accepted,
        MatchStatus::Completed,
        MatchStatus::Declined,
    ]
    .map(MatchStatus::as_str);
    let mut ids: Vec<UserId> = matches::table
        .filter(matches::request_id.eq(request.to_string()))
        .filter(matches::status.eq_any(statuses))
        .select(matches::helper_id)
        .load::<Stored<UserId>>(conn)?
        .into_iter()
        .map(|id| id.0)
        .collect();
    ids.sort_unstable_by_key(|id| id.0);
    ids.dedup();
    Ok(ids)
}

/// Whether `helper` has a live (proposed or accepted) match for `request`.
pub fn live_match_exists(
    conn: &mut DbConnection,
    request: PostId,
    helper: UserId,
) -> Result<bool, PersistenceError> {
    let live: i64 = matches::table
        .filter(matches::request_id.eq(request.to_string()))
        .filter(matches::helper_id.eq(helper.to_string()))
        .filter(matches::status.eq_any(live_statuses()))
        .count()
        .get_result(conn)?;
    Ok(live > 0)
}

/// Stores a new match for a request asking for `helpers_needed` helpers.
pub fn insert_match(
    conn: &mut DbConnection,
    new: &Match,
    helpers_needed: u32,
) -> Result<(), PersistenceError> {
    diesel::insert_into(matches::table)
        .values((
            matches::id.eq(new.id.to_string()),
            matches::request_id.eq(new.request_id.to_string()),
            matches::requester_id.eq(new.requester_id.to_string()),
            matches::helper_id.eq(new.helper_id.to_string()),
            matches::offer_id.eq(new.offer_id.map(|id| id.to_string())),
            matches::proposed_by.eq(new.proposed_by.as_str()),
            matches::status.eq(new.status.as_str()),
            matches::message.eq(new.message.as_deref()),
            matches::slot_limit.eq(i32::try_from(helpers_needed).unwrap_or(1)),
            matches::created_at.eq(to_db(new.created_at)),
            matches::updated_at.eq(to_db(new.updated_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a status change does to the match's helper place and thanks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceChange<'a> {
    /// Takes `place` of a request asking for `limit` helpers.
    Take { place: i32, limit: u32 },
    /// Gives its place back (if it held one).
    Free,
    /// Keeps its place, and stores the requester's thanks.
    KeepWithThanks(Option<&'a str>),
    /// Nothing else changes.
    Keep,
}

/// Moves match `id` from status `from` to `to`. `false` when its status is no longer `from`
/// (nothing is written then).
pub fn change_status(
    conn: &mut DbConnection,
    id: MatchId,
    from: MatchStatus,
    to: MatchStatus,
    place: PlaceChange<'_>,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let row = matches::table
        .filter(matches::id.eq(id.to_string()))
        .filter(matches::status.eq(from.as_str()));
    let (status, updated_at) = (
        matches::status.eq(to.as_str()),
        matches::updated_at.eq(to_db(now)),
    );
    let changed = match place {
        PlaceChange::Take { place, limit } => diesel::update(row)
            .set((
                status,
                matches::accepted_slot.eq(Some(place)),
                matches::slot_limit.eq(i32::try_from(limit).unwrap_or(i32::MAX)),
                updated_at,
            ))
            .execute(conn)?,
        PlaceChange::Free => diesel::update(row)
            .set((status, matches::accepted_slot.eq(None::<i32>), updated_at))
            .execute(conn)?,
        PlaceChange::KeepWithThanks(thanks) => diesel::update(row)
            .set((status, matches::thanks.eq(thanks), updated_at))
            .execute(conn)?,
        PlaceChange::Keep => diesel::update(row)
            .set((status, updated_at))
            .execute(conn)?,
    };
    Ok(changed == 1)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The places of a request held by accepted (or completed) matches: match id and place,
/// lowest place first.
pub fn held_places(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<Vec<(String, i32)>, PersistenceError> {
    let rows: Vec<(String, Option<i32>)> = matches::table
        .filter(matches::request_id.eq(request.to_string()))
        .filter(matches::accepted_slot.is_not_null())
        .order(matches::accepted_slot)
        .select((matches::id, matches::accepted_slot))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, slot)| slot.map(|slot| (id, slot)))
        .collect())
}

/// How many helper places of a request accepted (or completed) matches hold. Call it holding
/// the request.
pub fn count_held_places(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<u32, PersistenceError> {
    Ok(count(held_places(conn, request)?.len()))
}

/// Numbers the held places of a request from 1 again under a new limit of `helpers_needed`
/// (so a later accept finds a free one exactly when fewer are held than needed). The caller
/// holds the request and has checked that no more are held than needed.
pub fn renumber_held_places(
    conn: &mut DbConnection,
    request: PostId,
    helpers_needed: u32,
) -> Result<(), PersistenceError> {
    let limit = i32::try_from(helpers_needed).unwrap_or(i32::MAX);
    // Lowest first, each moves down to a place that is free or its own.
    for ((match_id, _), place) in held_places(conn, request)?.iter().zip(1..) {
        let changed = diesel::update(
            matches::table
                .filter(matches::id.eq(match_id))
                .filter(matches::accepted_slot.is_not_null()),
        )
        .set((
            matches::accepted_slot.eq(Some(place)),
            matches::slot_limit.eq(limit),
        ))
        .execute(conn)?;
        if changed != 1 {
            return Err(PersistenceError::Corrupt(format!(
                "match {match_id} lost its place under the request's lock"
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// A match as shown: with its request's title and both people, in one query per list

/// One party of a match as shown, with the contact details the other party sees once the
/// match shares them.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct MatchParty {
    pub id: Stored<UserId>,
    pub display_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub street: Option<String>,
    pub house_number: Option<String>,
}

/// A match with what showing it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownMatch {
    pub found: Match,
    pub request_title: String,
    pub requester: MatchParty,
    pub helper: MatchParty,
}

diesel::alias! {
    const REQUESTERS: Alias<Requesters> = users as requesters;
    const HELPERS: Alias<Helpers> = users as helpers;
}

type PartyColumns = (
    users::id,
    users::display_name,
    users::email,
    users::phone,
    users::street,
    users::house_number,
);

const PARTY_COLUMNS: PartyColumns = (
    users::id,
    users::display_name,
    users::email,
    users::phone,
    users::street,
    users::house_number,
);

/// Matches with their request's title and both parties, as a boxed query the caller filters
/// and orders. (A macro: the query's type is not worth spelling out.)
macro_rules! shown_query {
    () => {
        matches::table
            .inner_join(posts::table.on(posts::id.eq(matches::request_id)))
            .inner_join(REQUESTERS.on(REQUESTERS.field(users::id).eq(matches::requester_id)))
            .inner_join(HELPERS.on(HELPERS.field(users::id).eq(matches::helper_id)))
            .select((
                MatchRow::as_select(),
                posts::title,
                REQUESTERS.fields(PARTY_COLUMNS),
                HELPERS.fields(PARTY_COLUMNS),
            ))
            .into_boxed::<MultiBackend>()
    };
}

type ShownRow = (MatchRow, String, MatchParty, MatchParty);

fn shown((row, request_title, requester, helper): ShownRow) -> ShownMatch {
    ShownMatch {
        found: Match::from(row),
        request_title,
        requester,
        helper,
    }
}

/// Match `id` as shown.
pub fn shown_match(
    conn: &mut DbConnection,
    id: MatchId,
) -> Result<Option<ShownMatch>, PersistenceError> {
    let row: Option<ShownRow> = shown_query!()
        .filter(matches::id.eq(id.to_string()))
        .first(conn)
        .optional()?;
    Ok(row.map(shown))
}

/// The matches of a request that `party` is a party of, oldest first.
pub fn shown_matches_of_request(
    conn: &mut DbConnection,
    request: PostId,
    party: UserId,
) -> Result<Vec<ShownMatch>, PersistenceError> {
    let rows: Vec<ShownRow> = shown_query!()
        .filter(matches::request_id.eq(request.to_string()))
        .filter(
            matches::requester_id
                .eq(party.to_string())
                .or(matches::helper_id.eq(party.to_string())),
        )
        .order((matches::created_at, matches::id))
        .load(conn)?;
    Ok(rows.into_iter().map(shown).collect())
}

/// issue 20 (h20a): the matches of a request that a mediator brokered, oldest first.
pub fn shown_brokered_matches_of_request(
    conn: &mut DbConnection,
    request: PostId,
) -> Result<Vec<ShownMatch>, PersistenceError> {
    use crate::schema::brokered_matches;
    let rows: Vec<ShownRow> = shown_query!()
        .filter(matches::request_id.eq(request.to_string()))
        .filter(matches::id.eq_any(brokered_matches::table.select(brokered_matches::match_id)))
        .order((matches::created_at, matches::id))
        .load(conn)?;
    Ok(rows.into_iter().map(shown).collect())
}

/// Where a page of a user's matches starts: after this time and id (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchCursor {
    pub created_at: DateTime<Utc>,
    pub id: String,
}

/// The user's matches, as requester or helper, newest first, as shown.
///
/// One filter on both sides (`requester_id = ? OR helper_id = ?`): PostgreSQL reads it as a
/// bitmap OR of the two party indexes, the user's own matches only, then sorts them. Taking the
/// page from two limited subqueries instead (`id IN (…) OR id IN (…)`) made PostgreSQL scan
/// every match of everyone (issue 22, tried and reverted).
pub fn shown_matches_of_user(
    conn: &mut DbConnection,
    user: UserId,
    after: Option<&MatchCursor>,
    limit: usize,
) -> Result<(Vec<ShownMatch>, Option<MatchCursor>), PersistenceError> {
    let mut query = shown_query!()
        .filter(
            matches::requester_id
                .eq(user.to_string())
                .or(matches::helper_id.eq(user.to_string())),
        )
        .order((matches::created_at.desc(), matches::id.desc()))
        .limit(i64::try_from(limit + 1).unwrap_or(i64::MAX));
    if let Some(after) = after {
        let at = to_db(after.created_at);
        query = query.filter(crate::keyset::before(
            (matches::created_at, matches::id),
            (at, after.id.clone()),
        ));
    }
    let mut rows: Vec<ShownRow> = query.load(conn)?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|(row, ..)| MatchCursor {
            created_at: from_db(row.created_at),
            id: row.id.0.to_string(),
        })
    } else {
        None
    };
    Ok((rows.into_iter().map(shown).collect(), next))
}

// ---------------------------------------------------------------------------------------------
// Messages

/// A message in a match's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: Uuid,
    pub author_id: UserId,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// The mediator who wrote it for its author, an offline resident (issue 20).
    pub sent_by: Option<UserId>,
}

/// Stores a message by `author` in match `found`'s thread; `sent_by` the mediator who wrote
/// it for them, if one did.
pub fn insert_message(
    conn: &mut DbConnection,
    found: MatchId,
    author: UserId,
    sent_by: Option<UserId>,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Uuid, PersistenceError> {
    let id = Uuid::new_v4();
    diesel::insert_into(match_messages::table)
        .values((
            match_messages::id.eq(id.to_string()),
            match_messages::match_id.eq(found.to_string()),
            match_messages::author_id.eq(author.to_string()),
            match_messages::body.eq(body),
            match_messages::created_at.eq(to_db(now)),
            match_messages::sent_by.eq(sent_by.map(|by| by.to_string())),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Where a page of messages starts: after this time and id (oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageCursor {
    pub created_at: DateTime<Utc>,
    pub id: String,
}

/// A thread, oldest first, one page at a time.
pub fn messages(
    conn: &mut DbConnection,
    found: MatchId,
    after: Option<&MessageCursor>,
    limit: usize,
) -> Result<(Vec<Message>, Option<MessageCursor>), PersistenceError> {
    let mut query = match_messages::table
        .inner_join(users::table.on(users::id.eq(match_messages::author_id)))
        .filter(match_messages::match_id.eq(found.to_string()))
        // A message a moderator removed is gone from the thread (kept for an appeal).
        .filter(match_messages::removed_at.is_null())
        .order((match_messages::created_at, match_messages::id))
        .limit(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .select((
            match_messages::id,
            match_messages::author_id,
            users::display_name,
            match_messages::body,
            match_messages::created_at,
            match_messages::sent_by,
        ))
        .into_boxed::<MultiBackend>();
    if let Some(after) = after {
        let at = to_db(after.created_at);
        query = query.filter(crate::keyset::after(
            (match_messages::created_at, match_messages::id),
            (at, after.id.clone()),
        ));
    }
    type MessageRow = (
        Stored<Uuid>,
        Stored<UserId>,
        String,
        String,
        NaiveDateTime,
        Option<Stored<UserId>>,
    );
    let mut rows: Vec<MessageRow> = query.load(conn)?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|row| MessageCursor {
            created_at: from_db(row.4),
            id: row.0.0.to_string(),
        })
    } else {
        None
    };
    let messages = rows
        .into_iter()
        .map(
            |(id, author, author_name, body, created_at, sent_by)| Message {
                id: id.0,
                author_id: author.0,
                author_name,
                body,
                created_at: from_db(created_at),
                sent_by: sent_by.map(|by| by.0),
            },
        )
        .collect();
    Ok((messages, next))
}

// ---------------------------------------------------------------------------------------------
// What suggestions are drawn from

use buurt_domain::category::Category;
use buurt_domain::matching::{Candidate, CandidateRef, Proximity};
use buurt_domain::membership::MembershipStatus;
use buurt_domain::neighbourhoods::{Neighbourhood, NeighbourhoodId};
use buurt_domain::posts::{PostKind, Visibility};

use crate::schema::{memberships, neighbourhoods};

/// A neighbourhood and its neighbours, with how near each is.
pub fn nearby(
    conn: &mut DbConnection,
    neighbourhood: &Neighbourhood,
) -> Result<Vec<(NeighbourhoodId, Proximity)>, PersistenceError> {
    let codes: Vec<&str> = neighbourhood
        .draft
        .adjacent
        .iter()
        .map(|c| c.as_str())
        .collect();
    let adjacent: std::collections::HashMap<String, Stored<NeighbourhoodId>> = if codes.is_empty() {
        Default::default()
    } else {
        neighbourhoods::table
            .filter(neighbourhoods::code.eq_any(&codes))
            .select((neighbourhoods::code, neighbourhoods::id))
            .load::<(String, Stored<NeighbourhoodId>)>(conn)?
            .into_iter()
            .collect()
    };
    let mut found = vec![(neighbourhood.id, Proximity::SameNeighbourhood)];
    // In the order the neighbourhood lists them.
    found.extend(
        codes
            .iter()
            .filter_map(|code| adjacent.get(*code))
            .map(|id| (id.0, Proximity::AdjacentNeighbourhood)),
    );
    Ok(found)
}

/// Whether `user` is an active, verified member of one of `places`.
pub fn lives_nearby(
    conn: &mut DbConnection,
    user: UserId,
    places: &[(NeighbourhoodId, Proximity)],
) -> Result<bool, PersistenceError> {
    let ids: Vec<String> = places.iter().map(|(id, _)| id.to_string()).collect();
    if ids.is_empty() {
        return Ok(false);
    }
    let count: i64 = memberships::table
        .filter(memberships::neighbourhood_id.eq_any(&ids))
        .filter(memberships::user_id.eq(user.to_string()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        // An unverified (postcode-claim) membership makes nobody a neighbour to help.
        .filter(memberships::verification.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// The most candidates of each sort considered per neighbourhood.
const CANDIDATES_PER_PLACE: i64 = 50;

/// Open, visible posts of `kind` nearby (members-only ones of the own neighbourhood only, and
/// only when `members_posts`), not by `exclude`, with their authors' names.
pub fn post_candidates(
    conn: &mut DbConnection,
    kind: PostKind,
    places: &[(NeighbourhoodId, Proximity)],
    exclude: &[UserId],
    members_posts: bool,
) -> Result<Vec<(Candidate, Post, String)>, PersistenceError> {
    let mut found = Vec::new();
    for (place, proximity) in places {
        let mut query = crate::posts::open_posts_query(*place, kind);
        if *proximity != Proximity::SameNeighbourhood || !members_posts {
            query = query.filter(posts::visibility.eq(Visibility::Public.as_str()));
        }
        for (post, author_name) in
            crate::posts::load_with_authors(conn, query.limit(CANDIDATES_PER_PLACE))?
        {
            if exclude.contains(&post.author_id) {
                continue;
            }
            let candidate = Candidate {
                what: CandidateRef::Post(post.id),
                user_id: post.author_id,
                categories: post.content.category.into_iter().collect(),
                interests: Vec::new(),
                text: format!("{} {}", post.content.title, post.content.body),
                proximity: *proximity,
                posted_at: Some(post.created_at),
                active_matches: 0,
            };
            found.push((candidate, post, author_name));
        }
    }
    count_active_matches(conn, found.iter_mut().map(|(candidate, _, _)| candidate))?;
    Ok(found)
}

/// Active residents nearby who declared `category` as a skill or an interest, not in
/// `exclude`, each once at their nearest, with their names. Their bios are private: they are
/// not loaded, so they neither count in the score nor show in a reason.
pub fn resident_candidates(
    conn: &mut DbConnection,
    category: Category,
    places: &[(NeighbourhoodId, Proximity)],
    exclude: &[UserId],
) -> Result<Vec<(Candidate, String)>, PersistenceError> {
    let mut found: Vec<(Candidate, String)> = Vec::new();
    for (place, proximity) in places {
        let listed = format!("%,{},%", category.as_str());
        let rows: Vec<(Stored<UserId>, String, String)> = memberships::table
            .inner_join(users::table)
            .filter(memberships::neighbourhood_id.eq(place.to_string()))
            .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
            .filter(memberships::verification.is_not_null())
            .filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("((',' || users.skills || ',') LIKE ")
                    .bind::<diesel::sql_types::Text, _>(listed.clone())
                    .sql(" OR (',' || users.interests || ',') LIKE ")
                    .bind::<diesel::sql_types::Text, _>(listed)
                    .sql(")"),
            )
            .order(memberships::joined_at)
            .limit(CANDIDATES_PER_PLACE)
            .select((users::id, users::display_name, users::skills))
            .load(conn)?;
        for (id, name, skills) in rows {
            let skilled = skills.split(',').any(|skill| skill == category.as_str());
            let user = id.0;
            if exclude.contains(&user) || found.iter().any(|(c, _)| c.user_id == user) {
                continue;
            }
            found.push((
                Candidate {
                    what: CandidateRef::Resident,
                    user_id: user,
                    categories: if skilled { vec![category] } else { Vec::new() },
                    interests: if skilled { Vec::new() } else { vec![category] },
                    text: String::new(),
                    proximity: *proximity,
                    posted_at: None,
                    active_matches: 0,
                },
                name,
            ));
        }
    }
    count_active_matches(conn, found.iter_mut().map(|(candidate, _)| candidate))?;
    Ok(found)
}

/// Matches after `after` in id order, `limit` at a time, each with its request's neighbourhood
/// and the time the request was posted (for `rebuild-stats`).
pub fn matches_after(
    conn: &mut DbConnection,
    after: Option<MatchId>,
    limit: i64,
) -> Result<Vec<(Match, NeighbourhoodId, DateTime<Utc>)>, PersistenceError> {
    let after = after.map(|id| id.to_string()).unwrap_or_default();
    let rows: Vec<(MatchRow, Stored<NeighbourhoodId>, NaiveDateTime)> = matches::table
        .inner_join(posts::table.on(posts::id.eq(matches::request_id)))
        .filter(matches::id.gt(after))
        .order(matches::id)
        .limit(limit)
        .select((
            MatchRow::as_select(),
            posts::neighbourhood_id,
            posts::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(found, place, posted)| (Match::from(found), place.0, from_db(posted)))
        .collect())
}
