//! Posts: news, activities, requests and offers, and the lifecycle they go through.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::category::Category;
use crate::lasting::{Recurrence, RecurrenceRule};
use crate::neighbourhoods::NeighbourhoodId;
use crate::value::{ValueError, bounded_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PostId(pub Uuid);

impl PostId {
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }
}

impl Default for PostId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for PostId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.as_str() == raw)
            }
        }
    };
}

string_enum!(
    /// What a post is.
    PostKind { News => "news", Activity => "activity", Request => "request", Offer => "offer" }
);
string_enum!(
    /// Who may read a post.
    Visibility { Public => "public", Members => "members" }
);
string_enum!(
    /// How soon a request needs an answer.
    Urgency { Low => "low", Normal => "normal", High => "high" }
);
string_enum!(
    /// Where a post is in its life.
    PostStatus {
        Open => "open",
        Matched => "matched",
        Fulfilled => "fulfilled",
        Closed => "closed",
        Expired => "expired",
        InMediation => "in_mediation",
    }
);

/// What happens to a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostEvent {
    /// The author closes it.
    Close,
    /// Its `expires_at` passed.
    Expire,
    /// Enough helpers were accepted (requests and offers).
    Match,
    /// An accepted helper dropped out, or the help never happened.
    Unmatch,
    /// The help was given.
    Fulfil,
    /// Handed to mediators (requests).
    Escalate,
    /// Mediation ended without the request being answered or closed: open again.
    Reopen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {kind:?} post cannot {event:?} while {status:?}")]
pub struct IllegalPostTransition {
    pub kind: PostKind,
    pub status: PostStatus,
    pub event: PostEvent,
}

impl PostStatus {
    /// Whether the post can still change (edits, closing).
    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }

    /// The statuses in which a post can still change: open, matched or in mediation.
    pub const LIVE: [PostStatus; 3] = [Self::Open, Self::Matched, Self::InMediation];

    /// The lifecycle. Every kind can be closed while live and expires while open; requests
    /// and offers are matched and fulfilled; only requests go to mediation.
    pub fn transition(
        self,
        kind: PostKind,
        event: PostEvent,
    ) -> Result<PostStatus, IllegalPostTransition> {
        use PostEvent::*;
        use PostKind::*;
        use PostStatus::*;
        let exchanged = matches!(kind, Request | Offer);
        let next = match (self, event) {
            (Open | Matched | InMediation, Close) => Some(Closed),
            (Open, Expire) => Some(Expired),
            (Open | InMediation, Match) if exchanged => Some(Matched),
            (Matched, Unmatch) if exchanged => Some(Open),
            (Matched, Fulfil) if exchanged => Some(Fulfilled),
            (Open, Escalate) if kind == Request => Some(InMediation),
            (InMediation, Reopen) if kind == Request => Some(Open),
            _ => None,
        };
        next.ok_or(IllegalPostTransition {
            kind,
            status: self,
            event,
        })
    }
}

/// When and where an activity happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityDetails {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: String,
    pub capacity: Option<u32>,
}

/// Everything an author says in a post, validated together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostContent {
    pub kind: PostKind,
    pub title: String,
    pub body: String,
    pub category: Option<Category>,
    pub visibility: Visibility,
    pub urgency: Option<Urgency>,
    pub expires_at: Option<DateTime<Utc>>,
    pub remote_ok: bool,
    pub helpers_needed: u32,
    pub activity: Option<ActivityDetails>,
    /// Requests: help asked for again and again (lasting help), from the day it is posted.
    pub recurrence: Option<RecurrenceRule>,
}

/// The raw input of a post, before the rules.
#[derive(Debug, Clone, Default)]
pub struct PostInput<'a> {
    pub kind: Option<PostKind>,
    pub title: &'a str,
    pub body: &'a str,
    pub category: Option<Category>,
    pub visibility: Option<Visibility>,
    pub urgency: Option<Urgency>,
    pub expires_at: Option<DateTime<Utc>>,
    pub remote_ok: Option<bool>,
    pub helpers_needed: Option<u32>,
    pub activity: Option<ActivityInput<'a>>,
    pub recurrence: Option<Recurrence>,
    pub recurrence_ends_on: Option<NaiveDate>,
}

