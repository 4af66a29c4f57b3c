//! Bulk loading for `buurt seed`: many rows per `INSERT`, as many as the backend binds in one
//! statement. The callers build valid domain values and choose the transactions; this module
//! only writes them.

use buurt_domain::accounts::{User, UserId};
use buurt_domain::activities::Rsvp;
use buurt_domain::matching::Match;
use buurt_domain::mediation::{Case, CaseId, ConsentKind};
use buurt_domain::membership::Membership;
use buurt_domain::neighbourhoods::{Neighbourhood, search_key};
use buurt_domain::posts::{Post, PostId};
use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use uuid::Uuid;

use crate::accounts::UserColumns;
use crate::posts::ContentColumns;
use crate::schema::{
    case_audit, cases, consents, matches, memberships, neighbourhood_adjacency,
    neighbourhood_postcodes, neighbourhoods, posts, rsvps, users,
};
use crate::time::to_db;
use crate::{DbConnection, PersistenceError};

/// A membership with the row id it is stored under.
#[derive(Debug, Clone)]
pub struct SeedMembership {
    pub id: Uuid,
    pub membership: Membership,
}

/// A match with the helper place it holds (accepted and completed matches hold one).
#[derive(Debug, Clone)]
pub struct SeedMatch {
    pub r#match: Match,
    pub accepted_slot: Option<u32>,
    /// The request's `helpers_needed` when the match was made.
    pub slot_limit: u32,
}

/// One answer for one activity.
#[derive(Debug, Clone)]
pub struct SeedRsvp {
    pub post_id: PostId,
    pub rsvp: Rsvp,
}

/// A consent a user gave.
#[derive(Debug, Clone)]
pub struct SeedConsent {
    pub user_id: UserId,
    pub kind: ConsentKind,
    pub given_at: DateTime<Utc>,
}

/// One line of a case's audit log.
#[derive(Debug, Clone)]
pub struct SeedAudit {
    pub id: Uuid,
    pub case_id: CaseId,
    pub actor_id: Option<UserId>,
    pub action: String,
    pub at: DateTime<Utc>,
}

/// Whether the database holds no users and no neighbourhoods: the only state `seed` writes to.
pub fn is_empty(conn: &mut DbConnection) -> Result<bool, PersistenceError> {
    let users: i64 = users::table.count().get_result(conn)?;
    let places: i64 = neighbourhoods::table.count().get_result(conn)?;
    Ok(users == 0 && places == 0)
}

/// Session settings for a bulk load. On PostgreSQL a commit need not wait for the WAL flush
/// (a crash loses at most the last moments of the load, which is rerun anyway), and index
/// builds get the memory to sort in one go.
pub fn prepare_session(conn: &mut DbConnection) -> Result<(), PersistenceError> {
    if let DbConnection::Postgresql(_) = conn {
        conn.batch_execute("SET synchronous_commit = off; SET maintenance_work_mem = '256MB'")?;
    }
    Ok(())
}

/// The secondary indexes `drop_indexes` took away, as the migrations defined them.
#[derive(Debug, Default)]
pub struct DroppedIndexes(Vec<String>);

impl DroppedIndexes {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(QueryableByName)]
struct IndexRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    definition: String,
}

/// PostgreSQL: drops the indexes of `tables` that back no constraint (everything but the
/// primary keys), to be built again by `recreate_indexes` once the rows are in. Building an
/// index over millions of rows takes seconds; keeping it up to date row by row (the GIN index
/// of the posts' full text above all) took most of the load. Call it inside the load's
/// transaction, so a failed load leaves every index in place. SQLite keeps its indexes.
pub fn drop_indexes(
    conn: &mut DbConnection,
    tables: &[&str],
) -> Result<DroppedIndexes, PersistenceError> {
    let DbConnection::Postgresql(pg) = conn else {
        return Ok(DroppedIndexes::default());
    };
    let rows: Vec<IndexRow> = diesel::sql_query(
        "SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i \
         WHERE i.schemaname = current_schema() AND i.tablename = ANY($1) \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) \
         ORDER BY i.indexname",
    )
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(tables)
    .load(pg)?;
    for row in &rows {
        // Names from the catalogue, quoted.
        pg.batch_execute(&format!("DROP INDEX \"{}\"", row.name.replace('"', "\"\"")))?;
    }
    Ok(DroppedIndexes(
        rows.into_iter().map(|r| r.definition).collect(),
    ))
}

