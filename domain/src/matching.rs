//! Matching: a request meets a neighbour who can help. The match lifecycle, who may move it,
//! and the ranking of suggestions.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::category::Category;
use crate::posts::{PostEvent, PostId, PostStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MatchId(pub Uuid);

impl MatchId {
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }
}

impl Default for MatchId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for MatchId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a match stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchStatus {
    Proposed,
    Accepted,
    Declined,
    Cancelled,
    Completed,
    /// The requester says the help never happened: the request opens again.
    NoShow,
}

impl MatchStatus {
    pub const ALL: [MatchStatus; 6] = [
        Self::Proposed,
        Self::Accepted,
        Self::Declined,
        Self::Cancelled,
        Self::Completed,
        Self::NoShow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Cancelled => "cancelled",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    /// Still taking up the helper's time.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Proposed | Self::Accepted)
    }

    /// The two parties see each other's contact details.
    pub fn shares_contacts(self) -> bool {
        matches!(self, Self::Accepted | Self::Completed)
    }

    /// Holds one of the request's helper places (`helpers_needed` of them).
    pub fn holds_place(self) -> bool {
        matches!(self, Self::Accepted | Self::Completed)
    }
}

/// The two sides of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Party {
    /// The author of the request.
    Requester,
    Helper,
}

impl Party {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requester => "requester",
            Self::Helper => "helper",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Requester, Self::Helper]
            .into_iter()
            .find(|p| p.as_str() == raw)
    }
}

/// What a party does to a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchAction {
    Accept,
    Decline,
    Cancel,
    Complete,
    NoShow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MatchRefusal {
    /// Not this party's move (for example, accepting one's own proposal).
    #[error("not this party's move")]
    NotYourMove,
    /// Not possible from the current status.
    #[error("{action:?} is not possible while {status:?}")]
    Illegal {
        status: MatchStatus,
        action: MatchAction,
    },
}

/// The lifecycle and who moves it: the party that did not propose accepts or declines;
/// either party cancels a proposed or accepted match; the requester completes an accepted
/// match, or reports that the help never came. A step impossible from the status is illegal
/// whoever takes it; a possible one may still be the other party's move.
pub fn transition(
    status: MatchStatus,
    action: MatchAction,
    by: Party,
    proposed_by: Party,
) -> Result<MatchStatus, MatchRefusal> {
    use MatchAction::{Accept, Cancel, Complete, Decline};
    use MatchStatus::{Accepted, Cancelled, Completed, Declined, Proposed};
    let next = match (status, action) {
        (Proposed, Accept) => Accepted,
        (Proposed, Decline) => Declined,
        (Proposed | Accepted, Cancel) => Cancelled,
        (Accepted, Complete) => Completed,
        (Accepted, MatchAction::NoShow) => MatchStatus::NoShow,
        (status, action) => return Err(MatchRefusal::Illegal { status, action }),
    };
    let allowed_party = match action {
        Accept | Decline => by != proposed_by,
        Cancel => true,
        Complete | MatchAction::NoShow => by == Party::Requester,
    };
    if allowed_party {
        Ok(next)
    } else {
        Err(MatchRefusal::NotYourMove)
    }
}

/// How a request follows its helper places once `held` of them are taken (accepted or
/// completed matches) and it asks for `needed`: matched when every place is taken, open again
/// when one is free. `None` when its status already says so, or is not about places (closed,
/// fulfilled, expired).
pub fn request_follows_places(status: PostStatus, held: u32, needed: u32) -> Option<PostEvent> {
    match status {
        PostStatus::Open | PostStatus::InMediation if held >= needed => Some(PostEvent::Match),
        PostStatus::Matched if held < needed => Some(PostEvent::Unmatch),
        _ => None,
    }
}

/// The helper place an accepted match takes on a request that asks for `needed` helpers while
/// the places `taken` are held: the lowest free one, or `None` when every place is taken.
pub fn free_place(taken: &[i32], needed: u32) -> Option<i32> {
    let needed = i32::try_from(needed).unwrap_or(i32::MAX);
    if i32::try_from(taken.len()).unwrap_or(i32::MAX) >= needed {
        return None;
    }
    (1..=needed).find(|place| !taken.contains(place))
}

/// How many active matches (proposed or accepted) one helper may have at once.
pub const MAX_ACTIVE_MATCHES: u32 = 5;

