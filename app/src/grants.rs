//! The audit record of role grants: every role given or taken, by whom, is appended in the
//! transaction of the change; administrators read it.

use buurt_domain::accounts::UserId;
use buurt_domain::grants::{GrantChange, GrantScope, GrantedRole, RoleGrant, may_grant};
use buurt_persistence::DbConnection;
use buurt_persistence::grants as repo;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::{AppError, ErrorCode};
use crate::{Cx, accounts::require_admin};

/// `self_grant_refused` when `actor` would give themself a role that opens casework: such a
/// role comes from a second person.
pub fn check_grant(actor: UserId, target: UserId, role: GrantedRole) -> Result<(), AppError> {
    if may_grant(actor, target, role) {
        Ok(())
    } else {
        Err(ErrorCode::SelfGrantRefused.into())
    }
}

/// Appends the audit entry of a grant or withdrawal; `actor` is `None` for the command line.
pub fn record(
    conn: &mut DbConnection,
    actor: Option<UserId>,
    target: UserId,
    role: GrantedRole,
    scope: GrantScope,
    change: GrantChange,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    repo::record(
        conn,
        &RoleGrant {
            id: Uuid::new_v4(),
            actor,
            target,
            role,
            scope,
            change,
            at,
        },
    )?;
    Ok(())
}

/// The audit record of role grants, newest first (administrators): up to `limit` entries
/// after the `(time, id)` of the last one seen, only those about `target` when given.
pub fn list_role_grants(
    cx: &mut Cx<'_>,
    caller: UserId,
    target: Option<UserId>,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: usize,
) -> Result<Vec<RoleGrant>, AppError> {
    require_admin(cx.conn, caller)?;
    Ok(repo::list(cx.conn, target, after, limit)?)
}
