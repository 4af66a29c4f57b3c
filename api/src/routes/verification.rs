//! Verifying memberships: vouches and approvals, letters with a code to the claimed address,
//! and redeeming that code.

use actix_web::http::header::{self, Accept};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, post, web};
use buurt_app::memberships as app;
use buurt_domain::accounts::UserId;
use buurt_domain::membership::{
    INVITE_CODE_LEN, LETTER_VALID_DAYS, invite_code, normalise_invite_code,
};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_openapi::neighbourhoods::{LetterBatchDto, MembershipDto, RedeemLetterRequest};
use buurt_openapi::problem::Problem;

use crate::auth::Authenticated;
use crate::http::error::{ApiError, FieldIssue};
use crate::http::extract::Json;
use crate::state::AppState;

/// Vouch for a member, or approve them as a moderator: verifies their membership.
///
/// Any verified member may vouch for another active member of the neighbourhood (recorded
/// as `vouch`, with who vouched); a moderator's or administrator's word is an approval
/// (`moderator`). Nobody vouches for themself. A member verified already stays as they were.
#[utoipa::path(
    tag = "membership",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The neighbourhood's id."),
        ("user_id" = uuid::Uuid, Path, description = "The member's user id."),
    ),
    responses(
        (status = 200, description = "The membership, verified.", body = MembershipDto),
        (status = 403, description = "`forbidden`: not a verified member here, or oneself.",
         body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood, or no such member.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`member_not_active`: pending or rejected members are \
         approved with `PUT …/members/{user_id}`.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/neighbourhoods/{id}/members/{user_id}/verification")]
pub async fn verify_member(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<web::Json<MembershipDto>, ApiError> {
    let (id, member) = path.into_inner();
    let (id, member) = (NeighbourhoodId(id), UserId(member));
    let membership = state
        .run(move |cx| app::verify_member(cx, id, caller.user_id, member))
        .await?;
    Ok(web::Json(MembershipDto::from(&membership)))
}

/// Enter the code of a verification letter: verifies one's own membership.
///
/// The code works once, for 30 days, for the member it was sent to, while the postcode in
/// their profile is still the one it was sent to. Case, spaces and dashes do not matter.
#[utoipa::path(
    tag = "membership",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    request_body = RedeemLetterRequest,
    responses(
        (status = 200, description = "The membership, verified.", body = MembershipDto),
        (status = 404, description = "No such neighbourhood, or not a member of it.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`member_not_active`.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`verification_code_invalid` (unknown, used, someone \
         else's, or sent to another postcode than the profile's now) or \
         `verification_code_expired`.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/neighbourhoods/{id}/verification")]
pub async fn redeem_letter(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
    body: Json<RedeemLetterRequest>,
) -> Result<web::Json<MembershipDto>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let code = normalise_invite_code(&body.0.code);
    if code.is_empty() || code.len() > 64 {
        return Err(ApiError::validation(
            "code",
            FieldIssue::invalid("the code from the letter", "de code uit de brief"),
        ));
    }
    let membership = state
        .run(move |cx| app::redeem_letter(cx, id, caller.user_id, &code))
        .await?;
    Ok(web::Json(MembershipDto::from(&membership)))
}

/// Make verification letters for the neighbourhood's unverified members (moderators and
/// administrators).
///
/// One letter with a new single-use code (valid 30 days) for each active, unverified member
/// whose profile has a street, house number and a postcode inside the neighbourhood, and who
/// has no letter still to be used. Fetch the batch as PDF or CSV from the `Location`.
#[utoipa::path(
    tag = "membership",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    responses(
        (status = 201, description = "The batch (possibly empty: `letters` is 0).", body = LetterBatchDto,
         headers(("Location" = String, description = "The batch, as JSON, PDF or CSV."))),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/neighbourhoods/{id}/verification-letters")]
pub async fn produce_letters(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let batch = state
        .run(move |cx| {
            app::produce_letters(cx, id, caller.user_id, &mut || {
                let mut random = [0u8; INVITE_CODE_LEN];
                // The OS's randomness does not fail on the platforms we run on; if it ever
                // did, the unique index refuses a repeated code.
                let _ = getrandom::fill(&mut random);
                invite_code(&random)
            })
        })
        .await?;
    let created_at = state.clock.now();
    let dto = LetterBatchDto {
        batch_id: batch.batch_id,
        neighbourhood_id: id.0,
        created_at: batch.letters.first().map_or(created_at, |l| l.created_at),
        expires_at: batch.letters.first().map_or(
            created_at + chrono::Duration::days(LETTER_VALID_DAYS),
            |l| l.expires_at,
        ),
        letters: batch.letters.len(),
        skipped_without_address: Some(batch.skipped),
    };
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!(
                "/v1/neighbourhoods/{}/verification-letters/{}",
                id.0, batch.batch_id
            ),
        ))
        .json(dto))
}

/// What the client asked for, by `Accept` (best first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LetterFormat {
    Json,
    Pdf,
    Csv,
}

fn letter_format(request: &HttpRequest) -> LetterFormat {
    let Some(accept) = request.get_header::<Accept>() else {
        return LetterFormat::Json;
    };
    accept
        .ranked()
        .into_iter()
        .find_map(
            |mime| match (mime.type_().as_str(), mime.subtype().as_str()) {
                ("application", "pdf") => Some(LetterFormat::Pdf),
                ("text", "csv") => Some(LetterFormat::Csv),
                ("application", "json") | ("application", "*") | ("*", "*") => {
                    Some(LetterFormat::Json)
                }
                _ => None,
            },
        )
        .unwrap_or(LetterFormat::Json)
}

/// A batch of verification letters (moderators and administrators): JSON (a summary), a
/// printable PDF with `Accept: application/pdf` (one A4 page per letter, the address where a
/// window envelope shows it), or CSV for a mailing house with `Accept: text/csv` (columns
/// `recipient,street,house_number,postcode,neighbourhood,code,expires_on`).
#[utoipa::path(
    tag = "membership",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The neighbourhood's id."),
        ("batch_id" = uuid::Uuid, Path, description = "The batch's id."),
    ),
    responses(
        (status = 200, description = "The batch.", content(
            (LetterBatchDto = "application/json"),
            (Vec<u8> = "application/pdf"),
            (String = "text/csv", example = json!("recipient,street,house_number,postcode,neighbourhood,code,expires_on\n")),
        )),
        (status = 403, description = "`forbidden`: not a moderator here.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood or batch.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/verification-letters/{batch_id}")]
pub async fn letter_batch(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, batch) = path.into_inner();
    let id = NeighbourhoodId(id);
    let (letters, name) = state
        .run(move |cx| app::letter_batch(cx, id, caller.user_id, batch))
        .await?;
    let file = |extension: &str| {
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"buurt-letters-{batch}.{extension}\""),
        )
    };
    Ok(match letter_format(&request) {
        LetterFormat::Json => HttpResponse::Ok().json(LetterBatchDto {
            batch_id: batch,
            neighbourhood_id: id.0,
            created_at: letters[0].created_at,
            expires_at: letters[0].expires_at,
            letters: letters.len(),
            skipped_without_address: None,
        }),
        LetterFormat::Pdf => HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header(file("pdf"))
            .body(crate::letters::to_pdf(&letters, &name)),
        LetterFormat::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(file("csv"))
            .body(crate::letters::to_csv(&letters, &name).map_err(ApiError::internal)?),
    })
}
