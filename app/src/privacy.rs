//! Privacy (AVG/GDPR): erasing an account, the export of everything Buurt holds about a
//! person, and retention.
//!
//! Erasure happens in one transaction, one function per area below; a table added later that
//! holds a user id or a contact detail gets its line in one of them (or a foreign key that
//! cascades), and the test `privacy::erasure_leaves_no_trace` fails until it does.

use buurt_domain::accounts::UserId;
use buurt_domain::posts::{PostKind, PostStatus};
use buurt_persistence::privacy as repo;
use buurt_persistence::{DbConnection, accounts, in_write_transaction, memberships};

use crate::error::{AppError, ErrorCode};
use crate::{Clock, Cx};

pub mod export;
pub mod retention;

pub use buurt_persistence::privacy::FORMER_RESIDENT;

use crate::text::{Lang, Text};

/// What an erased person's remaining posts, matches, answers and notes are shown under, in the
/// reader's language (stored as [`FORMER_RESIDENT`]).
pub const FORMER_RESIDENT_NAME: Text = Text::new("former resident", "voormalig bewoner");

/// A person's name as a reader of `lang` sees it: an erased account's tombstone reads "former
/// resident" or "voormalig bewoner"; any other name as it is.
pub fn shown_name(stored: &str, lang: Lang) -> String {
    if stored == FORMER_RESIDENT {
        FORMER_RESIDENT_NAME.get(lang).to_owned()
    } else {
        stored.to_owned()
    }
}

/// How long after signing in a login counts as fresh: enough to erase one's account without
/// typing the password again.
pub const FRESH_LOGIN: chrono::Duration = chrono::Duration::minutes(10);

/// The caller proves it is the person by a login of theirs that began within `FRESH_LOGIN`:
/// `token_hash` is the hash of its current refresh token. `login_not_fresh` otherwise.
pub fn check_fresh_login(cx: &mut Cx<'_>, user: UserId, token_hash: &str) -> Result<(), AppError> {
    let now = cx.now();
    match repo::login_began(cx.conn, user, token_hash, now)? {
        Some(began) if now - began <= FRESH_LOGIN => Ok(()),
        _ => Err(ErrorCode::LoginNotFresh.into()),
    }
}

/// Who erases an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasedBy {
    /// The person themselves (their password checked by the caller).
    Themselves,
    /// A platform administrator; recorded with the erasure.
    Admin(UserId),
}

/// What an erasure leaves to do outside the database, and whom it left in the person's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    /// The tombstone now standing in for the person.
    pub tombstone: UserId,
    /// The person's uploads, whose rows went with the account: their stored bytes (photos,
    /// an avatar) are to be deleted too.
    pub uploads: Vec<buurt_domain::images::ImageId>,
}

/// Erases `user`'s account in one transaction: live matches cancelled (the other party told),
/// RSVPs withdrawn (the waitlist moves up), open requests closed (their cases withdrawn),
/// posts others depend on kept under a tombstone shown as "voormalig bewoner" and the rest
/// deleted, cases, audit entries and monitoring facts moved to the tombstone, and the account
/// with its contact details, postcode, skills, memberships, tokens, consents, notifications
/// and blocks gone. The last moderator of a neighbourhood, or the last platform administrator,
/// is refused as when leaving. Returns the tombstone's id and the uploads whose bytes are to
/// go (the caller deletes them from the image store once this has committed).
pub fn erase_account(cx: &mut Cx<'_>, user: UserId, by: ErasedBy) -> Result<Erased, AppError> {
    let clock = cx.clock();
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        if let ErasedBy::Admin(admin) = by {
            crate::accounts::require_admin(conn, admin)?;
        }
        accounts::lock_user(conn, user)?;
        let account = accounts::find_user(conn, user)?.ok_or(AppError::NotFound)?;
        if repo::is_tombstone(conn, user)? {
            return Err(AppError::NotFound);
        }
        refuse_last_of_their_kind(conn, user, account.platform_admin)?;
        let uploads = buurt_persistence::images::uploads_of(conn, user)?;
        end_matches(conn, clock, routes, user)?;
        withdraw_rsvps(conn, clock, routes, user)?;
        withdraw_occurrence_rsvps(conn, clock, routes, user)?;
        repo::blank_arrangement_text(conn, user)?;
        let tombstone = repo::insert_tombstone(conn, now)?;
        settle_posts(conn, clock, routes, user)?;
        repo::pseudonymise_contributions(conn, user, tombstone)?;
        repo::pseudonymise_casework(conn, user, tombstone)?;
        repo::pseudonymise_logs(conn, user, tombstone)?;
        repo::delete_account(conn, user, account.email.as_str())?;
        let admin = match by {
            ErasedBy::Admin(admin) => Some(admin),
            ErasedBy::Themselves => None,
        };
        repo::record_erasure(conn, tombstone, admin, now)?;
        Ok(Erased { tombstone, uploads })
    })
}