/// The raw input of an activity's details.
#[derive(Debug, Clone, Copy)]
pub struct ActivityInput<'a> {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub location: &'a str,
    pub capacity: Option<u32>,
}

pub const TITLE_MAX: usize = 140;
pub const BODY_MAX: usize = 5000;
pub const LOCATION_MAX: usize = 200;
pub const MAX_HELPERS: u32 = 20;
pub const MAX_CAPACITY: u32 = 10_000;
/// The longest feed search, in characters.
pub const SEARCH_MAX_CHARS: usize = 200;
/// The most words in a feed search: each is a term the text index looks up, and a search costs
/// in proportion to them.
pub const SEARCH_MAX_WORDS: usize = 8;

/// Checks a feed search against the bounds of what it may cost.
pub fn check_search_text(text: &str) -> Result<(), ValueError> {
    if text.chars().count() > SEARCH_MAX_CHARS {
        return Err(ValueError::TooLong {
            max: SEARCH_MAX_CHARS,
        });
    }
    if text.split_whitespace().count() > SEARCH_MAX_WORDS {
        return Err(ValueError::TooMany {
            max: SEARCH_MAX_WORDS,
        });
    }
    Ok(())
}

impl PostContent {
    /// Applies every rule of what a post may hold; reports every field at fault.
    pub fn validate(
        input: PostInput<'_>,
        now: DateTime<Utc>,
    ) -> Result<Self, Vec<(&'static str, ValueError)>> {
        let mut errors = Vec::new();
        let kind = input.kind.unwrap_or(PostKind::News);
        let exchanged = matches!(kind, PostKind::Request | PostKind::Offer);
        let title = bounded_text(input.title, TITLE_MAX, true)
            .map_err(|e| errors.push(("title", e)))
            .ok();
        let body = bounded_text(input.body, BODY_MAX, true)
            .map_err(|e| errors.push(("body", e)))
            .ok();
        let not_for_kind = ValueError::NotOneOf {
            accepted: "absent for this kind of post",
        };
        match (exchanged, input.category) {
            (true, None) => errors.push(("category", ValueError::Required)),
            (false, Some(_)) => errors.push(("category", not_for_kind)),
            _ => {}
        }
        let care = input.category == Some(Category::Care);
        let visibility = match (care, input.visibility) {
            (true, Some(Visibility::Public)) => {
                errors.push((
                    "visibility",
                    ValueError::NotOneOf {
                        accepted: "members (care posts are for members only)",
                    },
                ));
                Visibility::Members
            }
            (true, _) => Visibility::Members,
            (false, visibility) => visibility.unwrap_or(Visibility::Public),
        };
        let urgency = match (kind, input.urgency) {
            (PostKind::Request, urgency) => Some(urgency.unwrap_or(Urgency::Normal)),
            (_, Some(_)) => {
                errors.push(("urgency", not_for_kind));
                None
            }
            (_, None) => None,
        };
        if !exchanged && input.remote_ok == Some(true) {
            errors.push(("remote_ok", not_for_kind));
        }
        let helpers_needed = match (exchanged, input.helpers_needed) {
            (true, Some(n)) if !(1..=MAX_HELPERS).contains(&n) => {
                errors.push((
                    "helpers_needed",
                    ValueError::NotOneOf {
                        accepted: "1 to 20",
                    },
                ));
                1
            }
            (true, n) => n.unwrap_or(1),
            (_, Some(n)) if n != 1 => {
                errors.push(("helpers_needed", not_for_kind));
                1
            }
            _ => 1,
        };
        if input.expires_at.is_some_and(|at| at <= now) {
            errors.push((
                "expires_at",
                ValueError::NotOneOf {
                    accepted: "a moment in the future",
                },
            ));
        }
        let activity = match (kind, input.activity) {
            (PostKind::Activity, None) => {
                errors.push(("activity", ValueError::Required));
                None
            }
            (
                PostKind::Activity,
                Some(ActivityInput {
                    starts_at,
                    ends_at,
                    location,
                    capacity,
                }),
            ) => {
                if ends_at <= starts_at {
                    errors.push((
                        "activity.ends_at",
                        ValueError::NotOneOf {
                            accepted: "after starts_at",
                        },
                    ));
                }
                let location = bounded_text(location, LOCATION_MAX, false)
                    .map_err(|e| errors.push(("activity.location", e)))
                    .ok();
                if capacity.is_some_and(|c| !(1..=MAX_CAPACITY).contains(&c)) {
                    errors.push((
                        "activity.capacity",
                        ValueError::NotOneOf {
                            accepted: "1 to 10000",
                        },
                    ));
                }
                location.map(|location| ActivityDetails {
                    starts_at,
                    ends_at,
                    location,
                    capacity,
                })
            }
            (_, Some(_)) => {
                errors.push(("activity", not_for_kind));
                None
            }
            (_, None) => None,
        };
        let recurrence = match (kind, input.recurrence) {
            (PostKind::Request, every) => {
                RecurrenceRule::validate(every, input.recurrence_ends_on, now.date_naive())
                    .map_err(|e| errors.push(e))
                    .ok()
                    .flatten()
            }
            // A series: from the day its first occurrence starts. Monthly ones start on a day
            // every month has, so that a calendar's RRULE and the occurrences agree.
            (PostKind::Activity, every) => match input.activity {
                Some(activity) => {
                    let first = crate::lasting::local_day(activity.starts_at);
                    if every == Some(Recurrence::Monthly) && first.day() > 28 {
                        errors.push((
                            "recurrence",
                            ValueError::NotOneOf {
                                accepted: "weekly or fortnightly for a series starting after the 28th",
                            },
                        ));
                    }
                    RecurrenceRule::validate(every, input.recurrence_ends_on, first)
                        .map_err(|e| errors.push(e))
                        .ok()
                        .flatten()
                }
                None => None,
            },
            (_, Some(_)) => {
                errors.push(("recurrence", not_for_kind));
                None
            }
            (_, None) => {
                if input.recurrence_ends_on.is_some() {
                    errors.push(("recurrence_ends_on", not_for_kind));
                }
                None
            }
        };
        if input.kind.is_none() {
            errors.push(("kind", ValueError::Required));
        }
        match (title, body) {
            (Some(title), Some(body)) if errors.is_empty() => Ok(Self {
                kind,
                title,
                body,
                category: input.category,
                visibility,
                urgency,
                expires_at: input.expires_at,
                remote_ok: exchanged && input.remote_ok.unwrap_or(false),
                helpers_needed,
                activity,
                recurrence,
            }),
            _ => Err(errors),
        }
    }
}

