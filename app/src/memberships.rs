//! Use cases of membership: joining and leaving a neighbourhood, moderating members, invites
//! and professional grants. What follows a membership becoming active or ending is declared
//! in `buurt_domain::effects::membership` and recorded here, in the transaction of the change.

use buurt_domain::accounts::Postcode;
use buurt_domain::accounts::UserId;
use buurt_domain::effects::membership::MembershipEvent;
use buurt_domain::membership::LETTER_VALID_DAYS;
use buurt_domain::membership::{
    IllegalTransition, InviteTerms, JoinLimits, Membership, MembershipStatus, Role, Verification,
    status_on_joining,
};
use buurt_domain::neighbourhoods::{MunicipalityCode, NeighbourhoodId};
use buurt_domain::policy::Action;
use buurt_persistence::letters::{self as letters_repo, Letter};
use buurt_persistence::memberships::{self as repo, InviteCheck, MemberCursor, MemberView};
use buurt_persistence::{accounts, in_write_transaction};

use crate::error::{AppError, ErrorCode, FieldIssue};
use crate::{Cx, accounts::require_admin, grants, neighbourhoods, outbox};
use buurt_domain::grants::{GrantChange, GrantScope, GrantedRole};
use buurt_domain::moderation::{LogAction, TargetKind};

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
    /// Already active or pending: nothing changed, or only an unverified membership was
    /// verified by the invite that came with the request.
    Unchanged(Membership),
}

/// A resident asks to join. An invite code lets them in at once, verified. The postcode in
/// their profile lying inside the neighbourhood lets them in at once too, unverified (news
/// and activities; no care requests, members or streets) until a vouch, a moderator or a
/// letter verifies them; an account holds one such postcode membership at a time. Otherwise
/// the membership waits for a moderator. A moderator's rejection stands unless an invite
/// comes along. Every join that changes something counts towards the account's daily limit.
pub fn join(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    user: UserId,
    invite_code: Option<&str>,
    limits: JoinLimits,
) -> Result<Joined, AppError> {
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let neighbourhood = neighbourhoods::locked(conn, neighbourhood)?;
        // The account's joins are counted and decided one at a time.
        accounts::lock_user(conn, user)?;
        let user = accounts::find_user(conn, user)?.ok_or(ErrorCode::InvalidToken)?;
        let postcode = user.profile.postcode.as_ref();
        let existing = repo::find_membership(conn, neighbourhood.id, user.id)?;
        let postcode_lets_in = status_on_joining(postcode, &neighbourhood.draft.postcodes, false)
            == MembershipStatus::Active;
        match (&existing, invite_code) {
            // An invite verifies a member who came in by postcode: no new join.
            (Some(m), Some(code))
                if m.status == MembershipStatus::Active && m.verification.is_none() =>
            {
                match repo::redeem_invite(conn, neighbourhood.id, code, now)? {
                    InviteCheck::Redeemed => {}
                    refused => return Err(refused.into()),
                }
                let mut membership = m.clone();
                membership.verify(Verification::Invite, None);
                membership.updated_at = now;
                repo::update_membership(conn, &membership)?;
                return Ok(Joined::Unchanged(membership));
            }
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
        // The log of joins keeps only what the limit counts.
        repo::forget_joins(conn, user.id, now - JoinLimits::WINDOW)?;
        let recent = repo::joins_since(conn, user.id, now - JoinLimits::WINDOW)?;
        if let Some(wait) = limits.wait_for_join(&recent, now) {
            return Err(AppError::refused_for(ErrorCode::JoinLimitReached, wait));
        }
        let invited = match invite_code {
            None => false,
            Some(code) => match repo::redeem_invite(conn, neighbourhood.id, code, now)? {
                InviteCheck::Redeemed => true,
                refused => return Err(refused.into()),
            },
        };
        let status = status_on_joining(postcode, &neighbourhood.draft.postcodes, invited);
        let via_postcode = !invited && status == MembershipStatus::Active;
        if via_postcode
            && repo::postcode_memberships_elsewhere(conn, user.id, neighbourhood.id)? > 0
        {
            return Err(ErrorCode::PostcodeMembershipExists.into());
        }
        let existed = existing.is_some();
        let mut membership = existing.unwrap_or(Membership {
            neighbourhood_id: neighbourhood.id,
            user_id: user.id,
            role: Role::Resident,
            status,
            joined_at: now,
            updated_at: now,
            verification: None,
            verified_by: None,
            via_postcode: false,
        });
        membership.status = status;
        membership.updated_at = now;
        membership.via_postcode = via_postcode;
        if invited {
            membership.verify(Verification::Invite, None);
        }
        if existed {
            repo::update_membership(conn, &membership)?;
        } else {
            repo::insert_membership(conn, &membership)?;
        }
        repo::record_join(conn, user.id, neighbourhood.id, now)?;
        if membership.status == MembershipStatus::Active {
            record_joined(conn, &membership, now, routes)?;
        }
        Ok(Joined::Changed(membership))
    })
}

