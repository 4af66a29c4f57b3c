//! Use cases of devices: registering one for push, listing and removing one's own, and what
//! the push senders need (whom to send to, which tokens to forget).

use buurt_domain::accounts::UserId;
use buurt_domain::devices::{AppVersion, Device, DeviceId, DeviceToken, Platform};
use buurt_persistence::devices::{self as repo, NewDevice};
use buurt_persistence::in_write_transaction;

use crate::Cx;
use crate::error::AppError;

/// A device to register, as the app describes it.
#[derive(Debug, Clone)]
pub struct DeviceRegistration {
    pub platform: Platform,
    pub token: DeviceToken,
    pub app_version: Option<AppVersion>,
}

/// Registers a device of `user` under `login` (the login of the access token used, when it
/// names one). The same token again refreshes the device (200); a token another user had
/// registered becomes this user's (201, a new device). Returns the device and whether it is
/// new.
pub fn register_device(
    cx: &mut Cx<'_>,
    user: UserId,
    login: Option<uuid::Uuid>,
    registration: DeviceRegistration,
) -> Result<(Device, bool), AppError> {
    let now = cx.now();
    let device = NewDevice {
        user_id: user,
        login_id: login,
        platform: registration.platform,
        token: registration.token,
        app_version: registration.app_version,
    };
    Ok(repo::register(cx.conn, &device, now)?)
}

/// The user's devices, oldest first.
pub fn list_devices(cx: &mut Cx<'_>, user: UserId) -> Result<Vec<Device>, AppError> {
    Ok(repo::list(cx.conn, user)?)
}

/// Removes one of the user's devices; `not_found` when it is not theirs (or not there).
pub fn remove_device(cx: &mut Cx<'_>, user: UserId, device: DeviceId) -> Result<(), AppError> {
    if repo::remove(cx.conn, user, device)? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Whom a push goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushTargets {
    /// The user's devices whose login is still live (or that name none).
    Devices(Vec<Device>),
    /// Two users share the push key: sending to either could reach the wrong person.
    Ambiguous,
}

/// The devices a push to `user` goes to.
/// Devices of logins that ended (signed out elsewhere, revoked, expired) are removed here.
pub fn push_targets(cx: &mut Cx<'_>, user: UserId) -> Result<PushTargets, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let devices = repo::list_of_user(conn, user)?;
        if devices
            .windows(2)
            .any(|pair| pair[0].user_id != pair[1].user_id)
        {
            return Ok(PushTargets::Ambiguous);
        }
        let logins: Vec<uuid::Uuid> = devices.iter().filter_map(|d| d.login_id).collect();
        let live = repo::live_logins(conn, &logins, now)?;
        let (targets, ended): (Vec<Device>, Vec<Device>) = devices
            .into_iter()
            .partition(|device| device.login_id.is_none_or(|login| live.contains(&login)));
        let ended: Vec<DeviceId> = ended.iter().map(|device| device.id).collect();
        repo::remove_all(conn, &ended)?;
        Ok(PushTargets::Devices(targets))
    })
}

/// Forgets devices whose tokens the push service refused (unregistered, invalid).
pub fn forget_devices(cx: &mut Cx<'_>, devices: &[DeviceId]) -> Result<usize, AppError> {
    Ok(repo::remove_all(cx.conn, devices)?)
}
