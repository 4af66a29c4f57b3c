//! Reaching people outside the app: the delivery outbox (push, e-mail, SMS) that notices and
//! account e-mails go through, the settings that decide it, and the account's life cycle by
//! e-mail (verification, password reset).
//!
//! A message is queued in the transaction of the change that caused it; a worker in every
//! process claims, composes, sends and settles it (`api::workers::deliveries`).

use buurt_domain::accounts::{Email, UserId};
use buurt_domain::delivery::{Channel, NotificationSettings, RetryPolicy};
use buurt_domain::effects::Notice;
use buurt_domain::notifications::NotificationKind;
use buurt_persistence::accounts as accounts_repo;
use buurt_persistence::deliveries::{
    self as repo, Delivery, DeliveryStatus, NewDelivery, Settlement, StoredSettings, TokenPurpose,
};
use buurt_persistence::{DbConnection, PersistenceError, in_write_transaction};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use crate::text::Lang;
use crate::{AppError, Cx, ErrorCode};

/// The kind of the e-mail with a password-reset link.
pub const PASSWORD_RESET: &str = "password_reset";
/// The kind of the e-mail with an address-verification link.
pub const VERIFY_EMAIL: &str = "verify_email";
/// The kind of the e-mail to a new address, with the link that makes it the account's.
pub const CHANGE_EMAIL: &str = "change_email";
/// The kind of the e-mail that tells the old address it was replaced.
pub const EMAIL_CHANGED: &str = "email_changed";

/// How long a password-reset link works.
pub const RESET_VALIDITY: Duration = Duration::hours(1);
/// How long a verification link works.
pub const VERIFY_VALIDITY: Duration = Duration::hours(48);
/// The least time between two verification e-mails for one account.
pub const VERIFY_RESEND_PAUSE: Duration = Duration::minutes(5);

fn settings_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<NotificationSettings, PersistenceError> {
    let (stored, choices) = repo::settings(conn, user)?;
    let defaults = NotificationSettings::default();
    Ok(match stored {
        Some(stored) => NotificationSettings {
            quiet_hours: stored.quiet_hours,
            digest: stored.digest,
            choices,
        },
        None => NotificationSettings {
            choices,
            ..defaults
        },
    })
}

/// Queues the push and e-mail messages `notice` calls for under its receiver's settings (the
/// inbox has it already). Push in quiet hours waits until they end.
pub fn record_notice(
    conn: &mut DbConnection,
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let settings = settings_of(conn, notice.to)?;
    let payload = json!({
        "post_id": notice.post.map(|p| p.to_string()),
        "match_id": notice.about_match.map(|m| m.to_string()),
    })
    .to_string();
    for channel in Channel::ALL {
        if !settings.wants(notice.kind, channel) {
            continue;
        }
        let due = match (channel, settings.quiet_hours) {
            (Channel::Push, Some(quiet)) => quiet.deferred_until(at).unwrap_or(at),
            _ => at,
        };
        repo::enqueue(
            conn,
            &NewDelivery {
                user: notice.to,
                channel,
                kind: notice.kind.as_str(),
                payload: &payload,
                due,
            },
            at,
        )?;
    }
    Ok(())
}

/// Queues the text message `notice` calls for to an offline resident's phone (issue 20; the
/// caller checked they have a number and the server a gateway). It waits out quiet hours as
/// push does: nobody is woken by a text about a ladder.
pub fn record_sms(
    conn: &mut DbConnection,
    notice: &Notice,
    at: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let settings = settings_of(conn, notice.to)?;
    let payload = json!({
        "post_id": notice.post.map(|p| p.to_string()),
        "match_id": notice.about_match.map(|m| m.to_string()),
    })
    .to_string();
    let due = settings
        .quiet_hours
        .and_then(|quiet| quiet.deferred_until(at))
        .unwrap_or(at);
    repo::enqueue(
        conn,
        &NewDelivery {
            user: notice.to,
            channel: Channel::Sms,
            kind: notice.kind.as_str(),
            payload: &payload,
            due,
        },
        at,
    )?;
    Ok(())
}