/// Builds the indexes `drop_indexes` dropped, exactly as they were defined.
pub fn recreate_indexes(
    conn: &mut DbConnection,
    dropped: DroppedIndexes,
) -> Result<(), PersistenceError> {
    for definition in dropped.0 {
        conn.batch_execute(&definition)?;
    }
    Ok(())
}

/// Fresh planner statistics for every table: without them the planner still believes the
/// tables are empty and picks scans over the indexes.
pub fn analyze(conn: &mut DbConnection) -> Result<(), PersistenceError> {
    conn.batch_execute("ANALYZE")?;
    Ok(())
}

/// How many rows of `columns` values fit in one statement: SQLite binds at most 32,766
/// values, PostgreSQL 65,535.
pub fn rows_per_statement(conn: &DbConnection, columns: usize) -> usize {
    let limit = match conn {
        DbConnection::Postgresql(_) => 65_535,
        DbConnection::Sqlite(_) => 32_766,
    };
    (limit / columns).max(1)
}

/// One multi-row `INSERT`. Diesel builds those per backend, not for the multi-connection.
macro_rules! insert_many {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            DbConnection::Postgresql(conn) => {
                diesel::insert_into($table).values($rows).execute(conn)
            }
            DbConnection::Sqlite(conn) => diesel::insert_into($table).values($rows).execute(conn),
        }
    };
}

/// Inserts `items` in as few statements as the backend allows.
fn insert_chunked<'a, T, R>(
    conn: &mut DbConnection,
    items: &'a [T],
    columns: usize,
    row: impl Fn(&'a T) -> R,
    insert: impl Fn(&mut DbConnection, Vec<R>) -> QueryResult<usize>,
) -> Result<usize, PersistenceError> {
    let size = rows_per_statement(conn, columns);
    let mut written = 0;
    for chunk in items.chunks(size) {
        written += insert(conn, chunk.iter().map(&row).collect())?;
    }
    Ok(written)
}

/// Neighbourhoods with their postcodes and neighbours.
pub fn insert_neighbourhoods(
    conn: &mut DbConnection,
    places: &[Neighbourhood],
) -> Result<usize, PersistenceError> {
    let written = insert_chunked(
        conn,
        places,
        11,
        |place| {
            let draft = &place.draft;
            (
                neighbourhoods::id.eq(place.id.to_string()),
                neighbourhoods::code.eq(draft.code.as_str().to_owned()),
                neighbourhoods::name.eq(draft.name.as_str().to_owned()),
                neighbourhoods::search_name.eq(search_key(draft.name.as_str())),
                neighbourhoods::municipality_code.eq(draft.municipality_code.as_str().to_owned()),
                neighbourhoods::municipality_name.eq(draft.municipality_name.as_str().to_owned()),
                neighbourhoods::lat.eq(draft.centre.lat),
                neighbourhoods::lng.eq(draft.centre.lng),
                neighbourhoods::created_at.eq(to_db(place.created_at)),
                neighbourhoods::updated_at.eq(to_db(place.updated_at)),
            )
        },
        |conn, rows| insert_many!(conn, neighbourhoods::table, rows),
    )?;
    let postcodes: Vec<(String, String)> = places
        .iter()
        .flat_map(|place| {
            place
                .draft
                .postcodes
                .iter()
                .map(|area| (place.id.to_string(), area.as_str().to_owned()))
        })
        .collect();
    insert_chunked(
        conn,
        &postcodes,
        2,
        |(id, postcode)| {
            (
                neighbourhood_postcodes::neighbourhood_id.eq(id.clone()),
                neighbourhood_postcodes::postcode.eq(postcode.clone()),
            )
        },
        |conn, rows| insert_many!(conn, neighbourhood_postcodes::table, rows),
    )?;
    let adjacency: Vec<(String, String)> = places
        .iter()
        .flat_map(|place| {
            place
                .draft
                .adjacent
                .iter()
                .map(|code| (place.id.to_string(), code.as_str().to_owned()))
        })
        .collect();
    insert_chunked(
        conn,
        &adjacency,
        2,
        |(id, code)| {
            (
                neighbourhood_adjacency::neighbourhood_id.eq(id.clone()),
                neighbourhood_adjacency::adjacent_code.eq(code.clone()),
            )
        },
        |conn, rows| insert_many!(conn, neighbourhood_adjacency::table, rows),
    )?;
    Ok(written)
}