fn record_joined(
    conn: &mut buurt_persistence::DbConnection,
    membership: &Membership,
    now: chrono::DateTime<chrono::Utc>,
    routes: crate::outbox::Routes,
) -> Result<(), AppError> {
    let event = MembershipEvent::Joined {
        neighbourhood: membership.neighbourhood_id,
        member: membership.user_id,
    };
    Ok(outbox::record(conn, &event.effects(now), routes)?)
}

/// Ends `user`'s membership (or withdraws their pending request), unless it is the
/// neighbourhood's last active moderator's.
pub fn leave(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    user: UserId,
) -> Result<(), AppError> {
    let routes = cx.routes();
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
        outbox::record(
            conn,
            &MembershipEvent::Left { neighbourhood }.effects(now),
            routes,
        )?;
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
    crate::moderation::permit(&repo::actor(conn, caller, &place)?, needed)?;
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
    let routes = cx.routes();
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
        let was_role = membership.role;
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
        // A moderator's word on an active member (approving, or a role) is their approval.
        if membership.status == MembershipStatus::Active {
            membership.verify(Verification::Moderator, Some(caller));
        }
        membership.updated_at = now;
        repo::update_membership(conn, &membership)?;
        if let Some(role) = granted {
            crate::moderation::log(
                conn,
                neighbourhood,
                Some(caller),
                LogAction::RoleChange,
                TargetKind::Member,
                member.0,
                Some(&format!("{} -> {}", was_role.as_str(), role.as_str())),
                now,
            )?;
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
            record_joined(conn, &membership, now, routes)?;
        }
        Ok(membership)
    })
}

/// Verifies an active member of the neighbourhood: a vouch from a verified member, an
/// approval from a moderator or administrator. Nobody vouches for themself. A member verified
/// already stays as they were verified.
pub fn verify_member(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    caller: UserId,
    member: UserId,
) -> Result<Membership, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let place = neighbourhoods::locked(conn, neighbourhood)?;
        let actor = repo::actor(conn, caller, &place)?;
        if caller == member || !actor.may(Action::VouchForMember) {
            return Err(ErrorCode::Forbidden.into());
        }
        let mut membership =
            repo::find_membership(conn, neighbourhood, member)?.ok_or(AppError::NotFound)?;
        if membership.status != MembershipStatus::Active {
            return Err(ErrorCode::MemberNotActive.into());
        }
        let how = if actor.may(Action::ManageMembers) {
            Verification::Moderator
        } else {
            Verification::Vouch
        };
        if membership.verify(how, Some(caller)) {
            membership.updated_at = now;
            repo::update_membership(conn, &membership)?;
        }
        Ok(membership)
    })
}

/// A batch of verification letters, and how many unverified members got none for want of an
/// address inside the neighbourhood in their profile.
#[derive(Debug, Clone)]
pub struct LetterBatch {
    pub batch_id: uuid::Uuid,
    pub letters: Vec<Letter>,
    pub skipped: usize,
}