/// The user's notification settings (the defaults where they never chose).
pub fn notification_settings(
    cx: &mut Cx<'_>,
    user: UserId,
) -> Result<NotificationSettings, AppError> {
    Ok(settings_of(cx.conn, user)?)
}

/// Replaces the user's notification settings; returns them as stored.
pub fn update_notification_settings(
    cx: &mut Cx<'_>,
    user: UserId,
    settings: NotificationSettings,
) -> Result<NotificationSettings, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        accounts_repo::lock_user(conn, user)?;
        store_settings(conn, user, &settings, now)?;
        Ok::<_, AppError>(settings_of(conn, user)?)
    })
}

fn store_settings(
    conn: &mut DbConnection,
    user: UserId,
    settings: &NotificationSettings,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    repo::replace_settings(
        conn,
        user,
        &StoredSettings {
            quiet_hours: settings.quiet_hours,
            digest: settings.digest,
        },
        &settings.normalised_choices(),
        now,
    )
}

/// What a one-click unsubscribe link switches off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsubscribe {
    /// E-mail about one kind of notice.
    Kind(NotificationKind),
    /// The newsletter.
    Digest,
}

/// Switches off what an unsubscribe link names (again is harmless).
pub fn unsubscribe(cx: &mut Cx<'_>, user: UserId, what: Unsubscribe) -> Result<(), AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        if accounts_repo::find_user(conn, user)?.is_none() {
            return Err(AppError::from(ErrorCode::UnsubscribeTokenInvalid));
        }
        match what {
            Unsubscribe::Kind(kind) => repo::set_choice(conn, user, kind, Channel::Email, false)?,
            Unsubscribe::Digest => {
                let mut settings = settings_of(conn, user)?;
                settings.digest = buurt_domain::delivery::DigestFrequency::Never;
                store_settings(conn, user, &settings, now)?;
            }
        }
        Ok(())
    })
}

/// Queues the e-mail with a link that verifies `email` for `user` (in the caller's transaction).
pub fn queue_verification(
    conn: &mut DbConnection,
    user: UserId,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let payload = json!({ "email": email.as_str() }).to_string();
    repo::enqueue(
        conn,
        &NewDelivery {
            user,
            channel: Channel::Email,
            kind: VERIFY_EMAIL,
            payload: &payload,
            due: now,
        },
        now,
    )?;
    Ok(())
}

/// Sends a new verification e-mail: `email_already_verified`, or
/// `verification_resend_too_soon` within `VERIFY_RESEND_PAUSE` of the last one.
pub fn resend_verification(cx: &mut Cx<'_>, user: UserId) -> Result<(), AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        accounts_repo::lock_user(conn, user)?;
        let account = accounts_repo::find_user(conn, user)?.ok_or(ErrorCode::InvalidToken)?;
        if account.email_verified {
            return Err(ErrorCode::EmailAlreadyVerified.into());
        }
        if repo::queued_since(conn, user, VERIFY_EMAIL, now - VERIFY_RESEND_PAUSE)? > 0 {
            return Err(AppError::refused_for(
                ErrorCode::VerificationResendTooSoon,
                VERIFY_RESEND_PAUSE,
            ));
        }
        queue_verification(conn, user, &account.email, now)?;
        Ok(())
    })
}

