//! Neighbourhoods: finding them, their public page, and administering them.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use buurt_app::neighbourhoods as app;
use buurt_domain::accounts::UserId;
use buurt_domain::neighbourhoods::{
    MunicipalityCode, Neighbourhood, NeighbourhoodDraft, NeighbourhoodId, PostcodeArea, search_key,
};
use buurt_openapi::neighbourhoods::{
    CreateNeighbourhoodRequest, GeoPointDto, ImportReportDto, ListNeighbourhoodsParams,
    MediationCount, MunicipalityDto, NeighbourhoodDto, NeighbourhoodList, NeighbourhoodSummaryDto,
    PagePost, PageSection, PublicPage, UpdateNeighbourhoodRequest,
};
use buurt_openapi::problem::Problem;
use buurt_persistence::DbConnection;
use buurt_persistence::neighbourhoods::{NeighbourhoodCursor, NeighbourhoodQuery};

use crate::auth::{Authenticated, Caller};
use crate::http::error::{ApiError, FieldErrors, FieldIssue};
use crate::http::etag::{IfMatch, etag_of, json_with_etag};
use crate::http::extract::{Csv, Json};
use crate::http::paging::{encode_cursor, page};
use crate::http::query::Query;
use crate::neighbourhood_input::{DraftFields, parse_csv, validate_draft};
use crate::state::AppState;

/// Loads a neighbourhood or answers 404. (For handlers not yet moved to the use cases.)
pub fn load(conn: &mut DbConnection, id: NeighbourhoodId) -> Result<Neighbourhood, ApiError> {
    Ok(app::find(conn, id)?)
}

/// 403 unless a platform administrator is asking. (For handlers not yet moved to the use
/// cases.)
pub fn require_admin(conn: &mut DbConnection, user: UserId) -> Result<(), ApiError> {
    Ok(buurt_app::accounts::require_admin(conn, user)?)
}

/// Find neighbourhoods by name, municipality or postcode, ordered by name. No sign-in needed.
#[utoipa::path(
    tag = "neighbourhoods",
    params(ListNeighbourhoodsParams),
    responses(
        (status = 200, description = "One page, ordered by name.", body = NeighbourhoodList),
        (status = 400, description = "`invalid_query`: see `errors`.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods")]
pub async fn list_neighbourhoods(
    state: web::Data<AppState>,
    params: Query<ListNeighbourhoodsParams>,
) -> Result<web::Json<NeighbourhoodList>, ApiError> {
    let params = params.into_inner();
    let mut errors = FieldErrors::default();
    let municipality = errors.check_optional(
        "municipality",
        params.municipality.as_deref(),
        MunicipalityCode::parse,
    );
    let postcode =
        errors.check_optional("postcode", params.postcode.as_deref(), PostcodeArea::parse);
    if params.q.as_deref().is_some_and(|q| q.chars().count() > 100) {
        errors.push("q", FieldIssue::TooLong { max: 100 });
    }
    // Every problem at once: these and the paging parameters'.
    let (limit, after): (usize, Option<(String, String)>) = page(
        params.limit,
        params.cursor.as_deref(),
        errors.into_problems(),
    )?;
    // No problem was found, so neither is `None` for a refused value: only for an absent one.
    let (municipality, postcode) = (municipality.flatten(), postcode.flatten());
    let query = NeighbourhoodQuery {
        name_prefix: params
            .q
            .as_deref()
            .map(search_key)
            .filter(|prefix| !prefix.is_empty()),
        municipality,
        postcode,
        after: after.map(|(search_name, id)| NeighbourhoodCursor { search_name, id }),
        limit,
    };
    let (items, next) = state.run(move |cx| app::list(cx, &query)).await?;
    Ok(web::Json(NeighbourhoodList {
        items: items
            .into_iter()
            .map(|summary| NeighbourhoodSummaryDto {
                id: summary.id.0,
                code: summary.code.as_str().to_owned(),
                name: summary.name.as_str().to_owned(),
                municipality: MunicipalityDto {
                    code: summary.municipality_code.as_str().to_owned(),
                    name: summary.municipality_name.as_str().to_owned(),
                },
                centre: GeoPointDto::from(summary.centre),
            })
            .collect(),
        next_cursor: next.map(|cursor| encode_cursor(&(cursor.search_name, cursor.id))),
    }))
}

