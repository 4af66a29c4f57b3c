//! Use cases of accounts: registering, signing in (throttled), refreshing and ending a login,
//! one's own profile, and platform administrators.
//!
//! Password hashing is CPU work: it never happens here, on a database connection. The caller
//! hashes before (`register`, `create_admin`) or between (`begin_login` / `finish_login`,
//! `password_hash` / `update_me`) the use cases and hands over the hash.

use buurt_domain::accounts::{
    DisplayName, Email, Postcode, Profile, ProfileChanges, Standing, User, UserId,
};
use buurt_domain::grants::{GrantChange, GrantScope, GrantedRole};
use buurt_domain::membership::JoinLimits;
use buurt_domain::neighbourhoods::MunicipalityCode;
use buurt_domain::policy::Action;
use buurt_domain::throttle::{ThrottlePolicy, ThrottleScope};
use buurt_persistence::accounts::{self as repo, CreateUserError, NewRefreshToken, Rotation};
use buurt_persistence::{DbConnection, in_write_transaction, memberships};
use chrono::{DateTime, Duration, Utc};

use crate::Cx;
use crate::error::{AppError, ErrorCode, FieldIssue, FieldProblem};

/// `forbidden` unless `user` is a platform administrator.
pub fn require_admin(conn: &mut DbConnection, user: UserId) -> Result<(), AppError> {
    if memberships::platform_actor(conn, user)?.may(Action::AdministerPlatform) {
        Ok(())
    } else {
        Err(ErrorCode::Forbidden.into())
    }
}

/// A user as they see themselves: the account and the municipalities they are a
/// professional in.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub user: User,
    pub professional_in: Vec<MunicipalityCode>,
    pub avatar: Option<buurt_domain::images::Image>,
}

/// A login that began: the account, and when (the access token is issued as of then).
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    pub account: Account,
    pub at: DateTime<Utc>,
    /// The account's token generation: the access token carries it.
    pub token_generation: i64,
    /// The login (refresh-token family): the access token names it, so what is registered
    /// with it (a device) ends with it.
    pub login: uuid::Uuid,
}

/// A refresh token to hand out: only its hash is stored, valid for `lifetime`.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub token_hash: String,
    pub lifetime: Duration,
}

impl RefreshGrant {
    fn stored(
        &self,
        family_id: uuid::Uuid,
        user_id: UserId,
        now: DateTime<Utc>,
    ) -> NewRefreshToken {
        NewRefreshToken {
            family_id,
            user_id,
            token_hash: self.token_hash.clone(),
            expires_at: now + self.lifetime,
        }
    }
}

fn account(conn: &mut DbConnection, user: User) -> Result<Account, AppError> {
    let professional_in = memberships::professional_municipalities(conn, user.id)?;
    let avatar = crate::images::avatar_of(conn, user.id)?;
    Ok(Account {
        user,
        professional_in,
        avatar,
    })
}

/// The account of `user`, or the refusal `missing` when it no longer exists.
fn existing_account(
    conn: &mut DbConnection,
    user: UserId,
    missing: ErrorCode,
) -> Result<Account, AppError> {
    let user = repo::find_user(conn, user)?.ok_or(missing)?;
    account(conn, user)
}

/// Who registers.
#[derive(Debug, Clone)]
pub struct Registration {
    pub email: Email,
    pub display_name: DisplayName,
    pub postcode: Option<Postcode>,
}

/// Creates an account and its first login, together. `email_taken` when the address (in any
/// letter case) is registered already.
pub fn register(
    cx: &mut Cx<'_>,
    registration: Registration,
    password_hash: &str,
    refresh: &RefreshGrant,
) -> Result<SignedIn, AppError> {
    let now = cx.now();
    let user = User {
        id: UserId::new(),
        email: registration.email,
        email_verified: false,
        display_name: registration.display_name,
        profile: Profile {
            postcode: registration.postcode,
            ..Profile::default()
        },
        platform_admin: false,
        created_at: now,
        updated_at: now,
    };
    let login = uuid::Uuid::new_v4();
    in_write_transaction(cx.conn, |conn| {
        match repo::create_user(conn, &user, password_hash) {
            Ok(()) => {}
            Err(CreateUserError::EmailTaken) => {
                return Err(AppError::RefusedFields(
                    ErrorCode::EmailTaken,
                    vec![FieldProblem::new("email", FieldIssue::Taken)],
                ));
            }
            Err(CreateUserError::Persistence(error)) => return Err(error.into()),
        }
        if user.profile.postcode.is_some() {
            repo::note_postcode_change(conn, user.id, now)?;
        }
        let token = refresh.stored(login, user.id, now);
        repo::insert_refresh_token(conn, &token, now)?;
        crate::deliveries::queue_verification(conn, user.id, &user.email, now)?;
        Ok(())
    })?;
    Ok(SignedIn {
        account: Account {
            user,
            professional_in: Vec::new(),
            avatar: None,
        },
        at: now,
        token_generation: 0,
        login,
    })
}

