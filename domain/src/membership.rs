//! Membership of a neighbourhood, roles within it, and invites. Who may do what is `policy`.

use chrono::{DateTime, Duration, Utc};

use crate::accounts::{Postcode, UserId};
use crate::neighbourhoods::{NeighbourhoodId, PostcodeArea};
use crate::value::ValueError;

/// A member's role in one neighbourhood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Resident,
    /// Picks up what the online network cannot solve; creates invites.
    Mediator,
    /// Manages members and roles; creates invites.
    Moderator,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Resident, Role::Mediator, Role::Moderator];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Mediator => "mediator",
            Self::Moderator => "moderator",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }
}

/// Where a membership stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MembershipStatus {
    /// Waiting for a moderator.
    Pending,
    Active,
    /// Turned down by a moderator; an invite still lets the resident in.
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a membership cannot go from {from:?} to {to:?}")]
pub struct IllegalTransition {
    pub from: MembershipStatus,
    pub to: MembershipStatus,
}

impl MembershipStatus {
    pub const ALL: [MembershipStatus; 3] = [Self::Pending, Self::Active, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }

    /// A moderator's decision: approve or reject a pending member, or reconsider a rejection.
    /// Staying where it is is allowed (a repeated request changes nothing).
    pub fn transition(self, to: MembershipStatus) -> Result<MembershipStatus, IllegalTransition> {
        use MembershipStatus::{Active, Pending, Rejected};
        match (self, to) {
            (from, to) if from == to => Ok(to),
            (Pending, Active | Rejected) | (Rejected, Active) => Ok(to),
            (from, to) => Err(IllegalTransition { from, to }),
        }
    }
}

/// How a membership came to be trusted. A membership without one rests on a postcode the
/// resident claimed: it reads news and activities but no care requests, members or streets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verification {
    /// Active before verification existed: kept as it was.
    Existing,
    /// Joined with an invite code of a mediator or moderator.
    Invite,
    /// A verified member vouched for them.
    Vouch,
    /// A moderator (or administrator) approved them.
    Moderator,
    /// They entered the code of a letter sent to their address.
    Letter,
}

impl Verification {
    pub const ALL: [Verification; 5] = [
        Self::Existing,
        Self::Invite,
        Self::Vouch,
        Self::Moderator,
        Self::Letter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Existing => "existing",
            Self::Invite => "invite",
            Self::Vouch => "vouch",
            Self::Moderator => "moderator",
            Self::Letter => "letter",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == raw)
    }
}

/// A user's standing in one neighbourhood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub neighbourhood_id: NeighbourhoodId,
    pub user_id: UserId,
    pub role: Role,
    pub status: MembershipStatus,
    pub joined_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// `None` while the membership rests only on a claimed postcode.
    pub verification: Option<Verification>,
    /// Who vouched or approved, for those two ways.
    pub verified_by: Option<UserId>,
    /// Let in by the postcode in the profile: an account holds one such membership at a time.
    pub via_postcode: bool,
}

impl Membership {
    /// Verifies the membership `how` (by `by`); a verified one stays as it was verified.
    pub fn verify(&mut self, how: Verification, by: Option<UserId>) -> bool {
        if self.verification.is_some() {
            return false;
        }
        self.verification = Some(how);
        self.verified_by = by;
        true
    }
}

/// How often an account may join, and how long a postcode stays before it may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinLimits {
    /// Joins (new memberships, and requests let in) per account within a day.
    pub joins_per_day: u32,
    /// The wait between two changes of an account's postcode.
    pub postcode_cooldown: Duration,
}

impl Default for JoinLimits {
    fn default() -> Self {
        Self {
            joins_per_day: 3,
            postcode_cooldown: Duration::days(30),
        }
    }
}

impl JoinLimits {
    /// The window the daily limit counts joins in.
    pub const WINDOW: Duration = Duration::days(1);

    /// `None` when another join is allowed now, given the times of the joins within the last
    /// day; otherwise how long until one is.
    pub fn wait_for_join(&self, recent: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<Duration> {
        let in_window: Vec<_> = recent
            .iter()
            .filter(|at| **at > now - Self::WINDOW)
            .collect();
        if in_window.len() < self.joins_per_day as usize {
            return None;
        }
        let oldest = in_window.into_iter().min()?;
        Some((*oldest + Self::WINDOW - now).max(Duration::seconds(1)))
    }

    /// `None` when the postcode may change now, given when it last changed; otherwise how
    /// long until it may.
    pub fn wait_for_postcode_change(
        &self,
        last_changed: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<Duration> {
        let allowed_at = last_changed? + self.postcode_cooldown;
        (allowed_at > now).then(|| allowed_at - now)
    }
}

/// How long the code in a verification letter stays valid.
pub const LETTER_VALID_DAYS: i64 = 30;

/// How a join request is decided: a valid invite or a postcode inside the neighbourhood lets
/// the resident in at once; otherwise a moderator decides.
pub fn status_on_joining(
    postcode: Option<&Postcode>,
    areas: &[PostcodeArea],
    valid_invite: bool,
) -> MembershipStatus {
    let lives_here = postcode.is_some_and(|postcode| areas.iter().any(|a| a.contains(postcode)));
    if valid_invite || lives_here {
        MembershipStatus::Active
    } else {
        MembershipStatus::Pending
    }
}

/// The limits of a new invite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InviteTerms {
    pub max_uses: u32,
    pub valid_for: Duration,
}

impl InviteTerms {
    pub const MAX_USES: u32 = 500;
    pub const MAX_DAYS: i64 = 90;