/// Makes a letter with a new code (from `new_code`) for every active, unverified member of the
/// neighbourhood who has no letter still to be used and whose profile has a street, house
/// number and a postcode inside the neighbourhood (moderators and administrators). The codes
/// expire after [`LETTER_VALID_DAYS`].
pub fn produce_letters(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    caller: UserId,
    new_code: &mut dyn FnMut() -> String,
) -> Result<LetterBatch, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let place = neighbourhoods::locked(conn, neighbourhood)?;
        if !repo::actor(conn, caller, &place)?.may(Action::ProduceLetters) {
            return Err(ErrorCode::Forbidden.into());
        }
        let batch_id = uuid::Uuid::new_v4();
        let mut letters = Vec::new();
        let mut skipped = 0;
        for candidate in letters_repo::letter_candidates(conn, neighbourhood, now)? {
            let inside = candidate
                .postcode
                .as_deref()
                .and_then(|raw| Postcode::parse(raw).ok())
                .filter(|postcode| place.draft.postcodes.iter().any(|a| a.contains(postcode)));
            let (Some(street), Some(house_number), Some(postcode)) =
                (candidate.street, candidate.house_number, inside)
            else {
                skipped += 1;
                continue;
            };
            letters.push(Letter {
                id: uuid::Uuid::new_v4(),
                batch_id,
                neighbourhood_id: neighbourhood,
                user_id: candidate.user_id,
                code: new_code(),
                recipient: candidate.display_name,
                street,
                house_number,
                postcode: postcode.as_str().to_owned(),
                created_by: caller,
                created_at: now,
                expires_at: now + chrono::Duration::days(LETTER_VALID_DAYS),
                redeemed_at: None,
            });
        }
        letters_repo::insert_letters(conn, &letters)?;
        Ok(LetterBatch {
            batch_id,
            letters,
            skipped,
        })
    })
}

/// The letters of a batch (moderators and administrators), for printing again, and the
/// neighbourhood's name to print on them.
pub fn letter_batch(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    caller: UserId,
    batch: uuid::Uuid,
) -> Result<(Vec<Letter>, String), AppError> {
    let conn = &mut *cx.conn;
    let place = neighbourhoods::find(conn, neighbourhood)?;
    if !repo::actor(conn, caller, &place)?.may(Action::ProduceLetters) {
        return Err(ErrorCode::Forbidden.into());
    }
    let letters = letters_repo::batch(conn, neighbourhood, batch)?;
    if letters.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((letters, place.draft.name.as_str().to_owned()))
}

/// The resident enters the code of their letter: once, before it expires, while their
/// profile's postcode is still the one it was sent to. Verifies their membership.
pub fn redeem_letter(
    cx: &mut Cx<'_>,
    neighbourhood: NeighbourhoodId,
    user: UserId,
    code: &str,
) -> Result<Membership, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        neighbourhoods::locked(conn, neighbourhood)?;
        let mut membership =
            repo::find_membership(conn, neighbourhood, user)?.ok_or(AppError::NotFound)?;
        let account = accounts::find_user(conn, user)?.ok_or(ErrorCode::InvalidToken)?;
        let letter = letters_repo::find_letter(conn, neighbourhood, user, code)?
            .filter(|letter| letter.redeemed_at.is_none())
            .filter(|letter| {
                account.profile.postcode.as_ref().map(Postcode::as_str)
                    == Some(letter.postcode.as_str())
            })
            .ok_or(ErrorCode::VerificationCodeInvalid)?;
        if letter.expires_at <= now {
            return Err(ErrorCode::VerificationCodeExpired.into());
        }
        if membership.status != MembershipStatus::Active {
            return Err(ErrorCode::MemberNotActive.into());
        }
        if !letters_repo::redeem_letter(conn, letter.id, now)? {
            return Err(ErrorCode::VerificationCodeInvalid.into());
        }
        if membership.verify(Verification::Letter, None) {
            membership.updated_at = now;
            repo::update_membership(conn, &membership)?;
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
