//! The devices users receive push notifications on.

use buurt_domain::accounts::UserId;
use buurt_domain::devices::{
    AppVersion, Device, DeviceId, DeviceToken, MAX_DEVICES_PER_USER, Platform,
};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::Stored;
use crate::connection::MultiBackend;
use crate::schema::{devices, refresh_tokens};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError, write_transaction};

type Row = (
    Stored<DeviceId>,
    Stored<UserId>,
    Option<Stored<Uuid>>,
    Stored<Platform>,
    String,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
);

const COLUMNS: (
    devices::id,
    devices::user_id,
    devices::login_id,
    devices::platform,
    devices::token,
    devices::app_version,
    devices::created_at,
    devices::updated_at,
) = (
    devices::id,
    devices::user_id,
    devices::login_id,
    devices::platform,
    devices::token,
    devices::app_version,
    devices::created_at,
    devices::updated_at,
);

fn from_row(
    (id, user_id, login_id, platform, token, app_version, created_at, updated_at): Row,
) -> Device {
    Device {
        id: id.0,
        user_id: user_id.0,
        login_id: login_id.map(|login| login.0),
        platform: platform.0,
        token: DeviceToken::from_stored(token),
        app_version: app_version.map(AppVersion::from_stored),
        created_at: from_db(created_at),
        updated_at: from_db(updated_at),
    }
}

/// A device being registered.
#[derive(Debug, Clone)]
pub struct NewDevice {
    pub user_id: UserId,
    pub login_id: Option<Uuid>,
    pub platform: Platform,
    pub token: DeviceToken,
    pub app_version: Option<AppVersion>,
}

/// Registers `device`: a token its user registered before is refreshed (platform, version,
/// login) and keeps its id; a token another user had is theirs no more and starts anew.
/// Registrations of one token take turns (an advisory lock on PostgreSQL; SQLite's write
/// lock). Beyond [`MAX_DEVICES_PER_USER`] the user's device refreshed longest ago goes.
/// Returns the device and whether it is new.
pub fn register(
    conn: &mut DbConnection,
    device: &NewDevice,
    now: DateTime<Utc>,
) -> Result<(Device, bool), PersistenceError> {
    write_transaction(conn, |conn| {
        let token = device.token.as_str();
        if let DbConnection::Postgresql(_) = conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 17101))")
                .bind::<diesel::sql_types::Text, _>(token)
                .execute(conn)?;
        }
        let existing: Option<(Stored<DeviceId>, Stored<UserId>)> = devices::table
            .filter(devices::token.eq(token))
            .select((devices::id, devices::user_id))
            .first(conn)
            .optional()?;
        let changes = (
            devices::login_id.eq(device.login_id.map(|login| login.to_string())),
            devices::platform.eq(device.platform.as_str()),
            devices::app_version.eq(device.app_version.as_ref().map(AppVersion::as_str)),
            devices::updated_at.eq(to_db(now)),
        );
        let created = match existing {
            Some((id, owner)) if owner.0 == device.user_id => {
                diesel::update(devices::table.filter(devices::id.eq(id.0.to_string())))
                    .set(changes)
                    .execute(conn)?;
                return Ok((find(conn, id.0)?, false));
            }
            Some((id, _)) => {
                diesel::delete(devices::table.filter(devices::id.eq(id.0.to_string())))
                    .execute(conn)?;
                DeviceId(Uuid::new_v4())
            }
            None => DeviceId(Uuid::new_v4()),
        };
        diesel::insert_into(devices::table)
            .values((
                devices::id.eq(created.to_string()),
                devices::user_id.eq(device.user_id.to_string()),
                devices::token.eq(token),
                devices::created_at.eq(to_db(now)),
                changes,
            ))
            .execute(conn)?;
        let surplus: Vec<String> = devices::table
            .filter(devices::user_id.eq(device.user_id.to_string()))
            .order((devices::updated_at.desc(), devices::id.desc()))
            .offset(i64::try_from(MAX_DEVICES_PER_USER).unwrap_or(i64::MAX))
            .select(devices::id)
            .load(conn)?;
        if !surplus.is_empty() {
            diesel::delete(devices::table.filter(devices::id.eq_any(surplus))).execute(conn)?;
        }
        Ok((find(conn, created)?, true))
    })
}

fn find(conn: &mut DbConnection, id: DeviceId) -> Result<Device, PersistenceError> {
    let row: Row = devices::table
        .filter(devices::id.eq(id.to_string()))
        .select(COLUMNS)
        .first(conn)?;
    Ok(from_row(row))
}

/// The devices `query` selects, oldest first.
fn load(
    conn: &mut DbConnection,
    query: devices::BoxedQuery<'_, MultiBackend>,
) -> Result<Vec<Device>, PersistenceError> {
    let rows: Vec<Row> = query
        .order((devices::created_at.asc(), devices::id.asc()))
        .select(COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// A user's devices, oldest first.
pub fn list(conn: &mut DbConnection, user: UserId) -> Result<Vec<Device>, PersistenceError> {
    load(
        conn,
        devices::table
            .filter(devices::user_id.eq(user.to_string()))
            .into_boxed(),
    )
}

/// The devices of `user`, oldest first.
pub fn list_of_user(
    conn: &mut DbConnection,
    user: UserId,
) -> Result<Vec<Device>, PersistenceError> {
    load(
        conn,
        devices::table
            .filter(devices::user_id.eq(user.to_string()))
            .into_boxed(),
    )
}

/// Removes `user`'s device `id`; false when they have no such device.
pub fn remove(
    conn: &mut DbConnection,
    user: UserId,
    id: DeviceId,
) -> Result<bool, PersistenceError> {
    let removed = diesel::delete(
        devices::table
            .filter(devices::id.eq(id.to_string()))
            .filter(devices::user_id.eq(user.to_string())),
    )
    .execute(conn)?;
    Ok(removed > 0)
}

/// Removes the devices registered under the login `login`.
pub fn remove_for_login(conn: &mut DbConnection, login: Uuid) -> Result<usize, PersistenceError> {
    Ok(
        diesel::delete(devices::table.filter(devices::login_id.eq(login.to_string())))
            .execute(conn)?,
    )
}

/// Removes these devices (their tokens were refused by the push service).
pub fn remove_all(conn: &mut DbConnection, ids: &[DeviceId]) -> Result<usize, PersistenceError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    Ok(diesel::delete(devices::table.filter(devices::id.eq_any(ids))).execute(conn)?)
}

/// Of these logins (refresh-token families), those still live at `now`: not revoked, and
/// with a refresh token that has not expired.
pub fn live_logins(
    conn: &mut DbConnection,
    logins: &[Uuid],
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, PersistenceError> {
    if logins.is_empty() {
        return Ok(Vec::new());
    }
    let logins: Vec<String> = logins.iter().map(ToString::to_string).collect();
    let live: Vec<Stored<Uuid>> = refresh_tokens::table
        .filter(refresh_tokens::family_id.eq_any(logins))
        .filter(refresh_tokens::revoked_at.is_null())
        .filter(refresh_tokens::expires_at.gt(to_db(now)))
        .select(refresh_tokens::family_id)
        .distinct()
        .load(conn)?;
    Ok(live.into_iter().map(|login| login.0).collect())
}
