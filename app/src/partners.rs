//! Use cases of partners (machine clients): who is asking and what their token lets them do,
//! the clients administrators register, the token grant, the event feed, webhooks and their
//! worker, and the referrals partners read.

use buurt_domain::accounts::UserId;
use buurt_domain::partners::{
    Client, Delivery, DeliveryPolicy, Event, EventKind, Referral, Scope, Webhook, WebhookStatus,
};
use buurt_persistence::partners::{self as repo, DueDelivery};
use buurt_persistence::secrets::SecretsKey;
use buurt_persistence::{DbConnection, in_write_transaction};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::Cx;
use crate::accounts::require_admin;
use crate::error::{AppError, ErrorCode, FieldIssue, FieldProblem};

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

// ---------------------------------------------------------------------------------------------
// Clients (administrators)

/// A machine client to register.
#[derive(Debug, Clone)]
pub struct NewClient {
    /// Random, made by the caller.
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub municipalities: Vec<String>,
}

/// Registers a machine client with the hash of its secret (administrators).
pub fn create_client(
    cx: &mut Cx<'_>,
    by: UserId,
    new: NewClient,
    secret_hash: &str,
) -> Result<Client, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    require_admin(conn, by)?;
    let client = Client {
        id: new.id,
        name: new.name,
        scopes: new.scopes,
        municipalities: new.municipalities,
        disabled: false,
        created_at: now,
        updated_at: now,
    };
    repo::create_client(conn, &client, secret_hash)?;
    Ok(client)
}

/// Every machine client (administrators).
pub fn list_clients(cx: &mut Cx<'_>, by: UserId) -> Result<Vec<Client>, AppError> {
    require_admin(cx.conn, by)?;
    Ok(repo::list_clients(cx.conn)?)
}

/// Gives a client a new secret (its hash); the old one stops working at once.
pub fn rotate_client_secret(
    cx: &mut Cx<'_>,
    by: UserId,
    id: &str,
    secret_hash: &str,
) -> Result<Client, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        require_admin(conn, by)?;
        if !repo::rotate_secret(conn, id, secret_hash, now)? {
            return Err(AppError::NotFound);
        }
        repo::find_client(conn, id)?.ok_or(AppError::NotFound)
    })
}

/// Disables a client (no new tokens, and its tokens stop working at once) or enables it again.
pub fn set_client_disabled(
    cx: &mut Cx<'_>,
    by: UserId,
    id: &str,
    disabled: bool,
) -> Result<Client, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        require_admin(conn, by)?;
        if !repo::set_disabled(conn, id, disabled, now)? {
            return Err(AppError::NotFound);
        }
        repo::find_client(conn, id)?.ok_or(AppError::NotFound)
    })
}

/// A client-credentials grant: the client and the scopes its token carries, as of `at`.
#[derive(Debug, Clone)]
pub struct Grant {
    pub client: Client,
    pub scopes: Vec<Scope>,
    pub at: DateTime<Utc>,
}

/// The client with this id and secret (its hash), and the scopes a token for it carries: all
/// of the client's, or those `requested` when it has every one (`invalid_client` otherwise).
pub fn grant_token(
    cx: &mut Cx<'_>,
    id: &str,
    secret_hash: &str,
    requested: Option<Vec<Scope>>,
) -> Result<Grant, AppError> {
    let at = cx.now();
    let client =
        repo::authenticate_client(cx.conn, id, secret_hash)?.ok_or(ErrorCode::InvalidClient)?;
    let scopes = match requested {
        None => client.scopes.clone(),
        Some(requested) => {
            if let Some(missing) = requested
                .iter()
                .find(|scope| !client.scopes.contains(scope))
            {
                return Err(AppError::invalid(
                    "scope",
                    FieldIssue::invalid(
                        format!("scopes this client has (not {})", missing.as_str()),
                        format!("scopes die deze client heeft (niet {})", missing.as_str()),
                    ),
                ));
            }
            requested
        }
    };
    Ok(Grant { client, scopes, at })
}

// ---------------------------------------------------------------------------------------------
// The event feed and referrals

/// Events after `after`, oldest first: a machine client sees the kinds its scopes allow in its
/// municipalities, administrators see all.
pub fn event_feed(
    cx: &mut Cx<'_>,
    by: &Requester,
    after: i64,
    limit: i64,
) -> Result<Vec<Event>, AppError> {
    let conn = &mut *cx.conn;
    let (kinds, municipalities) = match by {
        Requester::Client(token) => {
            let client = repo::find_client(conn, &token.client_id)?
                .filter(|client| !client.disabled)
                .ok_or(ErrorCode::InvalidToken)?;
            let scopes: Vec<Scope> = token
                .scopes
                .iter()
                .copied()
                .filter(|scope| client.scopes.contains(scope))
                .collect();
            (
                EventKind::visible_with(&scopes),
                Some(client.municipalities),
            )
        }
        Requester::User(user) => {
            require_admin(conn, *user)?;
            (EventKind::ALL.to_vec(), None)
        }
        Requester::Anonymous => return Err(ErrorCode::Unauthorized.into()),
    };
    Ok(repo::feed(
        conn,
        after,
        &kinds,
        municipalities.as_deref(),
        limit,
    )?)
}

/// A case referred to the wijkteam, with exactly what the requester's consent covers, for a
/// client with `cases:referrals` in the case's municipality. `NotFound` once consent is gone.
pub fn referral(cx: &mut Cx<'_>, by: &ClientToken, case: Uuid) -> Result<Referral, AppError> {
    let conn = &mut *cx.conn;
    let client = by.client(conn, Scope::CasesReferrals)?;
    repo::referral(conn, case)?
        .filter(|referral| client.covers(&referral.municipality_code))
        .ok_or(AppError::NotFound)
}

