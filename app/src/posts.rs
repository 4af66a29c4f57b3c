//! Use cases of posts: writing, changing, closing, deleting and hiding them, the
//! feed, a post's state machine step with what follows it, and the expiry jobs.

use buurt_domain::ValueError;
use buurt_domain::accounts::UserId;
use buurt_domain::activities::takes_rsvps;
use buurt_domain::category::Category;
use buurt_domain::effects::posts::PostHappening;
use buurt_domain::images::ImageId;
use buurt_domain::matching::request_follows_places;
use buurt_domain::mediation::{ConsentKind, EscalatedBy};
use buurt_domain::neighbourhoods::{MunicipalityCode, Neighbourhood, NeighbourhoodId};
use buurt_domain::policy::{Action, Actor, Reader};
use buurt_domain::posts::{
    ActivityInput, IllegalPostTransition, Post, PostContent, PostEvent, PostId, PostInput,
    PostKind, PostStatus, Urgency, Visibility,
};
use buurt_persistence::posts::{self as repo, FeedCursor, FeedQuery, HiddenPosts};
use buurt_persistence::{
    DbConnection, PersistenceError, activities, in_write_transaction, matching, mediation,
    memberships, neighbourhoods,
};
use chrono::{DateTime, Utc};

pub use buurt_persistence::posts::PostWithAuthor;

use crate::{AppError, Cx, ErrorCode, FieldErrors, outbox};

impl From<IllegalPostTransition> for AppError {
    fn from(_: IllegalPostTransition) -> Self {
        ErrorCode::IllegalTransition.into()
    }
}