/// A stored post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub id: PostId,
    pub neighbourhood_id: NeighbourhoodId,
    pub author_id: UserId,
    pub content: PostContent,
    pub status: PostStatus,
    /// Hidden by a moderator: only moderators and the author still see it.
    pub hidden: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a post's readers see live beside its content: an activity's answers, a request's
/// accepted helpers, and where the reader stands. Zero and `None` for the kinds they do not
/// apply to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostState {
    /// Activities: answers `going`.
    pub going: u32,
    /// Activities: answers on the waitlist.
    pub waitlisted: u32,
    /// Activities: the reader's own live answer.
    pub my_rsvp: Option<crate::activities::RsvpStatus>,
    /// Recurring activities: the day of the next occurrence (the first not ended), which
    /// `going`, `waitlisted` and `my_rsvp` are about; `None` otherwise and once it is over.
    pub next_occurrence: Option<chrono::NaiveDate>,
    /// Requests: helper places held by accepted (or completed) matches.
    pub helpers_accepted: u32,
    /// Requests: the reader's own latest match as a helper.
    pub my_match: Option<(crate::matching::MatchId, crate::matching::MatchStatus)>,
}

impl PostState {
    /// Places still free at an activity with `capacity`; `None` when there is no limit.
    pub fn places_left(&self, capacity: Option<u32>) -> Option<u32> {
        capacity.map(|capacity| capacity.saturating_sub(self.going))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn searches_are_bounded_in_characters_and_words() {
        assert_eq!(check_search_text("fiets reparatie"), Ok(()));
        assert_eq!(check_search_text(&"é".repeat(SEARCH_MAX_CHARS)), Ok(()));
        assert_eq!(
            check_search_text(&"é".repeat(SEARCH_MAX_CHARS + 1)),
            Err(ValueError::TooLong {
                max: SEARCH_MAX_CHARS
            })
        );
        assert_eq!(check_search_text(&"a ".repeat(SEARCH_MAX_WORDS)), Ok(()));
        assert_eq!(
            check_search_text(&"a ".repeat(SEARCH_MAX_WORDS + 1)),
            Err(ValueError::TooMany {
                max: SEARCH_MAX_WORDS
            })
        );
    }

    fn input(kind: PostKind) -> PostInput<'static> {
        PostInput {
            kind: Some(kind),
            title: "Wie leent mij een ladder?",
            body: "Voor de dakgoot.",
            category: matches!(kind, PostKind::Request | PostKind::Offer)
                .then_some(Category::Goods),
            ..PostInput::default()
        }
    }