    pub fn parse(
        max_uses: Option<u32>,
        days: Option<u32>,
    ) -> Result<Self, (&'static str, ValueError)> {
        let max_uses = max_uses.unwrap_or(1);
        if !(1..=Self::MAX_USES).contains(&max_uses) {
            return Err((
                "max_uses",
                ValueError::NotOneOf {
                    accepted: "1 to 500",
                },
            ));
        }
        let days = i64::from(days.unwrap_or(7));
        if !(1..=Self::MAX_DAYS).contains(&days) {
            return Err((
                "valid_days",
                ValueError::NotOneOf {
                    accepted: "1 to 90",
                },
            ));
        }
        Ok(Self {
            max_uses,
            valid_for: Duration::days(days),
        })
    }
}

/// Letters and digits that cannot be mistaken for one another when read aloud or copied.
pub const INVITE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const INVITE_CODE_LEN: usize = 10;

/// Turns random bytes into an invite code (one byte per character).
pub fn invite_code(random: &[u8; INVITE_CODE_LEN]) -> String {
    random
        .iter()
        .map(|byte| INVITE_ALPHABET[usize::from(*byte) % INVITE_ALPHABET.len()] as char)
        .collect()
}

/// Normalises what a resident typed: case and spaces and dashes do not matter.
pub fn normalise_invite_code(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_transitions() {
        use MembershipStatus::*;
        assert_eq!(Pending.transition(Active), Ok(Active));
        assert_eq!(Pending.transition(Rejected), Ok(Rejected));
        assert_eq!(Rejected.transition(Active), Ok(Active));
        assert_eq!(Active.transition(Active), Ok(Active));
        assert!(Active.transition(Pending).is_err());
        assert!(Active.transition(Rejected).is_err());
        assert!(Rejected.transition(Pending).is_err());
    }

    #[test]
    fn joining_is_decided_by_postcode_or_invite() {
        let areas = [PostcodeArea::parse("1234").unwrap()];
        let home = Postcode::parse("1234AB").unwrap();
        let elsewhere = Postcode::parse("9999ZZ").unwrap();
        use MembershipStatus::*;
        assert_eq!(status_on_joining(Some(&home), &areas, false), Active);
        assert_eq!(status_on_joining(Some(&elsewhere), &areas, false), Pending);
        assert_eq!(status_on_joining(None, &areas, false), Pending);
        assert_eq!(status_on_joining(None, &areas, true), Active);
    }

    #[test]
    fn join_limits() {
        let limits = JoinLimits {
            joins_per_day: 2,
            postcode_cooldown: Duration::days(30),
        };
        let now = Utc::now();
        let an_hour_ago = now - Duration::hours(1);
        let yesterday = now - Duration::hours(25);
        assert_eq!(limits.wait_for_join(&[yesterday, an_hour_ago], now), None);
        assert_eq!(
            limits.wait_for_join(&[now - Duration::hours(2), an_hour_ago], now),
            Some(Duration::hours(22))
        );
        assert_eq!(limits.wait_for_postcode_change(None, now), None);
        assert_eq!(
            limits.wait_for_postcode_change(Some(now - Duration::days(29)), now),
            Some(Duration::days(1))
        );
        assert_eq!(
            limits.wait_for_postcode_change(Some(now - Duration::days(30)), now),
            None
        );
    }

    #[test]
    fn verification_is_kept_once_given() {
        let mut membership = Membership {
            neighbourhood_id: NeighbourhoodId::new(),
            user_id: UserId::new(),
            role: Role::Resident,
            status: MembershipStatus::Active,
            joined_at: Utc::now(),
            updated_at: Utc::now(),
            verification: None,
            verified_by: None,
            via_postcode: true,
        };
        assert!(membership.verify(Verification::Letter, None));
        assert!(!membership.verify(Verification::Vouch, Some(UserId::new())));
        assert_eq!(membership.verification, Some(Verification::Letter));
        for v in Verification::ALL {
            assert_eq!(Verification::parse(v.as_str()), Some(v));
        }
    }

    #[test]
    fn invite_codes_and_terms() {
        let code = invite_code(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 255]);
        assert_eq!(code.len(), 10);
        assert!(code.bytes().all(|b| INVITE_ALPHABET.contains(&b)));
        assert_eq!(normalise_invite_code(" abcd-efgh 23 "), "ABCDEFGH23");
        assert_eq!(InviteTerms::parse(None, None).unwrap().max_uses, 1);
        assert_eq!(InviteTerms::parse(Some(0), None).unwrap_err().0, "max_uses");
        assert_eq!(
            InviteTerms::parse(Some(501), None).unwrap_err().0,
            "max_uses"
        );
        assert_eq!(
            InviteTerms::parse(None, Some(91)).unwrap_err().0,
            "valid_days"
        );
        assert_eq!(
            InviteTerms::parse(Some(5), Some(30)).unwrap().valid_for,
            Duration::days(30)
        );
    }
}
