//! Intake on behalf (issue 20): offline residents, their claim codes, and the call list.

use actix_web::{HttpResponse, get, patch, post, web};
use buurt_app::offline::{self as app, ResidentInput};
use buurt_domain::accounts::UserId;
use buurt_domain::membership::{invite_code, normalise_invite_code};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::offline::OfflineResident;
use buurt_openapi::offline::{
    CallList, CallListItemDto, CallListParams, ClaimCodeDto, ClaimRequest, ClaimedDto,
    ConsentMethodDto, CreateOfflineResidentRequest, OfflineAuditEntryDto, OfflineResidentDetailDto,
    OfflineResidentDto, OfflineResidentList, UpdateOfflineResidentRequest,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::offline::CallListItem;

use crate::auth::Authenticated;
use crate::http::error::ApiError;
use crate::http::extract::Json;
use crate::http::query::Query;
use crate::state::AppState;

/// Letters and digits in a claim code.
const CLAIM_CODE_LEN: usize = 12;

fn resident_dto(resident: OfflineResident) -> OfflineResidentDto {
    OfflineResidentDto {
        id: resident.id.0,
        neighbourhood_id: resident.neighbourhood_id.0,
        display_name: resident.display_name.as_str().to_owned(),
        phone: resident.reach.phone.map(|p| p.as_str().to_owned()),
        postal_address: resident.reach.postal_address.map(|a| a.as_str().to_owned()),
        postcode: resident.postcode.as_str().to_owned(),
        languages: resident
            .languages
            .iter()
            .map(|l| l.as_str().to_owned())
            .collect(),
        consent_method: ConsentMethodDto::parse(resident.consent.method.as_str())
            .unwrap_or(ConsentMethodDto::Paper),
        consent_given_at: resident.consent.given_at,
        registered_by: resident.registered_by.0,
        created_at: resident.created_at,
        updated_at: resident.updated_at,
    }
}

fn call_dto(item: CallListItem) -> CallListItemDto {
    CallListItemDto {
        id: item.id,
        resident_id: item.resident_id.0,
        resident_name: item.resident_name,
        resident_phone: item.resident_phone,
        kind: item.kind,
        post_id: item.post_id.map(|p| p.0),
        match_id: item.match_id.map(|m| m.0),
        created_at: item.created_at,
        done_at: item.done_at,
        done_by: item.done_by.map(|b| b.0),
    }
}

/// The hash kept of a claim code, from what the resident typed.
fn claim_code_hash(raw: &str) -> String {
    crate::auth::tokens::refresh_token_hash(&normalise_invite_code(raw))
}

/// Register an offline resident (the neighbourhood's mediators).
///
/// The resident becomes an active, verified member who cannot sign in; the mediators file
/// requests and take match steps for them, and updates for them land on the call list.
#[utoipa::path(
    tag = "offline residents",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    request_body = CreateOfflineResidentRequest,
    responses(
        (status = 201, description = "Registered.", body = OfflineResidentDto),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/neighbourhoods/{id}/offline-residents")]
pub async fn create_offline_resident(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<CreateOfflineResidentRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let body = body.0;
    let input = ResidentInput {
        display_name: Some(body.display_name),
        phone: Some(body.phone),
        postal_address: Some(body.postal_address),
        postcode: Some(body.postcode),
        languages: Some(body.languages),
        consent_method: Some(body.consent_method.as_str().to_owned()),
        consent_given_at: Some(body.consent_given_at),
    };
    let resident = state
        .run(move |cx| app::register_resident(cx, caller.user_id, id, input))
        .await?;
    Ok(HttpResponse::Created().json(resident_dto(resident)))
}

/// The neighbourhood's offline residents (its mediators).
#[utoipa::path(
    tag = "offline residents",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    responses(
        (status = 200, description = "Oldest first.", body = OfflineResidentList),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/offline-residents")]
pub async fn list_offline_residents(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<web::Json<OfflineResidentList>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let residents = state
        .run(move |cx| app::list_residents(cx, caller.user_id, id))
        .await?;
    Ok(web::Json(OfflineResidentList {
        items: residents.into_iter().map(resident_dto).collect(),
    }))
}

/// One offline resident with what the mediators did for them (its mediators; the read is
/// audited).
#[utoipa::path(
    tag = "offline residents",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The neighbourhood's id."),
        ("resident_id" = uuid::Uuid, Path, description = "The resident's id."),
    ),
    responses(
        (status = 200, description = "The resident.", body = OfflineResidentDetailDto),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood, or no such offline resident of \
         it (claimed records end).", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/offline-residents/{resident_id}")]
pub async fn get_offline_resident(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<web::Json<OfflineResidentDetailDto>, ApiError> {
    let (id, resident) = path.into_inner();
    let (id, resident) = (NeighbourhoodId(id), UserId(resident));
    let (found, audit) = state
        .run(move |cx| app::get_resident(cx, caller.user_id, id, resident))
        .await?;
    Ok(web::Json(OfflineResidentDetailDto {
        resident: resident_dto(found),
        audit: audit
            .into_iter()
            .map(|e| OfflineAuditEntryDto {
                actor_id: e.actor_id.map(|a| a.0),
                action: e.action,
                subject_id: e.subject_id,
                at: e.at,
            })
            .collect(),
    }))
}

/// Correct an offline resident's record (its mediators; audited).
#[utoipa::path(
    tag = "offline residents",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The neighbourhood's id."),
        ("resident_id" = uuid::Uuid, Path, description = "The resident's id."),
    ),
    request_body = UpdateOfflineResidentRequest,
    responses(
        (status = 200, description = "The record after the change.", body = OfflineResidentDto),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood, or no such offline resident of \
         it.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[patch("/v1/neighbourhoods/{id}/offline-residents/{resident_id}")]
pub async fn update_offline_resident(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
    body: Json<UpdateOfflineResidentRequest>,
) -> Result<web::Json<OfflineResidentDto>, ApiError> {
    let (id, resident) = path.into_inner();
    let (id, resident) = (NeighbourhoodId(id), UserId(resident));
    let body = body.0;
    let input = ResidentInput {
        display_name: body.display_name,
        phone: body.phone,
        postal_address: body.postal_address,
        postcode: body.postcode,
        languages: body.languages,
        consent_method: body.consent_method.map(|m| m.as_str().to_owned()),
        consent_given_at: body.consent_given_at,
    };
    let updated = state
        .run(move |cx| app::update_resident(cx, caller.user_id, id, resident, input))
        .await?;
    Ok(web::Json(resident_dto(updated)))
}

/// Issue a claim code for an offline resident (its mediators): the resident enters it at
/// `POST /v1/me/claim` after making an account. Works once, for 30 days; a new code replaces
/// the one before. Only its hash is kept: it is shown this once.
#[utoipa::path(
    tag = "offline residents",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The neighbourhood's id."),
        ("resident_id" = uuid::Uuid, Path, description = "The resident's id."),
    ),
    responses(
        (status = 201, description = "The code, to give to the resident.", body = ClaimCodeDto),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood, or no such offline resident of \
         it.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/neighbourhoods/{id}/offline-residents/{resident_id}/claim-code")]
pub async fn create_claim_code(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, resident) = path.into_inner();
    let (id, resident) = (NeighbourhoodId(id), UserId(resident));
    let mut random = [0u8; CLAIM_CODE_LEN];
    getrandom::fill(&mut random).map_err(|error| ApiError::internal(error.to_string()))?;
    let code: String = random
        .chunks(buurt_domain::membership::INVITE_CODE_LEN)
        .map(|chunk| {
            let mut padded = [0u8; buurt_domain::membership::INVITE_CODE_LEN];
            padded[..chunk.len()].copy_from_slice(chunk);
            invite_code(&padded)[..chunk.len()].to_owned()
        })
        .collect();
    let hash = claim_code_hash(&code);
    let expires_at = state
        .run(move |cx| app::issue_claim_code(cx, caller.user_id, id, resident, &hash))
        .await?;
    Ok(HttpResponse::Created().json(ClaimCodeDto { code, expires_at }))
}

/// Claim an offline record with the code a mediator gave: its requests, matches, cases,
/// memberships and consents become the signed-in account's, and the offline record ends.
#[utoipa::path(
    tag = "offline residents",
    security(("bearer" = [])),
    request_body = ClaimRequest,
    responses(
        (status = 200, description = "Claimed.", body = ClaimedDto),
        (status = 400, description = "`claim_code_invalid`: unknown, used or expired.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/me/claim")]
pub async fn claim_offline_record(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Json<ClaimRequest>,
) -> Result<web::Json<ClaimedDto>, ApiError> {
    let hash = claim_code_hash(&body.0.code);
    let claimed = state
        .run(move |cx| app::claim(cx, caller.user_id, &hash))
        .await?;
    Ok(web::Json(ClaimedDto {
        claimed_id: claimed.0,
    }))
}

/// The call list: updates for offline residents that a mediator passes on by phone or
/// letter (the neighbourhood's mediators).
#[utoipa::path(
    tag = "offline residents",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id."), CallListParams),
    responses(
        (status = 200, description = "Oldest first; open items only unless `include_done`.",
         body = CallList),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/call-list")]
pub async fn get_call_list(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    params: Query<CallListParams>,
) -> Result<web::Json<CallList>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let with_done = params.0.include_done.unwrap_or(false);
    let items = state
        .run(move |cx| app::call_list(cx, caller.user_id, id, with_done))
        .await?;
    Ok(web::Json(CallList {
        items: items.into_iter().map(call_dto).collect(),
    }))
}

/// Mark an item of the call list done (the neighbourhood's mediators; audited). Marking it
/// again changes nothing.
#[utoipa::path(
    tag = "offline residents",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The neighbourhood's id."),
        ("item_id" = uuid::Uuid, Path, description = "The item's id."),
    ),
    responses(
        (status = 200, description = "The item, done.", body = CallListItemDto),
        (status = 403, description = "`forbidden`: not a mediator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood, or no such item of it.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/neighbourhoods/{id}/call-list/{item_id}/done")]
pub async fn mark_call_done(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<web::Json<CallListItemDto>, ApiError> {
    let (id, item) = path.into_inner();
    let id = NeighbourhoodId(id);
    let done = state
        .run(move |cx| app::mark_called(cx, caller.user_id, id, item))
        .await?;
    Ok(web::Json(call_dto(done)))
}
