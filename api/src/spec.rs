//! The final OpenAPI document: the base from `buurt-openapi` plus every registered handler.

use actix_web::App;
use buurt_openapi::problem::PROBLEM_CONTENT_TYPE;
use utoipa::openapi::Required;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder};
use utoipa_actix_web::AppExt;

use crate::routes;

/// The document served at `/openapi.json` and checked in at `openapi/openapi.json`.
pub fn openapi() -> OpenApi {
    let (_, mut spec) = App::new()
        .into_utoipa_app()
        .openapi(buurt_openapi::base_document())
        .configure(routes::configure)
        .split_for_parts();
    for (path, item) in spec.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            add_shared_problems(path, operation);
            add_default_problem(operation);
            // Summaries are plain text in every viewer: code marks would show as backticks.
            if let Some(summary) = operation.summary.as_mut() {
                *summary = summary.replace('`', "");
            }
        }
        if let Some(post) = item.post.as_mut() {
            add_idempotency_key(post);
        }
        if let Some(patch) = item.patch.as_mut() {
            add_if_match(patch);
        }
    }
    require_current_password_with_a_new_one(&mut spec);
    order_tags(&mut spec);
    spec
}

/// The sections in the order an app developer reads them: signing in, oneself, finding one's
/// neighbourhood, its posts and what follows them; then the professionals' and partners'
/// parts; operations last. A tag not named here goes before operations, by name.
const TAG_ORDER: &[(&str, &str)] = &[
    ("auth", "Registering, signing in and out, tokens."),
    (
        "me",
        "One's own account: profile, posts, matches, memberships, notifications.",
    ),
    (
        "neighbourhoods",
        "Finding a neighbourhood (by name or postcode) and its public page.",
    ),
    (
        "membership",
        "Joining a neighbourhood, members, roles and invites.",
    ),
    ("posts", "The feed: news, activities, requests and offers."),
    (
        "matching",
        "Suggestions, offers of help, invitations and the matches that follow.",
    ),
    (
        "activities",
        "RSVPs, the waitlist, check-ins and calendars.",
    ),
    (
        "mediation",
        "Requests handed to mediators: cases, notes, referrals.",
    ),
    (
        "monitoring",
        "Aggregate figures for wijkteams and municipalities.",
    ),
    ("partners", "Machine clients, webhooks and the event feed."),
    ("admin", "Platform administration."),
];

fn order_tags(spec: &mut OpenApi) {
    use utoipa::openapi::tag::TagBuilder;
    let mut used: Vec<String> = spec
        .paths
        .paths
        .values()
        .flat_map(|item| {
            [&item.get, &item.put, &item.post, &item.delete, &item.patch]
                .into_iter()
                .flatten()
                .flat_map(|operation| operation.tags.iter().flatten().cloned())
        })
        .collect();
    used.sort();
    used.dedup();
    let mut tags = Vec::new();
    for (name, description) in TAG_ORDER {
        if used.iter().any(|tag| tag == name) {
            tags.push(
                TagBuilder::new()
                    .name(*name)
                    .description(Some(*description))
                    .build(),
            );
        }
    }
    for name in &used {
        if name != "operations" && !TAG_ORDER.iter().any(|(known, _)| known == name) {
            tags.push(TagBuilder::new().name(name.clone()).build());
        }
    }
    if used.iter().any(|tag| tag == "operations") {
        tags.push(
            TagBuilder::new()
                .name("operations")
                .description(Some("Health, readiness and metrics, for operators."))
                .build(),
        );
    }
    spec.tags = Some(tags);
}

/// `new_password` needs `current_password`: JSON Schema says so with `dependentRequired`, which
/// utoipa's derive cannot express.
fn require_current_password_with_a_new_one(spec: &mut OpenApi) {
    let schema = spec
        .components
        .as_mut()
        .and_then(|components| components.schemas.get_mut("UpdateMeRequest"));
    if let Some(RefOr::T(Schema::Object(object))) = schema {
        object
            .extensions
            .get_or_insert_with(Default::default)
            .insert(
                "dependentRequired".into(),
                serde_json::json!({"new_password": ["current_password"]}),
            );
    }
}

