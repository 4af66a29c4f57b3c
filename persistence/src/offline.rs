//! Offline residents (issue 20, intake on behalf): their user row and record, the requests
//! filed for them, what the mediators did for them, their claim codes, the merge into an
//! account when they claim it, and the mediators' call list.

use buurt_domain::accounts::{DisplayName, Language, Phone, Postcode, UserId};
use buurt_domain::matching::MatchId;
use buurt_domain::membership::{Membership, MembershipStatus, Role, Verification};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::offline::{
    ConsentMethod, OfflineResident, PostalAddress, Reach, RecordedConsent,
};
use buurt_domain::posts::PostId;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::Stored;
use crate::schema::{
    call_list_items, offline_audit, offline_claim_codes, offline_filings, offline_residents, users,
};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

fn corrupt(what: &str, value: &str) -> PersistenceError {
    PersistenceError::Corrupt(format!("offline resident {what} holds {value:?}"))
}

type ResidentRow = (
    String,
    String,
    Option<String>,
    String,
    NaiveDateTime,
    String,
    NaiveDateTime,
    NaiveDateTime,
    String,
    Option<String>,
    Option<String>,
    String,
);

fn resident_columns() -> (
    offline_residents::user_id,
    offline_residents::neighbourhood_id,
    offline_residents::postal_address,
    offline_residents::consent_method,
    offline_residents::consent_given_at,
    offline_residents::registered_by,
    offline_residents::created_at,
    offline_residents::updated_at,
    users::display_name,
    users::postcode,
    users::phone,
    users::languages,
) {
    (
        offline_residents::user_id,
        offline_residents::neighbourhood_id,
        offline_residents::postal_address,
        offline_residents::consent_method,
        offline_residents::consent_given_at,
        offline_residents::registered_by,
        offline_residents::created_at,
        offline_residents::updated_at,
        users::display_name,
        users::postcode,
        users::phone,
        users::languages,
    )
}

fn uuid(what: &str, raw: &str) -> Result<Uuid, PersistenceError> {
    Uuid::parse_str(raw).map_err(|_| corrupt(what, raw))
}

fn resident(row: ResidentRow) -> Result<OfflineResident, PersistenceError> {
    let (id, place, address, method, given_at, by, created, updated, name, postcode, phone, langs) =
        row;
    let postcode = postcode.ok_or_else(|| corrupt("postcode", ""))?;
    Ok(OfflineResident {
        id: UserId(uuid("id", &id)?),
        neighbourhood_id: NeighbourhoodId(uuid("neighbourhood", &place)?),
        display_name: DisplayName::parse(&name).map_err(|_| corrupt("name", &name))?,
        postcode: Postcode::parse(&postcode).map_err(|_| corrupt("postcode", &postcode))?,
        languages: langs
            .split(',')
            .filter(|code| !code.is_empty())
            .map(|code| Language::parse(code).map_err(|_| corrupt("languages", &langs)))
            .collect::<Result<_, _>>()?,
        reach: Reach {
            phone: phone
                .map(|raw| Phone::parse(&raw).map_err(|_| corrupt("phone", &raw)))
                .transpose()?,
            postal_address: address
                .map(|raw| PostalAddress::parse(&raw).map_err(|_| corrupt("address", &raw)))
                .transpose()?,
        },
        consent: RecordedConsent {
            method: ConsentMethod::parse(&method).ok_or_else(|| corrupt("consent", &method))?,
            given_at: from_db(given_at),
        },
        registered_by: UserId(uuid("registered_by", &by)?),
        created_at: from_db(created),
        updated_at: from_db(updated),
    })
}

fn languages(resident: &OfflineResident) -> String {
    resident
        .languages
        .iter()
        .map(Language::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// Stores a new offline resident: a user row nobody can sign in to (an address that receives
/// no mail, no password anyone can match), its record, and an active membership verified by
/// the mediator who met them.
pub fn insert_resident(
    conn: &mut DbConnection,
    resident: &OfflineResident,
) -> Result<(), PersistenceError> {
    let id = resident.id.to_string();
    let now = to_db(resident.created_at);
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::email.eq(format!("offline-{id}@offline.invalid")),
            users::password_hash.eq("!"),
            users::display_name.eq(resident.display_name.as_str()),
            users::postcode.eq(resident.postcode.as_str()),
            users::phone.eq(resident.reach.phone.as_ref().map(Phone::as_str)),
            users::skills.eq(""),
            users::interests.eq(""),
            users::languages.eq(languages(resident)),
            users::platform_admin.eq(false),
            users::email_verified.eq(false),
            users::created_at.eq(now),
            users::updated_at.eq(now),
            users::token_generation.eq(0_i64),
            users::offline.eq(true),
        ))
        .execute(conn)?;
    diesel::insert_into(offline_residents::table)
        .values((
            offline_residents::user_id.eq(&id),
            offline_residents::neighbourhood_id.eq(resident.neighbourhood_id.to_string()),
            offline_residents::postal_address.eq(resident
                .reach
                .postal_address
                .as_ref()
                .map(PostalAddress::as_str)),
            offline_residents::consent_method.eq(resident.consent.method.as_str()),
            offline_residents::consent_given_at.eq(to_db(resident.consent.given_at)),
            offline_residents::registered_by.eq(resident.registered_by.to_string()),
            offline_residents::created_at.eq(now),
            offline_residents::updated_at.eq(now),
        ))
        .execute(conn)?;
    crate::memberships::insert_membership(
        conn,
        &Membership {
            neighbourhood_id: resident.neighbourhood_id,
            user_id: resident.id,
            role: Role::Resident,
            status: MembershipStatus::Active,
            joined_at: resident.created_at,
            updated_at: resident.created_at,
            verification: Some(Verification::Vouch),
            verified_by: Some(resident.registered_by),
            via_postcode: false,
        },
    )?;
    Ok(())
}

