//! Use cases of intake on behalf (issue 20): mediators register offline residents (neighbours
//! without an account), keep their records, file requests and take the requester's match steps
//! for them, hand them a code to claim their record once they make an account, and work the
//! call list of updates that reach them by phone. Everything a mediator does for a resident is
//! audited (`offline_audit`, and the case's audit log where the request has an open case).

use buurt_domain::accounts::{DisplayName, Language, Phone, Postcode, UserId, language_set};
use buurt_domain::matching::MatchId;
use buurt_domain::neighbourhoods::{Neighbourhood, NeighbourhoodId};
use buurt_domain::offline::{
    CLAIM_CODE_VALIDITY, ConsentMethod, OfflineResident, PostalAddress, Reach, RecordedConsent,
    claim_code_works,
};
use buurt_domain::policy::Action;
use buurt_domain::posts::PostId;
use buurt_persistence::offline::{self as repo, CallListItem, OfflineAuditEntry};
use buurt_persistence::{
    DbConnection, in_write_transaction, mediation, memberships, neighbourhoods,
};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Cx;
use crate::error::{AppError, ErrorCode, FieldErrors, FieldIssue};

/// Audit actions (what `offline_audit.action` holds).
pub mod actions {
    pub const REGISTER: &str = "register";
    pub const UPDATE: &str = "update";
    pub const READ: &str = "read";
    pub const FILE_REQUEST: &str = "file_request";
    pub const ISSUE_CLAIM_CODE: &str = "issue_claim_code";
    pub const CLAIMED: &str = "claimed";
    pub const CALLED: &str = "call_done";
    /// A mediator read a match's thread for the resident (issue 20, h20rest).
    pub const READ_MESSAGES: &str = "read_messages";
    /// A mediator wrote in a match's thread for the resident.
    pub const SEND_MESSAGE: &str = "match_message";
    /// A match step taken for the resident: `match_step:<accept|decline|…>`.
    pub fn match_step(step: &str) -> String {
        format!("match_step:{step}")
    }
}

/// The neighbourhood, when `caller` mediates there (not found without it; forbidden to
/// everyone but its mediators).
pub fn as_mediator(
    conn: &mut DbConnection,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
) -> Result<Neighbourhood, AppError> {
    let place =
        neighbourhoods::find_neighbourhood(conn, neighbourhood)?.ok_or(AppError::NotFound)?;
    let actor = memberships::actor(conn, caller, &place)?;
    crate::moderation::permit(&actor, Action::ActForOfflineResidents)?;
    Ok(place)
}

/// Whether `user` is an offline resident (the seam other areas ask).
pub fn is_offline(conn: &mut DbConnection, user: UserId) -> Result<bool, AppError> {
    Ok(repo::is_offline(conn, user)?)
}

/// Whether `caller` may act for `author` in `neighbourhood`: `author` is an offline resident
/// and `caller` mediates there.
pub fn may_act_for(
    conn: &mut DbConnection,
    caller: UserId,
    author: UserId,
    neighbourhood: NeighbourhoodId,
) -> Result<bool, AppError> {
    if caller == author || !repo::is_offline(conn, author)? {
        return Ok(false);
    }
    let Some(place) = neighbourhoods::find_neighbourhood(conn, neighbourhood)? else {
        return Ok(false);
    };
    Ok(memberships::actor(conn, caller, &place)?.may(Action::ActForOfflineResidents))
}

/// Records that `mediator` did `action` for `resident` about `subject`; in the case's audit
/// log too when `request` has an open case.
pub fn audit(
    conn: &mut DbConnection,
    resident: UserId,
    mediator: UserId,
    action: &str,
    subject: Option<Uuid>,
    request: Option<PostId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    repo::audit(conn, resident, Some(mediator), action, subject, now)?;
    if let Some(request) = request {
        audit_on_case(conn, mediator, action, request, None, now)?;
    }
    Ok(())
}

/// `audit` of a step about match `about` (of `request`): the case's entry names the match.
pub fn audit_match(
    conn: &mut DbConnection,
    resident: UserId,
    mediator: UserId,
    action: &str,
    about: MatchId,
    request: PostId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    repo::audit(conn, resident, Some(mediator), action, Some(about.0), now)?;
    audit_on_case(conn, mediator, action, request, Some(about), now)
}

fn audit_on_case(
    conn: &mut DbConnection,
    mediator: UserId,
    action: &str,
    request: PostId,
    about: Option<MatchId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some(case) = mediation::open_case_of(conn, request)? {
        mediation::audit_about(
            conn,
            case.id,
            Some(mediator),
            &format!("offline:{action}"),
            about,
            now,
        )?;
    }
    Ok(())
}

