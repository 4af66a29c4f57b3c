//! Partner integration: machine clients (administrators register them), the token endpoint,
//! the event feed, webhooks and referrals.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use base64::Engine;
use buurt_app::partners::{self as app, NewClient};
use buurt_domain::neighbourhoods::MunicipalityCode;
use buurt_domain::partners::{EventKind, Scope, WebhookUrlError, check_webhook_url};
use buurt_domain::value::bounded_text;
use buurt_openapi::partners::{
    ClientCredentials, ClientDto, ClientList, ClientTokenResponse, CreateClientRequest,
    CreateWebhookRequest, DeliveriesParams, DeliveryDto, DeliveryList, EventDto, EventList,
    EventsParams, PartnerReferral, TokenRequest, WebhookCreated, WebhookDto, WebhookList,
};
use buurt_openapi::problem::Problem;

use crate::auth::tokens::{ACCESS_TOKEN_TTL, hex, new_refresh_token, refresh_token_hash};
use crate::auth::{Authenticated, Caller, MachineCaller};
use crate::http::error::{ApiError, ErrorCode, FieldErrors, FieldIssue, FieldProblem};
use crate::http::extract::Json;
use crate::http::query::Query;
use crate::state::AppState;

fn new_secret(prefix: &str) -> String {
    format!("{prefix}{}", new_refresh_token())
}

fn new_client_id() -> String {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    format!("bc_{}", hex(&bytes))
}

/// Registers a machine client for a partner system (administrators). The secret is in this
/// answer only; it is stored as a hash.
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    request_body = CreateClientRequest,
    responses(
        (status = 201, description = "The client, with its secret (shown once).", body = ClientCredentials),
        (status = 403, description = "`forbidden`: administrators only.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: every bad field named.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/admin/clients")]
pub async fn create_client(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Json<CreateClientRequest>,
) -> Result<HttpResponse, ApiError> {
    let Json(body) = body;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", bounded_text(&body.name, 100, false));
    if body.scopes.is_empty() {
        errors.push("scopes", FieldIssue::Required);
    }
    if body.municipalities.is_empty() {
        errors.push("municipalities", FieldIssue::Required);
    }
    let mut municipalities = Vec::new();
    for (index, code) in body.municipalities.iter().enumerate() {
        if let Some(code) = errors.check(
            &format!("municipalities[{index}]"),
            MunicipalityCode::parse(code),
        ) {
            municipalities.push(code.as_str().to_owned());
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut scopes: Vec<Scope> = body.scopes.into_iter().map(Into::into).collect();
    scopes.sort();
    scopes.dedup();
    municipalities.sort();
    municipalities.dedup();
    let new = NewClient {
        id: new_client_id(),
        name: name.unwrap_or_default(),
        scopes,
        municipalities,
    };
    let secret = new_secret("bs_");
    let hash = refresh_token_hash(&secret);
    let client = state
        .run(move |cx| app::create_client(cx, caller.user_id, new, &hash))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/admin/clients/{}", client.id)))
        .json(ClientCredentials {
            client: ClientDto::from(&client),
            client_secret: secret,
        }))
}

/// Every machine client (administrators).
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The clients, oldest first.", body = ClientList),
        (status = 403, description = "`forbidden`: administrators only.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/admin/clients")]