/// Stores what changed of a resident (all of its fields as `resident` holds them).
pub fn update_resident(
    conn: &mut DbConnection,
    resident: &OfflineResident,
) -> Result<(), PersistenceError> {
    let id = resident.id.to_string();
    let now = to_db(resident.updated_at);
    diesel::update(users::table.find(&id))
        .set((
            users::display_name.eq(resident.display_name.as_str()),
            users::postcode.eq(resident.postcode.as_str()),
            users::phone.eq(resident.reach.phone.as_ref().map(Phone::as_str)),
            users::languages.eq(languages(resident)),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(offline_residents::table.find(&id))
        .set((
            offline_residents::postal_address.eq(resident
                .reach
                .postal_address
                .as_ref()
                .map(PostalAddress::as_str)),
            offline_residents::consent_method.eq(resident.consent.method.as_str()),
            offline_residents::consent_given_at.eq(to_db(resident.consent.given_at)),
            offline_residents::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// One offline resident.
pub fn find_resident(
    conn: &mut DbConnection,
    id: UserId,
) -> Result<Option<OfflineResident>, PersistenceError> {
    offline_residents::table
        .inner_join(users::table)
        .filter(offline_residents::user_id.eq(id.to_string()))
        .select(resident_columns())
        .first::<ResidentRow>(conn)
        .optional()?
        .map(resident)
        .transpose()
}

/// One offline resident, its row locked until the transaction ends (PostgreSQL; SQLite's
/// write transaction holds the whole database).
pub fn lock_resident(
    conn: &mut DbConnection,
    id: UserId,
) -> Result<Option<OfflineResident>, PersistenceError> {
    if let DbConnection::Postgresql(pg) = conn {
        offline_residents::table
            .filter(offline_residents::user_id.eq(id.to_string()))
            .select(offline_residents::user_id)
            .for_update()
            .first::<String>(pg)
            .optional()?;
    }
    find_resident(conn, id)
}

/// The offline residents of a neighbourhood, oldest first.
pub fn list_residents(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
) -> Result<Vec<OfflineResident>, PersistenceError> {
    offline_residents::table
        .inner_join(users::table)
        .filter(offline_residents::neighbourhood_id.eq(neighbourhood.to_string()))
        .order((offline_residents::created_at, offline_residents::user_id))
        .select(resident_columns())
        .load::<ResidentRow>(conn)?
        .into_iter()
        .map(resident)
        .collect()
}

/// Whether `user` is an offline resident; with their neighbourhood when so.
pub fn offline_neighbourhood(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Option<NeighbourhoodId>, PersistenceError> {
    offline_residents::table
        .filter(offline_residents::user_id.eq(user.to_string()))
        .select(offline_residents::neighbourhood_id)
        .first::<Stored<NeighbourhoodId>>(conn)
        .optional()
        .map(|found| found.map(|n| n.0))
        .map_err(Into::into)
}

/// An offline resident's neighbourhood and phone number; `None` for anyone else.
pub fn offline_contact(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Option<(NeighbourhoodId, Option<Phone>)>, PersistenceError> {
    let found = offline_residents::table
        .inner_join(users::table)
        .filter(offline_residents::user_id.eq(user.to_string()))
        .select((offline_residents::neighbourhood_id, users::phone))
        .first::<(Stored<NeighbourhoodId>, Option<String>)>(conn)
        .optional()?;
    found
        .map(|(place, phone)| {
            let phone = phone
                .map(|raw| Phone::parse(&raw).map_err(|_| corrupt("phone", &raw)))
                .transpose()?;
            Ok((place.0, phone))
        })
        .transpose()
}

/// Whether `user` is an offline resident (no account of their own).
pub fn is_offline(conn: &mut DbConnection, user: UserId) -> Result<bool, PersistenceError> {
    Ok(users::table
        .find(user.to_string())
        .select(users::offline)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

/// Records that `filed_by` filed request `post` for its (offline) author.
pub fn record_filing(
    conn: &mut DbConnection,
    post: PostId,
    filed_by: UserId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(offline_filings::table)
        .values((
            offline_filings::post_id.eq(post.to_string()),
            offline_filings::filed_by.eq(filed_by.to_string()),
            offline_filings::filed_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Who filed `post` for its author, when a mediator did.
pub fn filed_by(conn: &mut DbConnection, post: PostId) -> Result<Option<UserId>, PersistenceError> {
    Ok(offline_filings::table
        .find(post.to_string())
        .select(offline_filings::filed_by)
        .first::<Stored<UserId>>(conn)
        .optional()?
        .map(|id| id.0))
}

/// One thing a mediator did for an offline resident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineAuditEntry {
    pub actor_id: Option<UserId>,
    pub action: String,
    pub subject_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

/// Writes an audit entry about `resident`.
pub fn audit(
    conn: &mut DbConnection,
    resident: UserId,
    actor: Option<UserId>,
    action: &str,
    subject: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(offline_audit::table)
        .values((
            offline_audit::id.eq(Uuid::new_v4().to_string()),
            offline_audit::resident_id.eq(resident.to_string()),
            offline_audit::actor_id.eq(actor.map(|a| a.to_string())),
            offline_audit::action.eq(action),
            offline_audit::subject_id.eq(subject.map(|s| s.to_string())),
            offline_audit::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The audit entries about `resident`, oldest first.
pub fn audit_entries(
    conn: &mut DbConnection,
    resident: UserId,
) -> Result<Vec<OfflineAuditEntry>, PersistenceError> {
    type Row = (
        Option<Stored<UserId>>,
        String,
        Option<Stored<Uuid>>,
        NaiveDateTime,
    );
    let rows: Vec<Row> = offline_audit::table
        .filter(offline_audit::resident_id.eq(resident.to_string()))
        .order((offline_audit::created_at, offline_audit::id))
        .select((
            offline_audit::actor_id,
            offline_audit::action,
            offline_audit::subject_id,
            offline_audit::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(actor, action, subject, at)| OfflineAuditEntry {
            actor_id: actor.map(|a| a.0),
            action,
            subject_id: subject.map(|s| s.0),
            at: from_db(at),
        })
        .collect())
}

/// Stores a claim code's hash for `resident`; earlier codes of theirs stop working.
pub fn replace_claim_code(
    conn: &mut DbConnection,
    code_hash: &str,
    resident: UserId,
    created_by: UserId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::delete(
        offline_claim_codes::table
            .filter(offline_claim_codes::resident_id.eq(resident.to_string())),
    )
    .execute(conn)?;
    diesel::insert_into(offline_claim_codes::table)
        .values((
            offline_claim_codes::code_hash.eq(code_hash),
            offline_claim_codes::resident_id.eq(resident.to_string()),
            offline_claim_codes::created_by.eq(created_by.to_string()),
            offline_claim_codes::created_at.eq(to_db(now)),
            offline_claim_codes::expires_at.eq(to_db(expires_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes a claim code: it is gone afterwards, whoever took it. Of two takers at once exactly
/// one gets it (the delete is the claim). Returns the resident and when the code expired.
pub fn take_claim_code(
    conn: &mut DbConnection,
    code_hash: &str,
) -> Result<Option<(UserId, DateTime<Utc>)>, PersistenceError> {
    let taken: Option<(Stored<UserId>, NaiveDateTime)> =
        diesel::delete(offline_claim_codes::table.find(code_hash))
            .returning((
                offline_claim_codes::resident_id,
                offline_claim_codes::expires_at,
            ))
            .get_result(conn)
            .optional()?;
    Ok(taken.map(|(resident, expires)| (resident.0, from_db(expires))))
}

/// An update for an offline resident that a mediator passes on by phone or letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallListItem {
    pub id: Uuid,
    pub neighbourhood_id: NeighbourhoodId,
    pub resident_id: UserId,
    pub resident_name: String,
    pub resident_phone: Option<String>,
    pub kind: String,
    pub post_id: Option<PostId>,
    pub match_id: Option<MatchId>,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<UserId>,
}

/// Puts an update for `resident` on their neighbourhood's call list.
pub fn add_to_call_list(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    resident: UserId,
    kind: &str,
    post: Option<PostId>,
    about_match: Option<MatchId>,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(call_list_items::table)
        .values((
            call_list_items::id.eq(Uuid::new_v4().to_string()),
            call_list_items::neighbourhood_id.eq(neighbourhood.to_string()),
            call_list_items::resident_id.eq(resident.to_string()),
            call_list_items::kind.eq(kind),
            call_list_items::post_id.eq(post.map(|p| p.to_string())),
            call_list_items::match_id.eq(about_match.map(|m| m.to_string())),
            call_list_items::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

type CallRow = (
    Stored<Uuid>,
    Stored<NeighbourhoodId>,
    Stored<UserId>,
    String,
    Option<String>,
    String,
    Option<Stored<PostId>>,
    Option<Stored<MatchId>>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<Stored<UserId>>,
);

fn call_item(row: CallRow) -> CallListItem {
    let (id, place, resident, name, phone, kind, post, matched, created, done, by) = row;
    CallListItem {
        id: id.0,
        neighbourhood_id: place.0,
        resident_id: resident.0,
        resident_name: name,
        resident_phone: phone,
        kind,
        post_id: post.map(|p| p.0),
        match_id: matched.map(|m| m.0),
        created_at: from_db(created),
        done_at: done.map(from_db),
        done_by: by.map(|b| b.0),
    }
}

macro_rules! call_list_query {
    () => {
        call_list_items::table
            .inner_join(users::table.on(users::id.eq(call_list_items::resident_id)))
            .select((
                call_list_items::id,
                call_list_items::neighbourhood_id,
                call_list_items::resident_id,
                users::display_name,
                users::phone,
                call_list_items::kind,
                call_list_items::post_id,
                call_list_items::match_id,
                call_list_items::created_at,
                call_list_items::done_at,
                call_list_items::done_by,
            ))
    };
}

/// A neighbourhood's call list (open items only unless `with_done`), oldest first, in one
/// query.
pub fn call_list(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    with_done: bool,
) -> Result<Vec<CallListItem>, PersistenceError> {
    let mut query = call_list_query!()
        .filter(call_list_items::neighbourhood_id.eq(neighbourhood.to_string()))
        .order((call_list_items::created_at, call_list_items::id))
        .into_boxed();
    if !with_done {
        query = query.filter(call_list_items::done_at.is_null());
    }
    Ok(query
        .load::<CallRow>(conn)?
        .into_iter()
        .map(call_item)
        .collect())
}

/// One item of the call list.
pub fn find_call_item(
    conn: &mut DbConnection,
    id: Uuid,
) -> Result<Option<CallListItem>, PersistenceError> {
    Ok(call_list_query!()
        .filter(call_list_items::id.eq(id.to_string()))
        .first::<CallRow>(conn)
        .optional()?
        .map(call_item))
}

/// Marks an open item done; `false` when it was done already.
pub fn mark_call_done(
    conn: &mut DbConnection,
    id: Uuid,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let changed = diesel::update(
        call_list_items::table
            .filter(call_list_items::id.eq(id.to_string()))
            .filter(call_list_items::done_at.is_null()),
    )
    .set((
        call_list_items::done_at.eq(Some(to_db(now))),
        call_list_items::done_by.eq(Some(by.to_string())),
    ))
    .execute(conn)?;
    Ok(changed > 0)
}

/// Erasure: what mediator `from` did for offline residents stays, with `to` (the tombstone)
/// as its actor; an erased offline resident's audit entries name the tombstone too.
pub fn pseudonymise_mediator(
    conn: &mut DbConnection,
    from: &str,
    to: &str,
) -> Result<(), PersistenceError> {
    diesel::update(offline_residents::table.filter(offline_residents::registered_by.eq(from)))
        .set(offline_residents::registered_by.eq(to))
        .execute(conn)?;
    diesel::update(offline_claim_codes::table.filter(offline_claim_codes::created_by.eq(from)))
        .set(offline_claim_codes::created_by.eq(to))
        .execute(conn)?;
    diesel::update(offline_filings::table.filter(offline_filings::filed_by.eq(from)))
        .set(offline_filings::filed_by.eq(to))
        .execute(conn)?;
    diesel::update(offline_audit::table.filter(offline_audit::actor_id.eq(from)))
        .set(offline_audit::actor_id.eq(to))
        .execute(conn)?;
    diesel::update(offline_audit::table.filter(offline_audit::resident_id.eq(from)))
        .set(offline_audit::resident_id.eq(to))
        .execute(conn)?;
    diesel::update(call_list_items::table.filter(call_list_items::done_by.eq(from)))
        .set(call_list_items::done_by.eq(to))
        .execute(conn)?;
    // issue 20 (h20rest): messages written for a resident, and claimed intake records.
    diesel::update(
        crate::schema::match_messages::table
            .filter(crate::schema::match_messages::sent_by.eq(from)),
    )
    .set(crate::schema::match_messages::sent_by.eq(to))
    .execute(conn)?;
    diesel::update(
        crate::schema::offline_claims::table
            .filter(crate::schema::offline_claims::registered_by.eq(from)),
    )
    .set(crate::schema::offline_claims::registered_by.eq(to))
    .execute(conn)?;
    Ok(())
}
