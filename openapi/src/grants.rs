//! The audit record of role grants, as administrators read it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// One grant or withdrawal of a role. Append-only: entries are never changed or removed, also
/// not when the accounts they name are erased.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoleGrantDto {
    pub id: Uuid,
    /// Who gave or took the role; `null` for the command line (`buurt create-admin`).
    pub actor_id: Option<Uuid>,
    /// Who was given the role or lost it.
    pub user_id: Uuid,
    /// `resident`, `mediator` or `moderator` (in `neighbourhood_id`), `professional` (for
    /// `municipality_code`) or `platform_admin`.
    pub role: String,
    /// `granted` or `revoked`. A change of role in a neighbourhood is the new role `granted`.
    pub change: String,
    pub neighbourhood_id: Option<Uuid>,
    pub municipality_code: Option<String>,
    #[serde(serialize_with = "crate::moment::write")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoleGrantList {
    /// Newest first.
    pub items: Vec<RoleGrantDto>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListRoleGrantsParams {
    /// Only the entries about this user.
    pub user_id: Option<Uuid>,
    /// 1 to 100; 20 when absent.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}
