//! Claiming an offline record (issue 20): everything keyed by the offline resident's user id
//! becomes the account's, the intake record is kept for the account's export, and the
//! offline record ends.
//!
//! Every column of the schema that holds a user id is named in [`ON_CLAIM`] with what a claim
//! does to it; the test `offline::claim_moves_everything_keyed_by_the_resident` fails on a
//! column that points at `users` (or sounds personal) and is not listed there, so a new
//! table cannot be forgotten.

use buurt_domain::accounts::UserId;
use buurt_domain::neighbourhoods::NeighbourhoodId;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::columns::Stored;
use crate::schema::{
    memberships, occurrence_rsvps, offline_claims, offline_residents, signals, stat_events,
    user_blocks, users,
};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

/// What a claim does to a column that holds a user id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnClaim {
    /// Every row naming the offline resident names the account instead.
    Moves,
    /// Moves, except where the account has its own row for the same thing: then the
    /// account's stands and the offline one goes.
    MovesUnlessTaken,
    /// Ends with the offline record (cascades with its user row): it only concerned the
    /// record, or an offline record never has it.
    EndsWithRecord,
    /// Names no offline resident (a role, a tombstone), or is written by the claim itself.
    NotTheResident,
}

/// Every (table, column) that holds a user id, and what a claim does to it. The plain
/// [`OnClaim::Moves`] are applied from this list itself; the rest by the code below.
pub const ON_CLAIM: &[(&str, &str, OnClaim)] = &[
    ("users", "id", OnClaim::EndsWithRecord),
    ("refresh_tokens", "user_id", OnClaim::EndsWithRecord),
    ("login_failures", "subject", OnClaim::NotTheResident),
    ("memberships", "user_id", OnClaim::MovesUnlessTaken),
    ("memberships", "verified_by", OnClaim::Moves),
    ("membership_joins", "user_id", OnClaim::Moves),
    ("verification_letters", "user_id", OnClaim::Moves),
    ("verification_letters", "created_by", OnClaim::Moves),
    ("invites", "created_by", OnClaim::Moves),
    ("professional_grants", "user_id", OnClaim::MovesUnlessTaken),
    ("posts", "author_id", OnClaim::Moves),
    ("idempotency_keys", "scope", OnClaim::EndsWithRecord),
    ("notifications", "user_id", OnClaim::Moves),
    ("rsvps", "user_id", OnClaim::MovesUnlessTaken),
    ("activity_organisers", "user_id", OnClaim::MovesUnlessTaken),
    ("matches", "requester_id", OnClaim::Moves),
    ("matches", "helper_id", OnClaim::Moves),
    ("match_messages", "author_id", OnClaim::Moves),
    ("match_messages", "sent_by", OnClaim::Moves),
    ("consents", "user_id", OnClaim::MovesUnlessTaken),
    ("consent_events", "user_id", OnClaim::Moves),
    ("cases", "requester_id", OnClaim::Moves),
    ("cases", "claimed_by", OnClaim::Moves),
    ("case_notes", "author_id", OnClaim::Moves),
    (
        "case_referrals",
        "professional_id",
        OnClaim::MovesUnlessTaken,
    ),
    ("case_referrals", "referred_by", OnClaim::Moves),
    ("case_audit", "actor_id", OnClaim::Moves),
    ("role_grants", "actor_id", OnClaim::Moves),
    ("role_grants", "target_id", OnClaim::Moves),
    ("user_blocks", "blocker_id", OnClaim::MovesUnlessTaken),
    ("user_blocks", "blocked_id", OnClaim::MovesUnlessTaken),
    ("stat_events", "actor_id", OnClaim::MovesUnlessTaken),
    ("stat_events", "key", OnClaim::MovesUnlessTaken),
    ("stat_presence", "actor_id", OnClaim::MovesUnlessTaken),
    ("account_erasures", "actor_id", OnClaim::Moves),
    ("account_erasures", "tombstone_id", OnClaim::NotTheResident),
    ("deliveries", "user_id", OnClaim::EndsWithRecord),
    ("notification_settings", "user_id", OnClaim::EndsWithRecord),
    (
        "notification_preferences",
        "user_id",
        OnClaim::EndsWithRecord,
    ),
    ("account_tokens", "user_id", OnClaim::EndsWithRecord),
    ("digest_sends", "user_id", OnClaim::EndsWithRecord),
    ("devices", "user_id", OnClaim::EndsWithRecord),
    ("images", "uploader_id", OnClaim::Moves),
    ("images", "avatar_of", OnClaim::Moves),
    ("reports", "reporter_id", OnClaim::Moves),
    ("reports", "member_id", OnClaim::Moves),
    ("reports", "target_id", OnClaim::Moves),
    ("moderation_decisions", "member_id", OnClaim::Moves),
    ("moderation_decisions", "target_id", OnClaim::Moves),
    ("moderation_decisions", "decided_by", OnClaim::Moves),
    ("moderation_decisions", "appeal_decided_by", OnClaim::Moves),
    ("posting_suspensions", "user_id", OnClaim::MovesUnlessTaken),
    ("post_reviews", "author_id", OnClaim::Moves),
    ("post_reviews", "reviewed_by", OnClaim::Moves),
    ("write_events", "user_id", OnClaim::Moves),
    ("moderation_log", "actor_id", OnClaim::Moves),
    ("moderation_log", "target_id", OnClaim::Moves),
    ("brokered_matches", "brokered_by", OnClaim::Moves),
    ("offline_residents", "user_id", OnClaim::EndsWithRecord),
    ("offline_residents", "registered_by", OnClaim::Moves),
    (
        "offline_claim_codes",
        "resident_id",
        OnClaim::EndsWithRecord,
    ),
    ("offline_claim_codes", "created_by", OnClaim::Moves),
    ("offline_filings", "filed_by", OnClaim::Moves),
    ("offline_audit", "actor_id", OnClaim::Moves),
    ("offline_audit", "resident_id", OnClaim::Moves),
    ("call_list_items", "resident_id", OnClaim::EndsWithRecord),
    ("call_list_items", "done_by", OnClaim::Moves),
    ("signals", "subject", OnClaim::MovesUnlessTaken),
    ("signals", "person_id", OnClaim::MovesUnlessTaken),
    ("signals", "acknowledged_by", OnClaim::Moves),
    ("signal_audit", "actor_id", OnClaim::Moves),
    ("occurrence_rsvps", "user_id", OnClaim::MovesUnlessTaken),
    ("offline_claims", "resident_id", OnClaim::NotTheResident),
    ("offline_claims", "account_id", OnClaim::NotTheResident),
    ("offline_claims", "registered_by", OnClaim::Moves),
];

