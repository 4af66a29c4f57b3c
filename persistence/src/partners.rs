//! Partner integration: machine clients, the outbox of events and its feed, webhooks and their
//! deliveries.
//!
//! `emit` runs inside the transaction of the change it tells of, so an event exists exactly
//! when its change committed. Events get their place in the feed (`seq`) only after they
//! committed, from `sequence`, which numbers every committed event without one above every
//! number given before: a reader paging by `seq` never steps over an event that committed late
//! (a sequence value taken inside the writing transaction would not be in commit order).

use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::partners::{
    Client, Delivery, DeliveryPolicy, DeliveryStatus, Event, EventKind, Referral, Scope, Webhook,
    WebhookStatus, retry_delay,
};
use buurt_domain::posts::PostId;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::dsl::max;
use diesel::prelude::*;
use uuid::Uuid;

use crate::columns::read;
use crate::connection::lock_row;
use crate::schema::{
    case_referrals, cases, clients, consents, events, neighbourhoods, posts, users,
    webhook_deliveries, webhooks,
};
use crate::secrets::{SecretsKey, webhook_purpose};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError, write_transaction};

fn words(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(' ').filter(|word| !word.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Clients

type ClientRow = (
    String,
    String,
    String,
    String,
    Option<NaiveDateTime>,
    NaiveDateTime,
    NaiveDateTime,
);

fn client_from(row: ClientRow) -> Result<Client, PersistenceError> {
    let (id, name, scopes, municipalities, disabled_at, created_at, updated_at) = row;
    Ok(Client {
        scopes: words(&scopes)
            .map(|scope| read::<Scope>("clients.scopes", scope))
            .collect::<Result<_, _>>()?,
        municipalities: words(&municipalities).map(str::to_owned).collect(),
        id,
        name,
        disabled: disabled_at.is_some(),
        created_at: from_db(created_at),
        updated_at: from_db(updated_at),
    })
}

macro_rules! client_columns {
    () => {
        (
            clients::id,
            clients::name,
            clients::scopes,
            clients::municipalities,
            clients::disabled_at,
            clients::created_at,
            clients::updated_at,
        )
    };
}

pub fn create_client(
    conn: &mut DbConnection,
    client: &Client,
    secret_hash: &str,
) -> Result<(), PersistenceError> {
    let scopes: Vec<&str> = client.scopes.iter().map(|scope| scope.as_str()).collect();
    diesel::insert_into(clients::table)
        .values((
            clients::id.eq(&client.id),
            clients::name.eq(&client.name),
            clients::secret_hash.eq(secret_hash),
            clients::scopes.eq(scopes.join(" ")),
            clients::municipalities.eq(client.municipalities.join(" ")),
            clients::created_at.eq(to_db(client.created_at)),
            clients::updated_at.eq(to_db(client.updated_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find_client(conn: &mut DbConnection, id: &str) -> Result<Option<Client>, PersistenceError> {
    clients::table
        .find(id)
        .select(client_columns!())
        .first::<ClientRow>(conn)
        .optional()?
        .map(client_from)
        .transpose()
}

/// The client whose id and secret hash these are, if it is enabled.
pub fn authenticate_client(
    conn: &mut DbConnection,
    id: &str,
    secret_hash: &str,
) -> Result<Option<Client>, PersistenceError> {
    clients::table
        .filter(clients::id.eq(id))
        .filter(clients::secret_hash.eq(secret_hash))
        .filter(clients::disabled_at.is_null())
        .select(client_columns!())
        .first::<ClientRow>(conn)
        .optional()?
        .map(client_from)
        .transpose()
}

pub fn list_clients(conn: &mut DbConnection) -> Result<Vec<Client>, PersistenceError> {
    clients::table
        .order((clients::created_at, clients::id))
        .select(client_columns!())
        .load::<ClientRow>(conn)?
        .into_iter()
        .map(client_from)
        .collect()
}

/// Replaces the secret; the old one stops working at once. False when there is no such client.
pub fn rotate_secret(
    conn: &mut DbConnection,
    id: &str,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    Ok(diesel::update(clients::table.find(id))
        .set((
            clients::secret_hash.eq(secret_hash),
            clients::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?
        > 0)
}

/// Disables or enables a client. False when there is no such client.
pub fn set_disabled(
    conn: &mut DbConnection,
    id: &str,
    disabled: bool,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    Ok(diesel::update(clients::table.find(id))
        .set((
            clients::disabled_at.eq(disabled.then(|| to_db(now))),
            clients::updated_at.eq(to_db(now)),
        ))
        .execute(conn)?
        > 0)
}

// ---------------------------------------------------------------------------------------------
// The outbox

/// Writes an event. Call it inside the transaction of the change it tells of.
pub fn emit(
    conn: &mut DbConnection,
    kind: EventKind,
    neighbourhood: NeighbourhoodId,
    subject: Uuid,
    post: Option<PostId>,
    at: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let municipality: String = neighbourhoods::table
        .find(neighbourhood.to_string())
        .select(neighbourhoods::municipality_code)
        .first(conn)?;
    diesel::insert_into(events::table)
        .values((
            events::id.eq(Uuid::new_v4().to_string()),
            events::kind.eq(kind.as_str()),
            events::neighbourhood_id.eq(neighbourhood.to_string()),
            events::municipality_code.eq(municipality),
            events::subject_id.eq(subject.to_string()),
            events::post_id.eq(post.map(|post| post.to_string())),
            events::occurred_at.eq(to_db(at)),
        ))
        .execute(conn)?;
    Ok(())
}

macro_rules! event_columns {
    () => {
        (
            events::seq,
            events::id,
            events::kind,
            events::neighbourhood_id,
            events::municipality_code,
            events::subject_id,
            events::post_id,
            events::occurred_at,
        )
    };
}

type EventRow = (
    Option<i64>,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    NaiveDateTime,
);

fn event_from(row: EventRow) -> Result<Event, PersistenceError> {
    let (seq, id, kind, neighbourhood, municipality_code, subject, post, occurred_at) = row;
    Ok(Event {
        seq: seq.ok_or_else(|| PersistenceError::Corrupt("events.seq holds NULL".into()))?,
        id: read::<Uuid>("events.id", &id)?,
        kind: read::<EventKind>("events.kind", &kind)?,
        neighbourhood_id: read::<Uuid>("events.neighbourhood_id", &neighbourhood)?,
        municipality_code,
        subject_id: read::<Uuid>("events.subject_id", &subject)?,
        post_id: post
            .map(|post| read::<Uuid>("events.post_id", &post))
            .transpose()?,
        occurred_at: from_db(occurred_at),
    })
}

/// Gives every committed event without a place in the feed the next places, in the order
/// they happened. One sequencer at a time (an advisory lock on PostgreSQL; SQLite writers take
/// turns anyway), so numbers only grow.
pub fn sequence(conn: &mut DbConnection) -> Result<(), PersistenceError> {
    write_transaction(conn, |conn| {
        if let DbConnection::Postgresql(_) = conn {
            conn.batch_execute("SELECT pg_advisory_xact_lock(7411000111)")?;
        }
        conn.batch_execute(
            "UPDATE events SET seq = numbered.seq \
             FROM (SELECT id, (SELECT COALESCE(MAX(seq), 0) FROM events) \
                              + ROW_NUMBER() OVER (ORDER BY occurred_at, id) AS seq \
                   FROM events WHERE seq IS NULL) AS numbered \
             WHERE events.id = numbered.id",
        )?;
        Ok(())
    })
}

/// Events after `after` of `kinds`, in `municipalities` (all when `None`), oldest first.
pub fn feed(
    conn: &mut DbConnection,
    after: i64,
    kinds: &[EventKind],
    municipalities: Option<&[String]>,
    limit: i64,
) -> Result<Vec<Event>, PersistenceError> {
    sequence(conn)?;
    let kinds: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
    let mut query = events::table
        .filter(events::seq.gt(after))
        .filter(events::kind.eq_any(kinds))
        .into_boxed();
    if let Some(municipalities) = municipalities {
        query = query.filter(events::municipality_code.eq_any(municipalities.to_vec()));
    }
    query
        .order(events::seq)
        .limit(limit)
        .select(event_columns!())
        .load::<EventRow>(conn)?
        .into_iter()
        .map(event_from)
        .collect()
}

/// The newest event in the feed (0 when none).
fn horizon(conn: &mut DbConnection) -> Result<i64, PersistenceError> {
    let newest: Option<i64> = events::table.select(max(events::seq)).first(conn)?;
    Ok(newest.unwrap_or(0))
}

pub fn find_event(conn: &mut DbConnection, seq: i64) -> Result<Option<Event>, PersistenceError> {
    events::table
        .filter(events::seq.eq(seq))
        .select(event_columns!())
        .first::<EventRow>(conn)
        .optional()?
        .map(event_from)
        .transpose()
}

// ---------------------------------------------------------------------------------------------
// Referrals

/// What the wijkteam receives of a referred case, while the requester's care-data consent
/// stands; `None` without it (or without a referral).
pub fn referral(conn: &mut DbConnection, case: Uuid) -> Result<Option<Referral>, PersistenceError> {
    type CaseFields = (String, String, String, Option<String>, Option<String>);
    let found: Option<CaseFields> = cases::table
        .find(case.to_string())
        .select((
            cases::request_id,
            cases::neighbourhood_id,
            cases::requester_id,
            cases::reason,
            cases::summary,
        ))
        .first(conn)
        .optional()?;
    let Some((request_id, neighbourhood_id, requester_id, reason, summary)) = found else {
        return Ok(None);
    };
    let referred_at: Option<NaiveDateTime> = case_referrals::table
        .filter(case_referrals::case_id.eq(case.to_string()))
        .select(diesel::dsl::min(case_referrals::created_at))
        .first(conn)?;
    let Some(referred_at) = referred_at else {
        return Ok(None);
    };
    let consent: i64 = consents::table
        .filter(consents::user_id.eq(&requester_id))
        .filter(consents::kind.eq(buurt_domain::mediation::ConsentKind::CareData.as_str()))
        .filter(consents::withdrawn_at.is_null())
        .count()
        .get_result(conn)?;
    if consent == 0 {
        return Ok(None);
    }
    let (title, body, category, urgency): (String, String, Option<String>, Option<String>) =
        posts::table
            .find(&request_id)
            .select((posts::title, posts::body, posts::category, posts::urgency))
            .first(conn)?;
    let (name, email, phone, postcode): (String, String, Option<String>, Option<String>) =
        users::table
            .find(&requester_id)
            .select((
                users::display_name,
                users::email,
                users::phone,
                users::postcode,
            ))
            .first(conn)?;
    let municipality_code: String = neighbourhoods::table
        .find(&neighbourhood_id)
        .select(neighbourhoods::municipality_code)
        .first(conn)?;
    Ok(Some(Referral {
        case_id: case,
        request_id: read::<Uuid>("cases.request_id", &request_id)?,
        neighbourhood_id: read::<Uuid>("cases.neighbourhood_id", &neighbourhood_id)?,
        municipality_code,
        title,
        body,
        category,
        urgency,
        reason,
        summary,
        requester_name: name,
        requester_email: email,
        requester_phone: phone,
        requester_postcode: postcode,
        referred_at: from_db(referred_at),
    }))
}

// ---------------------------------------------------------------------------------------------
// Webhooks

type WebhookRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    i32,
    NaiveDateTime,
);

/// A webhook as stored, without its secret (sealed at rest: only `claim_due` opens it, to sign).
fn webhook_from(row: WebhookRow) -> Result<Webhook, PersistenceError> {
    let (id, client_id, url, _sealed, kinds, status, failures, created_at) = row;
    Ok(Webhook {
        id: read::<Uuid>("webhooks.id", &id)?,
        client_id,
        url,
        secret: String::new(),
        kinds: words(&kinds)
            .map(|kind| read::<EventKind>("webhooks.kinds", kind))
            .collect::<Result<_, _>>()?,
        status: read::<WebhookStatus>("webhooks.status", &status)?,
        consecutive_failures: u32::try_from(failures).unwrap_or(0),
        created_at: from_db(created_at),
    })
}

macro_rules! webhook_columns {
    () => {
        (
            webhooks::id,
            webhooks::client_id,
            webhooks::url,
            webhooks::secret,
            webhooks::kinds,
            webhooks::status,
            webhooks::consecutive_failures,
            webhooks::created_at,
        )
    };
}

/// Registers a webhook; it is told of events from now on. Its secret is stored sealed with
/// `key`.
pub fn create_webhook(
    conn: &mut DbConnection,
    webhook: &Webhook,
    key: &SecretsKey,
) -> Result<(), PersistenceError> {
    let kinds: Vec<&str> = webhook.kinds.iter().map(|kind| kind.as_str()).collect();
    let cursor = horizon(conn)?;
    diesel::insert_into(webhooks::table)
        .values((
            webhooks::id.eq(webhook.id.to_string()),
            webhooks::client_id.eq(&webhook.client_id),
            webhooks::url.eq(&webhook.url),
            webhooks::secret
                .eq(key.seal(&webhook_purpose(&webhook.id.to_string()), &webhook.secret)),
            webhooks::kinds.eq(kinds.join(" ")),
            webhooks::status.eq(webhook.status.as_str()),
            webhooks::cursor.eq(cursor),
            webhooks::created_at.eq(to_db(webhook.created_at)),
            webhooks::updated_at.eq(to_db(webhook.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn list_webhooks(
    conn: &mut DbConnection,
    client_id: &str,
) -> Result<Vec<Webhook>, PersistenceError> {
    webhooks::table
        .filter(webhooks::client_id.eq(client_id))
        .order((webhooks::created_at, webhooks::id))
        .select(webhook_columns!())
        .load::<WebhookRow>(conn)?
        .into_iter()
        .map(webhook_from)
        .collect()
}

pub fn find_webhook(
    conn: &mut DbConnection,
    id: Uuid,
) -> Result<Option<Webhook>, PersistenceError> {
    webhooks::table
        .find(id.to_string())
        .select(webhook_columns!())
        .first::<WebhookRow>(conn)
        .optional()?
        .map(webhook_from)
        .transpose()
}

pub fn delete_webhook(conn: &mut DbConnection, id: Uuid) -> Result<bool, PersistenceError> {
    Ok(diesel::delete(webhooks::table.find(id.to_string())).execute(conn)? > 0)
}

/// Active again, with its failures forgotten; its waiting deliveries are due at once.
pub fn resume_webhook(
    conn: &mut DbConnection,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    write_transaction(conn, |conn| {
        let resumed = diesel::update(webhooks::table.find(id.to_string()))
            .set((
                webhooks::status.eq(WebhookStatus::Active.as_str()),
                webhooks::consecutive_failures.eq(0),
                webhooks::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
        diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::webhook_id.eq(id.to_string()))
                .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str())),
        )
        .set(webhook_deliveries::next_attempt_at.eq(to_db(now)))
        .execute(conn)?;
        Ok(resumed > 0)
    })
}

type DeliveryRow = (
    String,
    String,
    i64,
    String,
    i32,
    NaiveDateTime,
    Option<i32>,
    Option<String>,
    NaiveDateTime,
    NaiveDateTime,
);

fn delivery_from(row: DeliveryRow) -> Result<Delivery, PersistenceError> {
    let (id, webhook, seq, status, attempts, next, last_status, last_error, created, updated) = row;
    Ok(Delivery {
        id: read::<Uuid>("webhook_deliveries.id", &id)?,
        webhook_id: read::<Uuid>("webhook_deliveries.webhook_id", &webhook)?,
        event_seq: seq,
        status: read::<DeliveryStatus>("webhook_deliveries.status", &status)?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        next_attempt_at: from_db(next),
        last_status: last_status.and_then(|status| u16::try_from(status).ok()),
        last_error,
        created_at: from_db(created),
        updated_at: from_db(updated),
    })
}

macro_rules! delivery_columns {
    () => {
        (
            webhook_deliveries::id,
            webhook_deliveries::webhook_id,
            webhook_deliveries::event_seq,
            webhook_deliveries::status,
            webhook_deliveries::attempts,
            webhook_deliveries::next_attempt_at,
            webhook_deliveries::last_status,
            webhook_deliveries::last_error,
            webhook_deliveries::created_at,
            webhook_deliveries::updated_at,
        )
    };
}

/// A webhook's deliveries, newest first, before `before` (a delivery's event seq).
pub fn deliveries(
    conn: &mut DbConnection,
    webhook: Uuid,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Delivery>, PersistenceError> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook.to_string()))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::event_seq.lt(before));
    }
    query
        .order(webhook_deliveries::event_seq.desc())
        .limit(limit)
        .select(delivery_columns!())
        .load::<DeliveryRow>(conn)?
        .into_iter()
        .map(delivery_from)
        .collect()
}

/// Queues a delivery for every new event each active webhook should hear of. Returns how many.
pub fn fan_out(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<usize, PersistenceError> {
    let ids: Vec<String> = webhooks::table
        .filter(webhooks::status.eq(WebhookStatus::Active.as_str()))
        .select(webhooks::id)
        .load(conn)?;
    if ids.is_empty() {
        // Nothing to tell anyone: no write (SQLite's write lock) for an idle worker.
        return Ok(0);
    }
    sequence(conn)?;
    let mut queued = 0;
    for id in ids {
        queued += write_transaction(conn, |conn| -> Result<usize, PersistenceError> {
            lock_row(conn, "webhooks", read::<Uuid>("webhooks.id", &id)?)?;
            let (client_id, kinds, cursor): (String, String, i64) = webhooks::table
                .find(&id)
                .select((webhooks::client_id, webhooks::kinds, webhooks::cursor))
                .first(conn)?;
            let Some(client) = find_client(conn, &client_id)? else {
                return Ok(0);
            };
            if client.disabled {
                return Ok(0);
            }
            let until = horizon(conn)?;
            if until <= cursor {
                return Ok(0);
            }
            let wanted: Vec<EventKind> = words(&kinds).filter_map(EventKind::parse).collect();
            let kinds: Vec<EventKind> = EventKind::visible_with(&client.scopes)
                .into_iter()
                .filter(|kind| wanted.is_empty() || wanted.contains(kind))
                .collect();
            let seqs: Vec<Option<i64>> = events::table
                .filter(events::seq.gt(cursor))
                .filter(events::seq.le(until))
                .filter(events::kind.eq_any(kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>()))
                .filter(events::municipality_code.eq_any(client.municipalities.clone()))
                .order(events::seq)
                .select(events::seq)
                .load(conn)?;
            for seq in seqs.iter().flatten() {
                diesel::insert_into(webhook_deliveries::table)
                    .values((
                        webhook_deliveries::id.eq(Uuid::new_v4().to_string()),
                        webhook_deliveries::webhook_id.eq(&id),
                        webhook_deliveries::event_seq.eq(seq),
                        webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
                        webhook_deliveries::next_attempt_at.eq(to_db(now)),
                        webhook_deliveries::created_at.eq(to_db(now)),
                        webhook_deliveries::updated_at.eq(to_db(now)),
                    ))
                    .execute(conn)?;
            }
            diesel::update(webhooks::table.find(&id))
                .set(webhooks::cursor.eq(until))
                .execute(conn)?;
            Ok(seqs.len())
        })?;
    }
    Ok(queued)
}

/// A delivery claimed for one attempt, with what it needs.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub delivery: Delivery,
    pub webhook: Webhook,
    pub event: Event,
    /// Whether the client may receive referral data.
    pub client: Client,
    /// The claim: until then no other worker takes this delivery, and only the attempt that
    /// holds it may record how it went.
    pub claimed_until: DateTime<Utc>,
}

/// The active webhooks that have a delivery due now.
pub fn webhooks_with_due(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, PersistenceError> {
    let ids: Vec<String> = webhook_deliveries::table
        .inner_join(webhooks::table.on(webhooks::id.eq(webhook_deliveries::webhook_id)))
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .filter(webhook_deliveries::next_attempt_at.le(to_db(now)))
        .filter(webhooks::status.eq(WebhookStatus::Active.as_str()))
        .select(webhooks::id)
        .distinct()
        .load(conn)?;
    ids.iter()
        .map(|id| read::<Uuid>("webhooks.id", id))
        .collect()
}

/// Claims the next due delivery of one active webhook for one attempt: it is pushed to
/// `now + lease`, so no other worker takes it while this one tries it. The claim is a
/// conditional update, so of two workers racing for a delivery exactly one gets it. The
/// webhook comes with its secret, opened with `key`.
pub fn claim_due(
    conn: &mut DbConnection,
    webhook: Uuid,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    key: &SecretsKey,
) -> Result<Option<DueDelivery>, PersistenceError> {
    let claimed_until = from_db(to_db(now + lease));
    // Lost races are retried with the next candidate, a few times.
    for _ in 0..5 {
        let Some(row) = webhook_deliveries::table
            .inner_join(webhooks::table.on(webhooks::id.eq(webhook_deliveries::webhook_id)))
            .filter(webhook_deliveries::webhook_id.eq(webhook.to_string()))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
            .filter(webhook_deliveries::next_attempt_at.le(to_db(now)))
            .filter(webhooks::status.eq(WebhookStatus::Active.as_str()))
            .order((
                webhook_deliveries::next_attempt_at,
                webhook_deliveries::event_seq,
            ))
            .select(delivery_columns!())
            .first::<DeliveryRow>(conn)
            .optional()?
        else {
            return Ok(None);
        };
        let delivery = delivery_from(row)?;
        let taken = diesel::update(
            webhook_deliveries::table
                .filter(webhook_deliveries::id.eq(delivery.id.to_string()))
                .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
                .filter(webhook_deliveries::next_attempt_at.eq(to_db(delivery.next_attempt_at))),
        )
        .set(webhook_deliveries::next_attempt_at.eq(to_db(claimed_until)))
        .execute(conn)?;
        if taken == 0 {
            continue;
        }
        let (Some(mut webhook), Some(event)) = (
            find_webhook(conn, delivery.webhook_id)?,
            find_event(conn, delivery.event_seq)?,
        ) else {
            return Ok(None);
        };
        let id = webhook.id.to_string();
        let sealed: String = webhooks::table
            .find(&id)
            .select(webhooks::secret)
            .first(conn)?;
        webhook.secret = key.open(&webhook_purpose(&id), &sealed)?;
        let Some(client) = find_client(conn, &webhook.client_id)? else {
            return Ok(None);
        };
        return Ok(Some(DueDelivery {
            delivery,
            webhook,
            event,
            client,
            claimed_until,
        }));
    }
    Ok(None)
}

/// Records an attempt: delivered, or another try later (given up after `max_attempts`). The
/// webhook counts failures in a row and pauses at `pause_after`. Only the attempt that still
/// holds the claim records anything (false otherwise: its lease ran out and the delivery is
/// another worker's now).
pub fn record_attempt(
    conn: &mut DbConnection,
    due: &DueDelivery,
    outcome: Result<u16, (Option<u16>, String)>,
    policy: DeliveryPolicy,
    now: DateTime<Utc>,
) -> Result<bool, PersistenceError> {
    let delivery = &due.delivery;
    write_transaction(conn, |conn| {
        let attempts = delivery.attempts + 1;
        let row = webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(delivery.id.to_string()))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
            .filter(webhook_deliveries::next_attempt_at.eq(to_db(due.claimed_until)));
        let webhook = webhooks::table.find(delivery.webhook_id.to_string());
        match outcome {
            Ok(status) => {
                let recorded = diesel::update(row)
                    .set((
                        webhook_deliveries::status.eq(DeliveryStatus::Delivered.as_str()),
                        webhook_deliveries::attempts
                            .eq(i32::try_from(attempts).unwrap_or(i32::MAX)),
                        webhook_deliveries::last_status.eq(Some(i32::from(status))),
                        webhook_deliveries::last_error.eq(None::<String>),
                        webhook_deliveries::updated_at.eq(to_db(now)),
                    ))
                    .execute(conn)?;
                if recorded == 0 {
                    return Ok(false);
                }
                diesel::update(webhook)
                    .set(webhooks::consecutive_failures.eq(0))
                    .execute(conn)?;
            }
            Err((status, error)) => {
                let given_up = attempts >= policy.max_attempts;
                let wait = chrono::Duration::from_std(retry_delay(policy.retry_base, attempts + 1))
                    .unwrap_or(chrono::Duration::hours(1));
                let recorded = diesel::update(row)
                    .set((
                        webhook_deliveries::status.eq(if given_up {
                            DeliveryStatus::Failed.as_str()
                        } else {
                            DeliveryStatus::Pending.as_str()
                        }),
                        webhook_deliveries::attempts
                            .eq(i32::try_from(attempts).unwrap_or(i32::MAX)),
                        webhook_deliveries::next_attempt_at.eq(to_db(now + wait)),
                        webhook_deliveries::last_status.eq(status.map(i32::from)),
                        webhook_deliveries::last_error.eq(Some(error)),
                        webhook_deliveries::updated_at.eq(to_db(now)),
                    ))
                    .execute(conn)?;
                if recorded == 0 {
                    return Ok(false);
                }
                diesel::update(webhook.clone())
                    .set(webhooks::consecutive_failures.eq(webhooks::consecutive_failures + 1))
                    .execute(conn)?;
                diesel::update(
                    webhook.filter(
                        webhooks::consecutive_failures
                            .ge(i32::try_from(policy.pause_after).unwrap_or(i32::MAX)),
                    ),
                )
                .set((
                    webhooks::status.eq(WebhookStatus::Paused.as_str()),
                    webhooks::updated_at.eq(to_db(now)),
                ))
                .execute(conn)?;
            }
        }
        Ok(true)
    })
}