/// What a mediator writes down at intake (raw, validated here).
#[derive(Debug, Clone, Default)]
pub struct ResidentInput {
    pub display_name: Option<String>,
    pub phone: Option<Option<String>>,
    pub postal_address: Option<Option<String>>,
    pub postcode: Option<String>,
    pub languages: Option<Vec<String>>,
    pub consent_method: Option<String>,
    pub consent_given_at: Option<DateTime<Utc>>,
}

fn consent_method(raw: &str) -> Result<ConsentMethod, FieldIssue> {
    ConsentMethod::parse(raw).ok_or_else(|| {
        FieldIssue::invalid(
            "one of: phone, in_person, paper",
            "een van: phone, in_person, paper",
        )
    })
}

/// Applies `input` to `base` (a new record when `None`), checking every field; all problems
/// are reported at once.
fn apply(
    place: &Neighbourhood,
    base: Option<&OfflineResident>,
    input: ResidentInput,
    now: DateTime<Utc>,
) -> Result<(DisplayName, Postcode, Vec<Language>, Reach, RecordedConsent), AppError> {
    let mut errors = FieldErrors::default();
    let display_name = match (&input.display_name, base) {
        (Some(raw), _) => errors.check("display_name", DisplayName::parse(raw)),
        (None, Some(base)) => Some(base.display_name.clone()),
        (None, None) => {
            errors.push("display_name", FieldIssue::Required);
            None
        }
    };
    let postcode = match (&input.postcode, base) {
        (Some(raw), _) => errors
            .check("postcode", Postcode::parse(raw))
            .and_then(|postcode| {
                if place.covers(&postcode) {
                    Some(postcode)
                } else {
                    errors.push(
                        "postcode",
                        FieldIssue::invalid(
                            "a postcode inside this neighbourhood",
                            "een postcode in deze buurt",
                        ),
                    );
                    None
                }
            }),
        (None, Some(base)) => Some(base.postcode.clone()),
        (None, None) => {
            errors.push("postcode", FieldIssue::Required);
            None
        }
    };
    let languages = match (input.languages, base) {
        (Some(raw), _) => {
            let parsed: Result<Vec<Language>, _> =
                raw.iter().map(|code| Language::parse(code)).collect();
            errors.check("languages", parsed.and_then(language_set))
        }
        (None, Some(base)) => Some(base.languages.clone()),
        (None, None) => Some(Vec::new()),
    };
    let phone = match (input.phone, base) {
        (Some(raw), _) => errors.check_optional("phone", raw.as_deref(), Phone::parse),
        (None, Some(base)) => Some(base.reach.phone.clone()),
        (None, None) => Some(None),
    };
    let address = match (input.postal_address, base) {
        (Some(raw), _) => {
            errors.check_optional("postal_address", raw.as_deref(), PostalAddress::parse)
        }
        (None, Some(base)) => Some(base.reach.postal_address.clone()),
        (None, None) => Some(None),
    };
    let reach = match (phone, address) {
        (Some(phone), Some(address)) => match Reach::new(phone, address) {
            Ok(reach) => Some(reach),
            Err(_) => {
                errors.push(
                    "phone",
                    FieldIssue::invalid(
                        "a phone number or a postal address (at least one)",
                        "een telefoonnummer of een postadres (minstens een)",
                    ),
                );
                None
            }
        },
        _ => None,
    };
    let method = match (&input.consent_method, base) {
        (Some(raw), _) => match consent_method(raw) {
            Ok(method) => Some(method),
            Err(issue) => {
                errors.push("consent_method", issue);
                None
            }
        },
        (None, Some(base)) => Some(base.consent.method),
        (None, None) => {
            errors.push("consent_method", FieldIssue::Required);
            None
        }
    };
    let given_at = match (input.consent_given_at, base) {
        (Some(at), _) => Some(at),
        (None, Some(base)) => Some(base.consent.given_at),
        (None, None) => {
            errors.push("consent_given_at", FieldIssue::Required);
            None
        }
    };
    let consent = match (method, given_at) {
        (Some(method), Some(given_at)) => match RecordedConsent::new(method, given_at, now) {
            Ok(consent) => Some(consent),
            Err(_) => {
                errors.push(
                    "consent_given_at",
                    FieldIssue::invalid(
                        "a moment not in the future",
                        "een moment niet in de toekomst",
                    ),
                );
                None
            }
        },
        _ => None,
    };
    errors.finish()?;
    match (display_name, postcode, languages, reach, consent) {
        (Some(name), Some(postcode), Some(languages), Some(reach), Some(consent)) => {
            Ok((name, postcode, languages, reach, consent))
        }
        // Every `None` above recorded its problem, and `finish` returned it.
        _ => Err(AppError::Refused(ErrorCode::ValidationFailed)),
    }
}