/// `UPDATE table SET column = to WHERE column = from`, for a column named in [`ON_CLAIM`]
/// (never anything a request carries).
fn reassign(
    conn: &mut DbConnection,
    table: &str,
    column: &str,
    from: &str,
    to: &str,
) -> Result<(), PersistenceError> {
    let query = match conn {
        DbConnection::Postgresql(_) => {
            format!("UPDATE \"{table}\" SET \"{column}\" = $1 WHERE \"{column}\" = $2")
        }
        DbConnection::Sqlite(_) => {
            format!("UPDATE \"{table}\" SET \"{column}\" = ? WHERE \"{column}\" = ?")
        }
    };
    diesel::sql_query(query)
        .bind::<Text, _>(to)
        .bind::<Text, _>(from)
        .execute(conn)?;
    Ok(())
}

/// The [`OnClaim::MovesUnlessTaken`] columns of tables with one row per person and `key`.
const KEYED: &[(&str, &str, &str)] = &[
    ("consents", "user_id", "kind"),
    ("rsvps", "user_id", "post_id"),
    ("activity_organisers", "user_id", "post_id"),
    ("posting_suspensions", "user_id", "neighbourhood_id"),
    ("professional_grants", "user_id", "municipality_code"),
    ("case_referrals", "professional_id", "case_id"),
];

