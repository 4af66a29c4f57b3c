//! Access tokens (JWT, HS256, 15 minutes) and refresh tokens (random, stored as a hash).

use buurt_domain::accounts::UserId;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const ISSUER: &str = "buurt";
pub const AUDIENCE: &str = "buurt-api";
pub const ACCESS_TOKEN_TTL: Duration = Duration::minutes(15);
pub const REFRESH_TOKEN_TTL: Duration = Duration::days(30);

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
    /// Machine tokens only: the granted scopes, space-separated (RFC 8693 `scope`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scope: Option<String>,
    /// User tokens only: the account's token generation when issued (none: 0). A token from an
    /// earlier generation (before a new password or a suspension) no longer counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    generation: Option<i64>,
    /// User tokens only: the login (refresh-token family) the token was issued in, so what is
    /// registered with it (a device) ends with the login. Tokens from before it was added
    /// carry none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sid: Option<uuid::Uuid>,
}

/// The subject of a machine token is `client:` and the client id.
const CLIENT_SUBJECT: &str = "client:";

/// Whom a valid access token speaks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A user, and the token generation the token was issued in.
    User(UserId, i64),
    Machine {
        client_id: String,
        scopes: Vec<buurt_domain::partners::Scope>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Expired,
    Invalid,
}

/// Issues and checks access tokens with one HS256 key.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// The time tokens are checked against: the server's clock (which a test may set).
    clock: std::sync::Arc<dyn buurt_app::Clock>,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Result<Self, jsonwebtoken::errors::Error> {
        // Only HS256 is accepted: a token naming any other algorithm (or `none`) is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        validation.leeway = 0;
        // Expiry is checked against `clock` below, as issuing uses the server's clock.
        validation.validate_exp = false;
        Ok(Self {
            encoding: EncodingKey::from_secret(secret)?,
            decoding: DecodingKey::from_secret(secret)?,
            validation,
            clock: std::sync::Arc::new(buurt_app::SystemClock),
        })
    }

    /// The same keys, checking times against `clock` (the one tokens are issued with).
    pub fn with_clock(mut self, clock: std::sync::Arc<dyn buurt_app::Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// A user's access token, issued in the account's `generation`.
    pub fn issue(&self, user_id: UserId, generation: i64, now: DateTime<Utc>) -> String {
        self.sign(user_id.to_string(), None, Some(generation), None, now)
    }

    /// A user's access token for the login `login`, issued in the account's `generation`.
    pub fn issue_in_login(
        &self,
        user_id: UserId,
        generation: i64,
        login: uuid::Uuid,
        now: DateTime<Utc>,
    ) -> String {
        self.sign(
            user_id.to_string(),
            None,
            Some(generation),
            Some(login),
            now,
        )
    }

    /// A machine client's access token with `scopes`, valid as long as a user's.
    pub fn issue_machine(
        &self,
        client_id: &str,
        scopes: &[buurt_domain::partners::Scope],
        now: DateTime<Utc>,
    ) -> String {
        let scope: Vec<&str> = scopes.iter().map(|scope| scope.as_str()).collect();
        self.sign(
            format!("{CLIENT_SUBJECT}{client_id}"),
            Some(scope.join(" ")),
            None,
            None,
            now,
        )
    }

    fn sign(
        &self,
        sub: String,
        scope: Option<String>,
        generation: Option<i64>,
        sid: Option<uuid::Uuid>,
        now: DateTime<Utc>,
    ) -> String {
        let claims = Claims {
            sid,
            sub,
            iat: now.timestamp(),
            exp: (now + ACCESS_TOKEN_TTL).timestamp(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            scope,
            generation,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing of plain claims cannot fail")
    }

    /// A user's or a machine client's token.
    pub fn verify_subject(&self, token: &str) -> Result<Subject, TokenError> {
        let claims = self.claims(token)?;
        if let Some(client_id) = claims.sub.strip_prefix(CLIENT_SUBJECT) {
            let scopes = claims
                .scope
                .as_deref()
                .unwrap_or_default()
                .split(' ')
                .filter(|scope| !scope.is_empty())
                .map(buurt_domain::partners::Scope::parse)
                .collect::<Result<_, _>>()
                .map_err(|_| TokenError::Invalid)?;
            return Ok(Subject::Machine {
                client_id: client_id.to_owned(),
                scopes,
            });
        }
        let generation = claims.generation.unwrap_or(0);
        uuid::Uuid::parse_str(&claims.sub)
            .map(|id| Subject::User(UserId(id), generation))
            .map_err(|_| TokenError::Invalid)
    }

    fn claims(&self, token: &str) -> Result<Claims, TokenError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|error| match error.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?;
        let now = self.clock.now().timestamp();
        if data.claims.exp < now {
            return Err(TokenError::Expired);
        }
        // Issued in the future: not by us (our clocks agree to within a minute).
        if data.claims.iat > now + 60 {
            return Err(TokenError::Invalid);
        }
        Ok(data.claims)
    }

    /// The login a valid token was issued in, when it names one.
    pub fn login_of(&self, token: &str) -> Option<uuid::Uuid> {
        self.claims(token).ok().and_then(|claims| claims.sid)
    }

    /// A user's token (a machine client's is `Invalid` here).
    pub fn verify(&self, token: &str) -> Result<UserId, TokenError> {
        match self.verify_subject(token)? {
            Subject::User(user, _) => Ok(user),
            Subject::Machine { .. } => Err(TokenError::Invalid),
        }
    }
}

/// A new refresh token: 256 random bits, hex.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    hex(&bytes)
}

