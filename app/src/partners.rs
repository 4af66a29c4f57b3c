//! Use cases of partners (machine clients): who is asking, and what their token lets them do.

use buurt_domain::accounts::UserId;
use buurt_domain::partners::{Client, Scope};
use buurt_persistence::{DbConnection, partners as repo};

use crate::error::{AppError, ErrorCode};

/// A machine client as its token describes it. What can change after issue (disabled, its
/// municipalities) is read from the database by [`ClientToken::client`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientToken {
    pub client_id: String,
    pub scopes: Vec<Scope>,
}

impl ClientToken {
    /// The client, when it is still enabled and its token carries `scope`: otherwise
    /// `invalid_token` (a disabled or deleted client) or `insufficient_scope`.
    pub fn client(&self, conn: &mut DbConnection, scope: Scope) -> Result<Client, AppError> {
        let client = repo::find_client(conn, &self.client_id)?
            .filter(|client| !client.disabled)
            .ok_or(ErrorCode::InvalidToken)?;
        if !self.scopes.contains(&scope) || !client.scopes.contains(&scope) {
            return Err(ErrorCode::InsufficientScope.into());
        }
        Ok(client)
    }

    /// `client`, and `insufficient_scope` unless the client is bound to `municipality`.
    pub fn client_in(
        &self,
        conn: &mut DbConnection,
        scope: Scope,
        municipality: &str,
    ) -> Result<Client, AppError> {
        let client = self.client(conn, scope)?;
        if client.covers(municipality) {
            Ok(client)
        } else {
            Err(ErrorCode::InsufficientScope.into())
        }
    }
}

/// Who asks, on endpoints that people and machine clients both call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requester {
    Anonymous,
    User(UserId),
    Client(ClientToken),
}

impl Requester {
    /// The user, or `unauthorized` for nobody and `insufficient_scope` for a machine client.
    pub fn user(&self) -> Result<UserId, AppError> {
        match self {
            Self::User(user) => Ok(*user),
            Self::Anonymous => Err(ErrorCode::Unauthorized.into()),
            Self::Client(_) => Err(ErrorCode::InsufficientScope.into()),
        }
    }
}
