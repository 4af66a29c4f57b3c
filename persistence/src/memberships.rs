//! Memberships, invites and professional grants.

use buurt_domain::accounts::UserId;
use buurt_domain::membership::{InviteTerms, Membership, MembershipStatus, Role, Verification};
use buurt_domain::neighbourhoods::{MunicipalityCode, Neighbourhood, NeighbourhoodId};
use buurt_domain::policy::Actor;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::Stored;
use crate::schema::{
    invites, membership_joins, memberships, neighbourhoods, professional_grants, users,
};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = memberships)]
struct MembershipRow {
    neighbourhood_id: Stored<NeighbourhoodId>,
    user_id: Stored<UserId>,
    role: Stored<Role>,
    status: Stored<MembershipStatus>,
    joined_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    verification: Option<Stored<Verification>>,
    verified_by: Option<Stored<UserId>>,
    via_postcode: bool,
}

impl From<MembershipRow> for Membership {
    fn from(row: MembershipRow) -> Self {
        Membership {
            neighbourhood_id: row.neighbourhood_id.0,
            user_id: row.user_id.0,
            role: row.role.0,
            status: row.status.0,
            joined_at: from_db(row.joined_at),
            updated_at: from_db(row.updated_at),
            verification: row.verification.map(|v| v.0),
            verified_by: row.verified_by.map(|v| v.0),
            via_postcode: row.via_postcode,
        }
    }
}

pub fn find_membership(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    user: UserId,
) -> Result<Option<Membership>, PersistenceError> {
    Ok(memberships::table
        .filter(memberships::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(memberships::user_id.eq(user.to_string()))
        .select(MembershipRow::as_select())
        .first(conn)
        .optional()?
        .map(Membership::from))
}

/// Everything the policy needs to know about `user` and `neighbourhood`, read now.
pub fn actor(
    conn: &mut DbConnection,
    user: UserId,
    neighbourhood: &Neighbourhood,
) -> Result<Actor, PersistenceError> {
    let membership = find_membership(conn, neighbourhood.id, user)?;
    Ok(Actor {
        verified: membership
            .as_ref()
            .is_some_and(|m| m.verification.is_some()),
        membership: membership.map(|m| (m.role, m.status)),
        ..municipality_actor(conn, user, &neighbourhood.draft.municipality_code)?
    })
}

/// A neighbourhood as a reader of its posts needs it: its municipality, and (for a signed-in
/// `user`) everything the policy needs to know about them there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingIn {
    pub municipality: MunicipalityCode,
    pub actor: Option<Actor>,
}

/// The neighbourhood `id` and who `user` is in it, in ONE statement (issue 22: the feed ran six
/// before its own query): the membership, the platform role and the professional grant for
/// the neighbourhood's municipality. `None` when the neighbourhood does not exist.
pub fn reading_in(
    conn: &mut DbConnection,
    id: NeighbourhoodId,
    user: Option<UserId>,
) -> Result<Option<ReadingIn>, PersistenceError> {
    // Without a user the joins match nothing (no id is empty).
    let user_id = user.map(|user| user.to_string()).unwrap_or_default();
    type Standing = (
        Stored<Role>,
        Stored<MembershipStatus>,
        Option<Stored<Verification>>,
    );
    /// The municipality, the membership, the admin flag and the grant.
    type Found = (String, Option<Standing>, Option<bool>, Option<String>);
    let row: Option<Found> = neighbourhoods::table
        .left_join(
            memberships::table.on(memberships::neighbourhood_id
                .eq(neighbourhoods::id)
                .and(memberships::user_id.eq(user_id.clone()))),
        )
        .left_join(users::table.on(users::id.eq(user_id.clone())))
        .left_join(
            professional_grants::table.on(professional_grants::user_id
                .eq(user_id.clone())
                .and(professional_grants::municipality_code.eq(neighbourhoods::municipality_code))),
        )
        .filter(neighbourhoods::id.eq(id.to_string()))
        .select((
            neighbourhoods::municipality_code,
            (
                memberships::role,
                memberships::status,
                memberships::verification,
            )
                .nullable(),
            users::platform_admin.nullable(),
            professional_grants::user_id.nullable(),
        ))
        .first(conn)
        .optional()?;
    let Some((municipality, standing, platform_admin, grant)) = row else {
        return Ok(None);
    };
    let municipality = MunicipalityCode::parse(&municipality).map_err(|_| {
        PersistenceError::Corrupt(format!(
            "neighbourhoods holds the municipality {municipality:?}"
        ))
    })?;
    Ok(Some(ReadingIn {
        municipality,
        actor: user.map(|user_id| Actor {
            user_id,
            platform_admin: platform_admin.unwrap_or(false),
            verified: standing.as_ref().is_some_and(|(_, _, v)| v.is_some()),
            membership: standing.map(|(role, status, _)| (role.0, status.0)),
            professional: grant.is_some(),
        }),
    }))
}

