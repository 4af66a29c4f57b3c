//! Erasure of an account: the tombstone that takes the person's place where others depend on
//! what they left, the rows that move to it, and the rows that go. What follows an erasure
//! (matches cancelled, RSVPs withdrawn, requests closed) is `buurt_app::privacy`'s business.
//!
//! Every table with a column that holds a user id or a contact detail is handled here (or by a
//! foreign key with `ON DELETE CASCADE`/`SET NULL`); the test `privacy::erasure_leaves_no_trace`
//! scans every column of every table for what named the person, so a new table that is not
//! handled fails it.

pub mod export;

use buurt_domain::accounts::UserId;
use buurt_domain::matching::MatchId;
use buurt_domain::membership::{MembershipStatus, Role};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::{PostId, PostKind, PostStatus};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::Stored;
use crate::schema::{
    account_erasures, activity_organisers, case_audit, case_notes, case_referrals, cases,
    idempotency_keys, login_failures, match_messages, matches, memberships, moderation_decisions,
    moderation_log, post_reviews, posts, reports, role_grants, rsvps, stat_events, stat_presence,
    users, verification_letters,
};
use crate::time::to_db;
use crate::{DbConnection, PersistenceError};

diesel::define_sql_function!(fn replace(text: diesel::sql_types::Text, from: diesel::sql_types::Text, to: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// The name an erased person's tombstone is stored under; readers see it in their language
/// (`buurt_app::privacy::shown_name`).
pub const FORMER_RESIDENT: &str = "voormalig bewoner";

/// A row that takes an erased person's place: a fresh id that leads to nobody, no contact
/// details, no password anyone can match, never signed in.
pub fn insert_tombstone(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<UserId, PersistenceError> {
    let id = Uuid::new_v4();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id.to_string()),
            users::email.eq(format!("erased-{id}@erased.invalid")),
            users::password_hash.eq("!"),
            users::display_name.eq(FORMER_RESIDENT),
            users::skills.eq(""),
            users::interests.eq(""),
            users::languages.eq(""),
            users::platform_admin.eq(false),
            users::email_verified.eq(false),
            users::created_at.eq(to_db(now)),
            users::updated_at.eq(to_db(now)),
            users::token_generation.eq(0_i64),
            users::erased_at.eq(Some(to_db(now))),
        ))
        .execute(conn)?;
    Ok(UserId(id))
}

/// Whether `user` is a tombstone (an erased account).
pub fn is_tombstone(conn: &mut DbConnection, user: UserId) -> Result<bool, PersistenceError> {
    let erased: Option<Option<chrono::NaiveDateTime>> = users::table
        .find(user.to_string())
        .select(users::erased_at)
        .first(conn)
        .optional()?;
    Ok(matches!(erased, Some(Some(_))))
}

