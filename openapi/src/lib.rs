//! The Buurt wire contract: request and response types, the problem type, and the base OpenAPI
//! document. Free of actix and diesel, so a partner can depend on it for typed clients.

pub mod accounts;
pub mod activities;
pub mod arrangements;
pub mod delivery;
pub mod devices;
pub mod grants;
pub mod health;
pub mod images;
pub mod matching;
pub mod mediation;
pub mod moderation;
pub mod neighbourhoods;
pub mod notifications;
pub mod offline;
pub mod partners;
pub mod posts;
pub mod privacy;
pub mod problem;
pub mod signals;
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
Conventions: JSON with `snake_case` fields; timestamps are RFC 3339 in UTC; dates and \
timestamps a request sends lie in the years 1900 to 2200 (`out_of_range` otherwise); text people \
read holds no control or format characters (Unicode `Cf`, except the zero-width joiners); ids \
are opaque strings. Every error is an RFC 9457 problem (`application/problem+json`) with a stable `code`; \
its `title` and `detail` follow `Accept-Language` (`nl` or `en`, default `en`). Any operation \
may also answer, in English, before the request is understood: 400 `bad_request` (not valid \
HTTP/1.1), 431 `request_header_fields_too_large` (a request head over 128 KiB or with over 96 \
headers) and 408 `request_timeout` (a head not sent within `BUURT_HEADER_TIMEOUT_MS`); the \
connection is then closed. A write that meets an account or item removed while it was \
handled (an account erased, a post deleted) answers 409 `reference_gone` and changes nothing; \
when the account removed or suspended is the caller's own, the answer is 401 `invalid_token`, on \
every node at once (a token is otherwise checked against a standing each node caches for up to \
5 seconds). Every response \
carries an `x-request-id` header (the client's own, when it sent a valid one) and \
`X-Content-Type-Options: nosniff`. Every answer to a request with an `Authorization` header, \
and every answer under `/v1/auth/`, carries `Cache-Control: no-store`: it may hold a token or \
personal data. The interactive documentation at `/docs/` has a content security policy that \
allows only its own assets and may not be framed.\n\n\
Privacy (who sees what of a person): an e-mail address, phone number, postcode, street and \
house number are shown to the person themselves (`GET /v1/me`, `GET /v1/me/export`) and to the \
other party of an accepted or completed match, in that match only (`MatchDto.contact`); a \
moderator producing verification letters sees the street, house number and postcode of the \
unverified members the letters go to; a wijkteam's partner client with `cases:referrals` \
receives, with a case referred to the wijkteam, the requester's name, e-mail, phone and postcode, \
as their care-data consent covers (`GET /v1/cases/{id}/referral`). Everyone else (members, \
mediators, moderators, professionals, administrators) sees a person's display name and id at \
most. Care data (a case, its notes and audit log) reaches a professional of the wijkteam only \
once the case is referred to them, which needs the requester's care-data consent; withdrawing \
it ends every referral at once, in the app and through the partner API. The monitoring figures \
are aggregates. An erased account's remaining posts, matches, answers and notes are shown \
under the name `former resident` (`voormalig bewoner` in Dutch), in the language of \
`Accept-Language`, with an id that leads to nobody.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    components(schemas(
        problem::Problem,
        problem::FieldError,
        partners::WebhookPayload,
        notifications::NotificationKindDto,
    )),
    modifiers(&SecuritySchemes),
)]
pub struct BaseDoc;

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize as _;
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Moments in request bodies, refused outside [`buurt_domain::value::YEARS`] while they are
/// read, so no handler meets one (`#[serde(deserialize_with = "crate::moment::…")]`); and the
/// one way every moment is written (`#[serde(serialize_with = "crate::moment::write")]`).
pub mod moment {
    use buurt_domain::value::{YEARS, moment_in_range};
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::Deserialize as _;

    /// RFC 3339 in UTC, always with six fractional digits (`2026-05-01T09:30:00.000000Z`):
    /// decoders that expect one shape (Swift's, for one) read every moment alike.
    pub fn format(at: &DateTime<Utc>) -> String {
        at.to_rfc3339_opts(SecondsFormat::Micros, true)
    }

    pub fn write<S: serde::Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(at))
    }

    pub fn write_optional<S: serde::Serializer>(
        at: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => write(at, s),
            None => s.serialize_none(),
        }
    }

    fn check<E: serde::de::Error>(at: DateTime<Utc>) -> Result<DateTime<Utc>, E> {
        moment_in_range(at).map_err(|_| {
            E::custom(format_args!(
                "out of range: a moment in the years {} to {}",
                YEARS.start(),
                YEARS.end()
            ))
        })
    }

    pub fn in_range<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        check(DateTime::<Utc>::deserialize(d)?)
    }

    pub fn optional<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<DateTime<Utc>>::deserialize(d)?
            .map(check)
            .transpose()
    }

    /// Absent is `None`, `null` is `Some(None)` (with `#[serde(default)]`).
    pub fn nullable<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<DateTime<Utc>>>, D::Error> {
        optional(d).map(Some)
    }
}

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
        components.add_security_scheme(
            METRICS_AUTH,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The operator's metrics token (`BUURT_METRICS_TOKEN`); `/metrics` asks \
                         for it only when it is set.",
                    ))
                    .build(),
            ),
        );
        use utoipa::openapi::security::{ClientCredentials, Flow, OAuth2, Scopes};
        let scopes = Scopes::from_iter(
            buurt_domain::partners::Scope::ALL
                .into_iter()
                .map(|scope| (scope.as_str(), scope.description())),
        );
        components.add_security_scheme(
            PARTNER_AUTH,
            SecurityScheme::OAuth2(OAuth2::with_description(
                [Flow::ClientCredentials(ClientCredentials::new(
                    "/v1/auth/token",
                    scopes,
                ))],
                "Machine clients of partner systems (registered by an administrator at \
                 `POST /v1/admin/clients`) get a 15-minute token from `/v1/auth/token` with \
                 the client-credentials grant. Every endpoint a machine may call names the \
                 scope it needs, and a client sees only the municipalities it is bound to.",
            )),
        );
    }
}

/// The name of the bearer scheme of `/metrics`; the handler refers to it as `"metrics_token"`.
pub const METRICS_AUTH: &str = "metrics_token";

/// The name of the OAuth 2.0 client-credentials scheme for partner systems.
pub const PARTNER_AUTH: &str = "partner";

/// The base document, ready for the handlers to be added.
pub fn base_document() -> utoipa::openapi::OpenApi {
    BaseDoc::openapi()
}

#[cfg(test)]
mod one_moment_format {
    /// Every moment on the wire goes through `moment::write`: a field of type `DateTime<Utc>`
    /// (or an `Option` of one) in this crate without it is a slip a generated client would meet.
    #[test]
    fn every_moment_field_is_written_one_way() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let source = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = source.lines().collect();
            for (index, line) in lines.iter().enumerate() {
                let field = line.trim();
                let is_moment = field.starts_with("pub ")
                    && !field.starts_with("pub fn ")
                    && field.ends_with(',')
                    && field.contains("DateTime<");
                if !is_moment {
                    continue;
                }
                let attributes = lines[..index]
                    .iter()
                    .rev()
                    .take_while(|l| {
                        let l = l.trim();
                        l.starts_with("#[")
                            || l.starts_with("///")
                            || l.ends_with(')')
                            || l.ends_with(',')
                    })
                    .any(|l| l.contains("serialize_with"));
                if !attributes {
                    missing.push(format!("{}:{}", path.display(), index + 1));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "moments without moment::write: {missing:?}"
        );
    }
}
