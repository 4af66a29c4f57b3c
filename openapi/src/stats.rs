//! Monitoring: figures per neighbourhood and period, never about a person.

use buurt_domain::stats::{Count, Figures};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntervalDto {
    /// Monday to Sunday.
    #[default]
    Week,
    /// Calendar months.
    Month,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsParams {
    /// The first day to cover (`YYYY-MM-DD`, a day in Europe/Amsterdam). The report starts on
    /// the first day of the week or month it falls in. Default: eleven periods before `to`'s.
    #[param(value_type = Option<String>, format = Date, example = "2026-09-07")]
    pub from: Option<String>,
    /// The last day to cover; the report ends on the last day of its week or month. Default:
    /// today. At most 157 weeks or 36 months from `from`.
    #[param(value_type = Option<String>, format = Date, example = "2026-11-29")]
    pub to: Option<String>,
    /// `week` (the default) or `month`.
    pub interval: Option<IntervalDto>,
}

/// Always the text `<5`: the count is 1, 2, 3 or 4, and not shown, so that nobody can be
/// singled out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum FewerThanFive {
    #[serde(rename = "<5")]
    FewerThanFive,
}

/// A count: a whole number (0, or 5 and up), or `"<5"` for 1 to 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum StatCount {
    Exact(u64),
    Suppressed(FewerThanFive),
}

impl From<Count> for StatCount {
    fn from(count: Count) -> Self {
        match count {
            Count::Exact(n) => Self::Exact(n),
            Count::FewerThanFive => Self::Suppressed(FewerThanFive::FewerThanFive),
        }
    }
}

impl StatCount {
    /// The CSV cell: the number, or empty when suppressed.
    pub fn cell(self) -> String {
        match self {
            Self::Exact(n) => n.to_string(),
            Self::Suppressed(_) => String::new(),
        }
    }
}

/// One neighbourhood in one week or month. Requests count in the period an event happened
/// in: opened when posted; a request ends once, by the first of matched online (its helper
/// places filled, or its case resolved so), solved offline, referred to the wijkteam, not
/// solvable, withdrawn (closed or deleted by its author) or expired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatsRow {
    pub neighbourhood_id: Uuid,
    /// The CBS code.
    pub neighbourhood_code: String,
    pub neighbourhood_name: String,
    /// The first day of the period (a Monday, or the first of a month).
    #[schema(value_type = String, format = Date)]
    pub period_start: NaiveDate,
    /// The last day of the period, included.
    #[schema(value_type = String, format = Date)]
    pub period_end: NaiveDate,
    pub requests_opened: StatCount,
    pub matched_online: StatCount,
    /// Cases resolved as solved offline by mediators.
    pub solved_offline: StatCount,
    /// Cases resolved as referred to the wijkteam.
    pub referred_wijkteam: StatCount,
    pub not_solvable: StatCount,
    pub withdrawn: StatCount,
    pub expired: StatCount,
    /// Requests posted before the period ended that had not ended by then.
    pub still_open: StatCount,
    /// Seconds from posting to the first neighbour's response (an offer of help, or a yes to
    /// an invitation), over the first responses in this period; `null` below five.
    pub first_response_median_seconds: Option<i64>,
    /// The 90th percentile (nearest rank) of the same; `null` below five.
    pub first_response_p90_seconds: Option<i64>,
    /// Seconds from posting to the first accepted helper, over the acceptances in this
    /// period; `null` below five.
    pub acceptance_median_seconds: Option<i64>,
    pub acceptance_p90_seconds: Option<i64>,
    pub offers_posted: StatCount,
    /// Activities that started in the period, not cancelled or hidden.
    pub activities_held: StatCount,
    /// People who answered an activity (each person once per activity).
    pub rsvps: StatCount,
    /// Check-ins at activities.
    pub attendance: StatCount,
    /// Distinct people checked in.
    pub unique_attendees: StatCount,
    /// Distinct people who posted, were accepted as a helper, or were checked in.
    pub active_residents: StatCount,
    /// Memberships that became active (each person once per neighbourhood).
    pub new_members: StatCount,
    /// Samenredzaamheid: of the requests that ended in the period, the share solved within
    /// the neighbourhood (matched online or solved offline), from 0 to 1. `null` when fewer
    /// than five ended, or when the solved or the other requests number 1 to 4 (the share
    /// would give that count away).
    pub samenredzaamheid: Option<f64>,
}