/// Uses a verification link (`token_hash` is the SHA-256 of its token): it verifies the
/// account's address, or, sent to a new address (`request_email_change`), makes that the
/// account's, verified. The old address is then told, other links sent to it (reset,
/// verification) and other change links die, and `email_taken` when another account took the
/// address meanwhile (the link stays unused).
pub fn verify_email(cx: &mut Cx<'_>, token_hash: &str) -> Result<UserId, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        if let Some((user, email)) =
            repo::use_token(conn, token_hash, TokenPurpose::VerifyEmail, now)?
        {
            if !accounts_repo::mark_email_verified(conn, user, &email)? {
                return Err(ErrorCode::VerificationTokenInvalid.into());
            }
            return Ok(user);
        }
        let (user, new) = repo::use_token(conn, token_hash, TokenPurpose::ChangeEmail, now)?
            .ok_or(ErrorCode::VerificationTokenInvalid)?;
        accounts_repo::lock_user(conn, user)?;
        let account =
            accounts_repo::find_user(conn, user)?.ok_or(ErrorCode::VerificationTokenInvalid)?;
        let old = account.email.as_str().to_owned();
        if old == new {
            accounts_repo::mark_email_verified(conn, user, &new)?;
            return Ok(user);
        }
        if !accounts_repo::change_email(conn, user, &new, now)? {
            return Err(email_taken());
        }
        for purpose in [
            TokenPurpose::ChangeEmail,
            TokenPurpose::VerifyEmail,
            TokenPurpose::PasswordReset,
        ] {
            repo::void_tokens(conn, user, purpose, now)?;
        }
        let payload = json!({ "old_email": old, "email": new }).to_string();
        repo::enqueue(
            conn,
            &NewDelivery {
                user,
                channel: Channel::Email,
                kind: EMAIL_CHANGED,
                payload: &payload,
                due: now,
            },
            now,
        )?;
        Ok(user)
    })
}

fn email_taken() -> AppError {
    AppError::RefusedFields(
        ErrorCode::EmailTaken,
        vec![crate::FieldProblem::new("email", crate::FieldIssue::Taken)],
    )
}

/// Asks to change the account's address to `new`: a link valid for 48 hours goes to `new`,
/// and the address changes only when it is opened (`verify_email`). The current password was
/// checked against `checked_against` (a hash from `accounts::password_hash`); a password
/// changed meanwhile makes it incorrect. `email_unchanged` for the current address,
/// `email_taken` for another account's, and `verification_resend_too_soon` within
/// `VERIFY_RESEND_PAUSE` of the last request.
pub fn request_email_change(
    cx: &mut Cx<'_>,
    user: UserId,
    new: &Email,
    checked_against: &str,
) -> Result<(), AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        accounts_repo::lock_user(conn, user)?;
        let account = accounts_repo::find_user(conn, user)?.ok_or(ErrorCode::InvalidToken)?;
        let stored = accounts_repo::password_hash(conn, user)?.ok_or(ErrorCode::InvalidToken)?;
        if stored != checked_against {
            return Err(crate::accounts::incorrect_password());
        }
        if account.email == *new {
            return Err(ErrorCode::EmailUnchanged.into());
        }
        if accounts_repo::find_user_by_email(conn, new)?.is_some() {
            return Err(email_taken());
        }
        if repo::queued_since(conn, user, CHANGE_EMAIL, now - VERIFY_RESEND_PAUSE)? > 0 {
            return Err(AppError::refused_for(
                ErrorCode::VerificationResendTooSoon,
                VERIFY_RESEND_PAUSE,
            ));
        }
        let payload = json!({ "email": new.as_str() }).to_string();
        repo::enqueue(
            conn,
            &NewDelivery {
                user,
                channel: Channel::Email,
                kind: CHANGE_EMAIL,
                payload: &payload,
                due: now,
            },
            now,
        )?;
        Ok(())
    })
}

/// `email_not_verified` unless the user's address is verified.
pub fn require_verified(cx: &mut Cx<'_>, user: UserId) -> Result<(), AppError> {
    let account = accounts_repo::find_user(cx.conn, user)?.ok_or(ErrorCode::InvalidToken)?;
    if account.email_verified {
        Ok(())
    } else {
        Err(ErrorCode::EmailNotVerified.into())
    }
}

/// Queues a password-reset e-mail if an account has this address; says nothing either way.
pub fn request_password_reset(cx: &mut Cx<'_>, email: &Email) -> Result<(), AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let Some(account) = accounts_repo::find_user_by_email(conn, email)? else {
            return Ok(());
        };
        repo::enqueue(
            conn,
            &NewDelivery {
                user: account.id,
                channel: Channel::Email,
                kind: PASSWORD_RESET,
                payload: "{}",
                due: now,
            },
            now,
        )?;
        Ok(())
    })
}