/// What `PostContent::validate` found wrong, as field problems.
fn content_errors(errors: Vec<(&'static str, ValueError)>) -> AppError {
    let mut fields = FieldErrors::default();
    for (field, error) in errors {
        fields.check::<()>(field, Err(error));
    }
    fields.into()
}

/// The neighbourhood, or `NotFound`.
pub fn neighbourhood(
    conn: &mut DbConnection,
    id: NeighbourhoodId,
) -> Result<Neighbourhood, AppError> {
    neighbourhoods::find_neighbourhood(conn, id)?.ok_or(AppError::NotFound)
}

/// The reader `caller` is in `neighbourhood`.
pub fn reader(
    conn: &mut DbConnection,
    caller: Option<UserId>,
    neighbourhood: &Neighbourhood,
) -> Result<Reader, AppError> {
    match caller {
        None => Ok(Reader::ANONYMOUS),
        Some(user) => Ok(memberships::actor(conn, user, neighbourhood)?.reader()),
    }
}

/// The post if `caller` may see it; `NotFound` otherwise, as for a post that does not exist.
pub fn visible_post(
    conn: &mut DbConnection,
    caller: Option<UserId>,
    id: PostId,
) -> Result<(PostWithAuthor, Neighbourhood), AppError> {
    let found = repo::find_post_with_author(conn, id)?.ok_or(AppError::NotFound)?;
    let neighbourhood = neighbourhood(conn, found.post.neighbourhood_id)?;
    if reader(conn, caller, &neighbourhood)?.may_see(&found.post) {
        Ok((found, neighbourhood))
    } else {
        Err(AppError::NotFound)
    }
}

/// The post if the signed-in `caller` may see it (`NotFound` otherwise), and who they are in
/// its neighbourhood, for the policy.
pub fn visible_post_as(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
) -> Result<(PostWithAuthor, Actor), AppError> {
    let (found, _, actor) = visible_post_with_place(conn, caller, id)?;
    Ok((found, actor))
}

/// `visible_post_as`, with the post's neighbourhood too.
pub fn visible_post_with_place(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
) -> Result<(PostWithAuthor, Neighbourhood, Actor), AppError> {
    let found = repo::find_post_with_author(conn, id)?.ok_or(AppError::NotFound)?;
    let neighbourhood = neighbourhood(conn, found.post.neighbourhood_id)?;
    let actor = memberships::actor(conn, caller, &neighbourhood)?;
    if actor.reader().may_see(&found.post) {
        Ok((found, neighbourhood, actor))
    } else {
        Err(AppError::NotFound)
    }
}

/// The post if `caller` may see it (`NotFound` otherwise) and may do `action` to it
/// (`Forbidden` otherwise).
pub fn post_for(
    conn: &mut DbConnection,
    caller: UserId,
    id: PostId,
    action: impl FnOnce(&PostWithAuthor) -> Action,
) -> Result<PostWithAuthor, AppError> {
    let (found, actor) = visible_post_as(conn, caller, id)?;
    crate::moderation::permit(&actor, action(&found))?;
    Ok(found)
}

/// Applies `event` to a post whose row the caller's transaction holds, and records what
/// follows it (`PostHappening::Moved`). The update is conditional on the status the decision
/// was made from, so two concurrent events cannot both apply to the same state. `None` when
/// there is no such post. (The seam other areas call.)
pub fn apply_post_event(
    conn: &mut DbConnection,
    id: PostId,
    event: PostEvent,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<Option<Result<Post, IllegalPostTransition>>, PersistenceError> {
    let Some(mut post) = repo::find_post(conn, id)? else {
        return Ok(None);
    };
    let next = match post.status.transition(post.content.kind, event) {
        Ok(next) => next,
        Err(illegal) => return Ok(Some(Err(illegal))),
    };
    if !repo::set_status(conn, id, post.status, next, now)? {
        // Another change won the race: judge the event against what it left.
        let current = repo::find_post(conn, id)?.map_or(post.status, |p| p.status);
        return Ok(Some(Err(IllegalPostTransition {
            kind: post.content.kind,
            status: current,
            event,
        })));
    }
    outbox::record(
        conn,
        &PostHappening::Moved(event).effects(&post, now),
        routes,
    )?;
    post.status = next;
    post.updated_at = now;
    Ok(Some(Ok(post)))
}

/// `author` writes a post in `neighbourhood` (its active members may). A care request whose
/// author consented to sharing care data goes to the mediators at once, in the same
/// transaction, so the post never exists without its case.
pub fn create_post(
    cx: &mut Cx<'_>,
    author: UserId,
    neighbourhood_id: NeighbourhoodId,
    input: PostInput<'_>,
    images: &[ImageId],
) -> Result<PostWithAuthor, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    let limits = cx.limits();
    let content = PostContent::validate(input, now).map_err(content_errors)?;
    crate::images::check_post_images(images)?;
    in_write_transaction(cx.conn, |conn| {
        let place = neighbourhood(conn, neighbourhood_id)?;
        let actor = memberships::actor(conn, author, &place)?;
        crate::moderation::permit(&actor, Action::CreatePost)?;
        let held = crate::moderation::before_posting(conn, &actor, neighbourhood_id, limits, now)?;
        let post = Post {
            id: PostId::new(),
            neighbourhood_id,
            author_id: author,
            content,
            status: PostStatus::Open,
            // A post held for review stays hidden until a moderator unhides it.
            hidden: held,
            created_at: now,
            updated_at: now,
        };
        repo::insert_post(conn, &post)?;
        if held {
            crate::moderation::hold(conn, post.id, neighbourhood_id, author, now, routes)?;
        }
        crate::images::set_post_images(conn, author, post.id, images)?;
        outbox::record(conn, &PostHappening::Created.effects(&post, now), routes)?;
        let care =
            post.content.kind == PostKind::Request && post.content.category == Some(Category::Care);
        if care && {
            // The consent is relied on until commit: withdrawing it waits for this.
            mediation::lock_consents_of(conn, author)?;
            mediation::has_consent(conn, author, ConsentKind::CareData)?
        } {
            let by = EscalatedBy::CareConsent;
            if let Err(refusal) = crate::mediation::escalate_within(
                conn,
                post.id,
                by,
                Some(author),
                None,
                now,
                routes,
            )? {
                // A request created a moment ago in this transaction is open and has no case:
                // this cannot happen, but a post is worth more than its escalation.
                tracing::warn!(post = %post.id, ?refusal, "a care request was not escalated");
            }
        }
        repo::find_post_with_author(conn, post.id)?.ok_or(AppError::NotFound)
    })
}

/// A change to an activity's when, where and capacity.
#[derive(Debug, Clone, Copy)]
pub struct ActivityChange<'a> {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: &'a str,
    /// `None`: stays as it is; `Some(None)`: no limit.
    pub capacity: Option<Option<u32>>,
}

/// What an author changes in a post: absent fields stay as they are.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostChange<'a> {
    pub title: Option<&'a str>,
    pub body: Option<&'a str>,
    pub category: Option<Category>,
    pub visibility: Option<Visibility>,
    pub urgency: Option<Urgency>,
    pub expires_at: Option<DateTime<Utc>>,
    pub remote_ok: Option<bool>,
    pub helpers_needed: Option<u32>,
    pub activity: Option<ActivityChange<'a>>,
    /// The images shown, in order, replacing the current ones.
    pub images: Option<&'a [ImageId]>,
}

