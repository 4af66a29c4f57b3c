//! Role grants: which roles there are to grant, which of them open casework, and the rule that
//! no one grants themself such a role. Every grant is kept in an append-only audit record.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::accounts::UserId;
use crate::membership::Role;
use crate::neighbourhoods::{MunicipalityCode, NeighbourhoodId};

/// A role someone can be given: one in a neighbourhood, professional for a municipality, or
/// platform administrator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantedRole {
    Resident,
    Mediator,
    Moderator,
    Professional,
    PlatformAdmin,
}

impl GrantedRole {
    pub const ALL: [GrantedRole; 5] = [
        Self::Resident,
        Self::Mediator,
        Self::Moderator,
        Self::Professional,
        Self::PlatformAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resident => "resident",
            Self::Mediator => "mediator",
            Self::Moderator => "moderator",
            Self::Professional => "professional",
            Self::PlatformAdmin => "platform_admin",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == raw)
    }

    /// Whether the role lets its holder into casework: mediators work cases and read their
    /// notes; professionals see the case queue, cases and their audit, and the notes of cases
    /// referred to them.
    pub fn opens_casework(self) -> bool {
        matches!(self, Self::Mediator | Self::Professional)
    }
}

impl From<Role> for GrantedRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Resident => Self::Resident,
            Role::Mediator => Self::Mediator,
            Role::Moderator => Self::Moderator,
        }
    }
}

/// Whether `actor` may give `target` the role `role`, as far as who gives it goes (whether the
/// actor may grant roles at all is `policy`): a role that opens casework always comes from a
/// second person, so an administrator or moderator cannot make themself a mediator or a
/// professional and then read case notes.
pub fn may_grant(actor: UserId, target: UserId, role: GrantedRole) -> bool {
    actor != target || !role.opens_casework()
}

/// Whether a role was given or taken away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantChange {
    Granted,
    Revoked,
}

impl GrantChange {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Granted => "granted",
            Self::Revoked => "revoked",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Granted, Self::Revoked]
            .into_iter()
            .find(|change| change.as_str() == raw)
    }
}

/// Where a role holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantScope {
    Neighbourhood(NeighbourhoodId),
    Municipality(MunicipalityCode),
    Platform,
}

/// One entry of the audit record of role grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleGrant {
    pub id: Uuid,
    /// Who gave or took the role; `None` for the command line (`buurt create-admin`).
    pub actor: Option<UserId>,
    pub target: UserId,
    pub role: GrantedRole,
    pub scope: GrantScope,
    pub change: GrantChange,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_one_grants_themself_casework() {
        let (me, other) = (UserId(Uuid::from_u128(1)), UserId(Uuid::from_u128(2)));
        for role in GrantedRole::ALL {
            assert!(may_grant(me, other, role), "{role:?} to another");
            assert_eq!(
                may_grant(me, me, role),
                !matches!(role, GrantedRole::Mediator | GrantedRole::Professional),
                "{role:?} to oneself"
            );
            assert_eq!(GrantedRole::parse(role.as_str()), Some(role));
        }
    }
}
