//! Use cases of escalation rules: reading a neighbourhood's (anyone: the public page shows
//! them) and setting them (its moderators, administrators).

use buurt_domain::category::Category;
use buurt_domain::escalation::{self, EscalationRules, RuleError};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::policy::Action;
use buurt_persistence::escalation as repo;
use buurt_persistence::{in_write_transaction, memberships, neighbourhoods};

use crate::Cx;
use crate::error::{AppError, ErrorCode, FieldIssue, FieldProblem};

/// One rule as asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInput {
    pub category: Category,
    pub escalates: bool,
    pub after_days: Option<u32>,
}

/// The neighbourhood's rules (anyone may read them).
pub fn rules(cx: &mut Cx<'_>, id: NeighbourhoodId) -> Result<EscalationRules, AppError> {
    repo::rules_of(cx.conn, id)?.ok_or(AppError::NotFound)
}

fn problem(index: usize, error: RuleError) -> FieldProblem {
    let field = |name: &str| format!("rules[{index}].{name}");
    match error {
        RuleError::Repeated => FieldProblem::new(
            field("category"),
            FieldIssue::invalid(
                "each category at most once",
                "elke categorie hooguit één keer",
            ),
        ),
        RuleError::OutOfRange => FieldProblem::new(field("after_days"), FieldIssue::OutOfRange),
        RuleError::DaysMissing => FieldProblem::new(field("after_days"), FieldIssue::Required),
        RuleError::DaysWithoutEscalation => FieldProblem::new(
            field("after_days"),
            FieldIssue::invalid(
                "only when `escalates` is true",
                "alleen als `escalates` true is",
            ),
        ),
    }
}

/// Replaces the neighbourhood's own rules (its moderators, administrators): the categories
/// not listed follow the default again. Every problem of the input comes back at once.
pub fn set_rules(
    cx: &mut Cx<'_>,
    caller: buurt_domain::accounts::UserId,
    id: NeighbourhoodId,
    input: Vec<RuleInput>,
) -> Result<EscalationRules, AppError> {
    let mut problems = Vec::new();
    let mut parsed = Vec::with_capacity(input.len());
    for (index, rule) in input.iter().enumerate() {
        match escalation::rule(rule.escalates, rule.after_days) {
            Ok(parsed_rule) => parsed.push((rule.category, parsed_rule)),
            Err(error) => problems.push(problem(index, error)),
        }
        if input[..index].iter().any(|r| r.category == rule.category) {
            problems.push(problem(index, RuleError::Repeated));
        }
    }
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let place = neighbourhoods::find_neighbourhood(conn, id)?.ok_or(AppError::NotFound)?;
        if !memberships::actor(conn, caller, &place)?.may(Action::ChangeSettings) {
            return Err(ErrorCode::Forbidden.into());
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let custom = EscalationRules::custom_set(parsed)
            .map_err(|error| AppError::Invalid(vec![problem(0, error)]))?;
        // Rules change one at a time per neighbourhood.
        neighbourhoods::lock_neighbourhood(conn, id)?;
        repo::replace_rules(conn, id, &custom, now)?;
        repo::rules_of(conn, id)?.ok_or(AppError::NotFound)
    })
}
