//! The devices a user receives push notifications on: which platform, which token, and which
//! push service a token belongs to.

use uuid::Uuid;

use crate::ValueError;
use crate::accounts::UserId;

/// A registered device's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeviceId(pub Uuid);

impl std::fmt::Display for DeviceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// The operating system of a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Android,
    Ios,
}

impl Platform {
    pub const ALL: &'static [Platform] = &[Platform::Android, Platform::Ios];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Android => "android",
            Self::Ios => "ios",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|value| value.as_str() == raw)
    }
}

/// The service that delivers to a device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PushService {
    /// Firebase Cloud Messaging: Android, and iOS apps built with Firebase.
    Fcm,
    /// Apple Push Notification service, for iOS apps that do not use Firebase.
    Apns,
}

/// A push token as the app got it from FCM (a registration token) or from APNs (a device token,
/// hexadecimal).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeviceToken(String);

impl DeviceToken {
    /// FCM registration tokens are about 160 characters today; Google promises no length.
    pub const MAX_LEN: usize = 4096;
    /// APNs device tokens are 32 bytes (64 hexadecimal digits) today; Apple says they may grow.
    const MIN_APNS_DIGITS: usize = 64;
    const MAX_APNS_DIGITS: usize = 200;
    const MIN_FCM_LEN: usize = 32;

    /// A token for `platform`: Android tokens are FCM registration tokens (letters, digits,
    /// `-`, `_`, `:`); an iOS token is either an APNs device token (an even number of
    /// hexadecimal digits, kept in lower case) or, from an app built with Firebase, an FCM
    /// registration token.
    pub fn parse(platform: Platform, raw: &str) -> Result<Self, ValueError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ValueError::Required);
        }
        if raw.chars().count() > Self::MAX_LEN {
            return Err(ValueError::TooLong { max: Self::MAX_LEN });
        }
        if platform == Platform::Ios && is_apns_token(raw) {
            return Ok(Self(raw.to_ascii_lowercase()));
        }
        let fcm_shaped = raw.len() >= Self::MIN_FCM_LEN
            && raw
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'));
        // A hexadecimal string alone is no FCM token (those carry a `:`, `-` or `_` and letters
        // beyond f); for iOS it is a malformed APNs token.
        if fcm_shaped && !raw.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValueError::InvalidFormat)
        }
    }

    /// A token as stored (already checked when it was registered).
    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Who delivers to this token on `platform`.
    pub fn service(&self, platform: Platform) -> PushService {
        if platform == Platform::Ios && is_apns_token(&self.0) {
            PushService::Apns
        } else {
            PushService::Fcm
        }
    }
}

fn is_apns_token(raw: &str) -> bool {
    (DeviceToken::MIN_APNS_DIGITS..=DeviceToken::MAX_APNS_DIGITS).contains(&raw.len())
        && raw.len().is_multiple_of(2)
        && raw.chars().all(|c| c.is_ascii_hexdigit())
}

/// The version of the app a device runs, as the app reports it (`2.4.1 (318)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppVersion(String);

impl AppVersion {
    pub const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        crate::value::bounded_text(raw, Self::MAX_LEN, false).map(Self)
    }

    pub fn from_stored(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How many devices a user keeps: registering one more forgets the one registered or
/// refreshed longest ago (a reinstalled app gets a new token; the old one is never reported).
pub const MAX_DEVICES_PER_USER: usize = 20;

/// A device as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: DeviceId,
    pub user_id: UserId,
    pub platform: Platform,
    pub token: DeviceToken,
    pub app_version: Option<AppVersion>,
    /// The login (refresh-token family) it was registered under; it goes when that ends.
    pub login_id: Option<Uuid>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Device {
    pub fn service(&self) -> PushService {
        self.token.service(self.platform)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FCM: &str = "dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx_Kp8FmWq3TQXlHxp0Dv1vLqW";

    #[test]
    fn android_tokens_are_fcm_tokens() {
        let token = DeviceToken::parse(Platform::Android, FCM).unwrap();
        assert_eq!(token.as_str(), FCM);
        assert_eq!(token.service(Platform::Android), PushService::Fcm);
        assert_eq!(
            DeviceToken::parse(Platform::Android, "short:token"),
            Err(ValueError::InvalidFormat)
        );
        assert_eq!(
            DeviceToken::parse(Platform::Android, &format!("{FCM} x")),
            Err(ValueError::InvalidFormat)
        );
        assert_eq!(
            DeviceToken::parse(Platform::Android, &"ab".repeat(32)),
            Err(ValueError::InvalidFormat)
        );
        assert_eq!(
            DeviceToken::parse(Platform::Android, "  "),
            Err(ValueError::Required)
        );
        assert_eq!(
            DeviceToken::parse(Platform::Android, &"a".repeat(4097)),
            Err(ValueError::TooLong { max: 4096 })
        );
    }

    #[test]
    fn ios_tokens_are_apns_device_tokens_or_fcm_tokens() {
        let apns = DeviceToken::parse(Platform::Ios, &"AB".repeat(32)).unwrap();
        assert_eq!(apns.as_str(), "ab".repeat(32));
        assert_eq!(apns.service(Platform::Ios), PushService::Apns);
        let firebase = DeviceToken::parse(Platform::Ios, FCM).unwrap();
        assert_eq!(firebase.service(Platform::Ios), PushService::Fcm);
        for bad in [
            "abc",
            &"a".repeat(63),
            &"a".repeat(202),
            &format!("{} x", "a".repeat(64)),
        ] {
            assert_eq!(
                DeviceToken::parse(Platform::Ios, bad),
                Err(ValueError::InvalidFormat),
                "{bad}"
            );
        }
    }

    #[test]
    fn platforms_read_back() {
        for platform in Platform::ALL {
            assert_eq!(Platform::parse(platform.as_str()), Some(*platform));
        }
        assert_eq!(Platform::parse("windows"), None);
    }
}