/// The last active moderator of a neighbourhood must hand over first, as when leaving it; so
/// must the last platform administrator.
fn refuse_last_of_their_kind(
    conn: &mut DbConnection,
    user: UserId,
    platform_admin: bool,
) -> Result<(), AppError> {
    for neighbourhood in repo::moderated_neighbourhoods(conn, user)? {
        if memberships::other_active_moderators(conn, neighbourhood, user)? == 0 {
            return Err(ErrorCode::LastModerator.into());
        }
    }
    if platform_admin && repo::other_platform_admins(conn, user)? == 0 {
        return Err(ErrorCode::LastAdmin.into());
    }
    Ok(())
}

/// Live matches end as the person would end them (a cancellation, or declining a proposal
/// made to them), so the request follows and the other party is told.
fn end_matches(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    routes: crate::outbox::Routes,
    user: UserId,
) -> Result<(), AppError> {
    for id in repo::live_matches_of(conn, user)? {
        let mut cx = Cx::new(conn, clock).with_routes(routes);
        if crate::matching::cancel_match(&mut cx, id, user).is_err() {
            crate::matching::decline_match(&mut cx, id, user)?;
        }
    }
    Ok(())
}

/// Answers to activities that have not begun are withdrawn (the waitlist moves up); those of
/// activities under way or past stay, for the attendance figures, under the tombstone.
fn withdraw_rsvps(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    routes: crate::outbox::Routes,
    user: UserId,
) -> Result<(), AppError> {
    for post in repo::active_rsvps_of(conn, user)? {
        match crate::activities::cancel_rsvp(
            &mut Cx::new(conn, clock).with_routes(routes),
            user,
            post,
        ) {
            Ok(()) | Err(AppError::Refused(_) | AppError::NotFound) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Answers for occurrences of a series (issue 20) that have not ended are withdrawn, so each
/// occurrence's waitlist moves up; the rest go with the account (by their foreign key).
fn withdraw_occurrence_rsvps(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    routes: crate::outbox::Routes,
    user: UserId,
) -> Result<(), AppError> {
    for (post, on) in buurt_persistence::occurrences::active_of(conn, user)? {
        let mut cx = Cx::new(conn, clock).with_routes(routes);
        match crate::activities::cancel_occurrence(&mut cx, user, post, on) {
            Ok(()) | Err(AppError::Refused(_) | AppError::NotFound | AppError::Invalid(_)) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Open requests are closed (a case in mediation is withdrawn); what others depend on (an
/// activity others answered, a request with matches or a case) stays, everything else is
/// deleted.
fn settle_posts(
    conn: &mut DbConnection,
    clock: &dyn Clock,
    routes: crate::outbox::Routes,
    user: UserId,
) -> Result<(), AppError> {
    for (post, kind, status) in repo::posts_of(conn, user)? {
        let open = matches!(
            status,
            PostStatus::Open | PostStatus::InMediation | PostStatus::Matched
        );
        if kind == PostKind::Request && open {
            crate::posts::close_post(&mut Cx::new(conn, clock).with_routes(routes), user, post)?;
        }
        if !repo::others_depend_on(conn, post, kind, user)? {
            crate::posts::delete_post(&mut Cx::new(conn, clock).with_routes(routes), user, post)?;
        }
    }
    Ok(())
}
