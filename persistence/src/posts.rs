//! Posts, their feed and search.

use buurt_domain::accounts::UserId;
use buurt_domain::category::Category;
use buurt_domain::lasting::{Recurrence, RecurrenceRule};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::notifications::EXPIRY_WARNING;
use buurt_domain::posts::{
    ActivityDetails, Post, PostContent, PostId, PostKind, PostStatus, Urgency, Visibility,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

use crate::columns::Stored;
use crate::connection::MultiBackend;
use crate::schema::{posts, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = posts)]
struct PostRow {
    id: Stored<PostId>,
    neighbourhood_id: Stored<NeighbourhoodId>,
    author_id: Stored<UserId>,
    kind: Stored<PostKind>,
    status: Stored<PostStatus>,
    title: String,
    body: String,
    category: Option<Stored<Category>>,
    visibility: Stored<Visibility>,
    urgency: Option<Stored<Urgency>>,
    remote_ok: bool,
    helpers_needed: i32,
    expires_at: Option<NaiveDateTime>,
    starts_at: Option<NaiveDateTime>,
    ends_at: Option<NaiveDateTime>,
    location: Option<String>,
    capacity: Option<i32>,
    hidden: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    recurrence: Option<Stored<Recurrence>>,
    recurrence_ends_on: Option<Stored<chrono::NaiveDate>>,
}

impl From<PostRow> for Post {
    fn from(row: PostRow) -> Self {
        let kind = row.kind.0;
        let activity = match (row.starts_at, row.ends_at, row.location) {
            (Some(starts_at), Some(ends_at), Some(location)) => Some(ActivityDetails {
                starts_at: from_db(starts_at),
                ends_at: from_db(ends_at),
                location,
                capacity: row.capacity.map(|c| u32::try_from(c).unwrap_or(0)),
            }),
            _ => None,
        };
        Post {
            id: row.id.0,
            neighbourhood_id: row.neighbourhood_id.0,
            author_id: row.author_id.0,
            content: PostContent {
                kind,
                title: row.title,
                body: row.body,
                category: row.category.map(|c| c.0),
                visibility: row.visibility.0,
                urgency: row.urgency.map(|u| u.0),
                expires_at: row.expires_at.map(from_db),
                remote_ok: row.remote_ok,
                helpers_needed: u32::try_from(row.helpers_needed).unwrap_or(1),
                activity,
                recurrence: row.recurrence.map(|every| RecurrenceRule {
                    every: every.0,
                    ends_on: row.recurrence_ends_on.map(|day| day.0),
                }),
            },
            status: row.status.0,
            hidden: row.hidden,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        }
    }
}

/// The columns an author writes: one mapping for inserting and for editing a post.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = posts, treat_none_as_null = true)]
pub(crate) struct ContentColumns<'a> {
    title: &'a str,
    body: &'a str,
    category: Option<&'static str>,
    visibility: &'static str,
    urgency: Option<&'static str>,
    remote_ok: bool,
    helpers_needed: i32,
    expires_at: Option<NaiveDateTime>,
    starts_at: Option<NaiveDateTime>,
    ends_at: Option<NaiveDateTime>,
    location: Option<&'a str>,
    capacity: Option<i32>,
    recurrence: Option<&'static str>,
    recurrence_ends_on: Option<String>,
}

impl<'a> From<&'a PostContent> for ContentColumns<'a> {
    fn from(content: &'a PostContent) -> Self {
        let activity = content.activity.as_ref();
        Self {
            title: &content.title,
            body: &content.body,
            category: content.category.map(Category::as_str),
            visibility: content.visibility.as_str(),
            urgency: content.urgency.map(Urgency::as_str),
            remote_ok: content.remote_ok,
            helpers_needed: i32::try_from(content.helpers_needed).unwrap_or(1),
            expires_at: content.expires_at.map(to_db),
            starts_at: activity.map(|a| to_db(a.starts_at)),
            ends_at: activity.map(|a| to_db(a.ends_at)),
            location: activity.map(|a| a.location.as_str()),
            capacity: activity
                .and_then(|a| a.capacity)
                .map(|c| i32::try_from(c).unwrap_or(i32::MAX)),
            recurrence: content.recurrence.map(|r| r.every.as_str()),
            recurrence_ends_on: content
                .recurrence
                .and_then(|r| r.ends_on)
                .map(crate::columns::day_column),
        }
    }
}