/// `caller` (its author) changes a live post (open, matched or in mediation); the rules of
/// writing one apply to the result. Read and written under the post's lock: two edits at once
/// each keep the other's fields. A request's helper places follow `helpers_needed`; an
/// activity's capacity follows the rule of `activities::set_capacity`. `precondition` sees the
/// post as it is under the lock, before the change (the caller's `If-Match`).
pub fn update_post(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: PostId,
    change: PostChange<'_>,
    precondition: impl FnOnce(&mut DbConnection, &PostWithAuthor) -> Result<(), AppError>,
) -> Result<PostWithAuthor, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    if let Some(images) = change.images {
        crate::images::check_post_images(images)?;
    }
    in_write_transaction(cx.conn, |conn| {
        repo::lock(conn, id)?;
        let found = post_for(conn, caller, id, |found| Action::EditPost {
            author: found.post.author_id,
        })?;
        precondition(conn, &found)?;
        let current = &found.post.content;
        if !found.post.status.is_live() {
            return Err(ErrorCode::PostNotLive.into());
        }
        let current_activity = current.activity.as_ref().map(|a| ActivityInput {
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            location: &a.location,
            capacity: a.capacity,
        });
        let current_capacity = current.activity.as_ref().and_then(|c| c.capacity);
        let mut content = PostContent::validate(
            PostInput {
                kind: Some(current.kind),
                title: change.title.unwrap_or(&current.title),
                body: change.body.unwrap_or(&current.body),
                category: change.category.or(current.category),
                visibility: change.visibility.or(Some(current.visibility)),
                urgency: change.urgency.or(current.urgency),
                // An unchanged expiry in the past is the job's business, not a new error.
                expires_at: change
                    .expires_at
                    .or(current.expires_at.filter(|at| *at > now)),
                remote_ok: change.remote_ok.or(Some(current.remote_ok)),
                helpers_needed: change.helpers_needed.or(Some(current.helpers_needed)),
                activity: change
                    .activity
                    .map(|a| ActivityInput {
                        starts_at: a.starts_at,
                        ends_at: a.ends_at,
                        location: a.location,
                        capacity: a.capacity.unwrap_or(current_capacity),
                    })
                    .or(current_activity),
                ..PostInput::default()
            },
            now,
        )
        .map_err(content_errors)?;
        // A recurrence stays as posted: arrangements were agreed on it, answers given per
        // occurrence of a series.
        content.recurrence = current.recurrence;
        if content.kind == PostKind::Request {
            update_request(conn, &found.post, &content, now, routes)?;
        } else {
            update_other(conn, &found.post, change, content, now, routes)?;
        }
        if let Some(images) = change.images {
            crate::images::set_post_images(conn, found.post.author_id, id, images)?;
        }
        repo::find_post_with_author(conn, id)?.ok_or(AppError::NotFound)
    })
}

/// A request's new content, its helper places following `helpers_needed`: fewer than the
/// places held by accepted (or completed) matches is refused; the held places are numbered
/// from 1 again under the new limit, and the request is matched when every place is taken,
/// open again when one is free. The caller holds the request.
fn update_request(
    conn: &mut DbConnection,
    request: &Post,
    content: &PostContent,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<(), AppError> {
    let id = request.id;
    let held = matching::count_held_places(conn, id)?;
    if content.helpers_needed < held {
        return Err(ErrorCode::HelpersBelowAccepted.into());
    }
    if !repo::update_content(conn, id, content, now)? {
        return Err(ErrorCode::PostNotLive.into());
    }
    matching::renumber_held_places(conn, id, content.helpers_needed)?;
    let updated = repo::find_post(conn, id)?.ok_or(AppError::NotFound)?;
    if updated.status == PostStatus::InMediation && held >= content.helpers_needed {
        // Matched online after all: the case ends so (first, so its outcome is the one that
        // counts).
        crate::mediation::resolve_matched_online(conn, id, now, routes)?;
    }
    if let Some(event) = request_follows_places(updated.status, held, content.helpers_needed) {
        match apply_post_event(conn, id, event, now, routes)? {
            Some(Ok(_)) => {}
            // The request's row is held: a refusal means the decision was wrong.
            Some(Err(illegal)) => {
                return Err(PersistenceError::Corrupt(format!(
                    "request {id} could not follow its matches: {illegal}"
                ))
                .into());
            }
            None => return Err(AppError::NotFound),
        }
    }
    Ok(())
}

/// Any other post's new content. Only a capacity sent and different changes it; otherwise the
/// one held when writing stays. Once the activity is over (or hidden) nobody moves up any more,
/// as with `activities::set_capacity`. The caller holds the post.
fn update_other(
    conn: &mut DbConnection,
    post: &Post,
    change: PostChange<'_>,
    mut content: PostContent,
    now: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<(), AppError> {
    let id = post.id;
    let current_capacity = post.content.activity.as_ref().map(|a| a.capacity);
    let sent = change.activity.and_then(|a| a.capacity);
    let set = matches!(sent, Some(sent) if Some(sent) != current_capacity);
    if set && takes_rsvps(post, now).is_err() {
        return Err(ErrorCode::RsvpClosed.into());
    }
    if let Some(activity) = content.activity.as_mut() {
        if set {
            let going = activities::going_count(conn, id)?;
            if activity.capacity.is_some_and(|c| u64::from(c) < going) {
                return Err(ErrorCode::CapacityBelowGoing.into());
            }
        } else {
            activity.capacity = activities::capacity(conn, id)?;
        }
    }
    if !repo::update_content(conn, id, &content, now)? {
        return Err(ErrorCode::PostNotLive.into());
    }
    if content.activity.is_some() {
        crate::activities::promote(conn, post, now, routes)?;
    }
    Ok(())
}

/// `caller` (its author or an administrator) closes a post: it stays readable, but is no
/// longer open. A request in mediation takes its case along: resolved as withdrawn, in the same
/// transaction.
pub fn close_post(cx: &mut Cx<'_>, caller: UserId, id: PostId) -> Result<PostWithAuthor, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        repo::lock(conn, id)?;
        let found = post_for(conn, caller, id, |found| Action::ClosePost {
            author: found.post.author_id,
        })?;
        if found.post.status == PostStatus::InMediation {
            crate::mediation::withdraw_case(conn, &found.post, caller, now, routes)?;
        }
        let post = apply_post_event(conn, id, PostEvent::Close, now, routes)?
            .ok_or(AppError::NotFound)??;
        Ok(PostWithAuthor {
            post,
            author_name: found.author_name,
        })
    })
}