/// Users, all with the same password hash (hashing is slow on purpose: once is enough).
pub fn insert_users(
    conn: &mut DbConnection,
    people: &[User],
    password_hash: &str,
) -> Result<usize, PersistenceError> {
    insert_chunked(
        conn,
        people,
        16,
        |user| UserColumns::new(user, password_hash),
        |conn, rows| insert_many!(conn, users::table, rows),
    )
}

pub fn insert_memberships(
    conn: &mut DbConnection,
    members: &[SeedMembership],
) -> Result<usize, PersistenceError> {
    insert_chunked(
        conn,
        members,
        10,
        |SeedMembership { id, membership }| {
            (
                memberships::id.eq(id.to_string()),
                memberships::neighbourhood_id.eq(membership.neighbourhood_id.to_string()),
                memberships::user_id.eq(membership.user_id.to_string()),
                memberships::role.eq(membership.role.as_str()),
                memberships::status.eq(membership.status.as_str()),
                memberships::joined_at.eq(to_db(membership.joined_at)),
                memberships::updated_at.eq(to_db(membership.updated_at)),
                memberships::verification.eq(membership
                    .verification
                    .map(buurt_domain::membership::Verification::as_str)),
                memberships::verified_by.eq(membership.verified_by.map(|id| id.to_string())),
                memberships::via_postcode.eq(membership.via_postcode),
            )
        },
        |conn, rows| insert_many!(conn, memberships::table, rows),
    )
}

pub fn insert_posts(conn: &mut DbConnection, items: &[Post]) -> Result<usize, PersistenceError> {
    insert_chunked(
        conn,
        items,
        21,
        |post| {
            (
                ContentColumns::from(&post.content),
                posts::id.eq(post.id.to_string()),
                posts::neighbourhood_id.eq(post.neighbourhood_id.to_string()),
                posts::author_id.eq(post.author_id.to_string()),
                posts::kind.eq(post.content.kind.as_str()),
                posts::status.eq(post.status.as_str()),
                posts::hidden.eq(post.hidden),
                posts::created_at.eq(to_db(post.created_at)),
                posts::updated_at.eq(to_db(post.updated_at)),
            )
        },
        |conn, rows| insert_many!(conn, posts::table, rows),
    )
}