/// A mediator registers an offline resident of their neighbourhood.
pub fn register_resident(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    input: ResidentInput,
) -> Result<OfflineResident, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let place = as_mediator(conn, caller, neighbourhood)?;
        let (display_name, postcode, languages, reach, consent) = apply(&place, None, input, now)?;
        let resident = OfflineResident {
            id: UserId::new(),
            neighbourhood_id: place.id,
            display_name,
            postcode,
            languages,
            reach,
            consent,
            registered_by: caller,
            created_at: now,
            updated_at: now,
        };
        repo::insert_resident(conn, &resident)?;
        repo::audit(
            conn,
            resident.id,
            Some(caller),
            actions::REGISTER,
            None,
            now,
        )?;
        Ok(resident)
    })
}

/// The offline residents of a neighbourhood (its mediators).
pub fn list_residents(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
) -> Result<Vec<OfflineResident>, AppError> {
    as_mediator(cx.conn, caller, neighbourhood)?;
    Ok(repo::list_residents(cx.conn, neighbourhood)?)
}

/// The resident `id` of `neighbourhood`, or not found.
fn resident_here(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    id: UserId,
    lock: bool,
) -> Result<OfflineResident, AppError> {
    let found = if lock {
        repo::lock_resident(conn, id)?
    } else {
        repo::find_resident(conn, id)?
    };
    found
        .filter(|resident| resident.neighbourhood_id == neighbourhood)
        .ok_or(AppError::NotFound)
}

/// One resident with what was done for them (its mediators; the read is audited).
pub fn get_resident(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    id: UserId,
) -> Result<(OfflineResident, Vec<OfflineAuditEntry>), AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        as_mediator(conn, caller, neighbourhood)?;
        let resident = resident_here(conn, neighbourhood, id, false)?;
        repo::audit(conn, id, Some(caller), actions::READ, None, now)?;
        let entries = repo::audit_entries(conn, id)?;
        Ok((resident, entries))
    })
}

/// A mediator corrects a resident's record; absent fields stay.
pub fn update_resident(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    id: UserId,
    input: ResidentInput,
) -> Result<OfflineResident, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let place = as_mediator(conn, caller, neighbourhood)?;
        let mut resident = resident_here(conn, neighbourhood, id, true)?;
        let (display_name, postcode, languages, reach, consent) =
            apply(&place, Some(&resident), input, now)?;
        resident.display_name = display_name;
        resident.postcode = postcode;
        resident.languages = languages;
        resident.reach = reach;
        resident.consent = consent;
        resident.updated_at = now;
        repo::update_resident(conn, &resident)?;
        repo::audit(conn, id, Some(caller), actions::UPDATE, None, now)?;
        Ok(resident)
    })
}

/// A mediator issues a claim code for a resident (the caller made it and keeps only its
/// hash here); an earlier code stops working. Returns when it expires.
pub fn issue_claim_code(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    id: UserId,
    code_hash: &str,
) -> Result<DateTime<Utc>, AppError> {
    let now = cx.now();
    let expires_at = now + CLAIM_CODE_VALIDITY;
    in_write_transaction(cx.conn, |conn| {
        as_mediator(conn, caller, neighbourhood)?;
        resident_here(conn, neighbourhood, id, true)?;
        repo::replace_claim_code(conn, code_hash, id, caller, now, expires_at)?;
        repo::audit(conn, id, Some(caller), actions::ISSUE_CLAIM_CODE, None, now)?;
        Ok(expires_at)
    })
}

/// The signed-in `caller` claims the offline record a code names: everything keyed by it
/// (posts, matches, cases, memberships, consents, activity answers, monitoring facts, the
/// audit trail about them: see `buurt_persistence::claims::ON_CLAIM`) becomes theirs, the
/// intake record is kept for their export, and the offline record ends. A code works
/// once, before it expires; of two redeeming it at once exactly one succeeds.
pub fn claim(cx: &mut Cx<'_>, caller: UserId, code_hash: &str) -> Result<UserId, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        if repo::is_offline(conn, caller)? {
            return Err(ErrorCode::Forbidden.into());
        }
        let (resident, expires_at) =
            repo::take_claim_code(conn, code_hash)?.ok_or(ErrorCode::ClaimCodeInvalid)?;
        if !claim_code_works(expires_at, now) {
            // The refusal rolls the delete back: the expired code stays, and never works.
            return Err(ErrorCode::ClaimCodeInvalid.into());
        }
        repo::lock_resident(conn, resident)?.ok_or(ErrorCode::ClaimCodeInvalid)?;
        repo::audit(
            conn,
            resident,
            Some(caller),
            actions::CLAIMED,
            Some(caller.0),
            now,
        )?;
        buurt_persistence::claims::merge_into(conn, resident, caller, now)?;
        Ok(resident)
    })
}