pub async fn list_clients(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<web::Json<ClientList>, ApiError> {
    let clients = state
        .run(move |cx| app::list_clients(cx, caller.user_id))
        .await?;
    Ok(web::Json(ClientList {
        items: clients.iter().map(ClientDto::from).collect(),
    }))
}

/// Gives a client a new secret; the old one stops working at once (tokens already issued run
/// out within 15 minutes).
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client id.")),
    responses(
        (status = 200, description = "The client with its new secret (shown once).", body = ClientCredentials),
        (status = 403, description = "`forbidden`: administrators only.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/admin/clients/{id}/secret")]
pub async fn rotate_client_secret(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<String>,
) -> Result<web::Json<ClientCredentials>, ApiError> {
    let secret = new_secret("bs_");
    let hash = refresh_token_hash(&secret);
    let client = state
        .run(move |cx| app::rotate_client_secret(cx, caller.user_id, &id, &hash))
        .await?;
    Ok(web::Json(ClientCredentials {
        client: ClientDto::from(&client),
        client_secret: secret,
    }))
}

async fn set_disabled(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: String,
    disabled: bool,
) -> Result<web::Json<ClientDto>, ApiError> {
    let client = state
        .run(move |cx| app::set_client_disabled(cx, caller.user_id, &id, disabled))
        .await?;
    Ok(web::Json(ClientDto::from(&client)))
}

/// Disables a client: no new tokens, and its tokens stop working at once.
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client id.")),
    responses(
        (status = 200, description = "The client, disabled.", body = ClientDto),
        (status = 403, description = "`forbidden`: administrators only.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/admin/clients/{id}/disable")]
pub async fn disable_client(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<String>,
) -> Result<web::Json<ClientDto>, ApiError> {
    set_disabled(state, caller, id.into_inner(), true).await
}

/// Enables a disabled client again.
#[utoipa::path(
    tag = "partners",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client id.")),
    responses(
        (status = 200, description = "The client, enabled.", body = ClientDto),
        (status = 403, description = "`forbidden`: administrators only.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/admin/clients/{id}/enable")]
pub async fn enable_client(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<String>,
) -> Result<web::Json<ClientDto>, ApiError> {
    set_disabled(state, caller, id.into_inner(), false).await
}

/// The client id and secret from HTTP Basic authentication (RFC 6749 §2.3.1), if sent.
fn basic_credentials(request: &HttpRequest) -> Option<(String, String)> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    // PostgreSQL cannot compare text holding NUL: such credentials match no client.
    if decoded.contains('\0') {
        return None;
    }
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// OAuth 2.0 client credentials: a machine client's 15-minute access token. Send
/// `application/x-www-form-urlencoded` with `grant_type=client_credentials`, and the client id
/// and secret in the body or in HTTP Basic authentication; `scope` narrows the token.
#[utoipa::path(
    tag = "partners",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The token.", body = ClientTokenResponse),
        (status = 400, description = "`unsupported_grant_type`, or `validation_failed` for a malformed form or a scope the client does not have.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`invalid_client`: unknown client, wrong secret, or disabled.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: send a form.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/auth/token")]
pub async fn issue_token(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<web::Json<ClientTokenResponse>, ApiError> {
    let media_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase());
    if media_type.as_deref() != Some("application/x-www-form-urlencoded") {
        return Err(ApiError::UnsupportedMediaType {
            expected: "application/x-www-form-urlencoded",
        });
    }
    let form: TokenRequest = serde_urlencoded_form(&body)?;
    if form.grant_type != "client_credentials" {
        return Err(ApiError::Refused(ErrorCode::UnsupportedGrantType));
    }
    let (id, secret) = match (form.client_id.clone(), form.client_secret.clone()) {
        (Some(id), Some(secret)) => (id, secret),
        _ => basic_credentials(&request).ok_or(ApiError::Refused(ErrorCode::InvalidClient))?,
    };
    let requested: Option<Vec<Scope>> = form
        .scope
        .as_deref()
        .map(|raw| {
            raw.split(' ')
                .filter(|scope| !scope.is_empty())
                .map(Scope::parse)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|error| ApiError::validation("scope", error.into()))
        })
        .transpose()?;
    let hash = refresh_token_hash(&secret);
    let grant = state
        .run(move |cx| app::grant_token(cx, &id, &hash, requested))
        .await?;
    let scopes = grant.scopes;
    let token = state
        .tokens
        .issue_machine(&grant.client.id, &scopes, grant.at);
    Ok(web::Json(ClientTokenResponse {
        access_token: token,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TOKEN_TTL.num_seconds(),
        scope: scopes
            .iter()
            .map(|scope| scope.as_str())
            .collect::<Vec<_>>()
            .join(" "),
    }))
}

/// Reads a form body with the same field-naming errors as JSON bodies.
fn serde_urlencoded_form(body: &[u8]) -> Result<TokenRequest, ApiError> {
    let pairs: Vec<(String, String)> = url_pairs(body)?;
    let mut form = TokenRequest::default();
    let mut grant_type = None;
    for (key, value) in pairs {
        match key.as_str() {
            "grant_type" => grant_type = Some(value),
            "client_id" => form.client_id = Some(value),
            "client_secret" => form.client_secret = Some(value),
            "scope" => form.scope = Some(value),
            _ => {}
        }
    }
    form.grant_type =
        grant_type.ok_or_else(|| ApiError::validation("grant_type", FieldIssue::Required))?;
    Ok(form)
}

