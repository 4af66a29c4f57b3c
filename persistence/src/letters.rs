//! Verification letters: a single-use code sent to the address a member claimed.

use buurt_domain::accounts::UserId;
use buurt_domain::membership::MembershipStatus;
use buurt_domain::neighbourhoods::NeighbourhoodId;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::Stored;
use crate::schema::{memberships, users, verification_letters};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

/// One letter, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub id: Uuid,
    pub batch_id: Uuid,
    pub neighbourhood_id: NeighbourhoodId,
    pub user_id: UserId,
    pub code: String,
    pub recipient: String,
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub redeemed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = verification_letters)]
struct LetterRow {
    id: Stored<Uuid>,
    batch_id: Stored<Uuid>,
    neighbourhood_id: Stored<NeighbourhoodId>,
    user_id: Stored<UserId>,
    code: String,
    recipient: String,
    street: String,
    house_number: String,
    postcode: String,
    created_by: Stored<UserId>,
    created_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    redeemed_at: Option<NaiveDateTime>,
}

impl From<LetterRow> for Letter {
    fn from(row: LetterRow) -> Self {
        Self {
            id: row.id.0,
            batch_id: row.batch_id.0,
            neighbourhood_id: row.neighbourhood_id.0,
            user_id: row.user_id.0,
            code: row.code,
            recipient: row.recipient,
            street: row.street,
            house_number: row.house_number,
            postcode: row.postcode,
            created_by: row.created_by.0,
            created_at: from_db(row.created_at),
            expires_at: from_db(row.expires_at),
            redeemed_at: row.redeemed_at.map(from_db),
        }
    }
}

/// An unverified active member and the address in their profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterCandidate {
    pub user_id: UserId,
    pub display_name: String,
    pub street: Option<String>,
    pub house_number: Option<String>,
    pub postcode: Option<String>,
}

/// The neighbourhood's active, unverified members without a letter still to be used, in order
/// of joining.
pub fn letter_candidates(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    now: DateTime<Utc>,
) -> Result<Vec<LetterCandidate>, PersistenceError> {
    let outstanding = verification_letters::table
        .filter(verification_letters::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(verification_letters::redeemed_at.is_null())
        .filter(verification_letters::expires_at.gt(to_db(now)))
        .select(verification_letters::user_id);
    // The user, their name, street, house number and postcode.
    type Row = (
        Stored<UserId>,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = memberships::table
        .inner_join(users::table)
        .filter(memberships::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(memberships::status.eq(MembershipStatus::Active.as_str()))
        .filter(memberships::verification.is_null())
        .filter(memberships::user_id.ne_all(outstanding))
        .order((memberships::joined_at, memberships::id))
        .select((
            users::id,
            users::display_name,
            users::street,
            users::house_number,
            users::postcode,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(user_id, display_name, street, house_number, postcode)| LetterCandidate {
                user_id: user_id.0,
                display_name,
                street,
                house_number,
                postcode,
            },
        )
        .collect())
}

pub fn insert_letters(conn: &mut DbConnection, letters: &[Letter]) -> Result<(), PersistenceError> {
    for letter in letters {
        diesel::insert_into(verification_letters::table)
            .values((
                verification_letters::id.eq(letter.id.to_string()),
                verification_letters::batch_id.eq(letter.batch_id.to_string()),
                verification_letters::neighbourhood_id.eq(letter.neighbourhood_id.to_string()),
                verification_letters::user_id.eq(letter.user_id.to_string()),
                verification_letters::code.eq(&letter.code),
                verification_letters::recipient.eq(&letter.recipient),
                verification_letters::street.eq(&letter.street),
                verification_letters::house_number.eq(&letter.house_number),
                verification_letters::postcode.eq(&letter.postcode),
                verification_letters::created_by.eq(letter.created_by.to_string()),
                verification_letters::created_at.eq(to_db(letter.created_at)),
                verification_letters::expires_at.eq(to_db(letter.expires_at)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The letters of one batch of the neighbourhood, in the order they were made.
pub fn batch(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    batch: Uuid,
) -> Result<Vec<Letter>, PersistenceError> {
    let rows: Vec<LetterRow> = verification_letters::table
        .filter(verification_letters::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(verification_letters::batch_id.eq(batch.to_string()))
        .order((verification_letters::postcode, verification_letters::id))
        .select(LetterRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Letter::from).collect())
}

/// The member's letter with this code in the neighbourhood, if there is one.
pub fn find_letter(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    user: UserId,
    code: &str,
) -> Result<Option<Letter>, PersistenceError> {
    Ok(verification_letters::table
        .filter(verification_letters::neighbourhood_id.eq(neighbourhood.to_string()))
        .filter(verification_letters::user_id.eq(user.to_string()))
        .filter(verification_letters::code.eq(code))
        .select(LetterRow::as_select())
        .first(conn)
        .optional()?
        .map(Letter::from))
}

/// Marks the letter used, once: false when it was used or expired meanwhile.
pub fn redeem_letter(
    conn: &mut DbConnection,
    letter: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let updated = diesel::update(
        verification_letters::table
            .filter(verification_letters::id.eq(letter.to_string()))
            .filter(verification_letters::redeemed_at.is_null())
            .filter(verification_letters::expires_at.gt(to_db(now))),
    )
    .set(verification_letters::redeemed_at.eq(to_db(now)))
    .execute(conn)?;
    Ok(updated == 1)
}