/// Moves the rows of `from` to `to` where `to` has none with the same `key`; deletes the
/// rest of `from`'s.
fn reassign_unless_taken(
    conn: &mut DbConnection,
    table: &str,
    column: &str,
    key: &str,
    from: &str,
    to: &str,
) -> Result<(), PersistenceError> {
    let (one, two) = match conn {
        DbConnection::Postgresql(_) => ("$1", "$2"),
        DbConnection::Sqlite(_) => ("?1", "?2"),
    };
    diesel::sql_query(format!(
        "UPDATE \"{table}\" SET \"{column}\" = {one} WHERE \"{column}\" = {two} \
         AND \"{key}\" NOT IN (SELECT \"{key}\" FROM \"{table}\" WHERE \"{column}\" = {one})"
    ))
    .bind::<Text, _>(to)
    .bind::<Text, _>(from)
    .execute(conn)?;
    diesel::sql_query(format!(
        "DELETE FROM \"{table}\" WHERE \"{column}\" = {one}"
    ))
    .bind::<Text, _>(from)
    .execute(conn)?;
    Ok(())
}

/// Moves everything of offline resident `from` to account `to` as [`ON_CLAIM`] says, keeps
/// the intake record for the account, then ends the offline record (its user row goes, and
/// with it what only concerned the record: claim codes, call-list items, pending SMS). A
/// membership `to` already holds in the same neighbourhood stays, verified if it was not;
/// where both answered the same activity, consent, signal, the account's own answer stands.
pub fn merge_into(
    conn: &mut DbConnection,
    from: UserId,
    to: UserId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let (from_s, to_s) = (from.to_string(), to.to_string());
    keep_intake(conn, &from_s, &to_s, now)?;
    for (table, column, what) in ON_CLAIM {
        if *what == OnClaim::Moves {
            reassign(conn, table, column, &from_s, &to_s)?;
        }
    }
    merge_memberships(conn, from, to, now)?;
    // One row per person and thing: the account's own stands, the offline record's goes.
    for (table, column, key) in KEYED {
        reassign_unless_taken(conn, table, column, key, &from_s, &to_s)?;
    }
    // Answers per occurrence of a series: one per person and occurrence.
    let occurrences: Vec<(String, String)> = occurrence_rsvps::table
        .filter(occurrence_rsvps::user_id.eq(&from_s))
        .select((occurrence_rsvps::post_id, occurrence_rsvps::occurrence))
        .load(conn)?;
    for (post, occurrence) in occurrences {
        let mine = || {
            occurrence_rsvps::table
                .filter(occurrence_rsvps::post_id.eq(post.clone()))
                .filter(occurrence_rsvps::occurrence.eq(occurrence.clone()))
        };
        let taken = diesel::select(diesel::dsl::exists(
            mine().filter(occurrence_rsvps::user_id.eq(&to_s)),
        ))
        .get_result::<bool>(conn)?;
        let theirs = mine().filter(occurrence_rsvps::user_id.eq(&from_s));
        if taken {
            diesel::delete(theirs).execute(conn)?;
        } else {
            diesel::update(theirs)
                .set(occurrence_rsvps::user_id.eq(&to_s))
                .execute(conn)?;
        }
    }
    merge_blocks(conn, &from_s, &to_s)?;
    merge_stat_events(conn, &from_s, &to_s)?;
    merge_signals(conn, &from_s, &to_s)?;
    // Stored answers to the record's own requests (it never makes any), and the user row:
    // the rest of what only concerned the record cascades with it.
    diesel::delete(
        crate::schema::idempotency_keys::table
            .filter(crate::schema::idempotency_keys::scope.eq(&from_s)),
    )
    .execute(conn)?;
    diesel::delete(users::table.find(&from_s)).execute(conn)?;
    Ok(())
}

/// Memberships: one per neighbourhood and person.
fn merge_memberships(
    conn: &mut DbConnection,
    from: UserId,
    to: UserId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let (from_s, to_s) = (from.to_string(), to.to_string());
    for (membership, ..) in crate::memberships::memberships_of(conn, from)? {
        match crate::memberships::find_membership(conn, membership.neighbourhood_id, to)? {
            None => {
                diesel::update(
                    memberships::table
                        .filter(memberships::user_id.eq(&from_s))
                        .filter(
                            memberships::neighbourhood_id
                                .eq(membership.neighbourhood_id.to_string()),
                        ),
                )
                .set(memberships::user_id.eq(&to_s))
                .execute(conn)?;
            }
            Some(mut theirs) => {
                // The mediator met the resident: what the offline record had verified, the
                // account keeps verified (a rejected or pending request is theirs to settle).
                if theirs.status == buurt_domain::membership::MembershipStatus::Active
                    && theirs.verification.is_none()
                {
                    theirs.verification = membership.verification;
                    theirs.verified_by = membership.verified_by;
                    theirs.updated_at = now;
                    crate::memberships::update_membership(conn, &theirs)?;
                }
            }
        }
    }
    Ok(())
}