/// Whom a sign-in attempt counts against: the account and the client's address.
#[derive(Debug, Clone)]
pub struct ThrottleSubject {
    pub scope: ThrottleScope,
    pub subject: String,
    pub policy: ThrottlePolicy,
}

/// How the start of a sign-in went.
#[derive(Debug)]
pub enum LoginStart {
    /// Too many failures lately: try again after this many seconds.
    Throttled { retry_after_secs: u64 },
    /// Go ahead and check the password against `credentials` (none: no such account). The
    /// attempt counts as a failure until `finish_login` takes it back.
    Allowed {
        attempt: Vec<String>,
        credentials: Option<(UserId, String)>,
    },
}

/// Counts a sign-in attempt against every subject, or refuses it while one is over its limit,
/// and reads the credentials to check the password against.
pub fn begin_login(
    cx: &mut Cx<'_>,
    email: &Email,
    subjects: &[ThrottleSubject],
) -> Result<LoginStart, AppError> {
    let now = cx.now();
    let subjects: Vec<_> = subjects
        .iter()
        .map(|s| (s.scope, s.subject.as_str(), s.policy))
        .collect();
    match repo::begin_login_attempt(cx.conn, &subjects, now)? {
        repo::LoginAttempt::Throttled(wait) => Ok(LoginStart::Throttled {
            retry_after_secs: whole_seconds(wait),
        }),
        repo::LoginAttempt::Allowed(attempt) => Ok(LoginStart::Allowed {
            attempt,
            credentials: repo::find_credentials(cx.conn, email)?,
        }),
    }
}

/// A wait in whole seconds, rounded up, at least one.
fn whole_seconds(wait: Duration) -> u64 {
    ((wait.num_milliseconds() + 999) / 1000)
        .unsigned_abs()
        .max(1)
}

/// Counts a registration from `client` (whether it then succeeds or not), or refuses it with
/// the seconds to wait while the address is over `policy`'s limit.
pub fn begin_registration(
    cx: &mut Cx<'_>,
    client: &str,
    policy: ThrottlePolicy,
) -> Result<Option<u64>, AppError> {
    let now = cx.now();
    let subjects = [(ThrottleScope::Registration, client, policy)];
    Ok(match repo::begin_login_attempt(cx.conn, &subjects, now)? {
        repo::LoginAttempt::Throttled(wait) => Some(whole_seconds(wait)),
        repo::LoginAttempt::Allowed(_) => None,
    })
}

/// How the check of a current password (to change it) may start: like a sign-in, it counts
/// against the account (by its email) and the client address, and shares their limits.
#[derive(Debug)]
pub enum PasswordCheckStart {
    Throttled {
        retry_after_secs: u64,
    },
    /// Check the password against `hash`; the attempt counts as a failure until
    /// `password_check_succeeded` takes it back.
    Allowed {
        attempt: Vec<String>,
        hash: String,
    },
}

/// Counts a check of `user`'s current password, or refuses it while the account or the
/// client address is over its limit, and reads the hash to check against.
pub fn begin_password_check(
    cx: &mut Cx<'_>,
    user: UserId,
    client: &str,
    per_account: ThrottlePolicy,
    per_client: ThrottlePolicy,
) -> Result<PasswordCheckStart, AppError> {
    let now = cx.now();
    let account = existing_account(cx.conn, user, ErrorCode::InvalidToken)?;
    let email = account.user.email.as_str().to_owned();
    let subjects = [
        (ThrottleScope::Account, email.as_str(), per_account),
        (ThrottleScope::Client, client, per_client),
    ];
    match repo::begin_login_attempt(cx.conn, &subjects, now)? {
        repo::LoginAttempt::Throttled(wait) => Ok(PasswordCheckStart::Throttled {
            retry_after_secs: whole_seconds(wait),
        }),
        repo::LoginAttempt::Allowed(attempt) => Ok(PasswordCheckStart::Allowed {
            attempt,
            hash: password_hash(cx, user)?,
        }),
    }
}

/// The current password was right: the attempt was no failure, and the account's count of
/// failed sign-ins starts again, as after a sign-in.
pub fn password_check_succeeded(
    cx: &mut Cx<'_>,
    attempt: &[String],
    user: UserId,
) -> Result<(), AppError> {
    let account = existing_account(cx.conn, user, ErrorCode::InvalidToken)?;
    Ok(repo::login_succeeded(
        cx.conn,
        attempt,
        account.user.email.as_str(),
    )?)
}