/// Reaches an offline resident with an update (called where a notice to them is recorded):
/// by SMS when the server has a gateway (`routes.sms`) and the resident a phone number a
/// gateway takes, otherwise on their neighbourhood's call list. `false` when `notice.to` is
/// not an offline resident.
pub fn reach_offline(
    conn: &mut DbConnection,
    notice: &buurt_domain::effects::Notice,
    at: DateTime<Utc>,
    routes: crate::outbox::Routes,
) -> Result<bool, buurt_persistence::PersistenceError> {
    let Some((neighbourhood, phone)) = repo::offline_contact(conn, notice.to)? else {
        return Ok(false);
    };
    if routes.sms && phone.as_ref().and_then(Phone::e164).is_some() {
        crate::deliveries::record_sms(conn, notice, at)?;
        return Ok(true);
    }
    repo::add_to_call_list(
        conn,
        neighbourhood,
        notice.to,
        notice.kind.as_str(),
        notice.post,
        notice.about_match,
        at,
    )?;
    Ok(true)
}

/// Puts an update that could not be sent by SMS (`delivery`, failed for good) on the
/// resident's call list, so it is not lost; nothing when they are no longer an offline
/// resident (they claimed their record). Call it in the transaction that settles the delivery.
pub fn fall_back_to_call_list(
    conn: &mut DbConnection,
    delivery: &buurt_persistence::deliveries::Delivery,
    at: DateTime<Utc>,
) -> Result<(), buurt_persistence::PersistenceError> {
    let Some(neighbourhood) = repo::offline_neighbourhood(conn, delivery.user_id)? else {
        return Ok(());
    };
    let payload: serde_json::Value = serde_json::from_str(&delivery.payload).map_err(|error| {
        buurt_persistence::PersistenceError::Corrupt(format!("delivery payload: {error}"))
    })?;
    let id = |key: &str| {
        payload[key]
            .as_str()
            .and_then(|raw| Uuid::parse_str(raw).ok())
    };
    repo::add_to_call_list(
        conn,
        neighbourhood,
        delivery.user_id,
        &delivery.kind,
        id("post_id").map(PostId),
        id("match_id").map(buurt_domain::matching::MatchId),
        at,
    )?;
    Ok(())
}

/// The call list of a neighbourhood (its mediators): open items, or all with `with_done`.
pub fn call_list(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    with_done: bool,
) -> Result<Vec<CallListItem>, AppError> {
    as_mediator(cx.conn, caller, neighbourhood)?;
    Ok(repo::call_list(cx.conn, neighbourhood, with_done)?)
}

/// A mediator marks an item of the call list done (again: stays as it was).
pub fn mark_called(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    item: Uuid,
) -> Result<CallListItem, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        as_mediator(conn, caller, neighbourhood)?;
        let found = repo::find_call_item(conn, item)?
            .filter(|found| found.neighbourhood_id == neighbourhood)
            .ok_or(AppError::NotFound)?;
        if repo::mark_call_done(conn, item, caller, now)? {
            repo::audit(
                conn,
                found.resident_id,
                Some(caller),
                actions::CALLED,
                Some(item),
                now,
            )?;
        }
        repo::find_call_item(conn, item)?.ok_or(AppError::NotFound)
    })
}

/// A mediator files a request for offline resident `resident` of the neighbourhood: the
/// resident is its author (the rules of posting apply to them), the mediator is recorded as
/// its filer and audited.
pub fn file_request(
    cx: &mut Cx<'_>,
    caller: UserId,
    neighbourhood: NeighbourhoodId,
    resident: UserId,
    input: buurt_domain::posts::PostInput<'_>,
    images: &[buurt_domain::images::ImageId],
) -> Result<crate::posts::PostWithAuthor, AppError> {
    let clock = cx.clock();
    let limits = cx.limits();
    let routes = cx.routes();
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        as_mediator(conn, caller, neighbourhood)?;
        if resident_here(conn, neighbourhood, resident, true).is_err() {
            return Err(AppError::invalid(
                "on_behalf_of",
                FieldIssue::invalid(
                    "an offline resident of this neighbourhood",
                    "een offline bewoner van deze buurt",
                ),
            ));
        }
        if input.kind != Some(buurt_domain::posts::PostKind::Request) {
            return Err(AppError::invalid(
                "on_behalf_of",
                FieldIssue::invalid(
                    "only requests are filed for someone else",
                    "alleen hulpvragen worden namens een ander geplaatst",
                ),
            ));
        }
        let mut inner = Cx::new(conn, clock).with_limits(limits).with_routes(routes);
        let created =
            crate::posts::create_post(&mut inner, resident, neighbourhood, input, images)?;
        repo::record_filing(conn, created.post.id, caller, now)?;
        audit(
            conn,
            resident,
            caller,
            actions::FILE_REQUEST,
            Some(created.post.id.0),
            Some(created.post.id),
            now,
        )?;
        Ok(created)
    })
}