/// Blocks either way: the account's own stand; a block between the two goes.
fn merge_blocks(conn: &mut DbConnection, from: &str, to: &str) -> Result<(), PersistenceError> {
    diesel::delete(
        user_blocks::table.filter(
            (user_blocks::blocker_id
                .eq(from)
                .and(user_blocks::blocked_id.eq(to)))
            .or(user_blocks::blocker_id
                .eq(to)
                .and(user_blocks::blocked_id.eq(from))),
        ),
    )
    .execute(conn)?;
    let blocked: Vec<String> = user_blocks::table
        .filter(user_blocks::blocker_id.eq(to))
        .select(user_blocks::blocked_id)
        .load(conn)?;
    diesel::update(
        user_blocks::table
            .filter(user_blocks::blocker_id.eq(from))
            .filter(user_blocks::blocked_id.ne_all(blocked)),
    )
    .set(user_blocks::blocker_id.eq(to))
    .execute(conn)?;
    let blockers: Vec<String> = user_blocks::table
        .filter(user_blocks::blocked_id.eq(to))
        .select(user_blocks::blocker_id)
        .load(conn)?;
    diesel::update(
        user_blocks::table
            .filter(user_blocks::blocked_id.eq(from))
            .filter(user_blocks::blocker_id.ne_all(blockers)),
    )
    .set(user_blocks::blocked_id.eq(to))
    .execute(conn)?;
    Ok(())
}

/// Monitoring facts: the person is one actor now. A fact that carries the actor in its key
/// and that the account has already (both joined the neighbourhood, say) is counted once.
fn merge_stat_events(
    conn: &mut DbConnection,
    from: &str,
    to: &str,
) -> Result<(), PersistenceError> {
    let facts: Vec<(String, Stored<NeighbourhoodId>)> = stat_events::table
        .filter(stat_events::actor_id.eq(from))
        .select((stat_events::key, stat_events::neighbourhood_id))
        .load(conn)?;
    let mut places: Vec<NeighbourhoodId> = facts.iter().map(|(_, place)| place.0).collect();
    places.sort_by_key(ToString::to_string);
    places.dedup();
    for (key, _) in facts {
        let moved = key.replace(from, to);
        let taken = moved != key
            && diesel::select(diesel::dsl::exists(stat_events::table.find(&moved)))
                .get_result::<bool>(conn)?;
        if taken {
            diesel::delete(stat_events::table.find(&key)).execute(conn)?;
        } else {
            diesel::update(stat_events::table.find(&key))
                .set((stat_events::actor_id.eq(to), stat_events::key.eq(&moved)))
                .execute(conn)?;
        }
    }
    // The rollups follow the facts: fewer facts where both had one, one person where there
    // were two (the presence rows name the account now).
    crate::stats::refill_rollups_of(conn, &places)
}

