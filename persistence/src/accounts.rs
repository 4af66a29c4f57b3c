//! Users, their refresh tokens, and failed logins.

use buurt_domain::accounts::{
    Bio, DisplayName, Email, HouseNumber, Language, Phone, Postcode, Profile, ProfileChanges,
    Standing, Street, User, UserId,
};
use buurt_domain::category::Category;
use buurt_domain::throttle::{ThrottlePolicy, ThrottleScope};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::Stored;
use crate::schema::{login_failures, refresh_tokens, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError, write_transaction};

#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("the email address is already registered")]
    EmailTaken,
    #[error(transparent)]
    Persistence(#[from] PersistenceError),
}

impl From<diesel::result::Error> for CreateUserError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Persistence(error.into())
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: Stored<UserId>,
    email: String,
    display_name: String,
    postcode: Option<String>,
    street: Option<String>,
    house_number: Option<String>,
    phone: Option<String>,
    bio: Option<String>,
    skills: String,
    interests: String,
    languages: String,
    platform_admin: bool,
    email_verified: bool,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

fn corrupt(what: &str, value: &str) -> PersistenceError {
    PersistenceError::Corrupt(format!("users.{what} holds {value:?}"))
}

fn parse_optional<T, E>(
    what: &str,
    value: Option<String>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, PersistenceError> {
    value
        .map(|raw| parse(&raw).map_err(|_| corrupt(what, &raw)))
        .transpose()
}

fn parse_list<T>(
    what: &str,
    joined: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, PersistenceError> {
    joined
        .split(',')
        .filter(|item| !item.is_empty())
        .map(|item| parse(item).ok_or_else(|| corrupt(what, joined)))
        .collect()
}

fn join<T>(items: &[T], as_str: impl Fn(&T) -> &str) -> String {
    items.iter().map(as_str).collect::<Vec<_>>().join(",")
}

impl TryFrom<UserRow> for User {
    type Error = PersistenceError;

    fn try_from(row: UserRow) -> Result<Self, PersistenceError> {
        Ok(User {
            id: row.id.0,
            email: Email::parse(&row.email).map_err(|_| corrupt("email", &row.email))?,
            email_verified: row.email_verified,
            display_name: DisplayName::parse(&row.display_name)
                .map_err(|_| corrupt("display_name", &row.display_name))?,
            profile: Profile {
                postcode: parse_optional("postcode", row.postcode, Postcode::parse)?,
                street: parse_optional("street", row.street, Street::parse)?,
                house_number: parse_optional("house_number", row.house_number, HouseNumber::parse)?,
                phone: parse_optional("phone", row.phone, Phone::parse)?,
                bio: parse_optional("bio", row.bio, Bio::parse)?,
                skills: parse_list("skills", &row.skills, Category::parse)?,
                interests: parse_list("interests", &row.interests, Category::parse)?,
                languages: parse_list("languages", &row.languages, |code| {
                    Language::parse(code).ok()
                })?,
            },
            platform_admin: row.platform_admin,
            created_at: from_db(row.created_at),
            updated_at: from_db(row.updated_at),
        })
    }
}

/// The columns a user writes about themselves: one mapping for registering and for editing.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub(crate) struct ProfileColumns<'a> {
    display_name: &'a str,
    postcode: Option<&'a str>,
    street: Option<&'a str>,
    house_number: Option<&'a str>,
    phone: Option<&'a str>,
    bio: Option<&'a str>,
    skills: String,
    interests: String,
    languages: String,
}

/// A new user's row: one mapping for registering and for the seed's bulk load.
#[derive(Insertable)]
#[diesel(table_name = users)]
pub(crate) struct UserColumns<'a> {
    id: String,
    email: &'a str,
    password_hash: &'a str,
    #[diesel(embed)]
    profile: ProfileColumns<'a>,
    platform_admin: bool,
    email_verified: bool,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

impl<'a> UserColumns<'a> {
    pub(crate) fn new(user: &'a User, password_hash: &'a str) -> Self {
        Self {
            id: user.id.to_string(),
            email: user.email.as_str(),
            password_hash,
            profile: ProfileColumns::from(user),
            platform_admin: user.platform_admin,
            email_verified: user.email_verified,
            created_at: to_db(user.created_at),
            updated_at: to_db(user.updated_at),
        }
    }
}

impl<'a> From<&'a User> for ProfileColumns<'a> {
    fn from(user: &'a User) -> Self {
        let profile = &user.profile;
        Self {
            display_name: user.display_name.as_str(),
            postcode: profile.postcode.as_ref().map(Postcode::as_str),
            street: profile.street.as_ref().map(Street::as_str),
            house_number: profile.house_number.as_ref().map(HouseNumber::as_str),
            phone: profile.phone.as_ref().map(Phone::as_str),
            bio: profile.bio.as_ref().map(Bio::as_str),
            skills: join(&profile.skills, |c| c.as_str()),
            interests: join(&profile.interests, |c| c.as_str()),
            languages: join(&profile.languages, Language::as_str),
        }
    }
}