/// A sign-in that began but was never decided (the server was too busy to check the
/// password): its attempt no longer counts as a failure for the account or the address.
pub fn abandon_login(cx: &mut Cx<'_>, attempt: &[String]) -> Result<(), AppError> {
    Ok(repo::withdraw_login_attempt(cx.conn, attempt)?)
}

/// The password was right: the attempt was no failure, the account's count starts again, and
/// a new login begins; all of it or, when the account is gone meanwhile, none of it.
pub fn finish_login(
    cx: &mut Cx<'_>,
    attempt: &[String],
    email: &Email,
    user: UserId,
    refresh: &RefreshGrant,
) -> Result<SignedIn, AppError> {
    let now = cx.now();
    let login = uuid::Uuid::new_v4();
    in_write_transaction(cx.conn, |conn| {
        repo::login_succeeded(conn, attempt, email.as_str())?;
        repo::insert_refresh_token(conn, &refresh.stored(login, user, now), now)?;
        let account = existing_account(conn, user, ErrorCode::InvalidCredentials)?;
        let token_generation = in_good_standing(conn, user, ErrorCode::InvalidCredentials)?;
        Ok(SignedIn {
            account,
            at: now,
            token_generation,
            login,
        })
    })
}

/// Spends the refresh token with hash `presented` for `next` in the same login. A token spent
/// before revokes the whole login (`refresh_token_reused`).
pub fn refresh(
    cx: &mut Cx<'_>,
    presented: &str,
    next: &RefreshGrant,
) -> Result<SignedIn, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let rotation =
        repo::rotate_refresh_token(conn, presented, &next.token_hash, now + next.lifetime, now)?;
    match rotation {
        Rotation::Rotated { user_id, login } => {
            let account = existing_account(conn, user_id, ErrorCode::InvalidRefreshToken)?;
            let token_generation = in_good_standing(conn, user_id, ErrorCode::InvalidRefreshToken)?;
            Ok(SignedIn {
                account,
                at: now,
                token_generation,
                login,
            })
        }
        Rotation::Reused => Err(ErrorCode::RefreshTokenReused.into()),
        Rotation::Invalid => Err(ErrorCode::InvalidRefreshToken.into()),
    }
}

/// The account's token generation, or `account_suspended` (`missing` when it is gone).
fn in_good_standing(
    conn: &mut DbConnection,
    user: UserId,
    missing: ErrorCode,
) -> Result<i64, AppError> {
    let standing = repo::standing(conn, user)?.ok_or(missing)?;
    if standing.suspended_at.is_some() {
        return Err(ErrorCode::AccountSuspended.into());
    }
    Ok(standing.token_generation)
}

/// Whether the user's access tokens count (None: the account is gone), for checking a token.
pub fn token_standing(cx: &mut Cx<'_>, user: UserId) -> Result<Option<Standing>, AppError> {
    Ok(repo::standing(cx.conn, user)?)
}

/// An administrator suspends `user`: every login and access token ends at once, and the
/// account cannot sign in until `reinstate_user`. Suspending a suspended account changes
/// nothing; an administrator cannot suspend themself (`cannot_suspend_self`).
pub fn suspend_user(cx: &mut Cx<'_>, by: UserId, user: UserId) -> Result<Standing, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        require_admin(conn, by)?;
        if by == user {
            return Err(ErrorCode::CannotSuspendSelf.into());
        }
        repo::set_suspended(conn, user, Some(now), now)?.ok_or(AppError::NotFound)
    })
}

/// An administrator lifts `user`'s suspension: they may sign in again.
pub fn reinstate_user(cx: &mut Cx<'_>, by: UserId, user: UserId) -> Result<Standing, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        require_admin(conn, by)?;
        repo::set_suspended(conn, user, None, now)?.ok_or(AppError::NotFound)
    })
}

/// Ends the login the refresh token with this hash belongs to, and forgets the devices
/// registered under it (they get no more pushes). Unknown tokens change nothing.
pub fn logout(cx: &mut Cx<'_>, token_hash: &str) -> Result<(), AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        if let Some(login) = repo::revoke_login(conn, token_hash, now)? {
            buurt_persistence::devices::remove_for_login(conn, login)?;
        }
        Ok(())
    })
}

/// The signed-in user's account (`invalid_token` when it no longer exists).
pub fn get_me(cx: &mut Cx<'_>, user: UserId) -> Result<Account, AppError> {
    existing_account(cx.conn, user, ErrorCode::InvalidToken)
}

/// The stored password hash of `user`, to check a current password against.
pub fn password_hash(cx: &mut Cx<'_>, user: UserId) -> Result<String, AppError> {
    Ok(repo::password_hash(cx.conn, user)?.ok_or(ErrorCode::InvalidToken)?)
}

/// A new password, the current one having been checked against `checked_against` (a hash
/// from `password_hash`).
#[derive(Debug, Clone)]
pub struct PasswordChange {
    pub checked_against: String,
    pub new_hash: String,
}

