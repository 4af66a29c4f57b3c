//! Use cases of neighbourhoods: finding them, their public page, and administering them
//! (one at a time, or a whole file at once).

use buurt_domain::neighbourhoods::{Neighbourhood, NeighbourhoodDraft, NeighbourhoodId};
use buurt_domain::partners::Scope;
use buurt_domain::posts::{Post, PostKind};
use buurt_persistence::neighbourhoods::{
    self as repo, ImportReport, NeighbourhoodCursor, NeighbourhoodQuery, NeighbourhoodSummary,
    NeighbourhoodWriteError,
};
use buurt_persistence::{DbConnection, activities, in_write_transaction, memberships, posts};

use crate::Cx;
use crate::accounts::require_admin;
use crate::error::{AppError, ErrorCode, FieldIssue, FieldProblem};
use crate::partners::Requester;

/// How many posts each section of the public page shows.
const PAGE_SECTION_SIZE: usize = 5;

impl From<NeighbourhoodWriteError> for AppError {
    fn from(error: NeighbourhoodWriteError) -> Self {
        match error {
            NeighbourhoodWriteError::CodeTaken => AppError::RefusedFields(
                ErrorCode::NeighbourhoodCodeTaken,
                vec![FieldProblem::new("code", FieldIssue::Taken)],
            ),
            NeighbourhoodWriteError::UnknownAdjacent(codes) => AppError::invalid(
                "adjacent",
                FieldIssue::invalid(
                    format!("no neighbourhood has code {}", codes.join(", ")),
                    format!("er is geen buurt met code {}", codes.join(", ")),
                ),
            ),
            NeighbourhoodWriteError::Persistence(error) => error.into(),
        }
    }
}

/// The neighbourhood, or `NotFound`.
pub fn find(conn: &mut DbConnection, id: NeighbourhoodId) -> Result<Neighbourhood, AppError> {
    repo::find_neighbourhood(conn, id)?.ok_or(AppError::NotFound)
}

/// The neighbourhood read under a lock on its row, held for the rest of the caller's write
/// transaction, or `NotFound`.
pub fn locked(conn: &mut DbConnection, id: NeighbourhoodId) -> Result<Neighbourhood, AppError> {
    repo::lock_neighbourhood(conn, id)?.ok_or(AppError::NotFound)
}

/// Administrators, or a machine client with `neighbourhoods:write` for `municipality`.
fn require_writer(
    conn: &mut DbConnection,
    by: &Requester,
    municipality: &str,
) -> Result<(), AppError> {
    match by {
        Requester::Client(token) => token
            .client_in(conn, Scope::NeighbourhoodsWrite, municipality)
            .map(|_| ()),
        by => require_admin(conn, by.user()?),
    }
}

/// One page of neighbourhoods, ordered by name, and the next page's cursor.
pub fn list(
    cx: &mut Cx<'_>,
    query: &NeighbourhoodQuery,
) -> Result<(Vec<NeighbourhoodSummary>, Option<NeighbourhoodCursor>), AppError> {
    Ok(repo::list_neighbourhoods(cx.conn, query)?)
}

/// A neighbourhood and how many active members it has.
pub fn get(cx: &mut Cx<'_>, id: NeighbourhoodId) -> Result<(Neighbourhood, i64), AppError> {
    let neighbourhood = find(cx.conn, id)?;
    let members = memberships::count_active_members(cx.conn, id)?;
    Ok((neighbourhood, members))
}

/// Creates a neighbourhood (administrators, and machine clients that may write in its
/// municipality). Its neighbours must exist already.
pub fn create(
    cx: &mut Cx<'_>,
    by: &Requester,
    draft: &NeighbourhoodDraft,
) -> Result<Neighbourhood, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        require_writer(conn, by, draft.municipality_code.as_str())?;
        Ok(repo::create_neighbourhood(conn, draft, now)?)
    })
}

/// Changes a neighbourhood: `change` turns the stored description into the new one (and says
/// what is wrong with the request). Read, checked and written under the row's lock; a machine
/// client may neither change a neighbourhood outside its municipalities nor move one out.
/// Returns the neighbourhood after the change and its active members.
pub fn update(
    cx: &mut Cx<'_>,
    by: &Requester,
    id: NeighbourhoodId,
    change: impl FnOnce(&NeighbourhoodDraft) -> Result<NeighbourhoodDraft, AppError>,
    precondition: impl FnOnce(&Neighbourhood, i64) -> Result<(), AppError>,
) -> Result<(Neighbourhood, i64), AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let before = locked(conn, id)?;
        require_writer(conn, by, before.draft.municipality_code.as_str())?;
        precondition(&before, memberships::count_active_members(conn, id)?)?;
        let current = before.draft;
        let draft = change(&current)?;
        require_writer(conn, by, draft.municipality_code.as_str())?;
        let updated =
            repo::update_neighbourhood(conn, id, &draft, now)?.ok_or(AppError::NotFound)?;
        let members = memberships::count_active_members(conn, id)?;
        Ok((updated, members))
    })
}

/// Creates or updates every draft (each with the line of the file it came from), matched by
/// code: all or nothing. A neighbour that is neither in the file nor stored is reported at
/// every line that names it. (The endpoint and `buurt import-neighbourhoods` both call this.)
pub fn import_neighbourhoods(
    cx: &mut Cx<'_>,
    drafts: &[(u64, NeighbourhoodDraft)],
) -> Result<ImportReport, AppError> {
    let now = cx.now();
    let only_drafts: Vec<NeighbourhoodDraft> = drafts.iter().map(|(_, d)| d.clone()).collect();
    match repo::import_neighbourhoods(cx.conn, &only_drafts, now) {
        Ok(report) => Ok(report),
        Err(NeighbourhoodWriteError::UnknownAdjacent(codes)) => {
            Err(unknown_adjacent_problem(drafts, &codes))
        }
        Err(error) => Err(error.into()),
    }
}