/// Inserts a new post (its effects are the caller's: `PostHappening::Created`).
pub fn insert_post(conn: &mut DbConnection, post: &Post) -> Result<(), PersistenceError> {
    let content = &post.content;
    diesel::insert_into(posts::table)
        .values((
            ContentColumns::from(content),
            posts::id.eq(post.id.to_string()),
            posts::neighbourhood_id.eq(post.neighbourhood_id.to_string()),
            posts::author_id.eq(post.author_id.to_string()),
            posts::kind.eq(content.kind.as_str()),
            posts::status.eq(post.status.as_str()),
            posts::hidden.eq(post.hidden),
            posts::created_at.eq(to_db(post.created_at)),
            posts::updated_at.eq(to_db(post.updated_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Holds the post's row for the rest of the caller's write transaction (see
/// `write_transaction`), so what is read of it stays so until the transaction writes.
pub fn lock(conn: &mut DbConnection, id: PostId) -> Result<(), PersistenceError> {
    crate::connection::lock_row(conn, "posts", id.0)
}

/// A post with the display name of its author.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostWithAuthor {
    pub post: Post,
    pub author_name: String,
}

fn with_author((row, author_name): (PostRow, String)) -> PostWithAuthor {
    PostWithAuthor {
        post: Post::from(row),
        author_name,
    }
}

pub fn find_post(conn: &mut DbConnection, id: PostId) -> Result<Option<Post>, PersistenceError> {
    Ok(posts::table
        .find(id.to_string())
        .select(PostRow::as_select())
        .first(conn)
        .optional()?
        .map(Post::from))
}

pub fn find_post_with_author(
    conn: &mut DbConnection,
    id: PostId,
) -> Result<Option<PostWithAuthor>, PersistenceError> {
    Ok(posts::table
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(posts::id.eq(id.to_string()))
        .select((PostRow::as_select(), users::display_name))
        .first(conn)
        .optional()?
        .map(with_author))
}

/// The live statuses as stored (`PostStatus::LIVE`).
pub(crate) fn live() -> [&'static str; 3] {
    PostStatus::LIVE.map(PostStatus::as_str)
}

/// Replaces what the author wrote, while the post is live (the capacity included: the caller
/// decides it). False when it is not (anymore).
pub fn update_content(
    conn: &mut DbConnection,
    id: PostId,
    content: &PostContent,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let updated = diesel::update(
        posts::table
            .filter(posts::id.eq(id.to_string()))
            .filter(posts::status.eq_any(live())),
    )
    .set((
        ContentColumns::from(content),
        // A new expiry deserves a new warning.
        posts::expiry_warned_at.eq(None::<NaiveDateTime>),
        posts::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Moves the post from `from` to `to`, only if it is still `from`: two concurrent events
/// cannot both apply to the same state. False when another change came first.
pub fn set_status(
    conn: &mut DbConnection,
    id: PostId,
    from: PostStatus,
    to: PostStatus,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let updated = diesel::update(
        posts::table
            .filter(posts::id.eq(id.to_string()))
            .filter(posts::status.eq(from.as_str())),
    )
    .set((
        posts::status.eq(to.as_str()),
        posts::updated_at.eq(to_db(now)),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Deletes the post (its effects are the caller's: `PostHappening::Deleted`). False when
/// there was none.
pub fn delete_post(conn: &mut DbConnection, id: PostId) -> Result<bool, PersistenceError> {
    Ok(diesel::delete(posts::table.find(id.to_string())).execute(conn)? > 0)
}

pub fn set_hidden(
    conn: &mut DbConnection,
    id: PostId,
    hidden: bool,
    now: DateTime<Utc>,
) -> Result<Option<Post>, PersistenceError> {
    diesel::update(posts::table.find(id.to_string()))
        .set((posts::hidden.eq(hidden), posts::updated_at.eq(to_db(now))))
        .execute(conn)?;
    find_post(conn, id)
}

/// Which hidden posts a feed shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HiddenPosts {
    /// None.
    None,
    /// The reader's own.
    OwnOnly(UserId),
    /// All (moderators).
    All,
}

/// Where a feed page starts: after this creation time and id (newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedCursor {
    pub created_at: DateTime<Utc>,
    pub id: String,
}

#[derive(Debug, Clone)]
pub struct FeedQuery {
    /// One neighbourhood's feed, or (`None`) posts in every neighbourhood.
    pub neighbourhood: Option<NeighbourhoodId>,
    /// Only the posts this user wrote.
    pub author: Option<UserId>,
    pub kind: Option<PostKind>,
    pub category: Option<Category>,
    pub status: Option<PostStatus>,
    /// Words to search for in title and body.
    pub text: Option<String>,
    /// Whether members-only posts are included (or only the reader's own).
    pub members_posts: bool,
    /// Without `members_posts`: whether members-only news and activities are included (an
    /// unverified member's feed).
    pub members_news: bool,
    pub reader: Option<UserId>,
    pub hidden: HiddenPosts,
    pub after: Option<FeedCursor>,
    pub limit: usize,
}

/// An FTS5 query matching every word of `text`, each quoted so nothing in it is syntax.
fn fts5_query(text: &str) -> String {
    text.split_whitespace()
        .map(|word| format!("\"{}\"", word.replace('"', "")))
        .filter(|quoted| quoted != "\"\"")
        .collect::<Vec<_>>()
        .join(" ")
}

/// One page of a neighbourhood's feed (or of one author's posts), newest first, and the cursor
/// of the next page.
pub fn list_feed(
    conn: &mut DbConnection,
    query: &FeedQuery,
) -> Result<(Vec<PostWithAuthor>, Option<FeedCursor>), PersistenceError> {
    let mut select = posts::table
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .order((posts::created_at.desc(), posts::id.desc()))
        .limit(i64::try_from(query.limit + 1).unwrap_or(i64::MAX))
        .select((PostRow::as_select(), users::display_name))
        .into_boxed::<MultiBackend>();
    if let Some(neighbourhood) = query.neighbourhood {
        select = select.filter(posts::neighbourhood_id.eq(neighbourhood.to_string()));
    }
    if let Some(author) = query.author {
        select = select.filter(posts::author_id.eq(author.to_string()));
    }
    let reader = query.reader.map(|id| id.to_string()).unwrap_or_default();
    if !query.members_posts && query.members_news {
        select = select.filter(
            posts::visibility
                .eq(Visibility::Public.as_str())
                .or(posts::kind.eq_any([PostKind::News.as_str(), PostKind::Activity.as_str()]))
                .or(posts::author_id.eq(reader.clone())),
        );
    } else if !query.members_posts {
        select = select.filter(
            posts::visibility
                .eq(Visibility::Public.as_str())
                .or(posts::author_id.eq(reader.clone())),
        );
    }
    match query.hidden {
        HiddenPosts::None => select = select.filter(posts::hidden.eq(false)),
        HiddenPosts::OwnOnly(user) => {
            select = select.filter(
                posts::hidden
                    .eq(false)
                    .or(posts::author_id.eq(user.to_string())),
            )
        }
        HiddenPosts::All => {}
    }
    if let Some(kind) = query.kind {
        select = select.filter(posts::kind.eq(kind.as_str()));
    }
    if let Some(category) = query.category {
        select = select.filter(posts::category.eq(category.as_str()));
    }
    if let Some(status) = query.status {
        select = select.filter(posts::status.eq(status.as_str()));
    }
    if let Some(text) = query
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        select = match conn {
            DbConnection::Postgresql(_) => select.filter(
                diesel::dsl::sql::<Bool>("search @@ websearch_to_tsquery('dutch', ")
                    .bind::<Text, _>(text.to_owned())
                    .sql(")"),
            ),
            // Nothing searchable in the text: nothing matches.
            DbConnection::Sqlite(_) if fts5_query(text).is_empty() => {
                select.filter(diesel::dsl::sql::<Bool>("1 = 0"))
            }
            DbConnection::Sqlite(_) => select.filter(
                diesel::dsl::sql::<Bool>(
                    "seq IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ",
                )
                .bind::<Text, _>(fts5_query(text))
                .sql(")"),
            ),
        };
    }
    if let Some(after) = &query.after {
        let at = to_db(after.created_at);
        select = select.filter(crate::keyset::before(
            (posts::created_at, posts::id),
            (at, after.id.clone()),
        ));
    }
    let mut rows: Vec<(PostRow, String)> = select.load(conn)?;
    let next = if rows.len() > query.limit {
        rows.truncate(query.limit);
        rows.last().map(|(row, _)| FeedCursor {
            created_at: from_db(row.created_at),
            id: row.id.0.to_string(),
        })
    } else {
        None
    };
    Ok((rows.into_iter().map(with_author).collect(), next))
}

/// Open, visible posts of one kind in a neighbourhood, newest first (filter further, then
/// load with `load_with_authors`).
pub fn open_posts_query(
    neighbourhood: NeighbourhoodId,
    kind: PostKind,
) -> posts::BoxedQuery<'static, MultiBackend> {
    posts::table
        .filter(posts::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(posts::kind.eq(kind.as_str()))
        .filter(posts::status.eq(PostStatus::Open.as_str()))
        .filter(posts::hidden.eq(false))
        .order((posts::created_at.desc(), posts::id.desc()))
        .into_boxed::<MultiBackend>()
}

/// Loads the posts a query selects, with their authors' names.
pub fn load_with_authors(
    conn: &mut DbConnection,
    query: posts::BoxedQuery<'static, MultiBackend>,
) -> Result<Vec<(Post, String)>, PersistenceError> {
    let rows: Vec<PostRow> = query.select(PostRow::as_select()).load(conn)?;
    // One query for all the authors' names, not one per post.
    let mut authors: Vec<String> = rows.iter().map(|row| row.author_id.0.to_string()).collect();
    authors.sort_unstable();
    authors.dedup();
    let names: std::collections::HashMap<String, String> = if authors.is_empty() {
        Default::default()
    } else {
        users::table
            .filter(users::id.eq_any(&authors))
            .select((users::id, users::display_name))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect()
    };
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        let author = row.author_id.0.to_string();
        let name = names.get(&author).cloned().ok_or_else(|| {
            PersistenceError::Corrupt(format!("posts.author_id holds {author:?} (no user)"))
        })?;
        found.push((Post::from(row), name));
    }
    Ok(found)
}

/// Public, visible, open posts of one kind for the public page: the first `limit` (newest
/// first, or soonest first for activities still to come) and how many there are.
pub fn public_section(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    kind: PostKind,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<(Vec<Post>, i64), PersistenceError> {
    let base = || {
        let mut query = posts::table
            .filter(posts::neighbourhood_id.eq(neighbourhood.to_string()))
            .filter(posts::kind.eq(kind.as_str()))
            .filter(posts::visibility.eq(Visibility::Public.as_str()))
            .filter(posts::hidden.eq(false))
            .filter(posts::status.eq(PostStatus::Open.as_str()))
            .into_boxed::<MultiBackend>();
        if kind == PostKind::Activity {
            query = query.filter(posts::ends_at.gt(to_db(now)));
        }
        query
    };
    let count: i64 = base().count().get_result(conn)?;
    let ordered = if kind == PostKind::Activity {
        base().order((posts::starts_at.asc(), posts::id.asc()))
    } else {
        base().order((posts::created_at.desc(), posts::id.desc()))
    };
    let rows: Vec<PostRow> = ordered
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select(PostRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(Post::from).collect(), count))
}

/// Public recurring activities of a neighbourhood whose first occurrence ended by `now` but
/// whose last day is not before `today` (in the Netherlands), or that never end: at most
/// `limit`, earliest first. `public_section` leaves them out, a calendar of what is coming
/// needs them.
pub fn running_series(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    now: DateTime<Utc>,
    today: chrono::NaiveDate,
    limit: usize,
) -> Result<Vec<Post>, PersistenceError> {
    let rows: Vec<PostRow> = posts::table
        .filter(posts::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(posts::kind.eq(PostKind::Activity.as_str()))
        .filter(posts::visibility.eq(Visibility::Public.as_str()))
        .filter(posts::hidden.eq(false))
        .filter(posts::status.eq(PostStatus::Open.as_str()))
        .filter(posts::recurrence.is_not_null())
        .filter(posts::ends_at.le(to_db(now)))
        .filter(
            posts::recurrence_ends_on
                .is_null()
                .or(posts::recurrence_ends_on.ge(crate::columns::day_column(today))),
        )
        .order((posts::starts_at.asc(), posts::id.asc()))
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select(PostRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Post::from).collect())
}

/// How many requests mediators are handling: a count, never the requests.
pub fn count_in_mediation(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
) -> Result<i64, PersistenceError> {
    Ok(posts::table
        .filter(posts::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(posts::status.eq(PostStatus::InMediation.as_str()))
        .count()
        .get_result(conn)?)
}

/// Open posts expiring within `EXPIRY_WARNING` of `now` whose authors were not warned yet:
/// at most `limit`.
pub fn due_expiry_warning(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<PostId>, PersistenceError> {
    let due: Vec<Stored<PostId>> = posts::table
        .filter(posts::status.eq(PostStatus::Open.as_str()))
        .filter(posts::expires_at.gt(to_db(now)))
        .filter(posts::expires_at.le(to_db(now + EXPIRY_WARNING)))
        .filter(posts::expiry_warned_at.is_null())
        .select(posts::id)
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .load(conn)?;
    Ok(due.into_iter().map(|id| id.0).collect())
}

/// Marks the post's expiry as warned of, unless it was already: a conditional update, so two
/// runs of the job at once warn only once. True when this call claimed it.
pub fn claim_expiry_warning(
    conn: &mut DbConnection,
    id: PostId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let claimed = diesel::update(
        posts::table
            .filter(posts::id.eq(id.to_string()))
            .filter(posts::expiry_warned_at.is_null()),
    )
    .set(posts::expiry_warned_at.eq(Some(to_db(now))))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Open posts past their `expires_at` at `now`: at most `limit`.
pub fn due_expiry(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<PostId>, PersistenceError> {
    let due: Vec<Stored<PostId>> = posts::table
        .filter(posts::status.eq(PostStatus::Open.as_str()))
        .filter(posts::expires_at.le(to_db(now)))
        .select(posts::id)
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .load(conn)?;
    Ok(due.into_iter().map(|id| id.0).collect())
}

/// Posts after `after` in id order, `limit` at a time (for `rebuild-stats`).
pub fn posts_after(
    conn: &mut DbConnection,
    after: Option<PostId>,
    limit: i64,
) -> Result<Vec<Post>, PersistenceError> {
    let after = after.map(|id| id.to_string()).unwrap_or_default();
    Ok(posts::table
        .filter(posts::id.gt(after))
        .order(posts::id)
        .limit(limit)
        .select(PostRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Post::from)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fts5_queries_quote_every_word() {
        assert_eq!(fts5_query("ladder lenen"), "\"ladder\" \"lenen\"");
        assert_eq!(fts5_query("a\"b OR NEAR(c"), "\"ab\" \"OR\" \"NEAR(c\"");
        assert_eq!(fts5_query(" \" "), "");
    }
}

/// The newsletter's posts of one neighbourhood for the week `[from, to)`: public, visible
/// posts only (the newsletter is as public as the neighbourhood's page).
#[derive(Debug, Clone, Default)]
pub struct DigestPosts {
    pub news: Vec<Post>,
    pub new_activities: Vec<Post>,
    /// Starting within two weeks after the week.
    pub upcoming_activities: Vec<Post>,
    pub open_requests: Vec<Post>,
    pub open_offers: Vec<Post>,
}

/// The posts of the newsletter, at most `limit` per section; five queries.
pub fn digest_posts(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: usize,
) -> Result<DigestPosts, PersistenceError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let visible = |kind: PostKind| {
        posts::table
            .filter(posts::neighbourhood_id.eq(neighbourhood.to_string()))
            .filter(posts::kind.eq(kind.as_str()))
            .filter(posts::visibility.eq(Visibility::Public.as_str()))
            .filter(posts::hidden.eq(false))
            .into_boxed::<MultiBackend>()
    };
    let load = |conn: &mut DbConnection,
                query: posts::BoxedQuery<'_, MultiBackend>|
     -> Result<Vec<Post>, PersistenceError> {
        let rows: Vec<PostRow> = query.limit(limit).select(PostRow::as_select()).load(conn)?;
        Ok(rows.into_iter().map(Post::from).collect())
    };
    let (from, to) = (to_db(from), to_db(to));
    let created_in_week = |kind: PostKind| {
        visible(kind)
            .filter(posts::created_at.ge(from))
            .filter(posts::created_at.lt(to))
            .order((posts::created_at.desc(), posts::id.desc()))
    };
    let open_at_end = |kind: PostKind| {
        visible(kind)
            .filter(posts::status.eq(PostStatus::Open.as_str()))
            .filter(posts::created_at.lt(to))
            .order((posts::created_at.desc(), posts::id.desc()))
    };
    let news = load(conn, created_in_week(PostKind::News))?;
    let new_activities = load(conn, created_in_week(PostKind::Activity))?;
    let upcoming_activities = load(
        conn,
        visible(PostKind::Activity)
            .filter(posts::starts_at.ge(to))
            .filter(posts::starts_at.lt(to + chrono::Duration::days(14)))
            .order((posts::starts_at.asc(), posts::id.asc())),
    )?;
    let open_requests = load(conn, open_at_end(PostKind::Request))?;
    let open_offers = load(conn, open_at_end(PostKind::Offer))?;
    Ok(DigestPosts {
        news,
        new_activities,
        upcoming_activities,
        open_requests,
        open_offers,
    })
}
