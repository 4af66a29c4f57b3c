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

/// A user's standing in one neighbourhood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub neighbourhood_id: NeighbourhoodId,
    pub user_id: UserId,
    pub role: Role,
    pub status: MembershipStatus,
    pub joined_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

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