impl StatsRow {
    pub fn new(
        neighbourhood: (Uuid, String, String),
        period: (NaiveDate, NaiveDate),
        figures: &Figures,
    ) -> Self {
        let (neighbourhood_id, neighbourhood_code, neighbourhood_name) = neighbourhood;
        Self {
            neighbourhood_id,
            neighbourhood_code,
            neighbourhood_name,
            period_start: period.0,
            period_end: period.1,
            requests_opened: figures.requests_opened.into(),
            matched_online: figures.matched_online.into(),
            solved_offline: figures.solved_offline.into(),
            referred_wijkteam: figures.referred_wijkteam.into(),
            not_solvable: figures.not_solvable.into(),
            withdrawn: figures.withdrawn.into(),
            expired: figures.expired.into(),
            still_open: figures.still_open.into(),
            first_response_median_seconds: figures.first_response_median_seconds,
            first_response_p90_seconds: figures.first_response_p90_seconds,
            acceptance_median_seconds: figures.acceptance_median_seconds,
            acceptance_p90_seconds: figures.acceptance_p90_seconds,
            offers_posted: figures.offers_posted.into(),
            activities_held: figures.activities_held.into(),
            rsvps: figures.rsvps.into(),
            attendance: figures.attendance.into(),
            unique_attendees: figures.unique_attendees.into(),
            active_residents: figures.active_residents.into(),
            new_members: figures.new_members.into(),
            samenredzaamheid: figures.samenredzaamheid,
        }
    }

    /// The CSV header, in the order of [`StatsRow::cells`].
    pub const CSV_HEADER: [&'static str; 25] = [
        "neighbourhood_id",
        "neighbourhood_code",
        "neighbourhood_name",
        "period_start",
        "period_end",
        "requests_opened",
        "matched_online",
        "solved_offline",
        "referred_wijkteam",
        "not_solvable",
        "withdrawn",
        "expired",
        "still_open",
        "first_response_median_seconds",
        "first_response_p90_seconds",
        "acceptance_median_seconds",
        "acceptance_p90_seconds",
        "offers_posted",
        "activities_held",
        "rsvps",
        "attendance",
        "unique_attendees",
        "active_residents",
        "new_members",
        "samenredzaamheid",
    ];

    /// The row as CSV cells: suppressed counts and missing medians or shares are empty.
    pub fn cells(&self) -> [String; 25] {
        let seconds = |value: Option<i64>| value.map(|s| s.to_string()).unwrap_or_default();
        [
            self.neighbourhood_id.to_string(),
            self.neighbourhood_code.clone(),
            self.neighbourhood_name.clone(),
            self.period_start.to_string(),
            self.period_end.to_string(),
            self.requests_opened.cell(),
            self.matched_online.cell(),
            self.solved_offline.cell(),
            self.referred_wijkteam.cell(),
            self.not_solvable.cell(),
            self.withdrawn.cell(),
            self.expired.cell(),
            self.still_open.cell(),
            seconds(self.first_response_median_seconds),
            seconds(self.first_response_p90_seconds),
            seconds(self.acceptance_median_seconds),
            seconds(self.acceptance_p90_seconds),
            self.offers_posted.cell(),
            self.activities_held.cell(),
            self.rsvps.cell(),
            self.attendance.cell(),
            self.unique_attendees.cell(),
            self.active_residents.cell(),
            self.new_members.cell(),
            self.samenredzaamheid
                .map(|share| share.to_string())
                .unwrap_or_default(),
        ]
    }
}

/// Figures per neighbourhood and period. As JSON by default; as CSV (the same rows, the
/// header row first, suppressed counts empty) with `Accept: text/csv`. A CSV cell starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a spreadsheet
/// shows it as text and never runs it as a formula.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatsReport {
    pub municipality_code: String,
    pub municipality_name: String,
    /// The first day covered (the start of the first period).
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    /// The last day covered (the end of the last period).
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
    pub interval: IntervalDto,
    /// Always `Europe/Amsterdam`: the periods are Dutch calendar weeks and months.
    pub time_zone: String,
    /// Per neighbourhood (by name), every period in order, also those where nothing happened.
    pub rows: Vec<StatsRow>,
}