/// Signals about the person: theirs now; where the account has the same open signal or the
/// same evidence already, the offline record's goes.
fn merge_signals(conn: &mut DbConnection, from: &str, to: &str) -> Result<(), PersistenceError> {
    type Row = (String, String, String, String, Option<NaiveDateTime>);
    let about: Vec<Row> = signals::table
        .filter(signals::subject.eq(from).or(signals::person_id.eq(from)))
        .select((
            signals::id,
            signals::neighbourhood_id,
            signals::kind,
            signals::evidence,
            signals::acknowledged_at,
        ))
        .load(conn)?;
    for (id, neighbourhood, kind, evidence, acknowledged) in about {
        let same = || {
            signals::table
                .filter(signals::neighbourhood_id.eq(neighbourhood.clone()))
                .filter(signals::kind.eq(kind.clone()))
                .filter(signals::subject.eq(to))
        };
        let same_evidence = diesel::select(diesel::dsl::exists(
            same().filter(signals::evidence.eq(&evidence)),
        ))
        .get_result::<bool>(conn)?;
        let both_open = acknowledged.is_none()
            && diesel::select(diesel::dsl::exists(
                same().filter(signals::acknowledged_at.is_null()),
            ))
            .get_result::<bool>(conn)?;
        let taken = same_evidence || both_open;
        if taken {
            diesel::delete(signals::table.find(&id)).execute(conn)?;
            continue;
        }
        diesel::update(signals::table.find(&id).filter(signals::subject.eq(from)))
            .set(signals::subject.eq(to))
            .execute(conn)?;
        diesel::update(signals::table.find(&id).filter(signals::person_id.eq(from)))
            .set(signals::person_id.eq(to))
            .execute(conn)?;
    }
    Ok(())
}

/// Copies what the account's export keeps of the intake: who registered the resident, when,
/// and how their consent was given.
fn keep_intake(
    conn: &mut DbConnection,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    type Row = (String, String, NaiveDateTime, String, NaiveDateTime);
    let record: Option<Row> = offline_residents::table
        .find(from)
        .select((
            offline_residents::neighbourhood_id,
            offline_residents::registered_by,
            offline_residents::created_at,
            offline_residents::consent_method,
            offline_residents::consent_given_at,
        ))
        .first(conn)
        .optional()?;
    let Some((neighbourhood, by, at, method, given_at)) = record else {
        return Ok(());
    };
    diesel::insert_into(offline_claims::table)
        .values((
            offline_claims::resident_id.eq(from),
            offline_claims::account_id.eq(to),
            offline_claims::neighbourhood_id.eq(neighbourhood),
            offline_claims::registered_by.eq(by),
            offline_claims::registered_at.eq(at),
            offline_claims::consent_method.eq(method),
            offline_claims::consent_given_at.eq(given_at),
            offline_claims::claimed_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The intake record of an offline record an account claimed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedIntake {
    /// The offline record's id (it ended with the claim).
    pub resident_id: uuid::Uuid,
    pub neighbourhood_id: buurt_domain::neighbourhoods::NeighbourhoodId,
    /// The mediator who registered them, and their name now (`None` when that account is
    /// gone).
    pub registered_by: UserId,
    pub registered_by_name: Option<String>,
    pub registered_at: DateTime<Utc>,
    /// `phone`, `in_person` or `paper`.
    pub consent_method: String,
    pub consent_given_at: DateTime<Utc>,
    pub claimed_at: DateTime<Utc>,
}

/// The offline records `account` claimed (normally one), oldest claim first, in one query.
pub fn claimed_intakes(
    conn: &mut DbConnection,
    account: UserId,
) -> Result<Vec<ClaimedIntake>, PersistenceError> {
    type Row = (
        Stored<uuid::Uuid>,
        Stored<buurt_domain::neighbourhoods::NeighbourhoodId>,
        Stored<UserId>,
        Option<String>,
        NaiveDateTime,
        String,
        NaiveDateTime,
        NaiveDateTime,
    );
    let rows: Vec<Row> = offline_claims::table
        .left_join(users::table.on(users::id.eq(offline_claims::registered_by)))
        .filter(offline_claims::account_id.eq(account.to_string()))
        .order((offline_claims::claimed_at, offline_claims::resident_id))
        .select((
            offline_claims::resident_id,
            offline_claims::neighbourhood_id,
            offline_claims::registered_by,
            users::display_name.nullable(),
            offline_claims::registered_at,
            offline_claims::consent_method,
            offline_claims::consent_given_at,
            offline_claims::claimed_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(resident, place, by, name, at, method, given_at, claimed)| ClaimedIntake {
                resident_id: resident.0,
                neighbourhood_id: place.0,
                registered_by: by.0,
                registered_by_name: name,
                registered_at: from_db(at),
                consent_method: method,
                consent_given_at: from_db(given_at),
                claimed_at: from_db(claimed),
            },
        )
        .collect())
}