/// A stored match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub id: MatchId,
    pub request_id: PostId,
    pub requester_id: UserId,
    pub helper_id: UserId,
    /// The helper's offer this match came from, if any.
    pub offer_id: Option<PostId>,
    pub proposed_by: Party,
    pub status: MatchStatus,
    pub message: Option<String>,
    /// The requester's thanks on completion.
    pub thanks: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Match {
    /// Which party `user` is, if any.
    pub fn party_of(&self, user: UserId) -> Option<Party> {
        if user == self.requester_id {
            Some(Party::Requester)
        } else if user == self.helper_id {
            Some(Party::Helper)
        } else {
            None
        }
    }

    pub fn other_party(&self, user: UserId) -> UserId {
        if user == self.requester_id {
            self.helper_id
        } else {
            self.requester_id
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Brokered matches (issue 20)

/// What a step does to a match a mediator brokered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokeredStep {
    /// The helper agrees: the match stays `proposed`, and it is the requester's move.
    HelperAgrees,
    /// The match moves to this status, as any match would.
    To(MatchStatus),
}

/// The lifecycle of a brokered match: a mediator proposed the helper on the requester's side,
/// so the helper answers first and the requester accepts after them (`helper_agreed`). The
/// requester may decline at any time while it is proposed, the helper until they agreed (then
/// they cancel, as anyone can); completing and reporting a no-show are the requester's, as for
/// every match.
pub fn brokered_transition(
    status: MatchStatus,
    action: MatchAction,
    by: Party,
    helper_agreed: bool,
) -> Result<BrokeredStep, MatchRefusal> {
    match (status, action, by) {
        (MatchStatus::Proposed, MatchAction::Accept, Party::Helper) if !helper_agreed => {
            Ok(BrokeredStep::HelperAgrees)
        }
        (MatchStatus::Proposed, MatchAction::Accept, Party::Helper) => {
            Err(MatchRefusal::NotYourMove)
        }
        (MatchStatus::Proposed, MatchAction::Accept, Party::Requester) if !helper_agreed => {
            Err(MatchRefusal::NotYourMove)
        }
        (MatchStatus::Proposed, MatchAction::Decline, Party::Helper) if helper_agreed => {
            Err(MatchRefusal::NotYourMove)
        }
        (MatchStatus::Proposed, MatchAction::Accept, Party::Requester) => {
            Ok(BrokeredStep::To(MatchStatus::Accepted))
        }
        (MatchStatus::Proposed, MatchAction::Decline, _) => {
            Ok(BrokeredStep::To(MatchStatus::Declined))
        }
        // Everything else as for a match the requester proposed.
        (status, action, by) => {
            transition(status, action, by, Party::Requester).map(BrokeredStep::To)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Suggestions

/// How near a candidate is to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Proximity {
    SameNeighbourhood,
    AdjacentNeighbourhood,
}

/// What is suggested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateRef {
    /// An open post: an offer (for a request) or a request (for an offer).
    Post(PostId),
    /// A resident whose declared skills fit.
    Resident,
}

/// Someone (or something) that might fit, as the ranking sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub what: CandidateRef,
    /// The person who would help (or be helped).
    pub user_id: UserId,
    /// The post's category, or the resident's declared skills.
    pub categories: Vec<Category>,
    /// A resident's declared interests: a weaker fit than a skill.
    pub interests: Vec<Category>,
    /// Title and body of the post: text the reader may read. Never private text (a resident's
    /// bio): what it shares would show in a reason or, through the score, be guessed at.
    pub text: String,
    pub proximity: Proximity,
    /// When the post was written; `None` for residents.
    pub posted_at: Option<DateTime<Utc>>,
    /// The person's active matches as a helper.
    pub active_matches: u32,
}

/// What a suggestion is ranked against.
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    pub category: Category,
    pub text: String,
    /// Help from a distance is fine: distance does not count.
    pub remote_ok: bool,
    /// The post's author: never suggested to themselves.
    pub author: UserId,
    /// People already asked for this request (a live or completed match) or who declined (or
    /// were declined): not suggested again.
    pub declined: Vec<UserId>,
    /// People the author blocked or was blocked by: never suggested.
    pub blocked: Vec<UserId>,
}

/// Why a candidate ranks where it does, for people to read.
#[derive(Debug, Clone, PartialEq)]
pub enum Reason {
    SameCategory(Category),
    /// Interested in the category, without declaring it a skill.
    Interested(Category),
    SharedWords(Vec<String>),
    SameNeighbourhood,
    AdjacentNeighbourhood,
    RemoteHelp,
    Recent,
    Busy {
        active_matches: u32,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub candidate: Candidate,
    /// 0 to 1; higher is a better fit.
    pub score: f64,
    pub reasons: Vec<Reason>,
}

/// The weights of the score. Category fit outweighs everything else together but distance, so
/// a neighbour who does what is asked beats one who merely uses the same words.
pub const WEIGHT_CATEGORY: f64 = 0.45;
pub const WEIGHT_TEXT: f64 = 0.20;
pub const WEIGHT_DISTANCE: f64 = 0.20;
pub const WEIGHT_RECENCY: f64 = 0.15;
/// Each active match of the helper takes this share off the score.
pub const LOAD_PENALTY: f64 = 0.08;

/// Words too common to say anything (Dutch and English).
const STOP_WORDS: &[&str] = &[
    "de", "het", "een", "en", "of", "van", "in", "op", "te", "voor", "met", "aan", "bij", "is",
    "ik", "je", "jij", "mijn", "wie", "wil", "kan", "die", "dat", "er", "om", "ook", "naar",
    "zijn", "the", "a", "an", "and", "or", "of", "to", "for", "with", "on", "at", "is", "i", "my",
    "who",
];

/// The meaningful words of a text: lower case, letters and digits, at least three long.
pub fn words(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|word| word.chars().count() >= 3 && !STOP_WORDS.contains(&word.as_str()))
        .collect()
}

/// Ranks candidates for `wanted`, best first. The score adds, weighted: category fit (1 for
/// the category asked for among the post's or the resident's skills, 0.5 among their
/// interests), shared words (Jaccard similarity of titles and
/// bodies), distance (own neighbourhood 1, adjacent 0.5; 1 for remote help) and recency (posts
/// lose half their freshness every 14 days; residents count 0.5); then each active match of
/// the helper lowers it by 8 %. Helpers at `MAX_ACTIVE_MATCHES`, the author, who declined
/// and who is blocked either way are left out. Ties go to the nearer, then the newer.
pub fn rank(wanted: &Wanted, candidates: Vec<Candidate>, now: DateTime<Utc>) -> Vec<Suggestion> {
    let wanted_words = words(&wanted.text);
    let mut suggestions: Vec<Suggestion> = candidates
        .into_iter()
        .filter(|candidate| {
            candidate.active_matches < MAX_ACTIVE_MATCHES
                && candidate.user_id != wanted.author
                && !wanted.declined.contains(&candidate.user_id)
                && !wanted.blocked.contains(&candidate.user_id)
        })
        .map(|candidate| {
            let mut reasons = Vec::new();
            let category = if candidate.categories.contains(&wanted.category) {
                reasons.push(Reason::SameCategory(wanted.category));
                1.0
            } else if candidate.interests.contains(&wanted.category) {
                reasons.push(Reason::Interested(wanted.category));
                0.5
            } else {
                0.0
            };
            let their_words = words(&candidate.text);
            let shared: Vec<String> = wanted_words.intersection(&their_words).cloned().collect();
            let union = wanted_words.union(&their_words).count();
            let text = if union == 0 {
                0.0
            } else {
                shared.len() as f64 / union as f64
            };
            if !shared.is_empty() {
                reasons.push(Reason::SharedWords(shared));
            }
            let distance = if wanted.remote_ok {
                reasons.push(Reason::RemoteHelp);
                1.0
            } else {
                match candidate.proximity {
                    Proximity::SameNeighbourhood => {
                        reasons.push(Reason::SameNeighbourhood);
                        1.0
                    }
                    Proximity::AdjacentNeighbourhood => {
                        reasons.push(Reason::AdjacentNeighbourhood);
                        0.5
                    }
                }
            };
            let recency = match candidate.posted_at {
                Some(at) => {
                    let days = (now - at).num_seconds().max(0) as f64 / 86_400.0;
                    let freshness = 0.5_f64.powf(days / 14.0);
                    if days < 7.0 {
                        reasons.push(Reason::Recent);
                    }
                    freshness
                }
                None => 0.5,
            };
            let load = (1.0 - LOAD_PENALTY * f64::from(candidate.active_matches)).max(0.0);
            if candidate.active_matches > 0 {
                reasons.push(Reason::Busy {
                    active_matches: candidate.active_matches,
                });
            }
            let score = (WEIGHT_CATEGORY * category
                + WEIGHT_TEXT * text
                + WEIGHT_DISTANCE * distance
                + WEIGHT_RECENCY * recency)
                * load;
            Suggestion {
                candidate,
                score,
                reasons,
            }
        })
        .collect();
    suggestions.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.candidate.proximity.cmp(&b.candidate.proximity))
            .then(b.candidate.posted_at.cmp(&a.candidate.posted_at))
    });
    // One entry per person: their best (someone with an offer is also a resident).
    let mut seen = std::collections::HashSet::new();
    suggestions.retain(|suggestion| seen.insert(suggestion.candidate.user_id));
    suggestions
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn an_accepted_match_takes_the_lowest_free_place() {
        assert_eq!(free_place(&[], 1), Some(1));
        assert_eq!(free_place(&[1], 1), None);
        assert_eq!(free_place(&[1, 3], 3), Some(2));
        assert_eq!(free_place(&[2], 3), Some(1));
        assert_eq!(free_place(&[1, 2, 3], 3), None);
        // More places held than asked for (never stored so, but never a place past the limit).
        assert_eq!(free_place(&[1, 2], 1), None);
    }

    /// What `transition` should answer, in the table below.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Expect {
        To(MatchStatus),
        NotYours,
        Illegal,
    }

    #[test]
    fn every_status_action_and_party() {
        use Expect::{Illegal as Ill, NotYours as Mine, To};
        use MatchAction::{Accept, Cancel, Complete, Decline};
        use MatchStatus::{Accepted, Cancelled, Completed, Declined, Proposed};
        use Party::{Helper, Requester};
        const NO_SHOW: MatchAction = MatchAction::NoShow;
        const GONE: MatchStatus = MatchStatus::NoShow;
        const NONE: [Expect; 4] = [Ill; 4];
        // The columns: (acting party, proposing party).
        let columns = [
            (Requester, Helper),
            (Helper, Helper),
            (Requester, Requester),
            (Helper, Requester),
        ];
        #[rustfmt::skip]
        let table: [(MatchStatus, MatchAction, [Expect; 4]); 30] = [
            //                     requester     helper        requester     helper
            //                     on helper's   on helper's   on own        on requester's
            (Proposed, Accept,   [To(Accepted),  Mine,         Mine,         To(Accepted)]),
            (Proposed, Decline,  [To(Declined),  Mine,         Mine,         To(Declined)]),
            (Proposed, Cancel,   [To(Cancelled); 4]),
            (Proposed, Complete, NONE),
            (Proposed, NO_SHOW,  NONE),
            (Accepted, Accept,   NONE),
            (Accepted, Decline,  NONE),
            (Accepted, Cancel,   [To(Cancelled); 4]),
            (Accepted, Complete, [To(Completed), Mine,         To(Completed), Mine]),
            (Accepted, NO_SHOW,  [To(GONE),      Mine,         To(GONE),     Mine]),
            (Declined, Accept, NONE), (Declined, Decline, NONE), (Declined, Cancel, NONE),
            (Declined, Complete, NONE), (Declined, NO_SHOW, NONE),
            (Cancelled, Accept, NONE), (Cancelled, Decline, NONE), (Cancelled, Cancel, NONE),
            (Cancelled, Complete, NONE), (Cancelled, NO_SHOW, NONE),
            (Completed, Accept, NONE), (Completed, Decline, NONE), (Completed, Cancel, NONE),
            (Completed, Complete, NONE), (Completed, NO_SHOW, NONE),
            (GONE, Accept, NONE), (GONE, Decline, NONE), (GONE, Cancel, NONE),
            (GONE, Complete, NONE), (GONE, NO_SHOW, NONE),
        ];
        let actions = [Accept, Decline, Cancel, Complete, NO_SHOW];
        for status in MatchStatus::ALL {
            for action in actions {
                let rows = table
                    .iter()
                    .filter(|(s, a, _)| *s == status && *a == action)
                    .count();
                assert_eq!(rows, 1, "{status:?} {action:?} is in the table once");
            }
        }
        for (status, action, expected) in table {
            for ((by, proposed_by), expected) in columns.into_iter().zip(expected) {
                let got = match transition(status, action, by, proposed_by) {
                    Ok(next) => To(next),
                    Err(MatchRefusal::NotYourMove) => Mine,
                    Err(MatchRefusal::Illegal {
                        status: said,
                        action: about,
                    }) => {
                        assert_eq!((said, about), (status, action));
                        Ill
                    }
                };
                assert_eq!(
                    got, expected,
                    "{status:?} {action:?} by {by:?}, proposed by {proposed_by:?}"
                );
            }
        }
    }

    #[test]
    fn a_brokered_match_waits_for_the_helper_then_the_requester() {
        use BrokeredStep::{HelperAgrees, To};
        use MatchAction::{Accept, Cancel, Complete, Decline};
        use MatchStatus::{Accepted, Cancelled, Completed, Declined, Proposed};
        use Party::{Helper, Requester};
        let not_yours = Err(MatchRefusal::NotYourMove);
        for (status, action, by, agreed, expected) in [
            (Proposed, Accept, Helper, false, Ok(HelperAgrees)),
            (Proposed, Accept, Helper, true, not_yours),
            (Proposed, Accept, Requester, false, not_yours),
            (Proposed, Accept, Requester, true, Ok(To(Accepted))),
            (Proposed, Decline, Helper, false, Ok(To(Declined))),
            (Proposed, Decline, Helper, true, not_yours),
            (Proposed, Decline, Requester, false, Ok(To(Declined))),
            (Proposed, Decline, Requester, true, Ok(To(Declined))),
            (Proposed, Cancel, Helper, true, Ok(To(Cancelled))),
            (Proposed, Cancel, Requester, false, Ok(To(Cancelled))),
            (Accepted, Complete, Requester, true, Ok(To(Completed))),
            (Accepted, Complete, Helper, true, not_yours),
            (Accepted, Cancel, Helper, true, Ok(To(Cancelled))),
            (
                Accepted,
                MatchAction::NoShow,
                Requester,
                true,
                Ok(To(MatchStatus::NoShow)),
            ),
            (
                Accepted,
                Accept,
                Requester,
                true,
                Err(MatchRefusal::Illegal {
                    status: Accepted,
                    action: Accept,
                }),
            ),
            (
                Declined,
                Accept,
                Helper,
                false,
                Err(MatchRefusal::Illegal {
                    status: Declined,
                    action: Accept,
                }),
            ),
        ] {
            assert_eq!(
                brokered_transition(status, action, by, agreed),
                expected,
                "{status:?} {action:?} by {by:?}, helper agreed: {agreed}"
            );
        }
    }

    #[test]
    fn the_request_follows_its_places() {
        use PostEvent::{Match, Unmatch};
        use PostStatus::*;
        for (status, held, needed, event) in [
            (Open, 0, 1, None),
            (Open, 1, 1, Some(Match)),
            (Open, 2, 3, None),
            (Open, 3, 3, Some(Match)),
            (InMediation, 1, 1, Some(Match)),
            (InMediation, 0, 2, None),
            (Matched, 1, 1, None),
            (Matched, 0, 1, Some(Unmatch)),
            (Matched, 3, 4, Some(Unmatch)),
            (Matched, 2, 2, None),
            (Fulfilled, 0, 1, None),
            (Closed, 1, 1, None),
            (Expired, 0, 1, None),
        ] {
            assert_eq!(
                request_follows_places(status, held, needed),
                event,
                "{status:?} with {held} of {needed}"
            );
        }
    }

    fn candidate(categories: &[Category], text: &str, proximity: Proximity) -> Candidate {
        Candidate {
            what: CandidateRef::Resident,
            user_id: UserId::new(),
            categories: categories.to_vec(),
            interests: Vec::new(),
            text: text.into(),
            proximity,
            posted_at: None,
            active_matches: 0,
        }
    }

    fn wanted(remote_ok: bool) -> Wanted {
        Wanted {
            category: Category::Help,
            text: "Wie helpt mij met boodschappen doen op dinsdag".into(),
            remote_ok,
            author: UserId::new(),
            declined: Vec::new(),
            blocked: Vec::new(),
        }
    }

    fn order(suggestions: &[Suggestion], candidates: &[Candidate]) -> Vec<usize> {
        suggestions
            .iter()
            .map(|s| {
                candidates
                    .iter()
                    .position(|c| c.user_id == s.candidate.user_id)
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn category_beats_text() {
        let candidates = vec![
            candidate(
                &[Category::Goods],
                "boodschappen doen dinsdag helpt",
                Proximity::SameNeighbourhood,
            ),
            candidate(
                &[Category::Help],
                "fietsen repareren",
                Proximity::SameNeighbourhood,
            ),
        ];
        let ranked = rank(&wanted(false), candidates.clone(), Utc::now());
        assert_eq!(order(&ranked, &candidates), [1, 0]);
        assert!(
            ranked[0]
                .reasons
                .contains(&Reason::SameCategory(Category::Help))
        );
        assert!(
            matches!(&ranked[1].reasons[0], Reason::SharedWords(words) if words.contains(&"boodschappen".to_string()))
        );
    }

    #[test]
    fn a_skill_beats_an_interest_beats_nothing() {
        let mut interested = candidate(&[], "", Proximity::SameNeighbourhood);
        interested.interests = vec![Category::Help];
        let skilled = candidate(&[Category::Help], "", Proximity::SameNeighbourhood);
        let unrelated = candidate(&[Category::Goods], "", Proximity::SameNeighbourhood);
        let candidates = vec![unrelated, interested, skilled];
        let ranked = rank(&wanted(false), candidates.clone(), Utc::now());
        assert_eq!(order(&ranked, &candidates), [2, 1, 0]);
        assert!(
            ranked[1]
                .reasons
                .contains(&Reason::Interested(Category::Help))
        );
    }

    #[test]
    fn own_neighbourhood_before_adjacent_unless_remote() {
        let candidates = vec![
            candidate(&[Category::Help], "", Proximity::AdjacentNeighbourhood),
            candidate(&[Category::Help], "", Proximity::SameNeighbourhood),
        ];
        let ranked = rank(&wanted(false), candidates.clone(), Utc::now());
        assert_eq!(order(&ranked, &candidates), [1, 0]);
        assert!(ranked[0].score > ranked[1].score);
        let remote = rank(&wanted(true), candidates.clone(), Utc::now());
        assert_eq!(remote[0].score, remote[1].score, "distance does not count");
        assert!(remote[0].reasons.contains(&Reason::RemoteHelp));
    }

    #[test]
    fn load_lowers_rank_and_the_cap_excludes() {
        let mut busy = candidate(&[Category::Help], "", Proximity::SameNeighbourhood);
        busy.active_matches = 2;
        let free = candidate(&[Category::Help], "", Proximity::SameNeighbourhood);
        let mut full = candidate(&[Category::Help], "", Proximity::SameNeighbourhood);
        full.active_matches = MAX_ACTIVE_MATCHES;
        let candidates = vec![busy, free, full];
        let ranked = rank(&wanted(false), candidates.clone(), Utc::now());
        assert_eq!(order(&ranked, &candidates), [1, 0]);
        assert!(
            ranked[1]
                .reasons
                .contains(&Reason::Busy { active_matches: 2 })
        );
    }

    #[test]
    fn newer_posts_rank_higher() {
        let now = Utc::now();
        let mut old = candidate(&[Category::Help], "", Proximity::SameNeighbourhood);
        old.posted_at = Some(now - Duration::days(60));
        let mut new = candidate(&[Category::Help], "", Proximity::SameNeighbourhood);
        new.posted_at = Some(now - Duration::days(1));
        let candidates = vec![old, new];
        let ranked = rank(&wanted(false), candidates.clone(), now);
        assert_eq!(order(&ranked, &candidates), [1, 0]);
        assert!(ranked[0].reasons.contains(&Reason::Recent));
        assert!(ranked.iter().all(|s| (0.0..=1.0).contains(&s.score)));
    }

    #[test]
    fn the_author_who_declined_and_who_is_blocked_are_never_suggested() {
        let author = candidate(
            &[Category::Help],
            "boodschappen dinsdag",
            Proximity::SameNeighbourhood,
        );
        let declined = candidate(
            &[Category::Help],
            "boodschappen",
            Proximity::SameNeighbourhood,
        );
        let blocked = candidate(
            &[Category::Help],
            "boodschappen dinsdag",
            Proximity::SameNeighbourhood,
        );
        let other = candidate(&[], "", Proximity::AdjacentNeighbourhood);
        let mut wanted = wanted(false);
        wanted.author = author.user_id;
        wanted.declined = vec![declined.user_id];
        wanted.blocked = vec![blocked.user_id];
        // The author's own offer is theirs too.
        let mut own_offer = author.clone();
        own_offer.what = CandidateRef::Post(PostId(Uuid::new_v4()));
        let candidates = vec![author, declined, own_offer, blocked, other];
        let ranked = rank(&wanted, candidates.clone(), Utc::now());
        assert_eq!(order(&ranked, &candidates), [4]);
    }

    #[test]
    fn words_ignore_case_punctuation_and_stop_words() {
        let found: Vec<String> = words("Wie helpt mij met de Boodschappen? Op dinsdag!")
            .into_iter()
            .collect();
        assert_eq!(found, ["boodschappen", "dinsdag", "helpt", "mij"]);
    }
}
