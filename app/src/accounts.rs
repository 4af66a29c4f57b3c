//! Use cases of accounts: registering, signing in and out, the profile, administrators.

use buurt_domain::accounts::UserId;
use buurt_domain::policy::Action;
use buurt_persistence::{DbConnection, memberships};

use crate::error::{AppError, ErrorCode};

/// `forbidden` unless `user` is a platform administrator.
pub fn require_admin(conn: &mut DbConnection, user: UserId) -> Result<(), AppError> {
    if memberships::platform_actor(conn, user)?.may(Action::AdministerPlatform) {
        Ok(())
    } else {
        Err(ErrorCode::Forbidden.into())
    }
}
