//! The Buurt wire contract: request and response types, the problem type, and the base OpenAPI
//! document. Free of actix and diesel, so a partner can depend on it for typed clients.

pub mod accounts;
pub mod activities;
pub mod health;
pub mod matching;
pub mod mediation;
pub mod neighbourhoods;
pub mod notifications;
pub mod posts;
pub mod problem;
pub mod stats;

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// The document the API's handlers are added to.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Buurt API",
        description = "The API of Buurt, a neighbourhood-development platform: residents share \
news, activities, requests and offers; requests meet neighbours who can help; what the online \
network cannot solve goes to mediators and the wijkteam.\n\n\
Conventions: JSON with `snake_case` fields; timestamps are RFC 3339 in UTC; ids are opaque \
strings. Every error is an RFC 9457 problem (`application/problem+json`) with a stable `code`; \
its `title` and `detail` follow `Accept-Language` (`nl` or `en`, default `en`). Every response \
carries an `x-request-id` header (the client's own, when it sent a valid one).",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    components(schemas(problem::Problem, problem::FieldError)),
    modifiers(&SecuritySchemes),
)]
pub struct BaseDoc;

/// The name under which the bearer scheme is registered; handlers refer to it as `"bearer"`.
pub const BEARER_AUTH: &str = "bearer";

struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER_AUTH,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `/v1/auth/login`, `/v1/auth/register` or \
                         `/v1/auth/refresh`, valid for 15 minutes.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The base document, ready for the handlers to be added.
pub fn base_document() -> utoipa::openapi::OpenApi {
    BaseDoc::openapi()
}
