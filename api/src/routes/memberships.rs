//! Joining and leaving neighbourhoods, members and their roles, invites, professionals.

use actix_web::{HttpResponse, delete, get, post, put, web};
use buurt_app::memberships::{self as app, Joined, MemberChange};
use buurt_domain::accounts::UserId;
use buurt_domain::membership::{
    INVITE_CODE_LEN, InviteTerms, MembershipStatus, invite_code, normalise_invite_code,
};
use buurt_domain::neighbourhoods::{MunicipalityCode, NeighbourhoodId};
use buurt_openapi::neighbourhoods::{
    CreateInviteRequest, GrantProfessionalRequest, InviteDto, JoinRequest, ListMembersParams,
    MemberDto, MemberList, MembershipDto, MyMembership, MyMembershipList,
    MyMembershipNeighbourhood, ProfessionalGrantDto, UpdateMemberRequest,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::memberships::MemberCursor;

use crate::auth::Authenticated;
use crate::http::error::{ApiError, FieldErrors};
use crate::http::extract::{Json, OptionalJson};
use crate::http::paging::{encode_cursor, page};
use crate::http::query::Query;
use crate::state::AppState;

type NeighbourhoodPath = web::Path<uuid::Uuid>;

/// Ask to join a neighbourhood.
///
/// With a valid invite code you are in at once, verified. When the postcode in your profile
/// lies in the neighbourhood you are in at once too (`active`) but unverified: you read public
/// and members-only news and activities, not care requests, members or streets, until a
/// vouch, a moderator or the code of a letter to your address verifies you (see
/// `MembershipDto`). An account holds one such postcode membership at a time (409
/// `postcode_membership_exists`: leave the other first, or bring an invite). Otherwise a
/// moderator decides (`pending`). An invite code brought by an unverified member verifies
/// them (200). Asking again answers 200 with the membership as it is,
/// except that a pending request is let in once your postcode lies in the neighbourhood or you
/// bring a valid code. A code that is not valid is refused (422) even where your postcode would
/// have let you in: you asked with it. An account joins at most `BUURT_JOINS_PER_DAY` (default
/// 3) times in 24 hours (429 `join_limit_reached` with `Retry-After`).
#[utoipa::path(
    tag = "membership",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    request_body(content = Option<JoinRequest>,
        description = "Optional: no body joins by the caller's postcode."),
    responses(
        (status = 201, description = "Joined (`active`) or waiting for a moderator (`pending`).", body = MembershipDto),
        (status = 200, description = "Already a member or already waiting: unchanged.", body = MembershipDto),
        (status = 403, description = "`membership_rejected`: a moderator turned you down; an \
          invite code still lets you in.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`postcode_membership_exists`: this account is a member of \
          another neighbourhood by its postcode.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`join_limit_reached`: joined too often in 24 hours.",
         headers(("Retry-After" = u64, description = "Seconds until a join is allowed again.")),
         body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`invite_invalid`, `invite_expired` or `invite_used_up`.",
         body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/neighbourhoods/{id}/join")]
pub async fn join_neighbourhood(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: NeighbourhoodPath,
    body: OptionalJson<JoinRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let code = body
        .0
        .unwrap_or_default()
        .invite_code
        .as_deref()
        .map(normalise_invite_code)
        .filter(|code| !code.is_empty());
    let limits = state.join_limits;
    let joined = state
        .run(move |cx| app::join(cx, id, caller.user_id, code.as_deref(), limits))
        .await?;
    Ok(match joined {
        Joined::Changed(membership) => {
            HttpResponse::Created().json(MembershipDto::from(&membership))
        }
        Joined::Unchanged(membership) => HttpResponse::Ok().json(MembershipDto::from(&membership)),
    })
}

/// Leave a neighbourhood (or withdraw a pending request to join). The only active moderator
/// of a neighbourhood appoints another before leaving.
#[utoipa::path(
    tag = "membership",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    responses(
        (status = 204, description = "Left."),
        (status = 404, description = "No such neighbourhood, or not a member of it.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`last_moderator`: the only active moderator appoints another \
         before leaving.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/v1/neighbourhoods/{id}/membership")]
pub async fn leave_neighbourhood(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: NeighbourhoodPath,
) -> Result<HttpResponse, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    state
        .run(move |cx| app::leave(cx, id, caller.user_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The members of a neighbourhood, in order of joining (members and administrators).
///
/// Members see display names and roles: never an e-mail address, phone number, postcode,
/// street or house number (those are shared only inside an accepted match).
/// Moderators and administrators may also list `pending` and `rejected` members.
#[utoipa::path(
    tag = "membership",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id."), ListMembersParams),
    responses(
        (status = 200, description = "One page of members.", body = MemberList),
        (status = 400, description = "`invalid_query`.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`: not an active member (or, for other \
          statuses, not a moderator).", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/members")]
pub async fn list_members(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: NeighbourhoodPath,
    params: Query<ListMembersParams>,
) -> Result<web::Json<MemberList>, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let params = params.into_inner();
    let status: MembershipStatus = params.status.map_or(MembershipStatus::Active, Into::into);
    let (limit, after): (usize, Option<(chrono::DateTime<chrono::Utc>, String)>) =
        page(params.limit, params.cursor.as_deref(), Vec::new())?;
    let after = after.map(|(joined_at, id)| MemberCursor { joined_at, id });
    let (members, next) = state
        .run(move |cx| app::list_members(cx, id, caller.user_id, status, after, limit))
        .await?;
    Ok(web::Json(MemberList {
        items: members
            .into_iter()
            .map(|member| MemberDto {
                user_id: member.user_id.0,
                display_name: member.display_name,
                role: member.role.into(),
                status: member.status.into(),
                joined_at: member.joined_at,
                verified: member.verified,
            })
            .collect(),
        next_cursor: next.map(|cursor| encode_cursor(&(cursor.joined_at, cursor.id))),
    }))
}

/// Approve or reject a member, or change their role (moderators of the neighbourhood and
/// administrators). The last active moderator cannot be demoted. No one makes themself a
/// mediator (a role that opens casework): another moderator or administrator grants it. Every
/// change of role is kept in the audit record at `GET /v1/admin/role-grants`. Any change that
/// leaves the member active (`{"status": "active"}` included) is a moderator's approval: it
/// verifies an unverified membership.
#[utoipa::path(
    tag = "membership",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The neighbourhood's id."),
        ("user_id" = uuid::Uuid, Path, description = "The member's user id."),
    ),
    request_body = UpdateMemberRequest,
    responses(
        (status = 200, description = "The membership after the change.", body = MembershipDto),
        (status = 403, description = "`forbidden`: not a moderator here. \
          `self_grant_refused`: making oneself a mediator.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood, or no such member.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`illegal_transition` (e.g. back to `pending`), \
          `member_not_active` (a role for a pending member) or `last_moderator`.", body = Problem,
          content_type = "application/problem+json"),
    ),
)]
#[put("/v1/neighbourhoods/{id}/members/{user_id}")]
pub async fn update_member(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
    body: Json<UpdateMemberRequest>,
) -> Result<web::Json<MembershipDto>, ApiError> {
    let (id, member) = path.into_inner();
    let (id, member) = (NeighbourhoodId(id), UserId(member));
    let change = MemberChange {
        role: body.0.role.map(Into::into),
        status: body.0.status.map(Into::into),
    };
    let membership = state
        .run(move |cx| app::set_member(cx, id, caller.user_id, member, change))
        .await?;
    Ok(web::Json(MembershipDto::from(&membership)))
}

/// Create an invite code for the neighbourhood (mediators, moderators, administrators).
#[utoipa::path(
    tag = "membership",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    request_body(content = Option<CreateInviteRequest>,
        description = "Optional: no body makes an invite with the default terms."),
    responses(
        (status = 201, description = "The invite; hand its code to new residents.", body = InviteDto),
        (status = 403, description = "`forbidden`: not a mediator or moderator here.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/neighbourhoods/{id}/invites")]
pub async fn create_invite(
    state: web::Data<AppState>,
    caller: Authenticated,
    id: NeighbourhoodPath,
    body: OptionalJson<CreateInviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let body = body.0.unwrap_or_default();
    let terms = InviteTerms::parse(body.max_uses, body.valid_days)
        .map_err(|(field, error)| ApiError::validation(field, error.into()))?;
    let mut random = [0u8; INVITE_CODE_LEN];
    getrandom::fill(&mut random).map_err(|error| ApiError::internal(error.to_string()))?;
    let code = invite_code(&random);
    let invite = state
        .run(move |cx| app::create_invite(cx, id, caller.user_id, &code, terms))
        .await?;
    Ok(HttpResponse::Created().json(InviteDto {
        id: invite.id,
        neighbourhood_id: invite.neighbourhood_id.0,
        code: invite.code,
        max_uses: invite.max_uses,
        uses: invite.uses,
        expires_at: invite.expires_at,
        created_at: invite.created_at,
    }))
}

/// The signed-in user's memberships, active, pending and rejected.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every membership, by neighbourhood name.", body = MyMembershipList),
    ),
)]
#[get("/v1/me/memberships")]
pub async fn my_memberships(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<web::Json<MyMembershipList>, ApiError> {
    let rows = state
        .run(move |cx| app::my_memberships(cx, caller.user_id))
        .await?;
    Ok(web::Json(my_membership_list(rows)))
}

/// The signed-in user's memberships as the wire shows them.
pub fn my_membership_list(
    rows: Vec<(buurt_domain::membership::Membership, String, String, String)>,
) -> MyMembershipList {
    MyMembershipList {
        items: rows
            .into_iter()
            .map(|(membership, code, name, municipality_name)| MyMembership {
                neighbourhood: MyMembershipNeighbourhood {
                    id: membership.neighbourhood_id.0,
                    code,
                    name,
                    municipality_name,
                },
                role: membership.role.into(),
                status: membership.status.into(),
                joined_at: membership.joined_at,
                verified: membership.status == MembershipStatus::Active
                    && membership.verification.is_some(),
                verification: membership.verification.map(Into::into),
                via_postcode: membership.via_postcode,
            })
            .collect(),
    }
}

/// Make a user a professional (wijkteam) for a municipality (administrators). Professionals
/// see what later capabilities give them for every neighbourhood of that municipality. The
/// role opens casework, so an administrator cannot grant it to themself; grants and
/// withdrawals are kept in the audit record at `GET /v1/admin/role-grants`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = GrantProfessionalRequest,
    responses(
        (status = 201, description = "Granted.", body = ProfessionalGrantDto),
        (status = 200, description = "Already granted: unchanged.", body = ProfessionalGrantDto),
        (status = 403, description = "`forbidden`: not a platform administrator. \
          `self_grant_refused`: granting it to oneself.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: unknown user or bad code.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/admin/professionals")]
pub async fn grant_professional(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Json<GrantProfessionalRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut errors = FieldErrors::default();
    let Some(municipality) = errors.check(
        "municipality_code",
        MunicipalityCode::parse(&body.municipality_code),
    ) else {
        return Err(errors.into());
    };
    let user = UserId(body.user_id);
    let code = municipality.as_str().to_owned();
    let created = state
        .run(move |cx| app::grant_professional(cx, caller.user_id, user, &municipality))
        .await?;
    let grant = ProfessionalGrantDto {
        user_id: user.0,
        municipality_code: code,
    };
    Ok(crate::routes::created_or_ok(created, grant))
}

/// Withdraw a professional grant (administrators).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("user_id" = uuid::Uuid, Path, description = "The professional's user id."),
        ("municipality_code" = String, Path, description = "`GM` and four digits."),
    ),
    responses(
        (status = 204, description = "Withdrawn."),
        (status = 403, description = "`forbidden`: not a platform administrator.", body = Problem,
         content_type = "application/problem+json"),
        (status = 404, description = "No such grant.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[delete("/v1/admin/professionals/{user_id}/{municipality_code}")]
pub async fn revoke_professional(
    state: web::Data<AppState>,
    caller: Authenticated,
    path: web::Path<(uuid::Uuid, String)>,
) -> Result<HttpResponse, ApiError> {
    let (user, code) = path.into_inner();
    let municipality = MunicipalityCode::parse(&code).map_err(|_| ApiError::NotFound)?;
    state
        .run(move |cx| app::revoke_professional(cx, caller.user_id, UserId(user), &municipality))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