pub fn insert_matches(
    conn: &mut DbConnection,
    items: &[SeedMatch],
) -> Result<usize, PersistenceError> {
    let number = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    insert_chunked(
        conn,
        items,
        13,
        |seeded| {
            let m = &seeded.r#match;
            (
                matches::id.eq(m.id.to_string()),
                matches::request_id.eq(m.request_id.to_string()),
                matches::requester_id.eq(m.requester_id.to_string()),
                matches::helper_id.eq(m.helper_id.to_string()),
                matches::offer_id.eq(m.offer_id.map(|id| id.to_string())),
                matches::proposed_by.eq(m.proposed_by.as_str()),
                matches::status.eq(m.status.as_str()),
                matches::message.eq(m.message.as_deref()),
                matches::thanks.eq(m.thanks.as_deref()),
                matches::accepted_slot.eq(seeded.accepted_slot.map(number)),
                matches::slot_limit.eq(number(seeded.slot_limit)),
                matches::created_at.eq(to_db(m.created_at)),
                matches::updated_at.eq(to_db(m.updated_at)),
            )
        },
        |conn, rows| insert_many!(conn, matches::table, rows),
    )
}

pub fn insert_rsvps(
    conn: &mut DbConnection,
    items: &[SeedRsvp],
) -> Result<usize, PersistenceError> {
    insert_chunked(
        conn,
        items,
        7,
        |SeedRsvp { post_id, rsvp }| {
            (
                rsvps::post_id.eq(post_id.to_string()),
                rsvps::user_id.eq(rsvp.user_id.to_string()),
                rsvps::status.eq(rsvp.status.as_str()),
                rsvps::position.eq(rsvp.position),
                rsvps::checked_in_at.eq(rsvp.checked_in_at.map(to_db)),
                rsvps::created_at.eq(to_db(rsvp.created_at)),
                rsvps::updated_at.eq(to_db(rsvp.updated_at)),
                rsvps::waitlisted_at.eq(rsvp.waitlisted_at.map(to_db)),
            )
        },
        |conn, rows| insert_many!(conn, rsvps::table, rows),
    )
}

pub fn insert_consents(
    conn: &mut DbConnection,
    items: &[SeedConsent],
) -> Result<usize, PersistenceError> {
    insert_chunked(
        conn,
        items,
        4,
        |consent| {
            (
                consents::user_id.eq(consent.user_id.to_string()),
                consents::kind.eq(consent.kind.as_str()),
                consents::given_at.eq(to_db(consent.given_at)),
                consents::withdrawn_at.eq(None::<chrono::NaiveDateTime>),
            )
        },
        |conn, rows| insert_many!(conn, consents::table, rows),
    )
}

pub fn insert_cases(conn: &mut DbConnection, items: &[Case]) -> Result<usize, PersistenceError> {
    insert_chunked(
        conn,
        items,
        13,
        |case| {
            (
                cases::id.eq(case.id.to_string()),
                cases::request_id.eq(case.request_id.to_string()),
                cases::neighbourhood_id.eq(case.neighbourhood_id.to_string()),
                cases::requester_id.eq(case.requester_id.to_string()),
                cases::status.eq(case.status.as_str()),
                cases::outcome.eq(case.outcome.map(|o| o.as_str())),
                cases::summary.eq(case.summary.as_deref()),
                cases::reason.eq(case.reason.as_deref()),
                cases::escalated_by.eq(case.escalated_by.as_str()),
                cases::claimed_by.eq(case.claimed_by.map(|id| id.to_string())),
                cases::follow_up_at.eq(case.follow_up_at.map(to_db)),
                cases::created_at.eq(to_db(case.created_at)),
                cases::updated_at.eq(to_db(case.updated_at)),
            )
        },
        |conn, rows| insert_many!(conn, cases::table, rows),
    )
}

pub fn insert_audit(
    conn: &mut DbConnection,
    items: &[SeedAudit],
) -> Result<usize, PersistenceError> {
    insert_chunked(
        conn,
        items,
        5,
        |entry| {
            (
                case_audit::id.eq(entry.id.to_string()),
                case_audit::case_id.eq(entry.case_id.to_string()),
                case_audit::actor_id.eq(entry.actor_id.map(|id| id.to_string())),
                case_audit::action.eq(entry.action.as_str()),
                case_audit::created_at.eq(to_db(entry.at)),
            )
        },
        |conn, rows| insert_many!(conn, case_audit::table, rows),
    )
}