/// Sets a new password with a reset link (`token_hash` is the SHA-256 of its token): the link
/// works once, within `RESET_VALIDITY`; every login and access token of the account ends, and
/// other reset links die with them. The address is verified by the way: the link reached it.
pub fn confirm_password_reset(
    cx: &mut Cx<'_>,
    token_hash: &str,
    new_password_hash: &str,
) -> Result<UserId, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let (user, email) = repo::use_token(conn, token_hash, TokenPurpose::PasswordReset, now)?
            .ok_or(ErrorCode::ResetTokenInvalid)?;
        accounts_repo::update_user(
            conn,
            user,
            buurt_domain::accounts::ProfileChanges::default(),
            Some(new_password_hash),
            now,
        )?
        .ok_or(ErrorCode::ResetTokenInvalid)?;
        repo::void_tokens(conn, user, TokenPurpose::PasswordReset, now)?;
        accounts_repo::mark_email_verified(conn, user, &email)?;
        Ok(user)
    })
}

/// Claims the next message due, for `lease`.
pub fn claim_delivery(cx: &mut Cx<'_>, lease: Duration) -> Result<Option<Delivery>, AppError> {
    let now = cx.now();
    Ok(repo::claim_due(cx.conn, now, lease)?)
}

/// A single-use token for a link, and the hash that is kept of it.
#[derive(Debug, Clone)]
pub struct FreshToken {
    pub token: String,
    pub hash: String,
}

/// What an e-mail says, ready for its template.
#[derive(Debug, Clone)]
pub struct EmailToSend {
    pub to: String,
    pub name: String,
    pub lang: Lang,
    /// The template: a notification kind, `password_reset`, `verify_email`.
    pub kind: String,
    /// The token of the link it carries (reset, verification).
    pub token: Option<String>,
    pub post_title: Option<String>,
    pub post_id: Option<String>,
    pub match_id: Option<String>,
    /// What a one-click unsubscribe switches off (bulk mail only).
    pub unsubscribe: Option<Unsubscribe>,
    /// The newsletter, ranked for the reader (`digest` mail only).
    pub digest: Option<crate::digest::DigestMail>,
    /// The account's new address (`email_changed` mail only, sent to the old one).
    pub new_email: Option<String>,
}

/// What a push says, ready to send.
#[derive(Debug, Clone)]
pub struct PushToSend {
    pub lang: Lang,
    pub kind: NotificationKind,
    pub post_title: Option<String>,
    pub post_id: Option<String>,
    pub match_id: Option<String>,
}

/// What a text message to an offline resident says, ready for its wording. It carries what
/// the call-list item would show the mediator (the kind, the resident's own post), nothing
/// about anyone else.
#[derive(Debug, Clone)]
pub struct SmsToSend {
    /// The resident's number in E.164 form; `None` when they have none a gateway takes (any
    /// more).
    pub to: Option<String>,
    pub lang: Lang,
    pub kind: NotificationKind,
    pub post_title: Option<String>,
}

/// A claimed message, composed; `None` when there is nothing to send any more (the account
/// is gone, the address changed).
#[derive(Debug, Clone)]
pub enum Composed {
    Email(Box<EmailToSend>),
    Push(PushToSend),
    Sms(SmsToSend),
}

/// The user's language for messages: the first of Dutch or English their profile lists;
/// Dutch when it lists neither (Buurt's residents are Dutch first).
fn language(languages: &[buurt_domain::accounts::Language]) -> Lang {
    languages
        .iter()
        .find_map(|l| match l.as_str() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        })
        .unwrap_or(Lang::Nl)
}