/// `user` as far as a whole municipality is concerned: no membership, only the platform
/// role and the professional grant for `municipality`.
pub fn municipality_actor(
    conn: &mut DbConnection,
    user: UserId,
    municipality: &MunicipalityCode,
) -> Result<Actor, PersistenceError> {
    let professional = professional_grants::table
        .filter(professional_grants::user_id.eq(user.to_string()))
        .filter(professional_grants::municipality_code.eq(municipality.as_str()))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    Ok(Actor {
        professional,
        ..platform_actor(conn, user)?
    })
}

/// `user` as far as the platform is concerned: an administrator or not.
pub fn platform_actor(conn: &mut DbConnection, user: UserId) -> Result<Actor, PersistenceError> {
    Ok(Actor {
        user_id: user,
        platform_admin: is_platform_admin(conn, user)?,
        membership: None,
        verified: false,
        professional: false,
    })
}

fn is_platform_admin(conn: &mut DbConnection, user: UserId) -> Result<bool, PersistenceError> {
    Ok(users::table
        .find(user.to_string())
        .select(users::platform_admin)
        .first(conn)
        .optional()?
        .unwrap_or(false))
}

/// How an attempt to use an invite code ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteCheck {
    Redeemed,
    Invalid,
    Expired,
    UsedUp,
}

/// Takes one use of the invite, atomically: of concurrent uses of the last one, exactly one
/// gets it (the conditional update decides, and the CHECK on `uses` backs it up).
pub fn redeem_invite(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    code: &str,
    now: DateTime<Utc>,
) -> Result<InviteCheck, PersistenceError> {
    let redeemed = diesel::update(
        invites::table
            .filter(invites::code.eq(code))
            .filter(invites::neighbourhood_id.eq(neighbourhood.to_string()))
            .filter(invites::uses.lt(invites::max_uses))
            .filter(invites::expires_at.gt(to_db(now))),
    )
    .set(invites::uses.eq(invites::uses + 1))
    .execute(conn)?;
    if redeemed == 1 {
        return Ok(InviteCheck::Redeemed);
    }
    let found: Option<(NaiveDateTime, i32, i32)> = invites::table
        .filter(invites::code.eq(code))
        .filter(invites::neighbourhood_id.eq(neighbourhood.to_string()))
        .select((invites::expires_at, invites::uses, invites::max_uses))
        .first(conn)
        .optional()?;
    Ok(match found {
        None => InviteCheck::Invalid,
        Some((expires_at, _, _)) if from_db(expires_at) <= now => InviteCheck::Expired,
        Some(_) => InviteCheck::UsedUp,
    })
}

/// What a membership's life changes: one mapping for storing a new one and for updating it.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = memberships, treat_none_as_null = true)]
struct StandingColumns {
    role: &'static str,
    status: &'static str,
    updated_at: NaiveDateTime,
    verification: Option<&'static str>,
    verified_by: Option<String>,
    via_postcode: bool,
}

impl From<&Membership> for StandingColumns {
    fn from(membership: &Membership) -> Self {
        Self {
            role: membership.role.as_str(),
            status: membership.status.as_str(),
            updated_at: to_db(membership.updated_at),
            verification: membership.verification.map(Verification::as_str),
            verified_by: membership.verified_by.map(|id| id.to_string()),
            via_postcode: membership.via_postcode,
        }
    }
}