/// Create a neighbourhood (platform administrators, and machine clients with
/// `neighbourhoods:write` for its municipality).
#[utoipa::path(
    tag = "neighbourhoods",
    security(("bearer" = []), ("partner" = ["neighbourhoods:write"])),
    request_body = CreateNeighbourhoodRequest,
    responses(
        (status = 201, description = "Created.", body = NeighbourhoodDto,
         headers(("location" = String, description = "`/v1/neighbourhoods/{id}`"))),
        (status = 403, description = "`forbidden`: not a platform administrator; \
          `insufficient_scope`: a machine client without `neighbourhoods:write` for the municipality.", body = Problem,
         content_type = "application/problem+json"),
        (status = 409, description = "`neighbourhood_code_taken`.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: see `errors` (also for neighbours \
          that do not exist).", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[post("/v1/neighbourhoods")]
pub async fn create_neighbourhood(
    state: web::Data<AppState>,
    caller: Caller,
    body: Json<CreateNeighbourhoodRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0;
    let mut errors = FieldErrors::default();
    let fields = DraftFields {
        code: &body.code,
        name: &body.name,
        municipality_code: &body.municipality_code,
        municipality_name: &body.municipality_name,
        lat: Ok(body.lat),
        lng: Ok(body.lng),
        postcodes: body.postcodes.iter().map(|p| p.0.as_str()).collect(),
        adjacent: body.adjacent.iter().map(|c| c.0.as_str()).collect(),
    };
    let Some(draft) = validate_draft(fields, "", &mut errors) else {
        return Err(errors.into());
    };
    let by = caller.requester();
    let neighbourhood = state.run(move |cx| app::create(cx, &by, &draft)).await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/v1/neighbourhoods/{}", neighbourhood.id),
        ))
        .json(NeighbourhoodDto::new(&neighbourhood, 0)))
}

/// A neighbourhood, with its postcodes and neighbours. No sign-in needed.
#[utoipa::path(
    tag = "neighbourhoods",
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    responses(
        (status = 200, description = "The neighbourhood.", body = NeighbourhoodDto,
         headers(("etag" = String, description = "For `If-None-Match`."))),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    ),
)]
#[get("/v1/neighbourhoods/{id}")]
pub async fn get_neighbourhood(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let (neighbourhood, members) = state.run(move |cx| app::get(cx, id)).await?;
    json_with_etag(&req, &NeighbourhoodDto::new(&neighbourhood, members))
}

/// Change a neighbourhood (platform administrators, and machine clients with
/// `neighbourhoods:write` for its municipality). Absent fields stay as they are.
#[utoipa::path(
    tag = "neighbourhoods",
    security(("bearer" = []), ("partner" = ["neighbourhoods:write"])),
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    request_body = UpdateNeighbourhoodRequest,
    responses(
        (status = 200, description = "The neighbourhood after the change.", body = NeighbourhoodDto),
        (status = 403, description = "`forbidden`: not a platform administrator; \
          `insufficient_scope`: a machine client without `neighbourhoods:write` for the municipality.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[patch("/v1/neighbourhoods/{id}")]
pub async fn update_neighbourhood(
    req: HttpRequest,
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<uuid::Uuid>,
    body: Json<UpdateNeighbourhoodRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    let body = body.0;
    let by = caller.requester();
    let if_match = IfMatch::of(&req);
    let (updated, members) = state
        .run(move |cx| {
            app::update(
                cx,
                &by,
                id,
                |current| merged_draft(current, &body),
                |before, members| if_match.check(&NeighbourhoodDto::new(before, members)),
            )
        })
        .await?;
    let dto = NeighbourhoodDto::new(&updated, members);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag_of(&dto)))
        .json(dto))
}

/// The stored draft with the requested changes, validated as a whole.
fn merged_draft(
    current: &NeighbourhoodDraft,
    body: &UpdateNeighbourhoodRequest,
) -> Result<NeighbourhoodDraft, buurt_app::AppError> {
    let postcodes: Vec<&str> = match &body.postcodes {
        Some(list) => list.iter().map(|p| p.0.as_str()).collect(),
        None => current.postcodes.iter().map(|p| p.as_str()).collect(),
    };
    let adjacent: Vec<&str> = match &body.adjacent {
        Some(list) => list.iter().map(|c| c.0.as_str()).collect(),
        None => current.adjacent.iter().map(|c| c.as_str()).collect(),
    };
    let fields = DraftFields {
        code: current.code.as_str(),
        name: body.name.as_deref().unwrap_or(current.name.as_str()),
        municipality_code: body
            .municipality_code
            .as_deref()
            .unwrap_or(current.municipality_code.as_str()),
        municipality_name: body
            .municipality_name
            .as_deref()
            .unwrap_or(current.municipality_name.as_str()),
        lat: Ok(body.lat.unwrap_or(current.centre.lat)),
        lng: Ok(body.lng.unwrap_or(current.centre.lng)),
        postcodes,
        adjacent,
    };
    let mut errors = FieldErrors::default();
    validate_draft(fields, "", &mut errors).ok_or_else(|| errors.into())
}