/// Composes a claimed message: the receiver's address and language, the post it is about,
/// and for links a fresh token (kept as its hash) — minted only now, so no token ever waits
/// in the outbox in the clear.
pub fn compose(
    cx: &mut Cx<'_>,
    delivery: &Delivery,
    token: FreshToken,
) -> Result<Option<Composed>, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let Some(user) = accounts_repo::find_user(conn, delivery.user_id)? else {
        return Ok(None);
    };
    let payload: serde_json::Value = serde_json::from_str(&delivery.payload)
        .map_err(|error| PersistenceError::Corrupt(format!("delivery payload: {error}")))?;
    let text = |key: &str| payload[key].as_str().map(str::to_owned);
    let lang = language(&user.profile.languages);
    let post_id = text("post_id");
    let post_title = match &post_id {
        Some(id) => match uuid::Uuid::parse_str(id) {
            Ok(id) => buurt_persistence::posts::find_post(conn, buurt_domain::posts::PostId(id))?
                .map(|post| post.content.title.clone()),
            Err(_) => None,
        },
        None => None,
    };
    let notice_kind = NotificationKind::parse(&delivery.kind);
    if delivery.channel == Channel::Sms {
        // A resident who claimed their record has an account now: the inbox reaches them.
        let (Some(kind), Some((_, phone))) = (
            notice_kind,
            buurt_persistence::offline::offline_contact(conn, delivery.user_id)?,
        ) else {
            return Ok(None);
        };
        return Ok(Some(Composed::Sms(SmsToSend {
            to: phone.as_ref().and_then(buurt_domain::accounts::Phone::e164),
            lang,
            kind,
            post_title,
        })));
    }
    if delivery.channel == Channel::Push {
        let Some(kind) = notice_kind else {
            return Ok(None);
        };
        return Ok(Some(Composed::Push(PushToSend {
            lang,
            kind,
            post_title,
            post_id,
            match_id: text("match_id"),
        })));
    }
    if delivery.kind == crate::digest::DIGEST {
        let Some(digest) = digest_mail(cx, &payload, &user.profile.skills)? else {
            return Ok(None);
        };
        return Ok(Some(Composed::Email(Box::new(EmailToSend {
            to: user.email.as_str().to_owned(),
            name: user.display_name.as_str().to_owned(),
            lang,
            kind: delivery.kind.clone(),
            token: None,
            post_title: None,
            post_id: None,
            match_id: None,
            unsubscribe: Some(Unsubscribe::Digest),
            digest: Some(digest),
            new_email: None,
        }))));
    }
    if delivery.kind == EMAIL_CHANGED {
        // To the old address, which the account no longer has.
        let (Some(old), Some(new)) = (text("old_email"), text("email")) else {
            return Ok(None);
        };
        return Ok(Some(Composed::Email(Box::new(EmailToSend {
            to: old,
            name: user.display_name.as_str().to_owned(),
            lang,
            kind: delivery.kind.clone(),
            token: None,
            post_title: None,
            post_id: None,
            match_id: None,
            unsubscribe: None,
            digest: None,
            new_email: Some(new),
        }))));
    }
    let conn = &mut *cx.conn;
    let purpose = match delivery.kind.as_str() {
        PASSWORD_RESET => Some((
            TokenPurpose::PasswordReset,
            RESET_VALIDITY,
            user.email.as_str().to_owned(),
        )),
        VERIFY_EMAIL => {
            let Some(email) = text("email") else {
                return Ok(None);
            };
            // An address changed since, or verified meanwhile, needs no link.
            if email != user.email.as_str() || user.email_verified {
                return Ok(None);
            }
            Some((TokenPurpose::VerifyEmail, VERIFY_VALIDITY, email))
        }
        CHANGE_EMAIL => {
            let Some(email) = text("email") else {
                return Ok(None);
            };
            // The account has that address already: nothing to verify.
            if email == user.email.as_str() {
                return Ok(None);
            }
            Some((TokenPurpose::ChangeEmail, VERIFY_VALIDITY, email))
        }
        _ => None,
    };
    // A change link goes to the new address; everything else to the account's.
    let to = match (&purpose, delivery.kind.as_str()) {
        (Some((_, _, email)), CHANGE_EMAIL) => email.clone(),
        _ => user.email.as_str().to_owned(),
    };
    let link_token = match purpose {
        Some((purpose, validity, email)) => {
            repo::insert_token(
                conn,
                &token.hash,
                user.id,
                purpose,
                &email,
                now,
                now + validity,
            )?;
            Some(token.token)
        }
        None => None,
    };
    Ok(Some(Composed::Email(Box::new(EmailToSend {
        to,
        name: user.display_name.as_str().to_owned(),
        lang,
        kind: delivery.kind.clone(),
        token: link_token,
        post_title,
        post_id,
        match_id: text("match_id"),
        unsubscribe: notice_kind.map(Unsubscribe::Kind),
        digest: None,
        new_email: None,
    }))))
}