/// `caller` (its author or an administrator) deletes a post, for good. A request that had not
/// ended counts as withdrawn; one in mediation has its case resolved as withdrawn first (the
/// case goes with the post, its audit log stays).
pub fn delete_post(cx: &mut Cx<'_>, caller: UserId, id: PostId) -> Result<(), AppError> {
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        repo::lock(conn, id)?;
        let found = post_for(conn, caller, id, |found| Action::DeletePost {
            author: found.post.author_id,
        })?;
        if found.post.status == PostStatus::InMediation {
            crate::mediation::withdraw_case(conn, &found.post, caller, now, routes)?;
        }
        outbox::record(
            conn,
            &PostHappening::Deleted.effects(&found.post, now),
            routes,
        )?;
        repo::delete_post(conn, id)?;
        Ok(())
    })
}

/// `caller` (a moderator of its neighbourhood, an administrator) hides a post or shows it
/// again.
pub fn set_hidden(
    cx: &mut Cx<'_>,
    caller: UserId,
    id: PostId,
    hidden: bool,
) -> Result<PostWithAuthor, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        repo::lock(conn, id)?;
        let found = post_for(conn, caller, id, |_| Action::HidePost)?;
        let post = repo::set_hidden(conn, id, hidden, now)?.ok_or(AppError::NotFound)?;
        let place = post.neighbourhood_id;
        crate::moderation::hidden_changed(conn, caller, id, place, hidden, now)?;
        Ok(PostWithAuthor {
            post,
            author_name: found.author_name,
        })
    })
}

/// One post, for whoever may see it (`NotFound` for everyone else), and its neighbourhood.
pub fn get_post(
    cx: &mut Cx<'_>,
    caller: Option<UserId>,
    id: PostId,
) -> Result<(PostWithAuthor, Neighbourhood), AppError> {
    visible_post(cx.conn, caller, id)
}

/// The live state of each of `posts` as `reader` sees it (activities' answers, requests'
/// helpers, the reader's own answer or match; a series' for its next occurrence at `now`), in
/// a constant number of queries for the page.
pub fn post_states(
    conn: &mut DbConnection,
    reader: Option<UserId>,
    posts: &[&Post],
    now: DateTime<Utc>,
) -> Result<std::collections::HashMap<PostId, buurt_domain::posts::PostState>, AppError> {
    Ok(buurt_persistence::post_states::post_states(
        conn, posts, reader, now,
    )?)
}

/// What a feed is filtered by, and where its page starts.
#[derive(Debug, Clone, Default)]
pub struct FeedFilter {
    pub kind: Option<PostKind>,
    pub category: Option<Category>,
    pub status: Option<PostStatus>,
    /// Words to search for in title and body.
    pub text: Option<String>,
    pub after: Option<FeedCursor>,
    pub limit: usize,
}