/// What is stored of a refresh token. A fast hash is enough: the token is 256 random bits.
pub fn refresh_token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_verify_and_expire() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef").unwrap();
        let user = UserId::new();
        assert_eq!(keys.verify(&keys.issue(user, 0, Utc::now())), Ok(user));
        let old = keys.issue(user, 0, Utc::now() - Duration::minutes(16));
        assert_eq!(keys.verify(&old), Err(TokenError::Expired));
        let other = TokenKeys::new(b"another-key-of-32-bytes-or-more!").unwrap();
        assert_eq!(
            other.verify(&keys.issue(user, 0, Utc::now())),
            Err(TokenError::Invalid)
        );
        assert_eq!(keys.verify("not.a.token"), Err(TokenError::Invalid));
    }

    #[test]
    fn machine_tokens_carry_their_scopes_and_are_no_user_tokens() {
        use buurt_domain::partners::Scope;
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef").unwrap();
        let token =
            keys.issue_machine("bc_0123", &[Scope::StatsRead, Scope::PostsRead], Utc::now());
        assert_eq!(
            keys.verify_subject(&token),
            Ok(Subject::Machine {
                client_id: "bc_0123".into(),
                scopes: vec![Scope::StatsRead, Scope::PostsRead],
            })
        );
        assert_eq!(keys.verify(&token), Err(TokenError::Invalid));
        let user = UserId::new();
        assert_eq!(
            keys.verify_subject(&keys.issue(user, 7, Utc::now())),
            Ok(Subject::User(user, 7))
        );
    }

    #[test]
    fn tokens_of_a_login_name_it() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef").unwrap();
        let user = UserId::new();
        let login = uuid::Uuid::new_v4();
        let token = keys.issue_in_login(user, 3, login, Utc::now());
        assert_eq!(keys.verify_subject(&token), Ok(Subject::User(user, 3)));
        assert_eq!(keys.login_of(&token), Some(login));
        assert_eq!(keys.login_of(&keys.issue(user, 3, Utc::now())), None);
        assert_eq!(keys.login_of("not.a.token"), None);
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let token = new_refresh_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, new_refresh_token());
        assert_eq!(refresh_token_hash(&token).len(), 64);
        assert_ne!(refresh_token_hash(&token), token);
    }
}