/// The newsletter a `digest` mail's payload names, ranked for a reader with `skills`; `None`
/// when it has nothing to tell.
fn digest_mail(
    cx: &mut Cx<'_>,
    payload: &serde_json::Value,
    skills: &[buurt_domain::category::Category],
) -> Result<Option<crate::digest::DigestMail>, AppError> {
    let neighbourhood = payload["neighbourhood_id"]
        .as_str()
        .and_then(|id| uuid::Uuid::parse_str(id).ok());
    let week = payload["week"]
        .as_str()
        .and_then(|week| buurt_domain::digest::Week::parse(week).ok());
    let (Some(neighbourhood), Some(week)) = (neighbourhood, week) else {
        return Ok(None);
    };
    let digest = match crate::digest::digest(
        cx,
        buurt_domain::neighbourhoods::NeighbourhoodId(neighbourhood),
        week,
    ) {
        Ok(digest) => digest,
        Err(AppError::NotFound) => return Ok(None),
        Err(error) => return Err(error),
    };
    let mail = crate::digest::for_reader(digest, skills);
    let empty = mail.requests.is_empty()
        && mail.offers.is_empty()
        && mail.activities.is_empty()
        && mail.news.is_empty();
    Ok((!empty).then_some(mail))
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Sent,
    /// Nothing to send (no push configured, no device, the account gone).
    NotApplicable(String),
    /// Failed; retried with backoff until the policy gives up.
    Failed(String),
    /// Failed for good (an SMS to a number that does not exist): not retried.
    Undeliverable(String),
    /// Not yet (quiet hours): again at this time, the attempt not counted.
    Deferred(DateTime<Utc>),
}

/// Records an attempt on a claimed message. `false` when the claim had run out meanwhile. A
/// text message that failed for good puts its update on the resident's call list instead, in
/// the same transaction, so nothing is lost.
pub fn settle_delivery(
    cx: &mut Cx<'_>,
    delivery: &Delivery,
    attempt: Attempt,
    policy: RetryPolicy,
) -> Result<bool, AppError> {
    let now = cx.now();
    let settlement = match attempt {
        Attempt::Sent => Settlement::Done(DeliveryStatus::Sent, None),
        Attempt::NotApplicable(why) => Settlement::Done(DeliveryStatus::Skipped, Some(why)),
        Attempt::Failed(error) => match policy.next_wait(delivery.attempts) {
            Some(wait) => Settlement::Later {
                at: now + wait,
                error: Some(error),
                counts: true,
            },
            None => Settlement::Done(DeliveryStatus::Failed, Some(error)),
        },
        Attempt::Undeliverable(error) => Settlement::Done(DeliveryStatus::Failed, Some(error)),
        Attempt::Deferred(at) => Settlement::Later {
            at,
            error: None,
            counts: false,
        },
    };
    let failed = matches!(settlement, Settlement::Done(DeliveryStatus::Failed, _));
    if delivery.channel == Channel::Sms && failed {
        return in_write_transaction(cx.conn, |conn| {
            let settled = repo::settle(conn, delivery, &settlement, now)?;
            if settled {
                crate::offline::fall_back_to_call_list(conn, delivery, now)?;
            }
            Ok::<_, AppError>(settled)
        });
    }
    Ok(repo::settle(cx.conn, delivery, &settlement, now)?)
}

/// When a push or text message claimed now should wait for the end of the user's quiet hours.
pub fn push_deferred_until(
    cx: &mut Cx<'_>,
    user: UserId,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let now = cx.now();
    let settings = settings_of(cx.conn, user)?;
    Ok(settings
        .quiet_hours
        .and_then(|quiet| quiet.deferred_until(now)))
}
