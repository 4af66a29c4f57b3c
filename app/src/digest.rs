//! The neighbourhood newsletter: a week's new activities and those coming up, open requests
//! and offers, news, and what neighbours and mediators solved (counts, with small numbers
//! suppressed); and the per-user e-mail of it, queued by `buurt run-jobs` once per period.

use buurt_domain::accounts::UserId;
use buurt_domain::delivery::{Channel, DigestFrequency};
use buurt_domain::digest::Week;
use buurt_domain::neighbourhoods::{Neighbourhood, NeighbourhoodId};
use buurt_domain::stats::{Count, RequestOutcome, StatKind};
use buurt_persistence::deliveries::{self as repo, NewDelivery};
use buurt_persistence::posts::{DigestPosts, digest_posts};
use buurt_persistence::{in_write_transaction, neighbourhoods, stats};
use chrono::Duration;
use serde_json::json;

use crate::{AppError, Cx};

/// The kind of the newsletter e-mail.
pub const DIGEST: &str = "digest";

/// The most posts per section.
pub const SECTION_LIMIT: usize = 10;

/// One neighbourhood's newsletter for one week.
#[derive(Debug, Clone)]
pub struct Digest {
    pub neighbourhood: Neighbourhood,
    pub week: Week,
    pub posts: DigestPosts,
    /// Requests matched online and completed by neighbours that week.
    pub solved_by_neighbours: Count,
    /// Requests mediators solved offline or referred to the wijkteam that week.
    pub solved_by_mediators: Count,
}

/// The newsletter of `neighbourhood` for `week` (`NotFound` for no such neighbourhood).
pub fn digest(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    week: Week,
) -> Result<Digest, AppError> {
    let found =
        neighbourhoods::find_neighbourhood(cx.conn, neighbourhood)?.ok_or(AppError::NotFound)?;
    let (from, to) = (week.start(), week.end());
    let posts = digest_posts(cx.conn, neighbourhood, from, to, SECTION_LIMIT)?;
    let count = |cx: &mut Cx<'_>, kinds: &[StatKind]| -> Result<Count, AppError> {
        let n = stats::count_facts(cx.conn, neighbourhood, kinds, from, to)?;
        Ok(Count::of(u64::try_from(n).unwrap_or(0)))
    };
    let solved_by_neighbours = count(cx, &[StatKind::Outcome(RequestOutcome::MatchedOnline)])?;
    let solved_by_mediators = count(
        cx,
        &[
            StatKind::Outcome(RequestOutcome::SolvedOffline),
            StatKind::Outcome(RequestOutcome::ReferredWijkteam),
        ],
    )?;
    Ok(Digest {
        neighbourhood: found,
        week,
        posts,
        solved_by_neighbours,
        solved_by_mediators,
    })
}

/// Memberships read at once by `queue_digests`: what it holds in memory, however many readers.
pub const DIGEST_PAGE: usize = 500;

/// Queues the newsletter e-mails due now: weekly ones with last week's newsletter, daily ones
/// with the current week's so far; each reader gets each period's newsletter of each of their
/// neighbourhoods once, however often and on however many machines this runs. The readers are
/// read `page` memberships at a time. Returns how many were queued.
pub fn queue_digests(cx: &mut Cx<'_>, page: usize) -> Result<usize, AppError> {
    let now = cx.now();
    let yesterday = now - Duration::days(1);
    let day = buurt_domain::digest::local_day(yesterday);
    let last_week = Week::containing(now).previous();
    let mut queued = 0;
    for (frequency, period, week) in [
        (DigestFrequency::Weekly, last_week.label(), last_week),
        (DigestFrequency::Daily, day, Week::containing(yesterday)),
    ] {
        let mut after: Option<String> = None;
        loop {
            let readers =
                repo::digest_recipients(cx.conn, frequency, &period, after.as_deref(), page)?;
            for (user, neighbourhood) in readers.due {
                let sent = in_write_transaction(cx.conn, |conn| {
                    if !repo::claim_digest(conn, user, &period, neighbourhood, now)? {
                        return Ok::<_, AppError>(false);
                    }
                    queue_digest_mail(conn, user, neighbourhood, week, now)?;
                    Ok(true)
                })?;
                queued += usize::from(sent);
            }
            match readers.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
    }
    Ok(queued)
}

fn queue_digest_mail(
    conn: &mut buurt_persistence::DbConnection,
    user: UserId,
    neighbourhood: NeighbourhoodId,
    week: Week,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), buurt_persistence::PersistenceError> {
    let payload = json!({
        "neighbourhood_id": neighbourhood.0.to_string(),
        "week": week.label(),
    })
    .to_string();
    repo::enqueue(
        conn,
        &NewDelivery {
            user,
            channel: Channel::Email,
            kind: DIGEST,
            payload: &payload,
            due: now,
        },
        now,
    )?;
    Ok(())
}

/// A newsletter as one reader gets it.
#[derive(Debug, Clone)]
pub struct DigestMail {
    pub neighbourhood: String,
    pub week: String,
    /// Requests that fit the reader's skills first.
    pub requests: Vec<(uuid::Uuid, String)>,
    pub offers: Vec<(uuid::Uuid, String)>,
    /// Nearest in time first, with their start.
    pub activities: Vec<(uuid::Uuid, String, chrono::DateTime<chrono::Utc>)>,
    pub news: Vec<(uuid::Uuid, String)>,
    pub solved_by_neighbours: Count,
    pub solved_by_mediators: Count,
}

/// The newsletter for one reader: requests that fit their skills first, activities (new and
/// coming up) nearest in time first.
pub fn for_reader(digest: Digest, skills: &[buurt_domain::category::Category]) -> DigestMail {
    let mut posts = digest.posts;
    buurt_domain::digest::rank_requests(&mut posts.open_requests, skills);
    let mut activities = posts.upcoming_activities;
    activities.extend(posts.new_activities);
    let mut seen = std::collections::HashSet::new();
    activities.retain(|post| seen.insert(post.id.0));
    buurt_domain::digest::rank_activities(&mut activities);
    let titled = |posts: Vec<buurt_domain::posts::Post>| -> Vec<(uuid::Uuid, String)> {
        posts
            .into_iter()
            .map(|post| (post.id.0, post.content.title))
            .collect()
    };
    DigestMail {
        neighbourhood: digest.neighbourhood.draft.name.as_str().to_owned(),
        week: digest.week.label(),
        requests: titled(posts.open_requests),
        offers: titled(posts.open_offers),
        activities: activities
            .into_iter()
            .filter_map(|post| {
                let starts = post.content.activity.as_ref()?.starts_at;
                Some((post.id.0, post.content.title, starts))
            })
            .collect(),
        news: titled(posts.news),
        solved_by_neighbours: digest.solved_by_neighbours,
        solved_by_mediators: digest.solved_by_mediators,
    }
}