/// Stores a new membership.
pub fn insert_membership(
    conn: &mut DbConnection,
    membership: &Membership,
) -> Result<(), PersistenceError> {
    diesel::insert_into(memberships::table)
        .values((
            StandingColumns::from(membership),
            memberships::id.eq(Uuid::new_v4().to_string()),
            memberships::neighbourhood_id.eq(membership.neighbourhood_id.to_string()),
            memberships::user_id.eq(membership.user_id.to_string()),
            memberships::joined_at.eq(to_db(membership.joined_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stores a membership's role, status, verification and time of change.
pub fn update_membership(
    conn: &mut DbConnection,
    membership: &Membership,
) -> Result<(), PersistenceError> {
    diesel::update(
        memberships::table
            .filter(memberships::neighbourhood_id.eq(membership.neighbourhood_id.to_string()))
            .filter(memberships::user_id.eq(membership.user_id.to_string())),
    )
    .set(StandingColumns::from(membership))
    .execute(conn)?;
    Ok(())
}

/// The neighbourhoods where `user` holds a membership let in by their postcode, other than
/// `except`.
pub fn postcode_memberships_elsewhere(
    conn: &mut DbConnection,
    user: UserId,
    except: NeighbourhoodId,
) -> Result<i64, PersistenceError> {
    Ok(memberships::table
        .filter(memberships::user_id.eq(user.to_string()))
        .filter(memberships::via_postcode.eq(true))
        .filter(memberships::neighbourhood_id.ne(except.to_string()))
        .count()
        .get_result(conn)?)
}

/// Records that `user` joined `neighbourhood` now, for the daily limit (kept after leaving).
pub fn record_join(
    conn: &mut DbConnection,
    user: UserId,
    neighbourhood: NeighbourhoodId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(membership_joins::table)
        .values((
            membership_joins::id.eq(Uuid::new_v4().to_string()),
            membership_joins::user_id.eq(user.to_string()),
            membership_joins::neighbourhood_id.eq(neighbourhood.to_string()),
            membership_joins::joined_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// When `user` joined since `since`.
pub fn joins_since(
    conn: &mut DbConnection,
    user: UserId,
    since: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, PersistenceError> {
    let times: Vec<NaiveDateTime> = membership_joins::table
        .filter(membership_joins::user_id.eq(user.to_string()))
        .filter(membership_joins::joined_at.gt(to_db(since)))
        .select(membership_joins::joined_at)
        .load(conn)?;
    Ok(times.into_iter().map(from_db).collect())
}

/// Forgets `user`'s joins older than `before` (they no longer count). Returns how many.
pub fn forget_joins(
    conn: &mut DbConnection,
    user: UserId,
    before: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    Ok(diesel::delete(
        membership_joins::table
            .filter(membership_joins::user_id.eq(user.to_string()))
            .filter(membership_joins::joined_at.lt(to_db(before))),
    )
    .execute(conn)?)
}

/// Removes a membership. False when there was none.
pub fn delete_membership(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    user: UserId,
) -> Result<bool, PersistenceError> {
    let deleted = diesel::delete(
        memberships::table
            .filter(memberships::neighbourhood_id.eq(neighbourhood.to_string()))
            .filter(memberships::user_id.eq(user.to_string())),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

/// How many active moderators the neighbourhood has besides `user`.
pub fn other_active_moderators(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    user: UserId,
) -> Result<i64, PersistenceError> {
    Ok(memberships::table
        .filter(memberships::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(memberships::role.eq(Role::Moderator.as_str()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(memberships::user_id.ne(user.to_string()))
        .count()
        .get_result(conn)?)
}

/// A member as others see them: never email, phone or house number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub user_id: UserId,
    pub display_name: String,
    pub role: Role,
    pub status: MembershipStatus,
    pub joined_at: DateTime<Utc>,
    pub verified: bool,
}

/// Where a page of members starts: after this joining time and membership id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCursor {
    pub joined_at: DateTime<Utc>,
    pub id: String,
}

/// One page of members with `status`, in order of joining, and the next page's cursor.
pub fn list_members(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    status: MembershipStatus,
    after: Option<&MemberCursor>,
    limit: usize,
) -> Result<(Vec<MemberView>, Option<MemberCursor>), PersistenceError> {
    let mut query = memberships::table
        .inner_join(users::table)
        .filter(memberships::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(memberships::status.eq(status.as_str()))
        .order((memberships::joined_at, memberships::id))
        .limit(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .select((
            memberships::id,
            users::id,
            users::display_name,
            memberships::role,
            memberships::status,
            memberships::joined_at,
            memberships::verification.is_not_null(),
        ))
        .into_boxed::<crate::connection::MultiBackend>();
    if let Some(after) = after {
        let at = to_db(after.joined_at);
        query = query.filter(crate::keyset::after(
            (memberships::joined_at, memberships::id),
            (at, after.id.clone()),
        ));
    }
    type Row = (
        String,
        Stored<UserId>,
        String,
        Stored<Role>,
        Stored<MembershipStatus>,
        NaiveDateTime,
        bool,
    );
    let mut rows: Vec<Row> = query.load(conn)?;
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|row| MemberCursor {
            joined_at: from_db(row.5),
            id: row.0.clone(),
        })
    } else {
        None
    };
    let members = rows
        .into_iter()
        .map(
            |(_, user_id, display_name, role, status, joined_at, verified)| MemberView {
                user_id: user_id.0,
                display_name,
                role: role.0,
                status: status.0,
                joined_at: from_db(joined_at),
                verified,
            },
        )
        .collect();
    Ok((members, next))
}

pub fn count_active_members(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
) -> Result<i64, PersistenceError> {
    Ok(memberships::table
        .filter(memberships::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .count()
        .get_result(conn)?)
}

/// An invite as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invite {
    pub id: Uuid,
    pub neighbourhood_id: NeighbourhoodId,
    pub code: String,
    pub max_uses: u32,
    pub uses: u32,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// Stores a new invite with `code` (random, made by the caller).
pub fn create_invite(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    code: &str,
    terms: InviteTerms,
    created_by: UserId,
    now: DateTime<Utc>,
) -> Result<Invite, PersistenceError> {
    let invite = Invite {
        id: Uuid::new_v4(),
        neighbourhood_id: neighbourhood,
        code: code.to_owned(),
        max_uses: terms.max_uses,
        uses: 0,
        expires_at: now + terms.valid_for,
        created_at: now,
    };
    diesel::insert_into(invites::table)
        .values((
            invites::id.eq(invite.id.to_string()),
            invites::neighbourhood_id.eq(neighbourhood.to_string()),
            invites::code.eq(code),
            invites::max_uses.eq(i32::try_from(terms.max_uses).unwrap_or(i32::MAX)),
            invites::uses.eq(0),
            invites::expires_at.eq(to_db(invite.expires_at)),
            invites::created_by.eq(created_by.to_string()),
            invites::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(invite)
}

/// The user's memberships, with the neighbourhoods' ids, names and municipalities.
pub fn memberships_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<(Membership, String, String, String)>, PersistenceError> {
    use crate::schema::neighbourhoods;
    let rows: Vec<(MembershipRow, String, String, String)> = memberships::table
        .inner_join(neighbourhoods::table)
        .filter(memberships::user_id.eq(user.to_string()))
        .order((neighbourhoods::search_name, neighbourhoods::id))
        .select((
            MembershipRow::as_select(),
            neighbourhoods::code,
            neighbourhoods::name,
            neighbourhoods::municipality_name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, code, name, municipality)| (Membership::from(row), code, name, municipality))
        .collect())
}

/// Makes `user` a professional for `municipality`. Returns false when they were one already.
pub fn grant_professional(
    conn: &mut DbConnection,
    user: UserId,
    municipality: &MunicipalityCode,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let inserted = diesel::insert_into(professional_grants::table)
        .values((
            professional_grants::user_id.eq(user.to_string()),
            professional_grants::municipality_code.eq(municipality.as_str()),
            professional_grants::granted_at.eq(to_db(now)),
        ))
        .execute(conn);
    Ok(crate::error::inserted_unless_duplicate(inserted)?)
}

pub fn revoke_professional(
    conn: &mut DbConnection,
    user: UserId,
    municipality: &MunicipalityCode,
) -> Result<bool, PersistenceError> {
    let deleted = diesel::delete(
        professional_grants::table
            .filter(professional_grants::user_id.eq(user.to_string()))
            .filter(professional_grants::municipality_code.eq(municipality.as_str())),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

pub fn professional_municipalities(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<MunicipalityCode>, PersistenceError> {
    let codes: Vec<String> = professional_grants::table
        .filter(professional_grants::user_id.eq(user.to_string()))
        .order(professional_grants::municipality_code)
        .select(professional_grants::municipality_code)
        .load(conn)?;
    codes
        .iter()
        .map(|code| {
            MunicipalityCode::parse(code).map_err(|_| {
                PersistenceError::Corrupt(format!(
                    "professional_grants.municipality_code holds {code:?}"
                ))
            })
        })
        .collect()
}

/// An active membership, as `rebuild-stats` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberSince {
    pub id: Uuid,
    pub neighbourhood: NeighbourhoodId,
    pub member: UserId,
    pub joined_at: DateTime<Utc>,
}

/// Active memberships after the membership id `after`, `limit` at a time (for
/// `rebuild-stats`).
pub fn active_memberships_after(
    conn: &mut DbConnection,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<MemberSince>, PersistenceError> {
    type Row = (
        Stored<Uuid>,
        Stored<NeighbourhoodId>,
        Stored<UserId>,
        NaiveDateTime,
    );
    let after = after.map(|id| id.to_string()).unwrap_or_default();
    let rows: Vec<Row> = memberships::table
        .filter(memberships::id.gt(after))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .order(memberships::id)
        .limit(limit)
        .select((
            memberships::id,
            memberships::neighbourhood_id,
            memberships::user_id,
            memberships::joined_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, place, user, joined)| MemberSince {
            id: id.0,
            neighbourhood: place.0,
            member: user.0,
            joined_at: from_db(joined),
        })
        .collect())
}

/// The active members of a neighbourhood with `role`.
pub fn active_with_role(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    role: Role,
) -> Result<Vec<UserId>, PersistenceError> {
    let ids: Vec<Stored<UserId>> = memberships::table
        .filter(memberships::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(memberships::role.eq(role.as_str()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .select(memberships::user_id)
        .load(conn)?;
    Ok(ids.into_iter().map(|id| id.0).collect())
}