/// Every POST takes an optional `Idempotency-Key` (see `crate::http::idempotency`).
fn add_idempotency_key(operation: &mut Operation) {
    let parameter = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes retrying safe: a retry with the same key and the same request within 24 \
             hours gets the first successful response again (with `Idempotent-Replayed: true`) \
             and changes nothing; a concurrent retry waits for the first. The same key with \
             another request is 422 `idempotency_key_reused`. Keys belong to the signed-in user \
             or partner client and are not honoured without a token. Answers that hand out a \
             credential (`/v1/auth/register`, `/login`, `/refresh` and `/token`, creating a \
             client or rotating its secret, creating a webhook) are never kept: a retry of one \
             still changes nothing but is 409 `idempotency_key_held_secret`, as the secret is \
             shown once. Use a new UUID for every new request.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some("^[!-~]+$")),
        ))
        .build();
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(parameter);
}

/// Every PATCH takes an optional `If-Match` (see `crate::http::etag::IfMatch`).
fn add_if_match(operation: &mut Operation) {
    let parameter = ParameterBuilder::new()
        .name("If-Match")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Change only if nothing changed since it was read: the `ETag` of the `GET` (or of \
             the previous change's answer), or `*`. When it no longer matches, the answer is \
             412 `precondition_failed` and nothing is changed; of two changes sent with the \
             same `ETag`, one goes through. Without it, the change is made regardless.",
        ))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build();
    operation
        .parameters
        .get_or_insert_with(Vec::new)
        .push(parameter);
    add_problem(
        operation,
        "412",
        "`precondition_failed`: changed since the `ETag` sent in `If-Match`; nothing was \
         changed. Read it again and retry.",
    );
    let ok = operation.responses.responses.get_mut("200");
    if let Some(RefOr::T(response)) = ok {
        response.headers.insert(
            "etag".to_owned(),
            utoipa::openapi::HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::String))
                .description(Some("The new `ETag`, for the next `If-Match`."))
                .build(),
        );
    }
}

/// How a missing resource is described, by the path it is reached under.
const NOT_FOUND: &[(&str, &str)] = &[
    ("/v1/posts/{id}", "No such post, or not yours to see."),
    ("/v1/neighbourhoods/{id}", "No such neighbourhood."),
    ("/v1/cases/{id}", "No such case, or not yours to see."),
    ("/v1/matches/{id}", "No such match of yours."),
];

/// The problem responses most operations share, written once here rather than in every
/// handler's `#[utoipa::path]`: 401 for an operation that takes a bearer token, 422 for one
/// that takes a JSON body, 408 for one that takes any body, and 404 for one under a resource of `NOT_FOUND`. An operation that
/// describes its own keeps it.
fn add_shared_problems(path: &str, operation: &mut Operation) {
    let bearer = operation.security.iter().flatten().any(|requirement| {
        serde_json::to_value(requirement).is_ok_and(|value| value.get("bearer").is_some())
    });
    if bearer {
        add_problem(operation, "401", "Not signed in.");
    }
    let json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|body| body.content.contains_key("application/json"));
    if json_body {
        add_problem(operation, "422", "`validation_failed`: see `errors`.");
    }
    if operation.request_body.is_some() {
        add_problem(
            operation,
            "408",
            "`request_timeout`: the body did not arrive within `BUURT_BODY_TIMEOUT_MS`; nothing \
             was changed and the connection is closed.",
        );
    }
    if let Some((_, description)) = NOT_FOUND
        .iter()
        .find(|(prefix, _)| path == *prefix || path.starts_with(&format!("{prefix}/")))
    {
        add_problem(operation, "404", description);
    }
}

/// A problem response for `status`, unless the operation describes that status itself.
fn add_problem(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| RefOr::T(problem_response(description)));
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_CONTENT_TYPE,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// Every operation can fail in ways that are not its own (a body too large, the database gone):
/// the `default` response says such failures are problems too.
fn add_default_problem(operation: &mut Operation) {
    let problem = problem_response(
        "Any other failure, as an RFC 9457 problem with a stable `code` \
         (for example `payload_too_large`, `database_unavailable`, `internal_error`).",
    );
    operation
        .responses
        .responses
        .entry("default".to_owned())
        .or_insert(RefOr::T(problem));
}
