//! The neighbourhood newsletter, as JSON or as a web page.

use actix_web::http::header::{self, Accept};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, web};
use buurt_app::digest::{self as app, Digest};
use buurt_domain::digest::Week;
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::Post;
use buurt_openapi::delivery::{DigestDto, DigestNeighbourhood, DigestParams, DigestPost};
use buurt_openapi::problem::Problem;

use crate::http::error::{ApiError, FieldErrors};
use crate::http::lang::Lang;
use crate::state::AppState;

fn post_dto(post: &Post) -> DigestPost {
    DigestPost {
        id: post.id.0,
        title: post.content.title.clone(),
        category: post.content.category.map(|c| c.as_str().to_owned()),
        starts_at: post.content.activity.as_ref().map(|a| a.starts_at),
        created_at: post.created_at,
    }
}

fn dto(digest: &Digest) -> DigestDto {
    let list = |posts: &[Post]| posts.iter().map(post_dto).collect();
    DigestDto {
        neighbourhood: DigestNeighbourhood {
            id: digest.neighbourhood.id.0,
            name: digest.neighbourhood.draft.name.as_str().to_owned(),
        },
        week: digest.week.label(),
        from: digest.week.start(),
        to: digest.week.end(),
        news: list(&digest.posts.news),
        new_activities: list(&digest.posts.new_activities),
        upcoming_activities: list(&digest.posts.upcoming_activities),
        open_requests: list(&digest.posts.open_requests),
        open_offers: list(&digest.posts.open_offers),
        solved_by_neighbours: digest.solved_by_neighbours.into(),
        solved_by_mediators: digest.solved_by_mediators.into(),
    }
}

/// Whether the client prefers HTML to JSON.
fn wants_html(request: &HttpRequest) -> bool {
    request.get_header::<Accept>().is_some_and(|accept| {
        accept.ranked().into_iter().find_map(|mime| {
            match (mime.type_().as_str(), mime.subtype().as_str()) {
                ("text", "html") => Some(true),
                ("application", "json") | ("application", "*") | ("*", "*") => Some(false),
                _ => None,
            }
        }) == Some(true)
    })
}

/// The neighbourhood's newsletter for a week: new activities and those coming up, open
/// requests and offers, news, and how many requests neighbours and mediators solved (1 to 4
/// shown as `"<5"`). Public, like the neighbourhood's page: only public posts. JSON, or a web
/// page with `Accept: text/html` (in Dutch or English by `Accept-Language`).
#[utoipa::path(
    tag = "neighbourhoods",
    params(("id" = uuid::Uuid, Path, description = "The neighbourhood's id."), DigestParams),
    responses(
        (status = 200, description = "The newsletter.", content(
            (DigestDto = "application/json"),
            (String = "text/html", example = json!("<!DOCTYPE html>…")),
        )),
        (status = 400, description = "`invalid_query`: a week that is not `YYYY-Www`.",
         body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such neighbourhood.", body = Problem,
         content_type = "application/problem+json"),
    ),
)]
#[get("/v1/neighbourhoods/{id}/digest")]
pub async fn get_digest(
    request: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<uuid::Uuid>,
    params: web::Query<DigestParams>,
) -> Result<HttpResponse, ApiError> {
    let week = match params.week.as_deref() {
        None => Week::containing(state.clock.now()),
        Some(raw) => {
            let mut errors = FieldErrors::default();
            match errors.check("week", Week::parse(raw)) {
                Some(week) => week,
                None => return Err(ApiError::InvalidQuery(errors.into_problems())),
            }
        }
    };
    let id = NeighbourhoodId(id.into_inner());
    let digest = state.run(move |cx| app::digest(cx, id, week)).await?;
    if !wants_html(&request) {
        return Ok(HttpResponse::Ok().json(dto(&digest)));
    }
    let lang = Lang::negotiate(
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|value| value.to_str().ok()),
    );
    let page = crate::mail::digest_page(&app::for_reader(digest, &[]), lang, &state.links.app_url)
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page))
}
