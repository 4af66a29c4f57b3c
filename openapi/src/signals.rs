//! Issue 20 (h20d): escalation rules per neighbourhood, signals for mediators and the
//! wijkteam, and what a neighbourhood achieved on its public page.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::accounts::CategoryDto;
use crate::stats::StatCount;

/// One category's rule: whether its unanswered requests go to the mediators by themselves, and
/// after how many days.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EscalationRuleDto {
    pub category: CategoryDto,
    pub escalates: bool,
    /// Days a request waits unanswered before it goes; `null` when it never goes by itself.
    #[schema(minimum = 1, maximum = 60)]
    pub after_days: Option<u32>,
    /// Whether the neighbourhood set this rule itself (otherwise it is the default: goods
    /// lending never, the rest after `default_after_days`).
    pub customised: bool,
}

/// A neighbourhood's escalation rules, one per category. Requests without a category (none
/// can be posted today) follow `default_after_days`. A requester or mediator can always
/// hand a request over themselves.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EscalationRulesDto {
    /// The neighbourhood's `escalate_after_days` (`PUT .../settings`): the days of every
    /// category without a rule of its own, except goods lending.
    pub default_after_days: u32,
    /// Every category, in a fixed order.
    pub rules: Vec<EscalationRuleDto>,
}

/// One category's rule as set.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationRuleInput {
    pub category: CategoryDto,
    pub escalates: bool,
    /// Required when `escalates`, 1 to 60; absent or `null` otherwise.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 60)]
    pub after_days: Option<u32>,
}

/// The neighbourhood's own rules, replacing the ones it had: each category at most once; the
/// categories not listed follow the default again (an empty list restores every default).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rules": [
    {"category": "goods", "escalates": true, "after_days": 14},
    {"category": "knowledge", "escalates": false}
]}))]
pub struct SetEscalationRulesRequest {
    #[schema(max_items = 5)]
    pub rules: Vec<EscalationRuleInput>,
}

/// What a signal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignalKindDto {
    /// A resident has three or more requests posted in the last 30 days (each at least a day
    /// old) that nobody answered: no neighbour offered and nobody was invited.
    UnansweredRequests,
    /// Lasting help ("maatjes") lapsed: sessions missed in a row, or none recorded for too long.
    LastingHelpLapsed,
    /// The share of ended requests solved by neighbours on their own fell clearly in the last
    /// complete quarter against the quarter before: at least 10 requests ended in each, and the
    /// share fell by 15 percentage points or more.
    SolvedShareDropped,
    /// An open case is more than a week past its follow-up date.
    FollowUpOverdue,
}

/// Open (the default) or acknowledged signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignalStatusDto {
    #[default]
    Open,
    Acknowledged,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SignalListParams {
    /// `open` (the default) or `acknowledged`.
    pub status: Option<SignalStatusDto>,
    /// Page size, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}

/// The person a signal is about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SignalPerson {
    pub id: Uuid,
    pub display_name: String,
}

/// Who acknowledged a signal, when, and what they noted.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SignalAcknowledgement {
    /// The mediator; `null` once their account was erased.
    pub by: Option<Uuid>,
    #[serde(serialize_with = "crate::moment::write")]
    pub at: DateTime<Utc>,
    pub note: String,
}

/// A signal for the neighbourhood's mediators. Which fields are set depends on `kind`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SignalDto {
    pub id: Uuid,
    pub kind: SignalKindDto,
    pub neighbourhood_id: Uuid,
    /// The resident (`unanswered_requests`), the one helped (`lasting_help_lapsed`) or the
    /// requester (`follow_up_overdue`).
    pub person: Option<SignalPerson>,
    /// `follow_up_overdue`: the case.
    pub case_id: Option<Uuid>,
    /// `lasting_help_lapsed`: the arrangement.
    pub arrangement_id: Option<Uuid>,
    /// `unanswered_requests`: how many, when last found.
    pub count: Option<u64>,
    /// `solved_share_dropped`: the quarter it fell in (`2026-Q3`) and the shares, in whole
    /// percent (rounded down), of that quarter and the one before.
    pub quarter: Option<String>,
    pub share_percent: Option<u64>,
    pub previous_share_percent: Option<u64>,
    /// `follow_up_overdue`: the follow-up date it is past.
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub follow_up_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::moment::write")]
    pub raised_at: DateTime<Utc>,
    /// When newer evidence last refreshed it (or it was acknowledged).
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
    pub acknowledgement: Option<SignalAcknowledgement>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SignalList {
    pub items: Vec<SignalDto>,
    pub next_cursor: Option<String>,
}

/// Acknowledge a signal: what was done or decided.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeSignalRequest {
    #[schema(min_length = 1, max_length = 2000, pattern = r#"^[^\x00]*$"#)]
    pub note: String,
}

/// Signals of one kind in one neighbourhood, counted. For the kinds about a person the counts
/// are published as monitoring's figures are (`"<5"` for 1 to 4); `solved_share_dropped`,
/// about the neighbourhood itself, exactly.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SignalCountDto {
    pub neighbourhood_id: Uuid,
    /// The CBS code.
    pub neighbourhood_code: String,
    pub neighbourhood_name: String,
    pub kind: SignalKindDto,
    /// Not acknowledged yet.
    pub open: StatCount,
    pub acknowledged: StatCount,
}

/// A municipality's signals as counts per neighbourhood and kind: never a person.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MunicipalitySignals {
    pub municipality_code: String,
    /// Every neighbourhood (by name) and every kind.
    pub items: Vec<SignalCountDto>,
}

/// Requests of one month or year by how they were solved, with monitoring's small-number
/// suppression (`"<5"` for 1 to 4). A request counts once, in the month it first ended.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AchievedCountsDto {
    /// Matched with a neighbour through Buurt, never a case.
    pub solved_by_neighbours: StatCount,
    /// Matched while or after mediators had a case on it, or solved offline by them.
    pub solved_with_mediator: StatCount,
    /// Referred to the wijkteam.
    pub handed_to_wijkteam: StatCount,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MonthAchievements {
    /// `YYYY-MM` (Europe/Amsterdam).
    #[schema(example = "2026-11")]
    pub month: String,
    #[serde(flatten)]
    pub counts: AchievedCountsDto,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct YearAchievements {
    pub year: i32,
    #[serde(flatten)]
    pub counts: AchievedCountsDto,
}

/// What the neighbourhood achieved: the last twelve months and this year and the last,
/// newest first, and how many arrangements of lasting help run now.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AchievementsDto {
    pub months: Vec<MonthAchievements>,
    pub years: Vec<YearAchievements>,
    /// Arrangements of lasting help ("maatjes": a recurring request with an accepted match not
    /// ended) running now, with the same small-number suppression.
    pub lasting_arrangements: StatCount,
}
