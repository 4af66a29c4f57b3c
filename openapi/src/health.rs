use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The answer of the health endpoints when all is well.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct HealthStatus {
    /// Always `ok`; a failing check answers with a problem instead.
    pub status: String,
}