/// Stores a new user. The email's unique index decides races between two registrations.
pub fn create_user(
    conn: &mut DbConnection,
    user: &User,
    password_hash: &str,
) -> Result<(), CreateUserError> {
    let inserted = diesel::insert_into(users::table)
        .values(UserColumns::new(user, password_hash))
        .execute(conn);
    // The only unique key besides the random id is the email.
    if crate::error::inserted_unless_duplicate(inserted)? {
        Ok(())
    } else {
        Err(CreateUserError::EmailTaken)
    }
}

/// Holds the user's row for the rest of the caller's write transaction.
pub fn lock_user(conn: &mut DbConnection, id: UserId) -> Result<(), PersistenceError> {
    crate::connection::lock_row(conn, "users", id.0)
}

pub fn find_user(conn: &mut DbConnection, id: UserId) -> Result<Option<User>, PersistenceError> {
    users::table
        .find(id.to_string())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(User::try_from)
        .transpose()
}

pub fn find_user_by_email(
    conn: &mut DbConnection,
    email: &Email,
) -> Result<Option<User>, PersistenceError> {
    users::table
        .filter(users::email.eq(email.as_str()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .map(User::try_from)
        .transpose()
}

/// The id and password hash of the account with this email, for signing in.
pub fn find_credentials(
    conn: &mut DbConnection,
    email: &Email,
) -> Result<Option<(UserId, String)>, PersistenceError> {
    let found: Option<(Stored<UserId>, String)> = users::table
        .filter(users::email.eq(email.as_str()))
        .select((users::id, users::password_hash))
        .first(conn)
        .optional()?;
    Ok(found.map(|(id, hash)| (id.0, hash)))
}

pub fn password_hash(
    conn: &mut DbConnection,
    id: UserId,
) -> Result<Option<String>, PersistenceError> {
    Ok(users::table
        .find(id.to_string())
        .select(users::password_hash)
        .first(conn)
        .optional()?)
}

/// Applies `changes` and, when given, the new password hash, in one transaction. A new
/// password revokes every refresh token of the user: every other login ends.
pub fn update_user(
    conn: &mut DbConnection,
    id: UserId,
    changes: ProfileChanges,
    new_password_hash: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<User>, PersistenceError> {
    write_transaction(conn, |conn| {
        let Some(mut user) = find_user(conn, id)? else {
            return Ok(None);
        };
        changes.apply(&mut user);
        user.updated_at = now;
        diesel::update(users::table.find(id.to_string()))
            .set((
                ProfileColumns::from(&user),
                users::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        if let Some(hash) = new_password_hash {
            diesel::update(users::table.find(id.to_string()))
                .set(users::password_hash.eq(hash))
                .execute(conn)?;
            revoke_all_refresh_tokens(conn, id, now)?;
            end_access_tokens(conn, id)?;
        }
        Ok(Some(user))
    })
}

/// Whether the user's tokens count (None: no such user).
pub fn standing(conn: &mut DbConnection, id: UserId) -> Result<Option<Standing>, PersistenceError> {
    let found: Option<(i64, Option<NaiveDateTime>)> = users::table
        .find(id.to_string())
        .select((users::token_generation, users::suspended_at))
        .first(conn)
        .optional()?;
    Ok(found.map(|(token_generation, suspended_at)| Standing {
        token_generation,
        suspended_at: suspended_at.map(from_db),
    }))
}

/// Raises the user's token generation: every access token issued before stops working.
pub fn end_access_tokens(conn: &mut DbConnection, id: UserId) -> Result<(), PersistenceError> {
    diesel::update(users::table.find(id.to_string()))
        .set(users::token_generation.eq(users::token_generation + 1))
        .execute(conn)?;
    Ok(())
}

/// Suspends the user (keeping the first suspension's time) or, with `None`, lifts it. A
/// suspension ends every login and every access token. Returns the standing after, or None
/// when there is no such user.
pub fn set_suspended(
    conn: &mut DbConnection,
    id: UserId,
    suspended_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<Standing>, PersistenceError> {
    write_transaction(conn, |conn| {
        lock_user(conn, id)?;
        let Some(before) = standing(conn, id)? else {
            return Ok(None);
        };
        let at = suspended_at.map(|at| before.suspended_at.unwrap_or(at));
        diesel::update(users::table.find(id.to_string()))
            .set((
                users::suspended_at.eq(at.map(to_db)),
                users::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        if at.is_some() {
            revoke_all_refresh_tokens(conn, id, now)?;
            end_access_tokens(conn, id)?;
        }
        standing(conn, id)
    })
}

/// Makes the user with this email a platform administrator. Returns whether one existed.
pub fn grant_platform_admin(
    conn: &mut DbConnection,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let updated = diesel::update(users::table.filter(users::email.eq(email.as_str())))
        .set((
            users::platform_admin.eq(true),
            users::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(updated > 0)
}

/// A refresh token about to be stored: only its hash.
#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    pub family_id: Uuid,
    pub user_id: UserId,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

pub fn insert_refresh_token(
    conn: &mut DbConnection,
    token: &NewRefreshToken,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(Uuid::new_v4().to_string()),
            refresh_tokens::family_id.eq(token.family_id.to_string()),
            refresh_tokens::user_id.eq(token.user_id.to_string()),
            refresh_tokens::token_hash.eq(&token.token_hash),
            refresh_tokens::created_at.eq(to_db(now)),
            refresh_tokens::expires_at.eq(to_db(token.expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The outcome of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// It was live: it is spent now, and its successor is stored in the same login.
    Rotated { user_id: UserId, login: Uuid },
    /// It had been spent already: someone replayed it, so its whole login is revoked.
    Reused,
    /// Unknown, expired or revoked.
    Invalid,
}

/// Spends the token with hash `presented` and stores `next_hash` in its family, atomically: of
/// two concurrent presentations of one token, exactly one rotates (the conditional update
/// decides) and the other counts as reuse.
pub fn rotate_refresh_token(
    conn: &mut DbConnection,
    presented: &str,
    next_hash: &str,
    next_expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Rotation, PersistenceError> {
    write_transaction(conn, |conn| {
        let spent = diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(presented))
                .filter(refresh_tokens::used_at.is_null())
                .filter(refresh_tokens::revoked_at.is_null())
                .filter(refresh_tokens::expires_at.gt(to_db(now))),
        )
        .set(refresh_tokens::used_at.eq(to_db(now)))
        .execute(conn)?;
        let (user_id, family_id, used_at, revoked_at): (
            Stored<UserId>,
            String,
            Option<chrono::NaiveDateTime>,
            Option<chrono::NaiveDateTime>,
        ) = match refresh_tokens::table
            .filter(refresh_tokens::token_hash.eq(presented))
            .select((
                refresh_tokens::user_id,
                refresh_tokens::family_id,
                refresh_tokens::used_at,
                refresh_tokens::revoked_at,
            ))
            .first(conn)
            .optional()?
        {
            Some(found) => found,
            None => return Ok(Rotation::Invalid),
        };
        let user_id = user_id.0;
        let family_uuid = crate::columns::read::<Uuid>("refresh_tokens.family_id", &family_id)?;
        if spent == 1 {
            insert_refresh_token(
                conn,
                &NewRefreshToken {
                    family_id: family_uuid,
                    user_id,
                    token_hash: next_hash.to_owned(),
                    expires_at: next_expires_at,
                },
                now,
            )?;
            return Ok(Rotation::Rotated {
                user_id,
                login: family_uuid,
            });
        }
        if used_at.is_some() && revoked_at.is_none() {
            revoke_family(conn, &family_id, now)?;
            return Ok(Rotation::Reused);
        }
        Ok(Rotation::Invalid)
    })
}

fn revoke_family(
    conn: &mut DbConnection,
    family_id: &str,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(to_db(now)))
    .execute(conn)?)
}

/// Ends the login that the token with this hash belongs to, and names it. Unknown tokens
/// change nothing.
pub fn revoke_login(
    conn: &mut DbConnection,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, PersistenceError> {
    let family: Option<String> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(refresh_tokens::family_id)
        .first(conn)
        .optional()?;
    let Some(family) = family else {
        return Ok(None);
    };
    revoke_family(conn, &family, now)?;
    crate::columns::read::<Uuid>("refresh_tokens.family_id", &family).map(Some)
}

pub fn revoke_all_refresh_tokens(
    conn: &mut DbConnection,
    user_id: UserId,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id.to_string()))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(to_db(now)))
    .execute(conn)?)
}

/// What a sign-in attempt may do, decided before the password is checked.
#[derive(Debug)]
pub enum LoginAttempt {
    /// Go ahead. Each subject's attempt is already counted as a failure (so attempts made at
    /// the same moment count against each other); `succeeded` takes them back.
    Allowed(Vec<String>),
    /// Wait this long.
    Throttled(chrono::Duration),
}

/// Counts a sign-in attempt against each subject in one write transaction, or refuses it while
/// any subject is over its limit. Per subject, attempts take turns (an advisory lock on
/// PostgreSQL; SQLite's write lock), so no burst of parallel attempts gets past the limit.
pub fn begin_login_attempt(
    conn: &mut DbConnection,
    subjects: &[(ThrottleScope, &str, ThrottlePolicy)],
    now: DateTime<Utc>,
) -> Result<LoginAttempt, PersistenceError> {
    write_transaction(conn, |conn| {
        let mut wait = chrono::Duration::zero();
        for (scope, subject, policy) in subjects {
            if let DbConnection::Postgresql(_) = conn {
                diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 7411))")
                    .bind::<diesel::sql_types::Text, _>(format!(
                        "login:{}:{subject}",
                        scope.as_str()
                    ))
                    .execute(conn)?;
            }
            let since = now - policy.window;
            diesel::delete(
                login_failures::table
                    .filter(login_failures::scope.eq(scope.as_str()))
                    .filter(login_failures::subject.eq(*subject))
                    .filter(login_failures::failed_at.le(to_db(since))),
            )
            .execute(conn)?;
            let failures: Vec<chrono::NaiveDateTime> = login_failures::table
                .filter(login_failures::scope.eq(scope.as_str()))
                .filter(login_failures::subject.eq(*subject))
                .filter(login_failures::failed_at.gt(to_db(since)))
                .order(login_failures::failed_at.desc())
                .limit(i64::try_from(policy.max_failures).unwrap_or(i64::MAX))
                .select(login_failures::failed_at)
                .load(conn)?;
            let failures: Vec<DateTime<Utc>> = failures.into_iter().map(from_db).collect();
            wait = wait.max(policy.retry_after(&failures, now).unwrap_or_default());
        }
        if wait > chrono::Duration::zero() {
            return Ok(LoginAttempt::Throttled(wait));
        }
        let mut ids = Vec::with_capacity(subjects.len());
        for (scope, subject, _) in subjects {
            let id = Uuid::new_v4().to_string();
            diesel::insert_into(login_failures::table)
                .values((
                    login_failures::id.eq(&id),
                    login_failures::scope.eq(scope.as_str()),
                    login_failures::subject.eq(*subject),
                    login_failures::failed_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            ids.push(id);
        }
        Ok(LoginAttempt::Allowed(ids))
    })
}

/// The attempt succeeded: it was no failure, and the account's count starts again.
pub fn login_succeeded(
    conn: &mut DbConnection,
    attempt: &[String],
    account: &str,
) -> Result<(), PersistenceError> {
    diesel::delete(login_failures::table.filter(login_failures::id.eq_any(attempt)))
        .execute(conn)?;
    clear_login_failures(conn, ThrottleScope::Account, account)
}

/// Takes back a sign-in attempt counted when it began but never decided (no password was
/// checked: the server refused it as too busy), so it counts against nobody.
pub fn withdraw_login_attempt(
    conn: &mut DbConnection,
    attempt: &[String],
) -> Result<(), PersistenceError> {
    diesel::delete(login_failures::table.filter(login_failures::id.eq_any(attempt)))
        .execute(conn)?;
    Ok(())
}

/// Forgets failed sign-ins from before `before` (they no longer count for anyone). Returns how
/// many.
pub fn purge_login_failures(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    Ok(
        diesel::delete(login_failures::table.filter(login_failures::failed_at.le(to_db(before))))
            .execute(conn)?,
    )
}

/// Forgets refresh tokens past their expiry: spent, revoked or not, none of them is accepted
/// any more. Tokens still within their lifetime stay, spent ones included, so that presenting
/// a spent one is still recognised as reuse. Returns how many.
pub fn purge_expired_refresh_tokens(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    Ok(
        diesel::delete(refresh_tokens::table.filter(refresh_tokens::expires_at.le(to_db(now))))
            .execute(conn)?,
    )
}

pub fn clear_login_failures(
    conn: &mut DbConnection,
    scope: ThrottleScope,
    subject: &str,
) -> Result<(), PersistenceError> {
    diesel::delete(
        login_failures::table
            .filter(login_failures::scope.eq(scope.as_str()))
            .filter(login_failures::subject.eq(subject)),
    )
    .execute(conn)?;
    Ok(())
}

/// When the user's postcode last changed (or was first given), if it ever was.
pub fn postcode_changed_at(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Option<DateTime<Utc>>, PersistenceError> {
    let at: Option<Option<chrono::NaiveDateTime>> = users::table
        .find(user.to_string())
        .select(users::postcode_changed_at)
        .first(conn)
        .optional()?;
    Ok(at.flatten().map(from_db))
}

/// Notes that the user's postcode changed now (the cool-down counts from here).
pub fn note_postcode_change(
    conn: &mut DbConnection,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(users::table.find(user.to_string()))
        .set(users::postcode_changed_at.eq(Some(to_db(now))))
        .execute(conn)?;
    Ok(())
}

/// Marks the user's address verified, if it is still `email`. `false`: it changed meanwhile.
pub fn mark_email_verified(
    conn: &mut DbConnection,
    id: UserId,
    email: &str,
) -> Result<bool, PersistenceError> {
    Ok(diesel::update(
        users::table
            .find(id.to_string())
            .filter(users::email.eq(email)),
    )
    .set(users::email_verified.eq(true))
    .execute(conn)?
        == 1)
}

/// Gives `id` the address `email`, verified (the link sent to it was opened). `false` when
/// another account has that address (its unique index decides a race). Call it in a
/// transaction.
pub fn change_email(
    conn: &mut DbConnection,
    id: UserId,
    email: &str,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let changed = diesel::update(users::table.find(id.to_string()))
        .set((
            users::email.eq(email),
            users::email_verified.eq(true),
            users::updated_at.eq(to_db(now)),
        ))
        .execute(conn);
    Ok(crate::error::inserted_unless_duplicate(changed)?)
}