/// `application/x-www-form-urlencoded` pairs, percent- and plus-decoded.
fn url_pairs(body: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let malformed = || ApiError::Refused(ErrorCode::BadRequest);
    let text = std::str::from_utf8(body).map_err(|_| malformed())?;
    let decode = |raw: &str| -> Result<String, ApiError> {
        let raw = raw.replace('+', " ");
        let bytes = raw.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut index = 0;
        while index < bytes.len() {
            if bytes[index] == b'%' {
                let hex = raw.get(index + 1..index + 3).ok_or_else(malformed)?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| malformed())?);
                index += 3;
            } else {
                out.push(bytes[index]);
                index += 1;
            }
        }
        // No form field means a NUL, and PostgreSQL cannot hold one in text.
        if out.contains(&0) {
            return Err(malformed());
        }
        String::from_utf8(out).map_err(|_| malformed())
    };
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(key)?, decode(value)?))
        })
        .collect()
}

/// The events feed: every change worth telling, oldest first, keyset-paged by `seq`. A machine
/// client sees the kinds its scopes allow in its municipalities; administrators see all. Ids
/// and kinds only: fetch what an event is about with the matching endpoint.
#[utoipa::path(
    tag = "partners",
    security(("partner" = []), ("bearer" = [])),
    params(EventsParams),
    responses(
        (status = 200, description = "A page of events.", body = EventList),
        (status = 400, description = "`invalid_query`.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden` (people other than administrators).", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    caller: Caller,
    params: Query<EventsParams>,
) -> Result<web::Json<EventList>, ApiError> {
    let after = params.after.unwrap_or(0).max(0);
    let limit = match params.limit {
        None => 100,
        Some(limit @ 1..=500) => i64::from(limit),
        Some(_) => {
            return Err(ApiError::InvalidQuery(vec![FieldProblem::new(
                "limit",
                FieldIssue::OutOfRange,
            )]));
        }
    };
    let by = caller.requester();
    // Catching up on a cursor: an event the replica has not replayed yet comes next time.
    let events = state
        .read(move |cx| app::event_feed(cx, &by, after, limit))
        .await?;
    Ok(web::Json(EventList {
        next_after: events.last().map_or(after, |event| event.seq),
        items: events.iter().map(EventDto::from).collect(),
    }))
}

/// Subscribes the calling client to events (`webhooks:manage`). The signing secret is in this
/// answer only. Deliveries are described at the `WebhookPayload` schema.
#[utoipa::path(
    tag = "partners",
    security(("partner" = ["webhooks:manage"])),
    request_body = CreateWebhookRequest,
    responses(
        (status = 201, description = "The webhook, with its signing secret (shown once).", body = WebhookCreated),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`insufficient_scope`: needs `webhooks:manage`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the URL is not https, not public, or malformed; or a kind the client's scopes do not allow.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    machine: MachineCaller,
    body: Json<CreateWebhookRequest>,
) -> Result<HttpResponse, ApiError> {
    let Json(body) = body;
    let allow_private = state.webhooks.allow_private;
    check_webhook_url(&body.url, allow_private, allow_private).map_err(|error| {
        let dutch = match error {
            WebhookUrlError::Malformed => "geen absolute http(s)-URL met een host",
            WebhookUrlError::NotHttps => "alleen https is toegestaan",
            WebhookUrlError::Credentials => {
                "gebruikersnamen en wachtwoorden horen niet in een webhook-URL"
            }
            WebhookUrlError::NotPublic => "het adres is niet openbaar",
        };
        ApiError::validation("url", FieldIssue::invalid(error.to_string(), dutch))
    })?;
    let kinds: Vec<EventKind> = body.kinds.into_iter().map(Into::into).collect();
    let token = machine.token();
    let secret = new_secret("whsec_");
    let secrets = state.secrets.clone();
    let webhook = state
        .run(move |cx| app::create_webhook(cx, &token, body.url, kinds, secret, &secrets))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/webhooks/{}", webhook.id)))
        .json(WebhookCreated {
            webhook: WebhookDto::from(&webhook),
            secret: webhook.secret.clone(),
        }))
}

