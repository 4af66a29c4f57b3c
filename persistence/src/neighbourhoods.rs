//! Neighbourhoods, their postcode areas and neighbours.

use buurt_domain::neighbourhoods::{
    CbsCode, GeoPoint, MunicipalityCode, Neighbourhood, NeighbourhoodDraft, NeighbourhoodId,
    PlaceName, PostcodeArea, search_key,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::MultiBackend;
use crate::schema::{neighbourhood_adjacency, neighbourhood_postcodes, neighbourhoods};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError, write_transaction};

#[derive(Debug, thiserror::Error)]
pub enum NeighbourhoodWriteError {
    #[error("a neighbourhood with this code exists")]
    CodeTaken,
    #[error("unknown adjacent neighbourhoods: {0:?}")]
    UnknownAdjacent(Vec<String>),
    #[error(transparent)]
    Persistence(#[from] PersistenceError),
}

impl From<diesel::result::Error> for NeighbourhoodWriteError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => Self::CodeTaken,
            other => Self::Persistence(other.into()),
        }
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = neighbourhoods)]
struct NeighbourhoodRow {
    id: String,
    code: String,
    name: String,
    search_name: String,
    municipality_code: String,
    municipality_name: String,
    lat: f64,
    lng: f64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

fn corrupt(what: &str, value: &str) -> PersistenceError {
    PersistenceError::Corrupt(format!("neighbourhoods.{what} holds {value:?}"))
}

impl NeighbourhoodRow {
    fn into_domain(
        self,
        postcodes: Vec<String>,
        adjacent: Vec<String>,
    ) -> Result<Neighbourhood, PersistenceError> {
        let postcodes = postcodes
            .iter()
            .map(|p| PostcodeArea::parse(p).map_err(|_| corrupt("postcode", p)))
            .collect::<Result<_, _>>()?;
        let adjacent = adjacent
            .iter()
            .map(|c| CbsCode::parse(c).map_err(|_| corrupt("adjacent", c)))
            .collect::<Result<_, _>>()?;
        Ok(Neighbourhood {
            id: crate::columns::read("neighbourhoods.id", &self.id)?,
            draft: NeighbourhoodDraft {
                code: CbsCode::parse(&self.code).map_err(|_| corrupt("code", &self.code))?,
                name: PlaceName::parse(&self.name).map_err(|_| corrupt("name", &self.name))?,
                municipality_code: MunicipalityCode::parse(&self.municipality_code)
                    .map_err(|_| corrupt("municipality_code", &self.municipality_code))?,
                municipality_name: PlaceName::parse(&self.municipality_name)
                    .map_err(|_| corrupt("municipality_name", &self.municipality_name))?,
                centre: GeoPoint::parse(self.lat, self.lng)
                    .map_err(|_| corrupt("lat/lng", &format!("{},{}", self.lat, self.lng)))?,
                postcodes,
                adjacent,
            },
            created_at: from_db(self.created_at),
            updated_at: from_db(self.updated_at),
        })
    }
}

fn load_lists(
    conn: &mut DbConnection,
    id: &str,
) -> Result<(Vec<String>, Vec<String>), PersistenceError> {
    let postcodes = neighbourhood_postcodes::table
        .filter(neighbourhood_postcodes::neighbourhood_id.eq(id))
        .order(neighbourhood_postcodes::postcode)
        .select(neighbourhood_postcodes::postcode)
        .load(conn)?;
    let adjacent = neighbourhood_adjacency::table
        .filter(neighbourhood_adjacency::neighbourhood_id.eq(id))
        .order(neighbourhood_adjacency::adjacent_code)
        .select(neighbourhood_adjacency::adjacent_code)
        .load(conn)?;
    Ok((postcodes, adjacent))
}

pub fn find_neighbourhood(
    conn: &mut DbConnection,
    id: NeighbourhoodId,
) -> Result<Option<Neighbourhood>, PersistenceError> {
    let Some(row) = neighbourhoods::table
        .find(id.to_string())
        .select(NeighbourhoodRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let (postcodes, adjacent) = load_lists(conn, &row.id)?;
    row.into_domain(postcodes, adjacent).map(Some)
}

/// The neighbourhood, read under a lock on its row that the caller's write transaction holds
/// until it ends: memberships and invites of one neighbourhood change one at a time.
pub fn lock_neighbourhood(
    conn: &mut DbConnection,
    id: NeighbourhoodId,
) -> Result<Option<Neighbourhood>, PersistenceError> {
    crate::connection::lock_row(conn, "neighbourhoods", id.0)?;
    find_neighbourhood(conn, id)
}

fn find_id_by_code(
    conn: &mut DbConnection,
    code: &CbsCode,
) -> Result<Option<String>, PersistenceError> {
    Ok(neighbourhoods::table
        .filter(neighbourhoods::code.eq(code.as_str()))
        .select(neighbourhoods::id)
        .first(conn)
        .optional()?)
}

/// The codes among `codes` that no stored neighbourhood has.
fn unknown_codes(
    conn: &mut DbConnection,
    codes: &[CbsCode],
) -> Result<Vec<String>, PersistenceError> {
    let mut unknown = Vec::new();
    for code in codes {
        if find_id_by_code(conn, code)?.is_none() {
            unknown.push(code.as_str().to_owned());
        }
    }
    Ok(unknown)
}

fn write_lists(
    conn: &mut DbConnection,
    id: &str,
    draft: &NeighbourhoodDraft,
) -> Result<(), PersistenceError> {
    diesel::delete(
        neighbourhood_postcodes::table.filter(neighbourhood_postcodes::neighbourhood_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(
        neighbourhood_adjacency::table.filter(neighbourhood_adjacency::neighbourhood_id.eq(id)),
    )
    .execute(conn)?;
    for area in &draft.postcodes {
        diesel::insert_into(neighbourhood_postcodes::table)
            .values((
                neighbourhood_postcodes::neighbourhood_id.eq(id),
                neighbourhood_postcodes::postcode.eq(area.as_str()),
            ))
            .execute(conn)?;
    }
    for code in &draft.adjacent {
        diesel::insert_into(neighbourhood_adjacency::table)
            .values((
                neighbourhood_adjacency::neighbourhood_id.eq(id),
                neighbourhood_adjacency::adjacent_code.eq(code.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

fn insert_row(
    conn: &mut DbConnection,
    id: &str,
    draft: &NeighbourhoodDraft,
    now: DateTime<Utc>,
) -> Result<(), diesel::result::Error> {
    diesel::insert_into(neighbourhoods::table)
        .values((
            neighbourhoods::id.eq(id),
            neighbourhoods::code.eq(draft.code.as_str()),
            neighbourhoods::name.eq(draft.name.as_str()),
            neighbourhoods::search_name.eq(search_key(draft.name.as_str())),
            neighbourhoods::municipality_code.eq(draft.municipality_code.as_str()),
            neighbourhoods::municipality_name.eq(draft.municipality_name.as_str()),
            neighbourhoods::lat.eq(draft.centre.lat),
            neighbourhoods::lng.eq(draft.centre.lng),
            neighbourhoods::created_at.eq(to_db(now)),
            neighbourhoods::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

fn update_row(
    conn: &mut DbConnection,
    id: &str,
    draft: &NeighbourhoodDraft,
    now: DateTime<Utc>,
) -> Result<usize, diesel::result::Error> {
    diesel::update(neighbourhoods::table.find(id))
        .set((
            neighbourhoods::code.eq(draft.code.as_str()),
            neighbourhoods::name.eq(draft.name.as_str()),
            neighbourhoods::search_name.eq(search_key(draft.name.as_str())),
            neighbourhoods::municipality_code.eq(draft.municipality_code.as_str()),
            neighbourhoods::municipality_name.eq(draft.municipality_name.as_str()),
            neighbourhoods::lat.eq(draft.centre.lat),
            neighbourhoods::lng.eq(draft.centre.lng),
            neighbourhoods::updated_at.eq(to_db(now)),
        ))
        .execute(conn)
}

/// Stores a new neighbourhood. Its neighbours must exist already.
pub fn create_neighbourhood(
    conn: &mut DbConnection,
    draft: &NeighbourhoodDraft,
    now: DateTime<Utc>,
) -> Result<Neighbourhood, NeighbourhoodWriteError> {
    let id = NeighbourhoodId::new();
    write_transaction(conn, |conn| {
        let unknown = unknown_codes(conn, &draft.adjacent)?;
        if !unknown.is_empty() {
            return Err(NeighbourhoodWriteError::UnknownAdjacent(unknown));
        }
        insert_row(conn, &id.to_string(), draft, now)?;
        write_lists(conn, &id.to_string(), draft)?;
        Ok(())
    })?;
    Ok(Neighbourhood {
        id,
        draft: draft.clone(),
        created_at: now,
        updated_at: now,
    })
}

/// Replaces a neighbourhood's description. `None` when there is no such neighbourhood.
pub fn update_neighbourhood(
    conn: &mut DbConnection,
    id: NeighbourhoodId,
    draft: &NeighbourhoodDraft,
    now: DateTime<Utc>,
) -> Result<Option<Neighbourhood>, NeighbourhoodWriteError> {
    write_transaction(conn, |conn| {
        let unknown = unknown_codes(conn, &draft.adjacent)?;
        if !unknown.is_empty() {
            return Err(NeighbourhoodWriteError::UnknownAdjacent(unknown));
        }
        if update_row(conn, &id.to_string(), draft, now)? == 0 {
            return Ok(None);
        }
        write_lists(conn, &id.to_string(), draft)?;
        Ok(find_neighbourhood(conn, id)?)
    })
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
}

/// Creates or updates every draft, matched by code, in one transaction: all or nothing.
/// Neighbours may be among the drafts or already stored.
pub fn import_neighbourhoods(
    conn: &mut DbConnection,
    drafts: &[NeighbourhoodDraft],
    now: DateTime<Utc>,
) -> Result<ImportReport, NeighbourhoodWriteError> {
    write_transaction(conn, |conn| {
        let in_file: std::collections::HashSet<&CbsCode> = drafts.iter().map(|d| &d.code).collect();
        let mut report = ImportReport::default();
        for draft in drafts {
            let outside: Vec<CbsCode> = draft
                .adjacent
                .iter()
                .filter(|code| !in_file.contains(code))
                .cloned()
                .collect();
            let unknown = unknown_codes(conn, &outside)?;
            if !unknown.is_empty() {
                return Err(NeighbourhoodWriteError::UnknownAdjacent(unknown));
            }
            let id = match find_id_by_code(conn, &draft.code)? {
                Some(id) => {
                    update_row(conn, &id, draft, now)?;
                    report.updated += 1;
                    id
                }
                None => {
                    let id = NeighbourhoodId::new().to_string();
                    insert_row(conn, &id, draft, now)?;
                    report.created += 1;
                    id
                }
            };
            write_lists(conn, &id, draft)?;
        }
        Ok(report)
    })
}

/// A neighbourhood in a list: enough to show and pick it.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighbourhoodSummary {
    pub id: NeighbourhoodId,
    pub code: CbsCode,
    pub name: PlaceName,
    pub municipality_code: MunicipalityCode,
    pub municipality_name: PlaceName,
    pub centre: GeoPoint,
}

/// Where a page of neighbourhoods starts: after this search key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighbourhoodCursor {
    pub search_name: String,
    pub id: String,
}

#[derive(Debug, Clone, Default)]
pub struct NeighbourhoodQuery {
    /// A search key prefix (see `search_key`).
    pub name_prefix: Option<String>,
    pub municipality: Option<MunicipalityCode>,
    /// Neighbourhoods covering this PC6, or any part of this PC4.
    pub postcode: Option<PostcodeArea>,
    pub after: Option<NeighbourhoodCursor>,
    pub limit: usize,
}

/// One page, ordered by name (search key, then id), and the cursor of the next page.
pub fn list_neighbourhoods(
    conn: &mut DbConnection,
    query: &NeighbourhoodQuery,
) -> Result<(Vec<NeighbourhoodSummary>, Option<NeighbourhoodCursor>), PersistenceError> {
    let mut select = neighbourhoods::table
        .select(NeighbourhoodRow::as_select())
        .order((neighbourhoods::search_name, neighbourhoods::id))
        .limit(i64::try_from(query.limit + 1).unwrap_or(i64::MAX))
        .into_boxed::<MultiBackend>();
    if let Some(prefix) = &query.name_prefix {
        // A prefix is the range [prefix, prefix + the highest code point).
        select = select
            .filter(neighbourhoods::search_name.ge(prefix.clone()))
            .filter(neighbourhoods::search_name.lt(format!("{prefix}\u{10FFFF}")));
    }
    if let Some(municipality) = &query.municipality {
        select =
            select.filter(neighbourhoods::municipality_code.eq(municipality.as_str().to_owned()));
    }
    if let Some(area) = &query.postcode {
        let area = area.as_str().to_owned();
        // A subquery each way: boxed subqueries do not dispatch across backends.
        select = if area.len() == 4 {
            select.filter(
                neighbourhoods::id.eq_any(
                    neighbourhood_postcodes::table
                        .filter(neighbourhood_postcodes::postcode.ge(area.clone()))
                        .filter(neighbourhood_postcodes::postcode.le(format!("{area}ZZ")))
                        .select(neighbourhood_postcodes::neighbourhood_id),
                ),
            )
        } else {
            select.filter(
                neighbourhoods::id.eq_any(
                    neighbourhood_postcodes::table
                        .filter(
                            neighbourhood_postcodes::postcode
                                .eq(area.clone())
                                .or(neighbourhood_postcodes::postcode.eq(area[..4].to_owned())),
                        )
                        .select(neighbourhood_postcodes::neighbourhood_id),
                ),
            )
        };
    }
    if let Some(after) = &query.after {
        select = select.filter(crate::keyset::after(
            (neighbourhoods::search_name, neighbourhoods::id),
            (after.search_name.clone(), after.id.clone()),
        ));
    }
    let mut rows: Vec<NeighbourhoodRow> = select.load(conn)?;
    let next = if rows.len() > query.limit {
        rows.truncate(query.limit);
        rows.last().map(|row| NeighbourhoodCursor {
            search_name: row.search_name.clone(),
            id: row.id.clone(),
        })
    } else {
        None
    };
    let items = rows
        .into_iter()
        .map(|row| {
            let neighbourhood = row.into_domain(Vec::new(), Vec::new())?;
            let draft = neighbourhood.draft;
            Ok(NeighbourhoodSummary {
                id: neighbourhood.id,
                code: draft.code,
                name: draft.name,
                municipality_code: draft.municipality_code,
                municipality_name: draft.municipality_name,
                centre: draft.centre,
            })
        })
        .collect::<Result<_, PersistenceError>>()?;
    Ok((items, next))
}
