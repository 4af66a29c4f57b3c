//! Query strings: only the parameters an operation documents are taken (any other is a 400
//! naming it, so `?author=me` never silently returns the whole feed), and a typed query reports
//! every parameter at fault at once, each by name, in the negotiated language.

use std::collections::{HashMap, HashSet};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use utoipa::openapi::OpenApi;
use utoipa::openapi::path::ParameterIn;

use crate::http::error::{ApiError, FieldIssue, FieldProblem};

/// The query parameters each `GET` operation of the spec documents, by path template.
#[derive(Debug, Clone, Default)]
pub struct DocumentedQueries(HashMap<String, HashSet<String>>);

impl DocumentedQueries {
    pub fn from_spec(spec: &OpenApi) -> Self {
        let mut table = HashMap::new();
        for (path, item) in &spec.paths.paths {
            if let Some(get) = &item.get {
                let names = get
                    .parameters
                    .iter()
                    .flatten()
                    .filter(|parameter| parameter.parameter_in == ParameterIn::Query)
                    .map(|parameter| parameter.name.clone())
                    .collect();
                table.insert(path.clone(), names);
            }
        }
        Self(table)
    }

    /// The parameters of `query` that the operation at `template` does not document, in the
    /// order sent, each once; `None` for a path the spec does not describe.
    pub fn unknown(&self, template: &str, query: &str) -> Option<Vec<String>> {
        let known = self.0.get(template)?;
        let mut unknown: Vec<String> = Vec::new();
        for (name, _) in pairs(query) {
            if !known.contains(&name) && !unknown.contains(&name) {
                unknown.push(name);
            }
        }
        Some(unknown)
    }
}

/// The decoded name and value of every parameter of a query string.
fn pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(raw: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("{raw}="))
        .ok()
        .and_then(|mut pairs| pairs.pop())
        .map_or_else(|| raw.to_owned(), |(name, _)| name)
}

/// 400 `invalid_query` for a `GET` (or `HEAD`) with parameters its operation does not document, naming
/// every one of them.
pub async fn refuse_unknown_parameters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody + 'static>>, actix_web::Error> {
    let reads = [actix_web::http::Method::GET, actix_web::http::Method::HEAD];
    let unknown = if reads.contains(req.method()) && !req.query_string().is_empty() {
        let template = req.match_pattern();
        req.app_data::<web::Data<DocumentedQueries>>()
            .zip(template)
            .and_then(|(table, template)| table.unknown(&template, req.query_string()))
            .filter(|unknown| !unknown.is_empty())
    } else {
        None
    };
    match unknown {
        Some(names) => {
            let problems = names
                .into_iter()
                .map(|name| FieldProblem::new(name, FieldIssue::UnknownField))
                .collect();
            Ok(req
                .error_response(ApiError::InvalidQuery(problems))
                .map_into_right_body())
        }
        None => next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body),
    }
}

/// A typed query string. When it does not parse, each parameter is tried on its own, so that
/// every one at fault is named in one 400 `invalid_query`.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

/// `query` as a `T`, or every parameter at fault.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let whole = match serde_urlencoded::from_str::<T>(query) {
        Ok(value) => return Ok(value),
        Err(error) => error.to_string(),
    };
    let pairs = pairs(query);
    let mut problems: Vec<FieldProblem> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (name, value) in &pairs {
        if !seen.insert(name) {
            problems.push(FieldProblem::new(
                name.clone(),
                FieldIssue::invalid("given more than once", "meer dan eens opgegeven"),
            ));
            continue;
        }
        let alone = serde_urlencoded::to_string([(name, value)]).unwrap_or_default();
        if let Err(error) = serde_urlencoded::from_str::<T>(&alone) {
            let message = error.to_string();
            // Another parameter the type requires is missing: not this one's fault.
            if !message.starts_with("missing field") {
                problems.push(FieldProblem::new(name.clone(), issue(&message)));
            }
        }
    }
    if problems.is_empty() {
        let name = whole.split('`').nth(1).unwrap_or_default().to_owned();
        problems.push(FieldProblem::new(name, issue(&whole)));
    }
    Err(ApiError::InvalidQuery(problems))
}

/// What is wrong with one parameter, in words of both languages (serde's and the standard
/// library's messages are English and name Rust's types).
fn issue(message: &str) -> FieldIssue {
    let number = |en: &str, nl: &str| FieldIssue::wrong_type(en.to_owned(), nl.to_owned());
    match message {
        m if m.starts_with("missing field") => FieldIssue::Required,
        m if m.starts_with("unknown field") => FieldIssue::UnknownField,
        "invalid digit found in string" | "cannot parse integer from empty string" => {
            number("expected a whole number", "verwacht een geheel getal")
        }
        "number too large to fit in target type" | "number too small to fit in target type" => {
            FieldIssue::OutOfRange
        }
        "invalid float literal" => number("expected a number", "verwacht een getal"),
        m if m.contains("`true` or `false`") => {
            number("expected `true` or `false`", "verwacht `true` of `false`")
        }
        m => FieldIssue::invalid(m.to_owned(), crate::http::lang::serde_in_dutch(m)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Params {
        limit: Option<u32>,
        unread: Option<bool>,
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        News,
    }

    fn problems(query: &str) -> Vec<(String, &'static str)> {
        match parse_query::<Params>(query) {
            Err(ApiError::InvalidQuery(problems)) => problems
                .into_iter()
                .map(|p| (p.field, p.issue.code()))
                .collect(),
            other => panic!("expected invalid_query, got {other:?}"),
        }
    }

    #[test]
    fn names_every_parameter_at_fault() {
        assert_eq!(
            problems("limit=abc&unread=maybe&kind=gossip"),
            [
                ("limit".into(), "invalid_type"),
                ("unread".into(), "invalid_type"),
                ("kind".into(), "invalid_value"),
            ]
        );
        assert_eq!(
            problems("limit=99999999999"),
            [("limit".into(), "out_of_range")]
        );
        assert_eq!(
            problems("limit=1&limit=2"),
            [("limit".into(), "invalid_value")]
        );
        assert!(parse_query::<Params>("limit=5&kind=news").is_ok());
    }

    #[test]
    fn finds_undocumented_parameters() {
        let mut table = DocumentedQueries::default();
        table
            .0
            .insert("/v1/x".into(), ["limit".to_owned()].into_iter().collect());
        assert_eq!(
            table.unknown("/v1/x", "limit=1&author=me&x%20y=2&author=you"),
            Some(vec!["author".to_owned(), "x y".to_owned()])
        );
        assert_eq!(table.unknown("/v1/y", "a=1"), None);
    }
}