    #[test]
    fn lifecycle_allows_what_it_should_and_nothing_else() {
        use PostEvent::*;
        use PostKind::*;
        use PostStatus::*;
        assert_eq!(Open.transition(News, Close), Ok(Closed));
        assert_eq!(Open.transition(Activity, Expire), Ok(Expired));
        assert_eq!(Open.transition(Request, Match), Ok(Matched));
        assert_eq!(Matched.transition(Request, Unmatch), Ok(Open));
        assert_eq!(Matched.transition(Offer, Fulfil), Ok(Fulfilled));
        assert_eq!(Open.transition(Request, Escalate), Ok(InMediation));
        assert_eq!(InMediation.transition(Request, Match), Ok(Matched));
        assert_eq!(InMediation.transition(Request, Close), Ok(Closed));
        for (status, kind, event) in [
            (Closed, News, Close),
            (Expired, Request, Close),
            (Fulfilled, Request, Close),
            (Open, News, Match),
            (Open, Offer, Escalate),
            (Matched, Request, Expire),
            (Closed, Request, Match),
            (Open, Request, Fulfil),
        ] {
            assert!(
                status.transition(kind, event).is_err(),
                "{status:?} {kind:?} {event:?}"
            );
        }
    }

    /// Every status × kind × event against a table written out by hand: the 25 legal moves
    /// and where they lead; everything else is refused.
    #[test]
    fn lifecycle_table_is_exhaustive() {
        use PostEvent::*;
        use PostKind::*;
        use PostStatus::*;
        let legal = [
            (Open, News, Close, Closed),
            (Open, Activity, Close, Closed),
            (Open, Request, Close, Closed),
            (Open, Offer, Close, Closed),
            (Matched, News, Close, Closed),
            (Matched, Activity, Close, Closed),
            (Matched, Request, Close, Closed),
            (Matched, Offer, Close, Closed),
            (InMediation, News, Close, Closed),
            (InMediation, Activity, Close, Closed),
            (InMediation, Request, Close, Closed),
            (InMediation, Offer, Close, Closed),
            (Open, News, Expire, Expired),
            (Open, Activity, Expire, Expired),
            (Open, Request, Expire, Expired),
            (Open, Offer, Expire, Expired),
            (Open, Request, Match, Matched),
            (Open, Offer, Match, Matched),
            (InMediation, Request, Match, Matched),
            (InMediation, Offer, Match, Matched),
            (Matched, Request, Unmatch, Open),
            (Matched, Offer, Unmatch, Open),
            (Matched, Request, Fulfil, Fulfilled),
            (Matched, Offer, Fulfil, Fulfilled),
            (Open, Request, Escalate, InMediation),
        ];
        let events = [Close, Expire, Match, Unmatch, Fulfil, Escalate];
        let mut checked = 0;
        for &status in PostStatus::ALL {
            for &kind in PostKind::ALL {
                for event in events {
                    let expected = legal
                        .iter()
                        .find(|(s, k, e, _)| (*s, *k, *e) == (status, kind, event))
                        .map(|(_, _, _, next)| *next)
                        .ok_or(IllegalPostTransition {
                            kind,
                            status,
                            event,
                        });
                    assert_eq!(
                        status.transition(kind, event),
                        expected,
                        "{status:?} {kind:?} {event:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 6 * 4 * 6);
    }

    #[test]
    fn content_rules() {
        let now = Utc::now();
        let request = PostContent::validate(input(PostKind::Request), now).unwrap();
        assert_eq!(request.urgency, Some(Urgency::Normal));
        assert_eq!(request.helpers_needed, 1);
        assert_eq!(request.visibility, Visibility::Public);

        let care = PostContent::validate(
            PostInput {
                category: Some(Category::Care),
                ..input(PostKind::Request)
            },
            now,
        )
        .unwrap();
        assert_eq!(care.visibility, Visibility::Members);
        let public_care = PostInput {
            category: Some(Category::Care),
            visibility: Some(Visibility::Public),
            ..input(PostKind::Offer)
        };
        assert_eq!(
            PostContent::validate(public_care, now).unwrap_err()[0].0,
            "visibility"
        );

        let fields = |input| {
            PostContent::validate(input, now)
                .unwrap_err()
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(PostInput {
                category: None,
                ..input(PostKind::Offer)
            }),
            ["category"]
        );
        assert_eq!(
            fields(PostInput {
                category: Some(Category::Help),
                ..input(PostKind::News)
            }),
            ["category"]
        );
        assert_eq!(
            fields(PostInput {
                urgency: Some(Urgency::High),
                ..input(PostKind::Offer)
            }),
            ["urgency"]
        );
        assert_eq!(
            fields(PostInput {
                helpers_needed: Some(0),
                ..input(PostKind::Request)
            }),
            ["helpers_needed"]
        );
        assert_eq!(
            fields(PostInput {
                expires_at: Some(now),
                ..input(PostKind::News)
            }),
            ["expires_at"]
        );
        assert_eq!(
            fields(PostInput {
                recurrence: Some(Recurrence::Weekly),
                ..input(PostKind::Offer)
            }),
            ["recurrence"]
        );
        assert_eq!(
            fields(PostInput {
                recurrence: Some(Recurrence::Weekly),
                recurrence_ends_on: Some(now.date_naive()),
                ..input(PostKind::Request)
            }),
            ["recurrence_ends_on"]
        );
        let ends_on = now.date_naive() + chrono::Days::new(30);
        let lasting = PostContent::validate(
            PostInput {
                recurrence: Some(Recurrence::Fortnightly),
                recurrence_ends_on: Some(ends_on),
                ..input(PostKind::Request)
            },
            now,
        )
        .unwrap();
        assert_eq!(
            lasting.recurrence,
            Some(RecurrenceRule {
                every: Recurrence::Fortnightly,
                ends_on: Some(ends_on)
            })
        );
        assert_eq!(fields(input(PostKind::Activity)), ["activity"]);
        assert_eq!(
            fields(PostInput {
                title: " ",
                body: "",
                ..input(PostKind::News)
            }),
            ["title", "body"]
        );
        assert_eq!(
            fields(PostInput {
                kind: None,
                ..input(PostKind::News)
            }),
            ["kind"]
        );
        let backwards = PostInput {
            activity: Some(ActivityInput {
                starts_at: now + Duration::hours(2),
                ends_at: now + Duration::hours(1),
                location: "Buurthuis",
                capacity: Some(0),
            }),
            ..input(PostKind::Activity)
        };
        assert_eq!(fields(backwards), ["activity.ends_at", "activity.capacity"]);
        let activity = PostInput {
            activity: Some(ActivityInput {
                starts_at: now + Duration::hours(1),
                ends_at: now + Duration::hours(2),
                location: "Buurthuis",
                capacity: Some(20),
            }),
            ..input(PostKind::Activity)
        };
        assert_eq!(
            PostContent::validate(activity, now)
                .unwrap()
                .activity
                .unwrap()
                .capacity,
            Some(20)
        );
    }
}