// ---------------------------------------------------------------------------------------------
// Webhooks

/// Subscribes the client to `kinds` at `url` (checked by the caller), signing with `secret`.
/// Every kind must be one the client's scopes allow.
pub fn create_webhook(
    cx: &mut Cx<'_>,
    by: &ClientToken,
    url: String,
    kinds: Vec<EventKind>,
    secret: String,
    key: &SecretsKey,
) -> Result<Webhook, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let client = by.client(conn, Scope::WebhooksManage)?;
    let visible = EventKind::visible_with(&client.scopes);
    let problems: Vec<FieldProblem> = kinds
        .iter()
        .enumerate()
        .filter(|(_, kind)| !visible.contains(kind))
        .map(|(index, kind)| {
            FieldProblem::new(
                format!("kinds[{index}]"),
                FieldIssue::invalid(
                    format!("kinds this client's scopes allow (not {})", kind.as_str()),
                    format!(
                        "soorten die de scopes van deze client toestaan (niet {})",
                        kind.as_str()
                    ),
                ),
            )
        })
        .collect();
    if !problems.is_empty() {
        return Err(AppError::Invalid(problems));
    }
    let webhook = Webhook {
        id: Uuid::new_v4(),
        client_id: client.id,
        url,
        secret,
        kinds,
        status: WebhookStatus::Active,
        consecutive_failures: 0,
        created_at: now,
    };
    repo::create_webhook(conn, &webhook, key)?;
    Ok(webhook)
}

/// The client's webhooks.
pub fn list_webhooks(cx: &mut Cx<'_>, by: &ClientToken) -> Result<Vec<Webhook>, AppError> {
    let client = by.client(cx.conn, Scope::WebhooksManage)?;
    Ok(repo::list_webhooks(cx.conn, &client.id)?)
}

/// The client's own webhook, or `NotFound`.
fn own_webhook(conn: &mut DbConnection, by: &ClientToken, id: Uuid) -> Result<Webhook, AppError> {
    let client = by.client(conn, Scope::WebhooksManage)?;
    repo::find_webhook(conn, id)?
        .filter(|webhook| webhook.client_id == client.id)
        .ok_or(AppError::NotFound)
}

/// Removes one of the client's webhooks.
pub fn delete_webhook(cx: &mut Cx<'_>, by: &ClientToken, id: Uuid) -> Result<(), AppError> {
    in_write_transaction(cx.conn, |conn| {
        let webhook = own_webhook(conn, by, id)?;
        repo::delete_webhook(conn, webhook.id)?;
        Ok(())
    })
}

/// Starts one of the client's paused webhooks again.
pub fn resume_webhook(cx: &mut Cx<'_>, by: &ClientToken, id: Uuid) -> Result<Webhook, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let webhook = own_webhook(conn, by, id)?;
        repo::resume_webhook(conn, webhook.id, now)?;
        repo::find_webhook(conn, webhook.id)?.ok_or(AppError::NotFound)
    })
}

/// A page of one of the client's webhooks' deliveries, newest event first.
pub fn list_deliveries(
    cx: &mut Cx<'_>,
    by: &ClientToken,
    id: Uuid,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Delivery>, AppError> {
    let webhook = own_webhook(cx.conn, by, id)?;
    Ok(repo::deliveries(cx.conn, webhook.id, before, limit)?)
}

/// A delivery to attempt, with the referral its receiver is entitled to (if any).
#[derive(Debug, Clone)]
pub struct DeliveryToMake {
    pub due: DueDelivery,
    pub referral: Option<Referral>,
}

/// The webhook worker's round: queues a delivery for every new event a webhook should hear
/// of, and names the webhooks that have deliveries due.
pub fn queue_deliveries(cx: &mut Cx<'_>) -> Result<Vec<Uuid>, AppError> {
    let now = cx.now();
    repo::fan_out(cx.conn, now)?;
    Ok(repo::webhooks_with_due(cx.conn, now)?)
}

/// Claims the next due delivery of `webhook` for one attempt of at most `lease`, with the
/// referral its receiver is entitled to and the webhook's secret (opened with `key`).
pub fn claim_delivery(
    cx: &mut Cx<'_>,
    webhook: Uuid,
    lease: chrono::Duration,
    key: &SecretsKey,
) -> Result<Option<DeliveryToMake>, AppError> {
    let now = cx.now();
    let conn = &mut *cx.conn;
    let Some(due) = repo::claim_due(conn, webhook, now, lease, key)? else {
        return Ok(None);
    };
    let entitled = due.event.kind == EventKind::CaseReferred
        && due.client.has(Scope::CasesReferrals)
        && due.client.covers(&due.event.municipality_code);
    let referral = if entitled {
        repo::referral(conn, due.event.subject_id)?
    } else {
        None
    };
    Ok(Some(DeliveryToMake { due, referral }))
}

/// Records how an attempt went: delivered, or another try later (or given up). False when the
/// claim had run out and another worker owns the delivery now (nothing is recorded).
pub fn record_delivery(
    cx: &mut Cx<'_>,
    due: &DueDelivery,
    outcome: Result<u16, (Option<u16>, String)>,
    policy: DeliveryPolicy,
) -> Result<bool, AppError> {
    let now = cx.now();
    Ok(repo::record_attempt(cx.conn, due, outcome, policy, now)?)
}