/// Changes the user's profile and maybe their password (which ends every login). The password
/// changes only if the stored hash is still the one the current password was checked
/// against: a password changed meanwhile makes the current one given here incorrect. A
/// postcode that changed (or was given, or removed) within `limits.postcode_cooldown` cannot be
/// set to another yet: memberships rest on it. Removing it is always allowed.
pub fn update_me(
    cx: &mut Cx<'_>,
    user: UserId,
    changes: ProfileChanges,
    password: Option<PasswordChange>,
    limits: JoinLimits,
    precondition: impl FnOnce(&Account) -> Result<(), AppError>,
) -> Result<Account, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        repo::lock_user(conn, user)?;
        let before = repo::find_user(conn, user)?.ok_or(ErrorCode::InvalidToken)?;
        precondition(&account(conn, before.clone())?)?;
        let postcode_changes = changes
            .postcode
            .as_ref()
            .is_some_and(|postcode| *postcode != before.profile.postcode);
        if postcode_changes {
            // Removing one is always allowed; giving one again waits like any change.
            if changes.postcode.as_ref().is_some_and(Option::is_some) {
                let last = repo::postcode_changed_at(conn, user)?;
                if let Some(wait) = limits.wait_for_postcode_change(last, now) {
                    return Err(AppError::refused_for(
                        ErrorCode::PostcodeChangeTooSoon,
                        wait,
                    ));
                }
            }
            repo::note_postcode_change(conn, user, now)?;
        }
        if let Some(password) = &password {
            let stored = repo::password_hash(conn, user)?.ok_or(ErrorCode::InvalidToken)?;
            if stored != password.checked_against {
                return Err(incorrect_password());
            }
        }
        if let Some(avatar) = changes.avatar {
            crate::images::set_avatar(conn, user, avatar)?;
        }
        let new_hash = password.as_ref().map(|p| p.new_hash.as_str());
        let user = repo::update_user(conn, user, changes, new_hash, now)?
            .ok_or(ErrorCode::InvalidToken)?;
        account(conn, user)
    })
}

/// `current_password_incorrect`, naming the field.
pub fn incorrect_password() -> AppError {
    AppError::RefusedFields(
        ErrorCode::CurrentPasswordIncorrect,
        vec![FieldProblem::new("current_password", FieldIssue::Incorrect)],
    )
}

/// What `create_admin` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminOutcome {
    Created(UserId),
    /// The account existed: it is an administrator now, its password unchanged.
    Promoted,
}

/// Makes the account with this email a platform administrator. False when there is none.
pub fn promote_admin(cx: &mut Cx<'_>, email: &Email) -> Result<bool, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let Some(user) = repo::find_user_by_email(conn, email)? else {
            return Ok(false);
        };
        repo::grant_platform_admin(conn, email, now)?;
        if !user.platform_admin {
            record_admin_grant(conn, user.id, now)?;
        }
        Ok(true)
    })
}

/// The audit entry of someone made a platform administrator on the command line.
fn record_admin_grant(
    conn: &mut DbConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    crate::grants::record(
        conn,
        None,
        user,
        GrantedRole::PlatformAdmin,
        GrantScope::Platform,
        GrantChange::Granted,
        now,
    )
}

/// Creates a platform administrator, or promotes the account registered with this email in
/// the meantime.
pub fn create_admin(
    cx: &mut Cx<'_>,
    email: Email,
    display_name: DisplayName,
    password_hash: &str,
) -> Result<AdminOutcome, AppError> {
    let now = cx.now();
    let user = User {
        id: UserId::new(),
        email,
        email_verified: false,
        display_name,
        profile: Profile::default(),
        platform_admin: true,
        created_at: now,
        updated_at: now,
    };
    match repo::create_user(cx.conn, &user, password_hash) {
        Ok(()) => {
            record_admin_grant(cx.conn, user.id, now)?;
            Ok(AdminOutcome::Created(user.id))
        }
        Err(CreateUserError::EmailTaken) => {
            promote_admin(cx, &user.email)?;
            Ok(AdminOutcome::Promoted)
        }
        Err(CreateUserError::Persistence(error)) => Err(error.into()),
    }
}

/// Forgets failed sign-ins older than the throttle's `window` (they no longer count for
/// anyone). Returns how many.
pub fn forget_login_failures(cx: &mut Cx<'_>, window: Duration) -> Result<usize, AppError> {
    let now = cx.now();
    Ok(repo::purge_login_failures(cx.conn, now - window)?)
}

/// Forgets refresh tokens past their expiry. Returns how many.
pub fn forget_expired_refresh_tokens(cx: &mut Cx<'_>) -> Result<usize, AppError> {
    let now = cx.now();
    Ok(repo::purge_expired_refresh_tokens(cx.conn, now)?)
}