/// A neighbourhood's feed as one caller reads it: where, and as whom.
#[derive(Debug, Clone)]
pub struct FeedAccess {
    pub neighbourhood: NeighbourhoodId,
    /// The neighbourhood's municipality (what a partner's grant is checked against).
    pub municipality: MunicipalityCode,
    pub caller: Option<UserId>,
    pub reader: Reader,
}

/// Who `caller` (nobody: anonymous or a partner) is in the neighbourhood `id` for reading its
/// feed, read in one statement; `NotFound` when the neighbourhood does not exist.
pub fn feed_access(
    conn: &mut DbConnection,
    id: NeighbourhoodId,
    caller: Option<UserId>,
) -> Result<FeedAccess, AppError> {
    let found = memberships::reading_in(conn, id, caller)?.ok_or(AppError::NotFound)?;
    Ok(FeedAccess {
        neighbourhood: id,
        municipality: found.municipality,
        caller,
        reader: found
            .actor
            .map_or(Reader::ANONYMOUS, |actor| actor.reader()),
    })
}

/// One page of a neighbourhood's feed as `access` reads it, newest first, and the cursor of the
/// next page. Without a reader only public posts; members also see members-only posts; hidden
/// posts only their authors and moderators see.
pub fn list_posts(
    cx: &mut Cx<'_>,
    access: &FeedAccess,
    filter: FeedFilter,
) -> Result<(Vec<PostWithAuthor>, Option<FeedCursor>), AppError> {
    let (reader, caller) = (access.reader, access.caller);
    let query = FeedQuery {
        neighbourhood: Some(access.neighbourhood),
        author: None,
        kind: filter.kind,
        category: filter.category,
        status: filter.status,
        text: filter.text,
        members_posts: reader.sees_members_posts(),
        members_news: reader.sees_members_news_only(),
        reader: caller,
        hidden: match caller {
            _ if reader.sees_hidden_posts() => HiddenPosts::All,
            Some(user) => HiddenPosts::OwnOnly(user),
            None => HiddenPosts::None,
        },
        after: filter.after,
        limit: filter.limit,
    };
    Ok(repo::list_feed(cx.conn, &query)?)
}

/// One page of the posts `caller` wrote, in every neighbourhood, newest first, and the cursor
/// of the next page.
pub fn my_posts(
    cx: &mut Cx<'_>,
    caller: UserId,
    filter: FeedFilter,
) -> Result<(Vec<PostWithAuthor>, Option<FeedCursor>), AppError> {
    let query = FeedQuery {
        neighbourhood: None,
        author: Some(caller),
        kind: filter.kind,
        category: filter.category,
        status: filter.status,
        text: filter.text,
        // Everything one wrote is one's own to see.
        members_posts: true,
        members_news: false,
        reader: Some(caller),
        hidden: HiddenPosts::All,
        after: filter.after,
        limit: filter.limit,
    };
    Ok(repo::list_feed(cx.conn, &query)?)
}

/// How many rows one job step handles.
const BATCH: usize = 500;

/// Warns the authors of open posts that expire within a day, once per expiry (a run of the job
/// elsewhere at the same time warns nobody twice). Returns how many were warned.
pub fn warn_expiring_posts(cx: &mut Cx<'_>) -> Result<usize, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    let mut warned = 0;
    loop {
        let due = repo::due_expiry_warning(cx.conn, now, BATCH)?;
        if due.is_empty() {
            return Ok(warned);
        }
        for id in due {
            warned += in_write_transaction(cx.conn, |conn| {
                if !repo::claim_expiry_warning(conn, id, now)? {
                    return Ok::<_, AppError>(0);
                }
                let post = repo::find_post(conn, id)?.ok_or(AppError::NotFound)?;
                outbox::record(
                    conn,
                    &PostHappening::ExpiringSoon.effects(&post, now),
                    routes,
                )?;
                Ok(1)
            })?;
        }
    }
}

/// Expires every open post past its `expires_at`, with what follows (its author is told).
/// The lifecycle decides, with a conditional update: a post closed a moment ago stays closed.
/// Returns how many expired.
pub fn expire_posts(cx: &mut Cx<'_>) -> Result<usize, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    let mut expired = 0;
    loop {
        let due = repo::due_expiry(cx.conn, now, BATCH)?;
        if due.is_empty() {
            return Ok(expired);
        }
        for id in due {
            // The expiry and what follows it are one change: all or nothing.
            expired += in_write_transaction(cx.conn, |conn| {
                repo::lock(conn, id)?;
                match apply_post_event(conn, id, PostEvent::Expire, now, routes)? {
                    Some(Ok(_)) => Ok::<_, AppError>(1),
                    _ => Ok(0),
                }
            })?;
        }
    }
}
