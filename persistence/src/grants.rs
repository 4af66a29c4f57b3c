//! The audit record of role grants: appended in the transaction of the grant, read by
//! administrators newest first.

use buurt_domain::accounts::UserId;
use buurt_domain::grants::{GrantChange, GrantScope, GrantedRole, RoleGrant};
use buurt_domain::neighbourhoods::{MunicipalityCode, NeighbourhoodId};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::Stored;
use crate::schema::role_grants;
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

/// Appends one entry.
pub fn record(conn: &mut DbConnection, grant: &RoleGrant) -> Result<(), PersistenceError> {
    let (neighbourhood, municipality) = match &grant.scope {
        GrantScope::Neighbourhood(id) => (Some(id.to_string()), None),
        GrantScope::Municipality(code) => (None, Some(code.as_str().to_owned())),
        GrantScope::Platform => (None, None),
    };
    diesel::insert_into(role_grants::table)
        .values((
            role_grants::id.eq(grant.id.to_string()),
            role_grants::actor_id.eq(grant.actor.map(|actor| actor.to_string())),
            role_grants::target_id.eq(grant.target.to_string()),
            role_grants::role.eq(grant.role.as_str()),
            role_grants::neighbourhood_id.eq(neighbourhood),
            role_grants::municipality_code.eq(municipality),
            role_grants::change.eq(grant.change.as_str()),
            role_grants::created_at.eq(to_db(grant.at)),
        ))
        .execute(conn)?;
    Ok(())
}

type Row = (
    Stored<Uuid>,
    Option<Stored<UserId>>,
    Stored<UserId>,
    Stored<GrantedRole>,
    Option<Stored<NeighbourhoodId>>,
    Option<String>,
    Stored<GrantChange>,
    NaiveDateTime,
);

/// Up to `limit` entries, newest first, after the `(time, id)` of the last one seen, only
/// those about `target` when given.
pub fn list(
    conn: &mut DbConnection,
    target: Option<UserId>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: usize,
) -> Result<Vec<RoleGrant>, PersistenceError> {
    let mut query = role_grants::table.into_boxed();
    if let Some(target) = target {
        query = query.filter(role_grants::target_id.eq(target.to_string()));
    }
    if let Some((at, id)) = after {
        let at = to_db(at);
        query = query.filter(crate::keyset::before(
            (role_grants::created_at, role_grants::id),
            (at, id.to_string()),
        ));
    }
    let rows: Vec<Row> = query
        .order((role_grants::created_at.desc(), role_grants::id.desc()))
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .select((
            role_grants::id,
            role_grants::actor_id,
            role_grants::target_id,
            role_grants::role,
            role_grants::neighbourhood_id,
            role_grants::municipality_code,
            role_grants::change,
            role_grants::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(id, actor, target, role, neighbourhood, municipality, change, at)| {
                let scope = match (neighbourhood, municipality) {
                    (Some(id), _) => GrantScope::Neighbourhood(id.0),
                    (None, Some(code)) => {
                        GrantScope::Municipality(MunicipalityCode::parse(&code).map_err(|_| {
                            PersistenceError::Corrupt(format!(
                                "role_grants.municipality_code {code:?}"
                            ))
                        })?)
                    }
                    (None, None) => GrantScope::Platform,
                };
                Ok(RoleGrant {
                    id: id.0,
                    actor: actor.map(|actor| actor.0),
                    target: target.0,
                    role: role.0,
                    scope,
                    change: change.0,
                    at: from_db(at),
                })
            },
        )
        .collect()
}