// issue 20 (h20d)
fn achievements_dto(
    achievements: buurt_app::achievements::Achievements,
) -> buurt_openapi::signals::AchievementsDto {
    use buurt_openapi::signals::{AchievedCountsDto, MonthAchievements, YearAchievements};
    let counts = |c: buurt_app::achievements::AchievedCounts| AchievedCountsDto {
        solved_by_neighbours: c.solved_by_neighbours.into(),
        solved_with_mediator: c.solved_with_mediator.into(),
        handed_to_wijkteam: c.handed_to_wijkteam.into(),
    };
    buurt_openapi::signals::AchievementsDto {
        lasting_arrangements: achievements.lasting_arrangements.into(),
        months: achievements
            .months
            .into_iter()
            .map(|(month, c)| MonthAchievements {
                month: month.format("%Y-%m").to_string(),
                counts: counts(c),
            })
            .collect(),
        years: achievements
            .years
            .into_iter()
            .map(|(year, c)| YearAchievements {
                year,
                counts: counts(c),
            })
            .collect(),
    }
}

/// What anyone may see of a neighbourhood, without signing in: its name, how many members it
/// has, the latest public news, upcoming public activities, open public requests and offers,
/// how many requests mediators are handling (a count, never the requests), which requests go to
/// the mediators by themselves (`escalation_rules`), and what neighbours and mediators achieved
/// per month and year (`achievements`, counts with monitoring's small-number suppression).
#[utoipa::path(
    tag = "neighbourhoods",
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id.")),
    responses(
        (status = 200, description = "The public page.", body = PublicPage,
         headers(("etag" = String, description = "For `If-None-Match`."))),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`."),
    ),
)]
#[get("/v1/neighbourhoods/{id}/page")]
pub async fn get_public_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = NeighbourhoodId(id.into_inner());
    // Public and a little staleness does no harm: the read replica, when there is one.
    let page = state.read(move |cx| app::public_page(cx, id)).await?;
    let section = |section: app::PageSection| PageSection {
        items: section
            .posts
            .into_iter()
            .map(|(post, places_left)| PagePost {
                id: post.id.0,
                kind: post.content.kind.as_str().to_owned(),
                title: post.content.title,
                category: post.content.category.map(|c| c.as_str().to_owned()),
                starts_at: post.content.activity.as_ref().map(|a| a.starts_at),
                places_left,
                created_at: post.created_at,
            })
            .collect(),
        count: section.count,
    };
    let page = PublicPage {
        neighbourhood: NeighbourhoodSummaryDto::from(&page.neighbourhood),
        news: section(page.news),
        upcoming_activities: section(page.upcoming_activities),
        open_requests: section(page.open_requests),
        open_offers: section(page.open_offers),
        member_count: page.member_count,
        in_mediation: MediationCount {
            count: page.in_mediation,
        },
        escalation_rules: crate::routes::signals::rules_dto(&page.escalation_rules),
        achievements: achievements_dto(page.achievements),
    };
    json_with_etag(&req, &page)
}

/// Import neighbourhoods from CSV (platform administrators).
///
/// The header is `code,name,municipality_code,municipality_name,lat,lng,postcodes,adjacent`;
/// postcodes and adjacent codes are separated by `;`. Rows are matched by code: a known code
/// is updated, a new one created, so importing the same file twice changes nothing. Every row
/// is checked first; any problem (reported per line as `lines[N].field`, the header being line
/// 1) rejects the whole file and imports nothing.
#[utoipa::path(
    tag = "neighbourhoods",
    security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv", description = "At most 16 MiB."),
    responses(
        (status = 200, description = "Imported.", body = ImportReportDto),
        (status = 403, description = "`forbidden`: not a platform administrator; \
          `insufficient_scope`: a machine client without `neighbourhoods:write` for the municipality.", body = Problem,
         content_type = "application/problem+json"),
        (status = 415, description = "`unsupported_media_type`: send `text/csv`.", body = Problem,
         content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: what is wrong, line by line.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[post("/v1/admin/neighbourhoods/import")]
pub async fn import_neighbourhoods(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Csv,
) -> Result<web::Json<ImportReportDto>, ApiError> {
    state
        .run(move |cx| buurt_app::accounts::require_admin(cx.conn, caller.user_id))
        .await?;
    let drafts = state.compute(move || parse_csv(&body.0)).await??;
    let report = state
        .run(move |cx| app::import_neighbourhoods(cx, &drafts))
        .await?;
    Ok(web::Json(ImportReportDto {
        created: report.created,
        updated: report.updated,
    }))
}
