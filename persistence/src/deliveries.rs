//! The delivery outbox (push and e-mail), the notification settings that decide what goes in
//! it, and the single-use tokens e-mails carry.

use buurt_domain::accounts::UserId;
use buurt_domain::delivery::{Channel, DigestFrequency, QuietHours};
use buurt_domain::notifications::NotificationKind;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::schema::{account_tokens, deliveries, notification_preferences, notification_settings};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Sent,
    Failed,
    /// Nothing to send after all (no push configured, the channel switched off meanwhile).
    Skipped,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: Uuid,
    pub user_id: UserId,
    pub channel: Channel,
    /// A notification kind, or what else the message is (`password_reset`, `verify_email`).
    pub kind: String,
    /// What the message needs, as JSON.
    pub payload: String,
    pub attempts: u32,
    /// While claimed: the end of the claim's lease.
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    i32,
    NaiveDateTime,
    NaiveDateTime,
);

const COLUMNS: (
    deliveries::id,
    deliveries::user_id,
    deliveries::channel,
    deliveries::kind,
    deliveries::payload,
    deliveries::attempts,
    deliveries::next_attempt_at,
    deliveries::created_at,
) = (
    deliveries::id,
    deliveries::user_id,
    deliveries::channel,
    deliveries::kind,
    deliveries::payload,
    deliveries::attempts,
    deliveries::next_attempt_at,
    deliveries::created_at,
);

fn from_row(
    (id, user, channel, kind, payload, attempts, next, created): Row,
) -> Result<Delivery, PersistenceError> {
    let corrupt =
        |what: &str, raw: &str| PersistenceError::Corrupt(format!("{what} holds {raw:?}"));
    Ok(Delivery {
        id: Uuid::parse_str(&id).map_err(|_| corrupt("deliveries.id", &id))?,
        user_id: UserId(Uuid::parse_str(&user).map_err(|_| corrupt("deliveries.user_id", &user))?),
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("deliveries.channel", &channel))?,
        kind,
        payload,
        attempts: u32::try_from(attempts).unwrap_or(0),
        next_attempt_at: from_db(next),
        created_at: from_db(created),
    })
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub user: UserId,
    pub channel: Channel,
    pub kind: &'a str,
    pub payload: &'a str,
    /// Not before (quiet hours defer push).
    pub due: DateTime<Utc>,
}