/// The calling client's webhooks (`webhooks:manage`).
#[utoipa::path(
    tag = "partners",
    security(("partner" = ["webhooks:manage"])),
    responses(
        (status = 200, description = "The webhooks, oldest first (never their secrets).", body = WebhookList),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`insufficient_scope`: needs `webhooks:manage`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    machine: MachineCaller,
) -> Result<web::Json<WebhookList>, ApiError> {
    let token = machine.token();
    let webhooks = state.run(move |cx| app::list_webhooks(cx, &token)).await?;
    Ok(web::Json(WebhookList {
        items: webhooks.iter().map(WebhookDto::from).collect(),
    }))
}

/// Removes one of the calling client's webhooks (`webhooks:manage`).
#[utoipa::path(
    tag = "partners",
    security(("partner" = ["webhooks:manage"])),
    params(("id" = uuid::Uuid, Path, description = "The webhook's id.")),
    responses(
        (status = 204, description = "Removed, with its deliveries."),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`insufficient_scope`: needs `webhooks:manage`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook of this client.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/v1/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    machine: MachineCaller,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let token = machine.token();
    state
        .run(move |cx| app::delete_webhook(cx, &token, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Starts a paused webhook again (`webhooks:manage`); its waiting deliveries are tried at once.
#[utoipa::path(
    tag = "partners",
    security(("partner" = ["webhooks:manage"])),
    params(("id" = uuid::Uuid, Path, description = "The webhook's id.")),
    responses(
        (status = 200, description = "The webhook, active.", body = WebhookDto),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`insufficient_scope`: needs `webhooks:manage`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook of this client.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/webhooks/{id}/resume")]
pub async fn resume_webhook(
    state: web::Data<AppState>,
    machine: MachineCaller,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<WebhookDto>, ApiError> {
    let id = id.into_inner();
    let token = machine.token();
    let webhook = state
        .run(move |cx| app::resume_webhook(cx, &token, id))
        .await?;
    Ok(web::Json(WebhookDto::from(&webhook)))
}

/// A webhook's deliveries, newest event first (`webhooks:manage`).
#[utoipa::path(
    tag = "partners",
    security(("partner" = ["webhooks:manage"])),
    params(("id" = uuid::Uuid, Path, description = "The webhook's id."), DeliveriesParams),
    responses(
        (status = 200, description = "A page of deliveries.", body = DeliveryList),
        (status = 400, description = "`invalid_query`.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`insufficient_scope`: needs `webhooks:manage`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook of this client.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    machine: MachineCaller,
    id: web::Path<uuid::Uuid>,
    params: Query<DeliveriesParams>,
) -> Result<web::Json<DeliveryList>, ApiError> {
    let id = id.into_inner();
    let limit = match params.limit {
        None => 50,
        Some(limit @ 1..=200) => i64::from(limit),
        Some(_) => {
            return Err(ApiError::InvalidQuery(vec![FieldProblem::new(
                "limit",
                FieldIssue::OutOfRange,
            )]));
        }
    };
    let before = params.before;
    let token = machine.token();
    let items = state
        .run(move |cx| app::list_deliveries(cx, &token, id, before, limit))
        .await?;
    let full = i64::try_from(items.len()).unwrap_or(0) == limit;
    Ok(web::Json(DeliveryList {
        next_before: items
            .last()
            .filter(|_| full)
            .map(|delivery| delivery.event_seq),
        items: items.iter().map(DeliveryDto::from).collect(),
    }))
}

/// A case referred to the wijkteam, with exactly the data the requester's consent covers
/// (`cases:referrals`, for the case's municipality). 404 once the consent is withdrawn.
#[utoipa::path(
    tag = "partners",
    security(("partner" = ["cases:referrals"])),
    params(("id" = uuid::Uuid, Path, description = "The case's id (the `subject_id` of a `case.referred` event).")),
    responses(
        (status = 200, description = "The referral.", body = PartnerReferral),
        (status = 401, description = "No valid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`insufficient_scope`: needs `cases:referrals`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No referred case with consent in this client's municipalities.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/cases/{id}/referral")]
pub async fn get_referral(
    state: web::Data<AppState>,
    machine: MachineCaller,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<PartnerReferral>, ApiError> {
    let id = id.into_inner();
    let token = machine.token();
    let referral = state.run(move |cx| app::referral(cx, &token, id)).await?;
    Ok(web::Json(referral.into()))
}
