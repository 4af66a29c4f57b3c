//! Use cases of membership: joining and leaving a neighbourhood, moderating members, invites
//! and professional grants. What follows a membership becoming active or ending is declared
//! in `buurt_domain::effects::membership` and recorded here, in the transaction of the change.

use buurt_domain::accounts::UserId;
use buurt_domain::effects::membership::MembershipEvent;
use buurt_domain::membership::{
    IllegalTransition, InviteTerms, Membership, MembershipStatus, Role, status_on_joining,
};
use buurt_domain::neighbourhoods::{MunicipalityCode, NeighbourhoodId};
use buurt_domain::policy::Action;
use buurt_persistence::memberships::{self as repo, InviteCheck, MemberCursor, MemberView};
use buurt_persistence::{accounts, in_write_transaction};

use crate::error::{AppError, ErrorCode, FieldIssue};
use crate::{Cx, accounts::require_admin, grants, neighbourhoods, outbox};
use buurt_domain::grants::{GrantChange, GrantScope, GrantedRole};

impl From<IllegalTransition> for AppError {
    fn from(_: IllegalTransition) -> Self {
        Self::Refused(ErrorCode::IllegalTransition)
    }
}

impl From<InviteCheck> for AppError {
    /// An invite that was not redeemed, as the refusal of the join it came with.
    fn from(check: InviteCheck) -> Self {
        Self::Refused(match check {
            InviteCheck::Expired => ErrorCode::InviteExpired,
            InviteCheck::UsedUp => ErrorCode::InviteUsedUp,
            InviteCheck::Invalid | InviteCheck::Redeemed => ErrorCode::InviteInvalid,
        })
    }
}

/// How a request to join ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Joined {
    /// A new membership, or a pending or rejected one let in by an invite or a postcode.
    Changed(Membership),
    /// Already active or pending: nothing changed.
    Unchanged(Membership),
}

/// A resident asks to join. An invite code, or the postcode in their profile lying inside the
/// neighbourhood, lets them in at once; otherwise the membership waits for a moderator. A
/// moderator's rejection stands unless an invite comes along.
pub fn join(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    user: UserId,
    invite_code: Option<&str>,
) -> Result<Joined, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let neighbourhood = neighbourhoods::locked(conn, neighbourhood)?;
        let user = accounts::find_user(conn, user)?.ok_or(ErrorCode::InvalidToken)?;
        let postcode = user.profile.postcode.as_ref();
        let existing = repo::find_membership(conn, neighbourhood.id, user.id)?;
        let postcode_lets_in = status_on_joining(postcode, &neighbourhood.draft.postcodes, false)
            == MembershipStatus::Active;
        match (&existing, invite_code) {
            (Some(m), _) if m.status == MembershipStatus::Active => {
                return Ok(Joined::Unchanged(m.clone()));
            }
            // Still waiting, unless their postcode has moved inside since they asked.
            (Some(m), None) if m.status == MembershipStatus::Pending && !postcode_lets_in => {
                return Ok(Joined::Unchanged(m.clone()));
            }
            (Some(m), None) if m.status == MembershipStatus::Pending => {}
            (Some(_), None) => return Err(ErrorCode::MembershipRejected.into()),
            _ => {}
        }
        let invited = match invite_code {
            None => false,
            Some(code) => match repo::redeem_invite(conn, neighbourhood.id, code, now)? {
                InviteCheck::Redeemed => true,
                refused => return Err(refused.into()),
            },
        };
        let status = status_on_joining(postcode, &neighbourhood.draft.postcodes, invited);
        let membership = match existing {
            Some(mut membership) => {
                membership.status = status;
                membership.updated_at = now;
                repo::update_membership(conn, &membership)?;
                membership
            }
            None => {
                let membership = Membership {
                    neighbourhood_id: neighbourhood.id,
                    user_id: user.id,
                    role: Role::Resident,
                    status,
                    joined_at: now,
                    updated_at: now,
                };
                repo::insert_membership(conn, &membership)?;
                membership
            }
        };
        if membership.status == MembershipStatus::Active {
            record_joined(conn, &membership, now)?;
        }
        Ok(Joined::Changed(membership))
    })
}

fn record_joined(
    conn: &mut buurt_persistence::DbConnection,
    membership: &Membership,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let event = MembershipEvent::Joined {
        neighbourhood: membership.neighbourhood_id,
        member: membership.user_id,
    };
    Ok(outbox::record(conn, &event.effects(now))?)
}

/// Ends `user`'s membership (or withdraws their pending request), unless it is the
/// neighbourhood's last active moderator's.
pub fn leave(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    user: UserId,
) -> Result<(), AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let neighbourhood = neighbourhoods::locked(conn, neighbourhood)?.id;
        let membership =
            repo::find_membership(conn, neighbourhood, user)?.ok_or(AppError::NotFound)?;
        if membership.role == Role::Moderator
            && membership.status == MembershipStatus::Active
            && repo::other_active_moderators(conn, neighbourhood, user)? == 0
        {
            return Err(ErrorCode::LastModerator.into());
        }
        repo::delete_membership(conn, neighbourhood, user)?;
        outbox::record(conn, &MembershipEvent::Left { neighbourhood }.effects(now))?;
        Ok(())
    })
}