/// Queues a message; call it in the transaction of the change that caused it.
pub fn enqueue(
    conn: &mut DbConnection,
    new: &NewDelivery<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid, PersistenceError> {
    let id = Uuid::new_v4();
    diesel::insert_into(deliveries::table)
        .values((
            deliveries::id.eq(id.to_string()),
            deliveries::user_id.eq(new.user.0.to_string()),
            deliveries::channel.eq(new.channel.as_str()),
            deliveries::kind.eq(new.kind),
            deliveries::payload.eq(new.payload),
            deliveries::status.eq(DeliveryStatus::Pending.as_str()),
            deliveries::attempts.eq(0),
            deliveries::next_attempt_at.eq(to_db(new.due)),
            deliveries::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Claims the next due message for `lease`: until then no other worker (in this process or
/// another) takes it; a worker that dies leaves it to be claimed again when the lease ends.
/// The claim is a conditional update on the time it was due, so of two workers racing for
/// one row exactly one wins.
pub fn claim_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> Result<Option<Delivery>, PersistenceError> {
    let claimed_until = from_db(to_db(now + lease));
    for _ in 0..5 {
        let Some(row) = deliveries::table
            .filter(deliveries::status.eq(DeliveryStatus::Pending.as_str()))
            .filter(deliveries::next_attempt_at.le(to_db(now)))
            .order((deliveries::next_attempt_at, deliveries::id))
            .select(COLUMNS)
            .first::<Row>(conn)
            .optional()?
        else {
            return Ok(None);
        };
        let mut delivery = from_row(row)?;
        let taken = diesel::update(
            deliveries::table
                .filter(deliveries::id.eq(delivery.id.to_string()))
                .filter(deliveries::status.eq(DeliveryStatus::Pending.as_str()))
                .filter(deliveries::next_attempt_at.eq(to_db(delivery.next_attempt_at))),
        )
        .set((
            deliveries::next_attempt_at.eq(to_db(claimed_until)),
            deliveries::attempts.eq(deliveries::attempts + 1),
        ))
        .execute(conn)?;
        if taken == 1 {
            delivery.next_attempt_at = claimed_until;
            delivery.attempts += 1;
            return Ok(Some(delivery));
        }
    }
    Ok(None)
}

/// What became of a claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    Done(DeliveryStatus, Option<String>),
    /// Try again at this time (a failure, or quiet hours).
    Later {
        at: DateTime<Utc>,
        error: Option<String>,
        /// Whether this attempt counts (quiet hours do not).
        counts: bool,
    },
}

/// Records what became of `delivery`, if its claim is still this worker's. `false`: the lease
/// ran out and another worker may have it.
pub fn settle(
    conn: &mut DbConnection,
    delivery: &Delivery,
    settlement: &Settlement,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let target = deliveries::table
        .filter(deliveries::id.eq(delivery.id.to_string()))
        .filter(deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .filter(deliveries::next_attempt_at.eq(to_db(delivery.next_attempt_at)));
    let changed = match settlement {
        Settlement::Done(status, error) => diesel::update(target)
            .set((
                deliveries::status.eq(status.as_str()),
                deliveries::settled_at.eq(Some(to_db(now))),
                deliveries::last_error.eq(error.as_deref()),
            ))
            .execute(conn)?,
        Settlement::Later { at, error, counts } => {
            let attempts = i32::try_from(delivery.attempts).unwrap_or(i32::MAX);
            diesel::update(target)
                .set((
                    deliveries::next_attempt_at.eq(to_db(*at)),
                    deliveries::last_error.eq(error.as_deref()),
                    deliveries::attempts.eq(if *counts { attempts } else { attempts - 1 }),
                ))
                .execute(conn)?
        }
    };
    Ok(changed == 1)
}

/// A user's notification settings as stored; `None` when they never changed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSettings {
    pub quiet_hours: Option<QuietHours>,
    pub digest: DigestFrequency,
}

/// A choice that differs from the defaults: a notification kind on a channel, on or off.
pub type Choice = (NotificationKind, Channel, bool);

/// The user's stored settings and their choices that differ from the defaults.
pub fn settings(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<(Option<StoredSettings>, Vec<Choice>), PersistenceError> {
    let id = user.0.to_string();
    let row: Option<(Option<i32>, Option<i32>, String)> = notification_settings::table
        .find(&id)
        .select((
            notification_settings::quiet_start,
            notification_settings::quiet_end,
            notification_settings::digest,
        ))
        .first(conn)
        .optional()?;
    let stored = row
        .map(|(start, end, digest)| -> Result<_, PersistenceError> {
            let quiet_hours = match (start, end) {
                (Some(start), Some(end)) => Some(
                    u32::try_from(start)
                        .ok()
                        .zip(u32::try_from(end).ok())
                        .and_then(|(s, e)| QuietHours::from_minutes(s, e))
                        .ok_or_else(|| {
                            PersistenceError::Corrupt(format!("quiet hours {start}..{end}"))
                        })?,
                ),
                _ => None,
            };
            Ok(StoredSettings {
                quiet_hours,
                digest: DigestFrequency::parse(&digest).ok_or_else(|| {
                    PersistenceError::Corrupt(format!("digest frequency {digest:?}"))
                })?,
            })
        })
        .transpose()?;
    let choices: Vec<(String, String, bool)> = notification_preferences::table
        .filter(notification_preferences::user_id.eq(&id))
        .select((
            notification_preferences::kind,
            notification_preferences::channel,
            notification_preferences::enabled,
        ))
        .load(conn)?;
    // Kinds no longer known are left out.
    let choices = choices
        .into_iter()
        .filter_map(|(kind, channel, enabled)| {
            Some((
                NotificationKind::parse(&kind)?,
                Channel::parse(&channel)?,
                enabled,
            ))
        })
        .collect();
    Ok((stored, choices))
}

/// Replaces the user's settings and choices. Call it in a transaction.
pub fn replace_settings(
    conn: &mut DbConnection,
    user: UserId,
    settings: &StoredSettings,
    choices: &[Choice],
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let id = user.0.to_string();
    diesel::delete(notification_settings::table.find(&id)).execute(conn)?;
    diesel::insert_into(notification_settings::table)
        .values((
            notification_settings::user_id.eq(&id),
            notification_settings::quiet_start.eq(settings
                .quiet_hours
                .map(|q| i32::try_from(q.start_minutes()).unwrap_or(0))),
            notification_settings::quiet_end.eq(settings
                .quiet_hours
                .map(|q| i32::try_from(q.end_minutes()).unwrap_or(0))),
            notification_settings::digest.eq(settings.digest.as_str()),
            notification_settings::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    diesel::delete(
        notification_preferences::table.filter(notification_preferences::user_id.eq(&id)),
    )
    .execute(conn)?;
    for (kind, channel, enabled) in choices {
        diesel::insert_into(notification_preferences::table)
            .values((
                notification_preferences::user_id.eq(&id),
                notification_preferences::kind.eq(kind.as_str()),
                notification_preferences::channel.eq(channel.as_str()),
                notification_preferences::enabled.eq(*enabled),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Sets one choice (one-click unsubscribe). Call it in a transaction.
pub fn set_choice(
    conn: &mut DbConnection,
    user: UserId,
    kind: NotificationKind,
    channel: Channel,
    enabled: bool,
) -> Result<(), PersistenceError> {
    let id = user.0.to_string();
    diesel::delete(
        notification_preferences::table
            .filter(notification_preferences::user_id.eq(&id))
            .filter(notification_preferences::kind.eq(kind.as_str()))
            .filter(notification_preferences::channel.eq(channel.as_str())),
    )
    .execute(conn)?;
    diesel::insert_into(notification_preferences::table)
        .values((
            notification_preferences::user_id.eq(&id),
            notification_preferences::kind.eq(kind.as_str()),
            notification_preferences::channel.eq(channel.as_str()),
            notification_preferences::enabled.eq(enabled),
        ))
        .execute(conn)?;
    Ok(())
}

/// What a single-use token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    PasswordReset,
    /// Verifies a new address, and makes it the account's (the token's `email`).
    ChangeEmail,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::PasswordReset => "password_reset",
            Self::ChangeEmail => "change_email",
        }
    }
}

/// Keeps a token's hash until `expires_at`.
pub fn insert_token(
    conn: &mut DbConnection,
    token_hash: &str,
    user: UserId,
    purpose: TokenPurpose,
    email: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::token_hash.eq(token_hash),
            account_tokens::user_id.eq(user.0.to_string()),
            account_tokens::purpose.eq(purpose.as_str()),
            account_tokens::email.eq(email),
            account_tokens::created_at.eq(to_db(now)),
            account_tokens::expires_at.eq(to_db(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Uses the token with this hash, once: its user and the address it was sent to, or `None`
/// when it is unknown, used or expired. Of two concurrent uses exactly one succeeds.
pub fn use_token(
    conn: &mut DbConnection,
    token_hash: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<Option<(UserId, String)>, PersistenceError> {
    let target = account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(to_db(now)));
    let used = diesel::update(target)
        .set(account_tokens::used_at.eq(Some(to_db(now))))
        .execute(conn)?;
    if used == 0 {
        return Ok(None);
    }
    let (user, email): (String, String) = account_tokens::table
        .find(token_hash)
        .select((account_tokens::user_id, account_tokens::email))
        .first(conn)?;
    let user = Uuid::parse_str(&user)
        .map_err(|_| PersistenceError::Corrupt(format!("account_tokens.user_id {user:?}")))?;
    Ok(Some((UserId(user), email)))
}

/// Ends every unused token of `user` for `purpose` (a new password makes old links void).
pub fn void_tokens(
    conn: &mut DbConnection,
    user: UserId,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user.0.to_string()))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(Some(to_db(now))))
    .execute(conn)?;
    Ok(())
}

/// How many messages of `kind` were queued for `user` since `since` (resend throttling).
pub fn queued_since(
    conn: &mut DbConnection,
    user: UserId,
    kind: &str,
    since: DateTime<Utc>,
) -> Result<i64, PersistenceError> {
    Ok(deliveries::table
        .filter(deliveries::user_id.eq(user.0.to_string()))
        .filter(deliveries::kind.eq(kind))
        .filter(deliveries::created_at.ge(to_db(since)))
        .count()
        .get_result(conn)?)
}

/// One page of who is due the newsletter of `period` at `frequency`: of the active
/// memberships after `after` (a membership id; `None`: from the start), at most `page` in id
/// order, those of a user who chose that frequency (`weekly` also takes those who never
/// chose) and who has not been sent this period's newsletter of that neighbourhood. Two
/// queries, each bounded by `page`. Also returns the id to continue after (`None`: no more).
pub fn digest_recipients(
    conn: &mut DbConnection,
    frequency: DigestFrequency,
    period: &str,
    after: Option<&str>,
    page: usize,
) -> Result<DigestPage, PersistenceError> {
    use crate::schema::{digest_sends, memberships};
    let limit = i64::try_from(page.max(1)).unwrap_or(i64::MAX);
    let mut query = memberships::table
        .left_join(
            notification_settings::table
                .on(notification_settings::user_id.eq(memberships::user_id)),
        )
        .filter(memberships::status.eq("active"))
        .select((
            memberships::id,
            memberships::user_id,
            memberships::neighbourhood_id,
            notification_settings::digest.nullable(),
        ))
        .order(memberships::id)
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(memberships::id.gt(after.to_owned()));
    }
    let rows: Vec<(String, String, String, Option<String>)> = query.load(conn)?;
    let next = (rows.len() >= page.max(1))
        .then(|| rows.last().map(|(id, ..)| id.clone()))
        .flatten();
    let users: Vec<&str> = rows.iter().map(|(_, user, ..)| user.as_str()).collect();
    let sent: std::collections::HashSet<(String, String)> = if users.is_empty() {
        std::collections::HashSet::new()
    } else {
        digest_sends::table
            .filter(digest_sends::period.eq(period))
            .filter(digest_sends::user_id.eq_any(&users))
            .select((digest_sends::user_id, digest_sends::neighbourhood_id))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect()
    };
    let mut due = Vec::new();
    for (_, user, neighbourhood, chosen) in &rows {
        let chosen = chosen
            .as_deref()
            .and_then(DigestFrequency::parse)
            .unwrap_or_default();
        if chosen != frequency || sent.contains(&(user.clone(), neighbourhood.clone())) {
            continue;
        }
        let (Ok(user), Ok(neighbourhood)) = (Uuid::parse_str(user), Uuid::parse_str(neighbourhood))
        else {
            continue;
        };
        due.push((
            UserId(user),
            buurt_domain::neighbourhoods::NeighbourhoodId(neighbourhood),
        ));
    }
    Ok(DigestPage { due, next })
}

/// A page of newsletter readers (`digest_recipients`).
#[derive(Debug, Clone, Default)]
pub struct DigestPage {
    /// Who is due the newsletter, and of which neighbourhood.
    pub due: Vec<(UserId, buurt_domain::neighbourhoods::NeighbourhoodId)>,
    /// The membership id the next page starts after; `None` on the last page.
    pub next: Option<String>,
}

/// Notes that `user` is sent `period`'s newsletter of `neighbourhood`; `false` when they were
/// already (another run got there first). Call it in a transaction.
pub fn claim_digest(
    conn: &mut DbConnection,
    user: UserId,
    period: &str,
    neighbourhood: buurt_domain::neighbourhoods::NeighbourhoodId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    use crate::schema::digest_sends;
    let key = (
        user.0.to_string(),
        period.to_owned(),
        neighbourhood.0.to_string(),
    );
    let already: i64 = digest_sends::table.find(key).count().get_result(conn)?;
    if already > 0 {
        return Ok(false);
    }
    // Two runs racing past the check: the key refuses the second (on PostgreSQL its
    // transaction fails and is retried by the next run, which finds the row).
    let inserted = diesel::insert_into(digest_sends::table)
        .values((
            digest_sends::user_id.eq(user.0.to_string()),
            digest_sends::period.eq(period),
            digest_sends::neighbourhood_id.eq(neighbourhood.0.to_string()),
            digest_sends::created_at.eq(to_db(now)),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(error) => Err(error.into()),
    }
}
