//! Password hashing with argon2id at OWASP's parameters (19 MiB, t=2, p=1). Slow on purpose:
//! call these on the blocking pool, never on an async worker.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use buurt_domain::accounts::Password;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &Password) -> String {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).expect("the operating system provides randomness");
    let salt = SaltString::encode_b64(&random).expect("16 bytes make a valid salt");
    argon2()
        .hash_password(password.expose().as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters cannot fail")
        .to_string()
}

/// Whether `password` matches `hash`. A malformed hash matches nothing.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Verifies against a hash of nothing anyone knows, so that a sign-in for an unknown email
/// takes as long as one with a wrong password.
pub fn verify_against_nothing(password: &str) {
    let _ = verify(password, &DUMMY);
}

static DUMMY: LazyLock<String> =
    LazyLock::new(|| hash(&Password::parse("no-account-has-this-password").expect("long enough")));

/// Makes the hash of nothing now, at start-up, so that the first sign-in for an unknown email
/// does not take a hash longer than any other.
pub fn prepare() {
    LazyLock::force(&DUMMY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let password = Password::parse("lange-zomeravond").unwrap();
        let first = hash(&password);
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert_ne!(first, hash(&password), "salted");
        assert!(verify("lange-zomeravond", &first));
        assert!(!verify("korte-zomeravond", &first));
        assert!(!verify("lange-zomeravond", "not a hash"));
    }
}
