//! The mediators' workbench (issue 20): matches a mediator brokered, and how to reach the
//! requester of a case. Rows in and out only: who may broker, and what each step means, is
//! decided by `buurt_app::workbench` and the domain.

use std::collections::HashMap;

use buurt_domain::accounts::UserId;
use buurt_domain::matching::{MatchId, MatchStatus};
use buurt_domain::mediation::CaseId;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::schema::{brokered_matches, matches, users};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

/// How a brokered match came about and how far it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brokerage {
    pub match_id: MatchId,
    /// The case it was brokered under: every step is audited there.
    pub case_id: CaseId,
    /// The mediator who proposed the helper (`None` once their account is erased).
    pub brokered_by: Option<UserId>,
    /// The mediator's name, as the parties see it.
    pub broker_name: Option<String>,
    /// When the helper agreed; the requester accepts after that.
    pub helper_accepted_at: Option<DateTime<Utc>>,
}

type BrokerageRow = (
    Stored<MatchId>,
    Stored<CaseId>,
    Option<Stored<UserId>>,
    Option<String>,
    Option<NaiveDateTime>,
);

fn brokerage((match_id, case_id, by, name, helper_at): BrokerageRow) -> Brokerage {
    Brokerage {
        match_id: match_id.0,
        case_id: case_id.0,
        brokered_by: by.map(|by| by.0),
        broker_name: name,
        helper_accepted_at: helper_at.map(from_db),
    }
}

/// Records that match `found` was brokered by `by` under `case`.
pub fn insert_brokerage(
    conn: &mut DbConnection,
    found: MatchId,
    case: CaseId,
    by: UserId,
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    diesel::insert_into(brokered_matches::table)
        .values((
            brokered_matches::match_id.eq(found.to_string()),
            brokered_matches::case_id.eq(case.to_string()),
            brokered_matches::brokered_by.eq(Some(by.to_string())),
            brokered_matches::created_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The brokerages of `ids` (matches that were not brokered are absent), in one query.
pub fn brokerages_of(
    conn: &mut DbConnection,
    ids: &[MatchId],
) -> Result<HashMap<MatchId, Brokerage>, PersistenceError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let rows: Vec<BrokerageRow> = brokered_matches::table
        .left_join(users::table.on(users::id.nullable().eq(brokered_matches::brokered_by)))
        .filter(brokered_matches::match_id.eq_any(&ids))
        .select((
            brokered_matches::match_id,
            brokered_matches::case_id,
            brokered_matches::brokered_by,
            users::display_name.nullable(),
            brokered_matches::helper_accepted_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(brokerage)
        .map(|found| (found.match_id, found))
        .collect())
}

/// The brokerage of match `id`, if it was brokered.
pub fn brokerage_of(
    conn: &mut DbConnection,
    id: MatchId,
) -> Result<Option<Brokerage>, PersistenceError> {
    Ok(brokerages_of(conn, &[id])?.remove(&id))
}

/// The helper agrees to brokered match `id`, if it is still proposed and they had not agreed
/// yet: false otherwise (nothing is written then).
pub fn record_helper_acceptance(
    conn: &mut DbConnection,
    id: MatchId,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let proposed = matches::table
        .filter(matches::id.eq(id.to_string()))
        .filter(matches::status.eq(MatchStatus::Proposed.as_str()))
        .select(matches::id);
    let changed = diesel::update(
        brokered_matches::table
            .filter(brokered_matches::match_id.eq(id.to_string()))
            .filter(brokered_matches::helper_accepted_at.is_null())
            .filter(brokered_matches::match_id.eq_any(proposed)),
    )
    .set(brokered_matches::helper_accepted_at.eq(Some(to_db(now))))
    .execute(conn)?;
    if changed == 1 {
        // The match shows the step too.
        diesel::update(matches::table.filter(matches::id.eq(id.to_string())))
            .set(matches::updated_at.eq(to_db(now)))
            .execute(conn)?;
    }
    Ok(changed == 1)
}

/// The requester of a case as its mediators reach them: name, e-mail and phone as the
/// requester has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequesterContact {
    pub id: UserId,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// How to reach `user`.
pub fn requester_contact(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Option<RequesterContact>, PersistenceError> {
    type Row = (
        Stored<UserId>,
        String,
        String,
        Option<String>,
        Option<NaiveDateTime>,
    );
    let row: Option<Row> = users::table
        .filter(users::id.eq(user.to_string()))
        .select((
            users::id,
            users::display_name,
            users::email,
            users::phone,
            users::erased_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, display_name, email, phone, erased_at)| {
        let reachable = erased_at.is_none();
        RequesterContact {
            id: id.0,
            display_name,
            // An account without an address (an offline resident) or erased has none.
            email: Some(email)
                .filter(|email| reachable && email.contains('@') && !email.trim().is_empty()),
            phone: phone.filter(|phone| reachable && !phone.trim().is_empty()),
        }
    }))
}