/// Points every unknown neighbour back at the lines that name it.
fn unknown_adjacent_problem(drafts: &[(u64, NeighbourhoodDraft)], unknown: &[String]) -> AppError {
    let mut problems = Vec::new();
    for (line, draft) in drafts {
        for (index, code) in draft.adjacent.iter().enumerate() {
            if unknown.iter().any(|u| u == code.as_str()) {
                problems.push(FieldProblem::new(
                    format!("lines[{line}].adjacent[{index}]"),
                    FieldIssue::invalid(
                        format!("no neighbourhood has code {}", code.as_str()),
                        format!("er is geen buurt met code {}", code.as_str()),
                    ),
                ));
            }
        }
    }
    AppError::Invalid(problems)
}

/// One section of the public page: the latest posts of a kind (with the places left on an
/// activity that has a capacity) and how many there are in all.
#[derive(Debug, Clone)]
pub struct PageSection {
    pub posts: Vec<(Post, Option<u64>)>,
    pub count: i64,
}

/// What anyone may see of a neighbourhood without signing in.
#[derive(Debug, Clone)]
pub struct PublicPage {
    pub neighbourhood: Neighbourhood,
    pub news: PageSection,
    pub upcoming_activities: PageSection,
    pub open_requests: PageSection,
    pub open_offers: PageSection,
    pub member_count: i64,
    pub in_mediation: i64,
    // issue 20 (h20d)
    pub escalation_rules: buurt_domain::escalation::EscalationRules,
    pub achievements: crate::achievements::Achievements,
}

/// The most series a public page looks through for the upcoming activities (a
/// neighbourhood runs a handful).
const PAGE_SERIES_MAX: usize = 500;

/// An activity as the public page lists it: a series (issue 20) by its next occurrence (that
/// occurrence's start and end, and the places left of it from its own answers), a one-off by
/// itself. `None` for a series that is over.
fn listed_activity(
    conn: &mut DbConnection,
    mut post: Post,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<(Post, Option<u64>)>, AppError> {
    let capacity = post.content.activity.as_ref().and_then(|a| a.capacity);
    if post.content.recurrence.is_none() {
        let places_left = match capacity {
            Some(capacity) => {
                Some(u64::from(capacity).saturating_sub(activities::going_count(conn, post.id)?))
            }
            None => None,
        };
        return Ok(Some((post, places_left)));
    }
    let Some((day, starts_at, ends_at)) = buurt_domain::activities::next_occurrence(&post, now)
    else {
        return Ok(None);
    };
    if let Some(activity) = post.content.activity.as_mut() {
        activity.starts_at = starts_at;
        activity.ends_at = ends_at;
    }
    let places_left = match capacity {
        Some(capacity) => Some(u64::from(capacity).saturating_sub(
            buurt_persistence::occurrences::count(
                conn,
                post.id,
                day,
                buurt_domain::activities::RsvpStatus::Going,
            )?,
        )),
        None => None,
    };
    Ok(Some((post, places_left)))
}

/// The upcoming activities of the public page: one-off activities that have not ended and
/// series that still run, each by its next occurrence, soonest first.
fn upcoming_activities(
    conn: &mut DbConnection,
    id: NeighbourhoodId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<PageSection, AppError> {
    // Series whose first occurrence is still to come are in the section; those under way
    // come from `running_series` (their first occurrence over, their last day not).
    let (found, count) =
        posts::public_section(conn, id, PostKind::Activity, now, PAGE_SECTION_SIZE)?;
    let today = buurt_domain::lasting::local_day(now);
    let running = posts::running_series(conn, id, now, today, PAGE_SERIES_MAX)?;
    let mut listed = Vec::with_capacity(found.len() + running.len());
    let mut running_count = 0_i64;
    for post in found {
        listed.extend(listed_activity(conn, post, now)?);
    }
    for post in running {
        if let Some(entry) = listed_activity(conn, post, now)? {
            running_count += 1;
            listed.push(entry);
        }
    }
    listed.sort_by_key(|(post, _)| {
        (
            post.content.activity.as_ref().map(|a| a.starts_at),
            post.id.0,
        )
    });
    listed.truncate(PAGE_SECTION_SIZE);
    Ok(PageSection {
        posts: listed,
        count: count + running_count,
    })
}

/// The public page of a neighbourhood, as of now.
pub fn public_page(cx: &mut Cx<'_>, id: NeighbourhoodId) -> Result<PublicPage, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let neighbourhood = find(conn, id)?;
    let mut section = |kind| -> Result<PageSection, AppError> {
        let (found, count) = posts::public_section(conn, id, kind, now, PAGE_SECTION_SIZE)?;
        Ok(PageSection {
            posts: found.into_iter().map(|post| (post, None)).collect(),
            count,
        })
    };
    let news = section(PostKind::News)?;
    let open_requests = section(PostKind::Request)?;
    let open_offers = section(PostKind::Offer)?;
    Ok(PublicPage {
        news,
        upcoming_activities: upcoming_activities(conn, id, now)?,
        open_requests,
        open_offers,
        neighbourhood,
        member_count: memberships::count_active_members(conn, id)?,
        in_mediation: posts::count_in_mediation(conn, id)?,
        escalation_rules: buurt_persistence::escalation::rules_of(conn, id)?
            .ok_or(AppError::NotFound)?,
        achievements: crate::achievements::achievements(conn, id, now)?,
    })
}
