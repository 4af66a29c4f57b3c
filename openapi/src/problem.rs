use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The media type of every error response.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An RFC 9457 problem: the body of every 4xx and 5xx response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:buurt:problem:validation_failed",
    "title": "The request is not valid",
    "status": 422,
    "detail": "One or more fields are missing or wrong.",
    "code": "validation_failed",
    "errors": [{"field": "email", "code": "required", "message": "This field is required."}],
    "request_id": "5f0c6f7e-8a0b-4c1e-9d57-3c1b7a0e2f10"
}))]
pub struct Problem {
    /// A URI that identifies the kind of problem: `urn:buurt:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short, human-readable summary of the kind of problem, in the negotiated language.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong in this occurrence, in the negotiated language.
    pub detail: String,
    /// A stable, machine-readable code in `snake_case`; clients branch on this.
    pub code: String,
    /// For validation problems: what is wrong with which field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request id, also in the `x-request-id` header; quote it when reporting a problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// One thing wrong with one field of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// The field, as a path into the request body (`activity.starts_at`, `skills[2]`) or the
    /// name of a query parameter.
    pub field: String,
    /// A stable code: `required`, `invalid_type`, `invalid_value`, `unknown_field`,
    /// `too_short`, `too_long`, `too_many`, `invalid_format`, `out_of_range`, `incorrect`,
    /// `taken`.
    pub code: String,
    /// A human-readable explanation, in the negotiated language.
    pub message: String,
}
