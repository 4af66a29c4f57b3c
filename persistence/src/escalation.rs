//! Escalation rules per neighbourhood and category, and the escalation job's candidates.

use std::collections::HashMap;

use buurt_domain::category::Category;
use buurt_domain::escalation::{EscalationRule, EscalationRules};
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::{PostId, PostKind, PostStatus};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use crate::columns::Stored;
use crate::schema::{escalation_rules, neighbourhoods, posts};
use crate::time::to_db;
use crate::{DbConnection, PersistenceError};

type RuleRow = (Stored<NeighbourhoodId>, Stored<Category>, bool, Option<i32>);

fn rule_of(escalates: bool, after_days: Option<i32>) -> EscalationRule {
    match after_days.and_then(|days| u32::try_from(days).ok()) {
        Some(days) if escalates => EscalationRule::After(days),
        _ => EscalationRule::Never,
    }
}

/// The rules of each of `places` (with its `escalate_after_days`), in two queries.
pub fn rules_of_many(
    conn: &mut DbConnection,
    places: &[NeighbourhoodId],
) -> Result<HashMap<NeighbourhoodId, EscalationRules>, PersistenceError> {
    let ids: Vec<String> = places.iter().map(ToString::to_string).collect();
    let mut found: HashMap<NeighbourhoodId, EscalationRules> = HashMap::new();
    for chunk in ids.chunks(5_000) {
        let defaults: Vec<(Stored<NeighbourhoodId>, i32)> = neighbourhoods::table
            .filter(neighbourhoods::id.eq_any(chunk))
            .select((neighbourhoods::id, neighbourhoods::escalate_after_days))
            .load(conn)?;
        for (id, days) in defaults {
            found.insert(
                id.0,
                EscalationRules {
                    default_days: u32::try_from(days).unwrap_or(3),
                    custom: Vec::new(),
                },
            );
        }
        let rows: Vec<RuleRow> = escalation_rules::table
            .filter(escalation_rules::neighbourhood_id.eq_any(chunk))
            .select((
                escalation_rules::neighbourhood_id,
                escalation_rules::category,
                escalation_rules::escalates,
                escalation_rules::after_days,
            ))
            .load(conn)?;
        for (id, category, escalates, after_days) in rows {
            if let Some(rules) = found.get_mut(&id.0) {
                rules
                    .custom
                    .push((category.0, rule_of(escalates, after_days)));
            }
        }
    }
    for rules in found.values_mut() {
        rules.custom.sort_by_key(|(category, _)| *category);
    }
    Ok(found)
}

/// One neighbourhood's rules; `None` when there is no such neighbourhood.
pub fn rules_of(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
) -> Result<Option<EscalationRules>, PersistenceError> {
    Ok(rules_of_many(conn, &[neighbourhood])?.remove(&neighbourhood))
}

/// Replaces the neighbourhood's own rules with `rules` (each category at most once); the
/// categories not in it follow the default again. Call it in a transaction.
pub fn replace_rules(
    conn: &mut DbConnection,
    neighbourhood: NeighbourhoodId,
    rules: &[(Category, EscalationRule)],
    now: DateTime<Utc>,
) -> Result<(), PersistenceError> {
    let id = neighbourhood.to_string();
    diesel::delete(escalation_rules::table.filter(escalation_rules::neighbourhood_id.eq(&id)))
        .execute(conn)?;
    for (category, rule) in rules {
        let after_days = rule
            .after_days()
            .map(|days| i32::try_from(days).unwrap_or(i32::MAX));
        diesel::insert_into(escalation_rules::table)
            .values((
                escalation_rules::neighbourhood_id.eq(&id),
                escalation_rules::category.eq(category.as_str()),
                escalation_rules::escalates.eq(after_days.is_some()),
                escalation_rules::after_days.eq(after_days),
                escalation_rules::updated_at.eq(to_db(now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// An open request the escalation job may hand over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub request: PostId,
    pub neighbourhood: NeighbourhoodId,
    pub category: Option<Category>,
}

/// Open, visible requests posted a day or more before `now` (the shortest rule): the
/// candidates of the escalation job, which judges each by its neighbourhood's rules.
pub fn stale_request_candidates(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<Vec<Candidate>, PersistenceError> {
    type Row = (
        Stored<PostId>,
        Stored<NeighbourhoodId>,
        Option<Stored<Category>>,
    );
    let rows: Vec<Row> = posts::table
        .filter(posts::kind.eq(PostKind::Request.as_str()))
        .filter(posts::status.eq(PostStatus::Open.as_str()))
        .filter(posts::hidden.eq(false))
        .filter(posts::created_at.le(to_db(now - Duration::days(1))))
        .select((posts::id, posts::neighbourhood_id, posts::category))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(request, neighbourhood, category)| Candidate {
            request: request.0,
            neighbourhood: neighbourhood.0,
            category: category.map(|c| c.0),
        })
        .collect())
}
