//! What answers when no handler matched: 405 with `Allow` when the path exists with other
//! methods, otherwise 404. The table of paths comes from the OpenAPI document itself, so the
//! two cannot disagree.

use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;

use crate::http::error::ApiError;

/// Routes served outside the OpenAPI document.
const UNDOCUMENTED_GET_ROUTES: [&str; 3] = ["/openapi.json", "/docs", "/docs/{path}"];

#[derive(Debug, Clone)]
enum Segment {
    Literal(String),
    Parameter,
    /// A trailing parameter that matches the rest of the path.
    Rest,
}

#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<Segment>, Vec<Method>)>,
}

impl RouteTable {
    pub fn from_spec(spec: &OpenApi) -> Self {
        let mut table = Self::default();
        for (path, item) in &spec.paths.paths {
            let operations = [
                (Method::GET, item.get.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::DELETE, item.delete.is_some()),
                (Method::PATCH, item.patch.is_some()),
                (Method::HEAD, item.head.is_some()),
                (Method::OPTIONS, item.options.is_some()),
            ];
            let methods = operations
                .into_iter()
                .filter_map(|(method, present)| present.then_some(method))
                .collect();
            table.add(path, methods);
        }
        for path in UNDOCUMENTED_GET_ROUTES {
            table.add(path, vec![Method::GET]);
        }
        table
    }

    fn add(&mut self, template: &str, mut methods: Vec<Method>) {
        // actix answers HEAD wherever it answers GET.
        if methods.contains(&Method::GET) && !methods.contains(&Method::HEAD) {
            methods.push(Method::HEAD);
        }
        let segments = template
            .trim_matches('/')
            .split('/')
            .map(|segment| match segment {
                "{path}" => Segment::Rest,
                s if s.starts_with('{') && s.ends_with('}') => Segment::Parameter,
                s => Segment::Literal(s.to_owned()),
            })
            .collect();
        self.routes.push((segments, methods));
    }

    /// The methods served at `path`, or nothing when no route has this shape.
    pub fn allowed_methods(&self, path: &str) -> Vec<Method> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut allowed: Vec<Method> = Vec::new();
        for (segments, methods) in &self.routes {
            if matches(segments, &parts) {
                for method in methods {
                    if !allowed.contains(method) {
                        allowed.push(method.clone());
                    }
                }
            }
        }
        allowed
    }
}

fn matches(segments: &[Segment], parts: &[&str]) -> bool {
    match (segments.split_first(), parts.split_first()) {
        (None, None) => true,
        (Some((Segment::Rest, _)), Some(_)) => true,
        (Some((Segment::Literal(literal), rest)), Some((part, parts))) => {
            literal == part && matches(rest, parts)
        }
        (Some((Segment::Parameter, rest)), Some((part, parts))) => {
            !part.is_empty() && matches(rest, parts)
        }
        _ => false,
    }
}

/// The default service: 405 or 404, as a problem.
pub async fn not_matched(
    req: HttpRequest,
    table: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    let allowed = table.allowed_methods(req.path());
    Err(if allowed.is_empty() || allowed.contains(req.method()) {
        ApiError::NotFound
    } else {
        ApiError::MethodNotAllowed { allowed }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_templates_by_segment() {
        let mut table = RouteTable::default();
        table.add("/v1/posts/{id}", vec![Method::GET, Method::PATCH]);
        table.add("/v1/posts/{id}/close", vec![Method::POST]);
        table.add("/docs/{path}", vec![Method::GET]);
        assert_eq!(
            table.allowed_methods("/v1/posts/abc"),
            [Method::GET, Method::PATCH, Method::HEAD]
        );
        assert_eq!(table.allowed_methods("/v1/posts/abc/close"), [Method::POST]);
        assert!(table.allowed_methods("/v1/posts").is_empty());
        assert!(table.allowed_methods("/v1/posts//close").is_empty());
        assert!(table.allowed_methods("/v1/posts/abc/open").is_empty());
        assert_eq!(
            table.allowed_methods("/docs/a/b.css"),
            [Method::GET, Method::HEAD]
        );
    }
}