/// One page of a neighbourhood's members with `status`, in order of joining, and the next
/// page's cursor. Active members see the active ones; moderators see every status.
pub fn list_members(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    caller: UserId,
    status: MembershipStatus,
    after: Option<MemberCursor>,
    limit: usize,
) -> Result<(Vec<MemberView>, Option<MemberCursor>), AppError> {
    let conn = &mut *cx.conn;
    let place = neighbourhoods::find(conn, neighbourhood)?;
    let needed = if status == MembershipStatus::Active {
        Action::ListMembers
    } else {
        Action::ListAllMembers
    };
    if !repo::actor(conn, caller, &place)?.may(needed) {
        return Err(ErrorCode::Forbidden.into());
    }
    Ok(repo::list_members(
        conn,
        neighbourhood,
        status,
        after.as_ref(),
        limit,
    )?)
}

/// A moderator's change to a membership: approve, reject, reconsider, or a new role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemberChange {
    pub role: Option<Role>,
    pub status: Option<MembershipStatus>,
}

/// Approves, rejects, or changes the role of a member (moderators and administrators),
/// keeping at least one active moderator wherever there was one. The caller's right is
/// checked under the same lock as the change.
pub fn set_member(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    caller: UserId,
    member: UserId,
    change: MemberChange,
) -> Result<Membership, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let place = neighbourhoods::locked(conn, neighbourhood)?;
        if !repo::actor(conn, caller, &place)?.may(Action::ManageMembers) {
            return Err(ErrorCode::Forbidden.into());
        }
        let mut membership =
            repo::find_membership(conn, neighbourhood, member)?.ok_or(AppError::NotFound)?;
        let was_moderator =
            membership.role == Role::Moderator && membership.status == MembershipStatus::Active;
        let was_active = membership.status == MembershipStatus::Active;
        if let Some(to) = change.status {
            membership.status = membership.status.transition(to)?;
        }
        let granted = change.role.filter(|role| *role != membership.role);
        if let Some(role) = granted {
            if membership.status != MembershipStatus::Active {
                return Err(ErrorCode::MemberNotActive.into());
            }
            grants::check_grant(caller, member, role.into())?;
            membership.role = role;
        }
        let stays_moderator =
            membership.role == Role::Moderator && membership.status == MembershipStatus::Active;
        if was_moderator
            && !stays_moderator
            && repo::other_active_moderators(conn, neighbourhood, member)? == 0
        {
            return Err(ErrorCode::LastModerator.into());
        }
        membership.updated_at = now;
        repo::update_membership(conn, &membership)?;
        if let Some(role) = granted {
            grants::record(
                conn,
                Some(caller),
                member,
                role.into(),
                GrantScope::Neighbourhood(neighbourhood),
                GrantChange::Granted,
                now,
            )?;
        }
        if !was_active && membership.status == MembershipStatus::Active {
            record_joined(conn, &membership, now)?;
        }
        Ok(membership)
    })
}

/// Stores an invite with `code` (random, made by the caller) for the neighbourhood, when
/// `caller` may hand out invites there. The right is checked under the lock that changes of
/// role take, so a demoted moderator's invite is never stored after the demotion.
pub fn create_invite(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    caller: UserId,
    code: &str,
    terms: InviteTerms,
) -> Result<repo::Invite, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let place = neighbourhoods::locked(conn, neighbourhood)?;
        if !repo::actor(conn, caller, &place)?.may(Action::CreateInvite) {
            return Err(ErrorCode::Forbidden.into());
        }
        Ok(repo::create_invite(
            conn,
            neighbourhood,
            code,
            terms,
            caller,
            now,
        )?)
    })
}

/// The user's memberships, with the neighbourhoods' codes, names and municipalities.
pub fn my_memberships(
    cx: &mut Cx<'_>,
    user: UserId,
) -> Result<Vec<(Membership, String, String, String)>, AppError> {
    Ok(repo::memberships_of(cx.conn, user)?)
}

/// Makes `user` a professional for `municipality` (administrators). False when they were one
/// already.
pub fn grant_professional(
    cx: &mut Cx<'_>,
    caller: UserId,
    user: UserId,
    municipality: &MunicipalityCode,
) -> Result<bool, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        require_admin(conn, caller)?;
        if accounts::find_user(conn, user)?.is_none() {
            return Err(AppError::invalid(
                "user_id",
                FieldIssue::invalid("no such user", "geen bestaande gebruiker"),
            ));
        }
        grants::check_grant(caller, user, GrantedRole::Professional)?;
        let granted = repo::grant_professional(conn, user, municipality, now)?;
        if granted {
            grants::record(
                conn,
                Some(caller),
                user,
                GrantedRole::Professional,
                GrantScope::Municipality(municipality.clone()),
                GrantChange::Granted,
                now,
            )?;
        }
        Ok(granted)
    })
}

/// Withdraws a professional grant (administrators).
pub fn revoke_professional(
    cx: &mut Cx<'_>,
    caller: UserId,
    user: UserId,
    municipality: &MunicipalityCode,
) -> Result<(), AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        require_admin(conn, caller)?;
        if !repo::revoke_professional(conn, user, municipality)? {
            return Err(AppError::NotFound);
        }
        grants::record(
            conn,
            Some(caller),
            user,
            GrantedRole::Professional,
            GrantScope::Municipality(municipality.clone()),
            GrantChange::Revoked,
            now,
        )
    })
}