/// The neighbourhoods where `user` is an active moderator.
pub fn moderated_neighbourhoods(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<NeighbourhoodId>, PersistenceError> {
    let ids: Vec<Stored<NeighbourhoodId>> = memberships::table
        .filter(memberships::user_id.eq(user.to_string()))
        .filter(memberships::role.eq(Role::Moderator.as_str()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .select(memberships::neighbourhood_id)
        .load(conn)?;
    Ok(ids.into_iter().map(|id| id.0).collect())
}

/// How many platform administrators there are besides `user` (who is one).
pub fn other_platform_admins(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<i64, PersistenceError> {
    Ok(users::table
        .filter(users::platform_admin.eq(true))
        .filter(users::id.ne(user.to_string()))
        .count()
        .get_result(conn)?)
}

/// `user`'s matches that are still live (proposed or accepted).
pub fn live_matches_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<MatchId>, PersistenceError> {
    let id = user.to_string();
    let ids: Vec<Stored<MatchId>> = matches::table
        .filter(matches::requester_id.eq(&id).or(matches::helper_id.eq(&id)))
        .filter(matches::status.eq_any(["proposed", "accepted"]))
        .order(matches::id)
        .select(matches::id)
        .load(conn)?;
    Ok(ids.into_iter().map(|id| id.0).collect())
}

/// The activities `user` is going to or waiting for.
pub fn active_rsvps_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<PostId>, PersistenceError> {
    let ids: Vec<Stored<PostId>> = rsvps::table
        .filter(rsvps::user_id.eq(user.to_string()))
        .filter(rsvps::status.ne("cancelled"))
        .order(rsvps::post_id)
        .select(rsvps::post_id)
        .load(conn)?;
    Ok(ids.into_iter().map(|id| id.0).collect())
}

/// `user`'s posts: id, kind and status.
pub fn posts_of(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<(PostId, PostKind, PostStatus)>, PersistenceError> {
    let rows: Vec<(Stored<PostId>, Stored<PostKind>, Stored<PostStatus>)> = posts::table
        .filter(posts::author_id.eq(user.to_string()))
        .order(posts::id)
        .select((posts::id, posts::kind, posts::status))
        .load(conn)?;
    Ok(rows.into_iter().map(|(i, k, s)| (i.0, k.0, s.0)).collect())
}

/// Whether others depend on `post` of `author`: an activity someone else answered (going,
/// waiting, or checked in), a request with matches, or one mediators had as a case (the case
/// stays, withdrawn, with its outcome for the figures and its audit log).
pub fn others_depend_on(
    conn: &mut DbConnection,
    post: PostId,
    kind: PostKind,
    author: UserId,
) -> Result<bool, PersistenceError> {
    let count: i64 = match kind {
        PostKind::Activity => rsvps::table
            .filter(rsvps::post_id.eq(post.to_string()))
            .filter(rsvps::user_id.ne(author.to_string()))
            .filter(
                rsvps::status
                    .ne("cancelled")
                    .or(rsvps::checked_in_at.is_not_null()),
            )
            .count()
            .get_result(conn)?,
        PostKind::Request => {
            let matched: i64 = matches::table
                .filter(matches::request_id.eq(post.to_string()))
                .count()
                .get_result(conn)?;
            let cased: i64 = cases::table
                .filter(cases::request_id.eq(post.to_string()))
                .count()
                .get_result(conn)?;
            matched + cased
        }
        PostKind::News | PostKind::Offer => 0,
    };
    Ok(count > 0)
}

/// Posts, matches and activity answers others depend on move to the tombstone; the person's
/// own messages go.
pub fn pseudonymise_contributions(
    conn: &mut DbConnection,
    from: UserId,
    to: UserId,
) -> Result<(), PersistenceError> {
    let (from, to) = (from.to_string(), to.to_string());
    diesel::update(posts::table.filter(posts::author_id.eq(&from)))
        .set(posts::author_id.eq(&to))
        .execute(conn)?;
    diesel::update(matches::table.filter(matches::requester_id.eq(&from)))
        .set(matches::requester_id.eq(&to))
        .execute(conn)?;
    diesel::update(matches::table.filter(matches::helper_id.eq(&from)))
        .set(matches::helper_id.eq(&to))
        .execute(conn)?;
    diesel::delete(match_messages::table.filter(match_messages::author_id.eq(&from)))
        .execute(conn)?;
    // Answers that could not be withdrawn any more (the activity began): attendance counts.
    diesel::update(rsvps::table.filter(rsvps::user_id.eq(&from)))
        .set(rsvps::user_id.eq(&to))
        .execute(conn)?;
    diesel::update(activity_organisers::table.filter(activity_organisers::user_id.eq(&from)))
        .set(activity_organisers::user_id.eq(&to))
        .execute(conn)?;
    diesel::update(reports::table.filter(reports::reporter_id.eq(&from)))
        .set(reports::reporter_id.eq(&to))
        .execute(conn)?;
    Ok(())
}

/// Cases (the requester's, and what a mediator or professional did on others') move to the
/// tombstone; referrals to the person end.
pub fn pseudonymise_casework(
    conn: &mut DbConnection,
    from: UserId,
    to: UserId,
) -> Result<(), PersistenceError> {
    let (from, to) = (from.to_string(), to.to_string());
    diesel::update(cases::table.filter(cases::requester_id.eq(&from)))
        .set(cases::requester_id.eq(&to))
        .execute(conn)?;
    diesel::update(cases::table.filter(cases::claimed_by.eq(&from)))
        .set(cases::claimed_by.eq(&to))
        .execute(conn)?;
    diesel::update(case_notes::table.filter(case_notes::author_id.eq(&from)))
        .set(case_notes::author_id.eq(&to))
        .execute(conn)?;
    diesel::update(case_referrals::table.filter(case_referrals::referred_by.eq(&from)))
        .set(case_referrals::referred_by.eq(&to))
        .execute(conn)?;
    diesel::delete(case_referrals::table.filter(case_referrals::professional_id.eq(&from)))
        .execute(conn)?;
    Ok(())
}

/// The audit logs and monitoring facts keep their entries and counts, with the tombstone as
/// their actor.
pub fn pseudonymise_logs(
    conn: &mut DbConnection,
    from: UserId,
    to: UserId,
) -> Result<(), PersistenceError> {
    let (from, to) = (from.to_string(), to.to_string());
    diesel::update(case_audit::table.filter(case_audit::actor_id.eq(&from)))
        .set(case_audit::actor_id.eq(&to))
        .execute(conn)?;
    diesel::update(role_grants::table.filter(role_grants::actor_id.eq(&from)))
        .set(role_grants::actor_id.eq(&to))
        .execute(conn)?;
    diesel::update(role_grants::table.filter(role_grants::target_id.eq(&from)))
        .set(role_grants::target_id.eq(&to))
        .execute(conn)?;
    diesel::update(account_erasures::table.filter(account_erasures::actor_id.eq(&from)))
        .set(account_erasures::actor_id.eq(&to))
        .execute(conn)?;
    // A distinct actor stays a distinct actor: "active residents" keep their count. Some facts
    // carry their actor in their key too.
    diesel::update(stat_events::table.filter(stat_events::actor_id.eq(&from)))
        .set((
            stat_events::actor_id.eq(&to),
            stat_events::key.eq(replace(stat_events::key, &from, &to)),
        ))
        .execute(conn)?;
    // issue 22 (h22stats): the rollups' people too; the tombstone is new, so nobody counted
    // once becomes two, nor two one.
    diesel::update(stat_presence::table.filter(stat_presence::actor_id.eq(&from)))
        .set(stat_presence::actor_id.eq(&to))
        .execute(conn)?;
    diesel::update(verification_letters::table.filter(verification_letters::created_by.eq(&from)))
        .set(verification_letters::created_by.eq(&to))
        .execute(conn)?;
    // Moderation: what a moderator decided or reviewed stays, by the tombstone; the log keeps
    // its entries (only its actor and a member target may change: see its triggers).
    diesel::update(moderation_decisions::table.filter(moderation_decisions::decided_by.eq(&from)))
        .set(moderation_decisions::decided_by.eq(&to))
        .execute(conn)?;
    diesel::update(
        moderation_decisions::table.filter(moderation_decisions::appeal_decided_by.eq(&from)),
    )
    .set(moderation_decisions::appeal_decided_by.eq(&to))
    .execute(conn)?;
    diesel::update(post_reviews::table.filter(post_reviews::reviewed_by.eq(&from)))
        .set(post_reviews::reviewed_by.eq(&to))
        .execute(conn)?;
    diesel::update(moderation_log::table.filter(moderation_log::actor_id.eq(&from)))
        .set(moderation_log::actor_id.eq(&to))
        .execute(conn)?;
    diesel::update(moderation_log::table.filter(moderation_log::target_id.eq(&from)))
        .set(moderation_log::target_id.eq(&to))
        .execute(conn)?;
    // issue 20 (h20b): what a mediator did for offline residents stays, by the tombstone.
    crate::offline::pseudonymise_mediator(conn, &from, &to)?;
    Ok(())
}

/// The account itself goes, and with it (by its foreign keys) memberships, tokens, consents,
/// notifications, blocks, letters and the rest; so do the rows that name it without a foreign
/// key: failed sign-ins by its e-mail address and its idempotency keys (stored answers).
pub fn delete_account(
    conn: &mut DbConnection,
    user: UserId,
    email: &str,
) -> Result<(), PersistenceError> {
    let id = user.to_string();
    diesel::delete(login_failures::table.filter(login_failures::subject.eq(email)))
        .execute(conn)?;
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::scope.eq(&id)))
        .execute(conn)?;
    diesel::delete(users::table.find(&id)).execute(conn)?;
    Ok(())
}

/// Records an erasure: the tombstone, and the administrator who erased the account (none when
/// the person erased it themselves).
pub fn record_erasure(
    conn: &mut DbConnection,
    tombstone: UserId,
    admin: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(account_erasures::table)
        .values((
            account_erasures::id.eq(Uuid::new_v4().to_string()),
            account_erasures::tombstone_id.eq(tombstone.to_string()),
            account_erasures::actor_id.eq(admin.map(|a| a.to_string())),
            account_erasures::by_admin.eq(admin.is_some()),
            account_erasures::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

// Retention

/// Of cases resolved before `resolved_before`: their notes and referrals go, and the case
/// keeps its outcome and dates only (its summary and reason go too). Returns how many notes,
/// referrals and cases.
pub fn purge_case_data(
    conn: &mut DbConnection,
    resolved_before: DateTime<Utc>,
) -> Result<(usize, usize, usize), PersistenceError> {
    let old = || {
        cases::table
            .filter(cases::status.eq("resolved"))
            .filter(cases::updated_at.lt(to_db(resolved_before)))
    };
    let notes = diesel::delete(
        case_notes::table.filter(case_notes::case_id.eq_any(old().select(cases::id))),
    )
    .execute(conn)?;
    let referrals = diesel::delete(
        case_referrals::table.filter(case_referrals::case_id.eq_any(old().select(cases::id))),
    )
    .execute(conn)?;
    let redacted =
        diesel::update(old().filter(cases::summary.is_not_null().or(cases::reason.is_not_null())))
            .set((
                cases::summary.eq(None::<String>),
                cases::reason.eq(None::<String>),
            ))
            .execute(conn)?;
    Ok((notes, referrals, redacted))
}

/// The messages of matches that ended (declined, cancelled, completed, no-show) before
/// `ended_before`. Returns how many.
pub fn purge_match_messages(
    conn: &mut DbConnection,
    ended_before: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    let ended = matches::table
        .filter(matches::status.eq_any(["declined", "cancelled", "completed", "no_show"]))
        .filter(matches::updated_at.lt(to_db(ended_before)))
        .select(matches::id);
    Ok(
        diesel::delete(match_messages::table.filter(match_messages::match_id.eq_any(ended)))
            .execute(conn)?,
    )
}

/// Notifications made before `before`. Returns how many.
pub fn purge_notifications(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    use crate::schema::notifications;
    Ok(
        diesel::delete(notifications::table.filter(notifications::created_at.lt(to_db(before))))
            .execute(conn)?,
    )
}

/// E-mail and push deliveries settled (sent or given up) before `before`: the notices they
/// carried, and the addresses they went to. Pending ones stay. Returns how many.
pub fn purge_deliveries(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    use crate::schema::deliveries;
    Ok(diesel::delete(
        deliveries::table
            .filter(deliveries::settled_at.is_not_null())
            .filter(deliveries::settled_at.lt(to_db(before))),
    )
    .execute(conn)?)
}

// issue 20 (h20rest)
/// Call-list items marked done before `before`. Returns how many.
pub fn purge_call_list(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    use crate::schema::call_list_items;
    Ok(diesel::delete(
        call_list_items::table
            .filter(call_list_items::done_at.is_not_null())
            .filter(call_list_items::done_at.lt(to_db(before))),
    )
    .execute(conn)?)
}

/// Claim codes that expired before `now`. Returns how many.
pub fn purge_expired_claim_codes(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    use crate::schema::offline_claim_codes;
    Ok(diesel::delete(
        offline_claim_codes::table.filter(offline_claim_codes::expires_at.lt(to_db(now))),
    )
    .execute(conn)?)
}

/// Signals acknowledged before `before`, with their audit. Returns how many signals.
pub fn purge_acknowledged_signals(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
) -> Result<usize, PersistenceError> {
    use crate::schema::{signal_audit, signals};
    let old = || {
        signals::table
            .filter(signals::acknowledged_at.is_not_null())
            .filter(signals::acknowledged_at.lt(to_db(before)))
    };
    // The audit goes first: SQLite only cascades with its foreign keys switched on.
    diesel::delete(
        signal_audit::table.filter(signal_audit::signal_id.eq_any(old().select(signals::id))),
    )
    .execute(conn)?;
    Ok(diesel::delete(old()).execute(conn)?)
}

/// Webhook deliveries made before `before` that are done (delivered or given up), and partner
/// events from before it that no pending delivery still needs. Returns how many of each.
pub fn purge_partner_outbox(
    conn: &mut DbConnection,
    before: DateTime<Utc>,
) -> Result<(usize, usize), PersistenceError> {
    use crate::schema::{events, webhook_deliveries};
    let deliveries = diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::created_at.lt(to_db(before)))
            .filter(webhook_deliveries::status.ne("pending")),
    )
    .execute(conn)?;
    let pending = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq("pending"))
        .select(webhook_deliveries::event_seq);
    let events = diesel::delete(
        events::table
            .filter(events::occurred_at.lt(to_db(before)))
            .filter(events::seq.is_not_null())
            .filter(events::seq.assume_not_null().ne_all(pending)),
    )
    .execute(conn)?;
    Ok((deliveries, events))
}

/// When the login that `token_hash` (a refresh token of `user`'s, still current: neither spent
/// nor revoked nor expired at `now`) belongs to began: its first token's time.
pub fn login_began(
    conn: &mut DbConnection,
    user: UserId,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, PersistenceError> {
    use crate::schema::refresh_tokens;
    let family: Option<String> = refresh_tokens::table
        .filter(refresh_tokens::user_id.eq(user.to_string()))
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .filter(refresh_tokens::used_at.is_null())
        .filter(refresh_tokens::revoked_at.is_null())
        .filter(refresh_tokens::expires_at.gt(to_db(now)))
        .select(refresh_tokens::family_id)
        .first(conn)
        .optional()?;
    let Some(family) = family else {
        return Ok(None);
    };
    let began: Option<chrono::NaiveDateTime> = refresh_tokens::table
        .filter(refresh_tokens::family_id.eq(family))
        .select(diesel::dsl::min(refresh_tokens::created_at))
        .first(conn)?;
    Ok(began.map(crate::time::from_db))
}

// issue 18 for issue 20 (r2privacy)
/// Lasting help: the free text `user` wrote is blanked before their matches move to the
/// tombstone: their notes to the mediator on the sessions they recorded, and the reason they
/// gave for ending an arrangement. The sessions and the ending stay (the mediators' follow-up
/// and the lapse job count them); the other party's notes are the other party's.
pub fn blank_arrangement_text(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<(), PersistenceError> {
    use crate::schema::{arrangement_sessions as sessions, arrangements};
    let id = user.to_string();
    let as_requester = matches::table
        .filter(matches::requester_id.eq(&id))
        .select(matches::id);
    let as_helper = matches::table
        .filter(matches::helper_id.eq(&id))
        .select(matches::id);
    diesel::update(
        sessions::table
            .filter(sessions::recorded_by.eq("requester"))
            .filter(sessions::match_id.eq_any(as_requester)),
    )
    .set(sessions::note_to_mediator.eq(None::<String>))
    .execute(conn)?;
    diesel::update(
        sessions::table
            .filter(sessions::recorded_by.eq("helper"))
            .filter(sessions::match_id.eq_any(as_helper)),
    )
    .set(sessions::note_to_mediator.eq(None::<String>))
    .execute(conn)?;
    diesel::update(
        arrangements::table
            .filter(arrangements::ended_by.eq("requester"))
            .filter(arrangements::match_id.eq_any(as_requester)),
    )
    .set(arrangements::end_reason.eq(None::<String>))
    .execute(conn)?;
    diesel::update(
        arrangements::table
            .filter(arrangements::ended_by.eq("helper"))
            .filter(arrangements::match_id.eq_any(as_helper)),
    )
    .set(arrangements::end_reason.eq(None::<String>))
    .execute(conn)?;
    Ok(())
}
