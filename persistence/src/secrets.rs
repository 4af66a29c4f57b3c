//! Secrets at rest: the generated access-token signing key and webhook signing secrets are
//! stored sealed with AES-256-GCM under a key the database never holds, so a backup or a
//! read-only leak of the database gives no usable secret. Each sealed value is bound to where
//! it is stored (its purpose is the associated data), so one cannot be moved to another row.

use diesel::prelude::*;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

use crate::schema::{settings, webhooks};
use crate::{DbConnection, PersistenceError, write_transaction};

/// Sealed values start with this; anything else is a plain value from before.
const SEALED: &str = "sealed:v1:";

/// The key secrets are sealed with: 32 bytes.
pub struct SecretsKey(LessSafeKey);

/// A key that is not 64 hexadecimal digits.
#[derive(Debug, thiserror::Error)]
#[error("a secrets key is 32 bytes written as 64 hexadecimal digits (openssl rand -hex 32)")]
pub struct BadSecretsKey;

impl SecretsKey {
    /// Parses 64 hexadecimal digits (surrounding white space ignored).
    pub fn parse(text: &str) -> Result<Self, BadSecretsKey> {
        let text = text.trim();
        if text.len() != 64 || !text.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return Err(BadSecretsKey);
        }
        let bytes: Vec<u8> = (0..32)
            .map(|index| u8::from_str_radix(&text[2 * index..2 * index + 2], 16))
            .collect::<Result<_, _>>()
            .map_err(|_| BadSecretsKey)?;
        Self::from_bytes(&bytes)
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, BadSecretsKey> {
        let key = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| BadSecretsKey)?;
        Ok(Self(LessSafeKey::new(key)))
    }

    /// A new random key, as 64 hexadecimal digits.
    pub fn generate() -> String {
        let mut bytes = [0u8; 32];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
            .expect("the operating system provides randomness");
        bytes.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// `plain` sealed for `purpose`, with a fresh random nonce.
    pub fn seal(&self, purpose: &str, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce)
            .expect("the operating system provides randomness");
        let mut sealed = plain.as_bytes().to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(purpose.as_bytes()),
                &mut sealed,
            )
            .expect("AES-GCM seals any short value");
        let mut out = String::from(SEALED);
        for byte in nonce.iter().chain(&sealed) {
            out.push_str(&format!("{byte:02x}"));
        }
        out
    }

    /// The value stored for `purpose`: opened when sealed, as it is when plain (a row from
    /// before sealing, sealed at the next start). A value this key did not seal for this
    /// purpose is `WrongSecretsKey`.
    pub fn open(&self, purpose: &str, stored: &str) -> Result<String, PersistenceError> {
        let Some(hex) = stored.strip_prefix(SEALED) else {
            return Ok(stored.to_owned());
        };
        let bytes: Vec<u8> = (0..hex.len() / 2)
            .map(|index| {
                hex.get(2 * index..2 * index + 2)
                    .and_then(|pair| u8::from_str_radix(pair, 16).ok())
            })
            .collect::<Option<_>>()
            .filter(|bytes: &Vec<u8>| hex.len() % 2 == 0 && bytes.len() > NONCE_LEN)
            .ok_or(PersistenceError::WrongSecretsKey)?;
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce)
            .map_err(|_| PersistenceError::WrongSecretsKey)?;
        let mut sealed = sealed.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut sealed)
            .map_err(|_| PersistenceError::WrongSecretsKey)?;
        String::from_utf8(plain.to_vec()).map_err(|_| PersistenceError::WrongSecretsKey)
    }
}

/// Keeps the key out of logs.
impl std::fmt::Debug for SecretsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretsKey(***)")
    }
}

/// Whether a stored value is sealed.
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED)
}

/// The purpose a setting is sealed for.
pub fn setting_purpose(key: &str) -> String {
    format!("settings:{key}")
}

/// The purpose a webhook's secret is sealed for.
pub fn webhook_purpose(id: &str) -> String {
    format!("webhooks:{id}")
}

/// Seals every secret still stored plain (from before sealing), and checks that `key` opens
/// the sealed ones: a different key is `WrongSecretsKey`. Returns how many were sealed.
pub fn seal_plain_secrets(
    conn: &mut DbConnection,
    key: &SecretsKey,
) -> Result<usize, PersistenceError> {
    write_transaction(conn, |conn| {
        let mut sealed = 0;
        let stored: Vec<(String, String)> = settings::table
            .filter(settings::key.eq_any(crate::settings::SECRET_KEYS))
            .select((settings::key, settings::value))
            .load(conn)?;
        for (name, value) in stored {
            let purpose = setting_purpose(&name);
            let plain = key.open(&purpose, &value)?;
            if !is_sealed(&value) {
                diesel::update(settings::table.find(&name))
                    .set(settings::value.eq(key.seal(&purpose, &plain)))
                    .execute(conn)?;
                sealed += 1;
            }
        }
        let stored: Vec<(String, String)> = webhooks::table
            .select((webhooks::id, webhooks::secret))
            .load(conn)?;
        for (id, value) in stored {
            let purpose = webhook_purpose(&id);
            let plain = key.open(&purpose, &value)?;
            if !is_sealed(&value) {
                diesel::update(webhooks::table.find(&id))
                    .set(webhooks::secret.eq(key.seal(&purpose, &plain)))
                    .execute(conn)?;
                sealed += 1;
            }
        }
        Ok(sealed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_purpose() {
        let key = SecretsKey::parse(&SecretsKey::generate()).unwrap();
        let sealed = key.seal("webhooks:a", "whsec_geheim");
        assert!(is_sealed(&sealed) && !sealed.contains("geheim"));
        assert_ne!(
            sealed,
            key.seal("webhooks:a", "whsec_geheim"),
            "a fresh nonce"
        );
        assert_eq!(key.open("webhooks:a", &sealed).unwrap(), "whsec_geheim");
        assert!(key.open("webhooks:b", &sealed).is_err());
        let other = SecretsKey::parse(&SecretsKey::generate()).unwrap();
        assert!(other.open("webhooks:a", &sealed).is_err());
        assert!(key.open("webhooks:a", "sealed:v1:zz").is_err());
        assert_eq!(key.open("webhooks:a", "plain").unwrap(), "plain");
        assert!(SecretsKey::parse("abc").is_err());
        assert!(SecretsKey::parse(&"g".repeat(64)).is_err());
    }
}
