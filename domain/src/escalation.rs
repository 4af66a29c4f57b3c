//! Escalation rules: per neighbourhood and category, whether a request nobody answered goes to
//! the mediators by itself, and after how many days.
//!
//! A category without a rule of its own follows the default: lending goods never escalates by
//! itself (a drill nobody lends is no case for a mediator), every other category, and a
//! request without one, after the neighbourhood's `escalate_after_days` (3 unless changed).

use crate::category::Category;

/// The fewest and most days a rule may wait.
pub const MIN_DAYS: u32 = 1;
pub const MAX_DAYS: u32 = 60;

/// What happens to an unanswered request of one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationRule {
    /// It goes to the mediators after this many days unanswered.
    After(u32),
    /// It never goes by itself (its author or a mediator still may hand it over).
    Never,
}

impl EscalationRule {
    /// The days it waits, or `None` when it never escalates by itself.
    pub fn after_days(self) -> Option<u32> {
        match self {
            Self::After(days) => Some(days),
            Self::Never => None,
        }
    }
}

/// Why a rule cannot be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("a category appears twice")]
    Repeated,
    #[error("after_days is outside {MIN_DAYS}..={MAX_DAYS}")]
    OutOfRange,
    #[error("after_days is required when the category escalates")]
    DaysMissing,
    #[error("after_days only goes with a category that escalates")]
    DaysWithoutEscalation,
}

/// One rule as asked for: whether it escalates, and after how many days.
pub fn rule(escalates: bool, after_days: Option<u32>) -> Result<EscalationRule, RuleError> {
    match (escalates, after_days) {
        (true, Some(days)) if (MIN_DAYS..=MAX_DAYS).contains(&days) => {
            Ok(EscalationRule::After(days))
        }
        (true, Some(_)) => Err(RuleError::OutOfRange),
        (true, None) => Err(RuleError::DaysMissing),
        (false, None) => Ok(EscalationRule::Never),
        (false, Some(_)) => Err(RuleError::DaysWithoutEscalation),
    }
}

/// A neighbourhood's rules: its own per category, and the default days for the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationRules {
    /// The neighbourhood's `escalate_after_days`.
    pub default_days: u32,
    /// The categories with a rule of their own, each once, in `Category` order.
    pub custom: Vec<(Category, EscalationRule)>,
}

impl EscalationRules {
    /// The rule a category follows when the neighbourhood set none for it.
    pub fn default_rule(category: Category, default_days: u32) -> EscalationRule {
        match category {
            Category::Goods => EscalationRule::Never,
            _ => EscalationRule::After(default_days),
        }
    }

    /// The rule for requests of `category` (`None`: a request without one).
    pub fn rule_for(&self, category: Option<Category>) -> EscalationRule {
        let Some(category) = category else {
            return EscalationRule::After(self.default_days);
        };
        self.custom
            .iter()
            .find(|(c, _)| *c == category)
            .map_or_else(
                || Self::default_rule(category, self.default_days),
                |(_, rule)| *rule,
            )
    }

    /// Whether the neighbourhood set this category's rule itself.
    pub fn is_custom(&self, category: Category) -> bool {
        self.custom.iter().any(|(c, _)| *c == category)
    }

    /// A set of rules to store: each category at most once.
    pub fn custom_set(
        rules: Vec<(Category, EscalationRule)>,
    ) -> Result<Vec<(Category, EscalationRule)>, RuleError> {
        let mut rules = rules;
        rules.sort_by_key(|(category, _)| *category);
        if rules.windows(2).any(|pair| pair[0].0 == pair[1].0) {
            return Err(RuleError::Repeated);
        }
        Ok(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goods_lending_waits_for_a_person_by_default() {
        let rules = EscalationRules {
            default_days: 3,
            custom: vec![],
        };
        assert_eq!(rules.rule_for(Some(Category::Goods)), EscalationRule::Never);
        for category in [
            Category::Knowledge,
            Category::Skills,
            Category::Help,
            Category::Care,
        ] {
            assert_eq!(rules.rule_for(Some(category)), EscalationRule::After(3));
        }
        assert_eq!(rules.rule_for(None), EscalationRule::After(3));
    }

    #[test]
    fn a_neighbourhood_rule_wins_over_the_default() {
        let rules = EscalationRules {
            default_days: 5,
            custom: vec![
                (Category::Goods, EscalationRule::After(10)),
                (Category::Help, EscalationRule::Never),
            ],
        };
        assert_eq!(
            rules.rule_for(Some(Category::Goods)),
            EscalationRule::After(10)
        );
        assert_eq!(rules.rule_for(Some(Category::Help)), EscalationRule::Never);
        assert_eq!(
            rules.rule_for(Some(Category::Care)),
            EscalationRule::After(5)
        );
        assert!(rules.is_custom(Category::Help));
        assert!(!rules.is_custom(Category::Care));
    }

    #[test]
    fn rules_are_checked() {
        assert_eq!(rule(true, Some(1)), Ok(EscalationRule::After(1)));
        assert_eq!(rule(true, Some(60)), Ok(EscalationRule::After(60)));
        assert_eq!(rule(true, Some(0)), Err(RuleError::OutOfRange));
        assert_eq!(rule(true, Some(61)), Err(RuleError::OutOfRange));
        assert_eq!(rule(true, None), Err(RuleError::DaysMissing));
        assert_eq!(rule(false, None), Ok(EscalationRule::Never));
        assert_eq!(rule(false, Some(3)), Err(RuleError::DaysWithoutEscalation));
        assert_eq!(
            EscalationRules::custom_set(vec![
                (Category::Help, EscalationRule::Never),
                (Category::Goods, EscalationRule::Never),
                (Category::Help, EscalationRule::After(2)),
            ]),
            Err(RuleError::Repeated)
        );
        assert_eq!(
            EscalationRules::custom_set(vec![
                (Category::Help, EscalationRule::Never),
                (Category::Goods, EscalationRule::After(2)),
            ]),
            Ok(vec![
                (Category::Goods, EscalationRule::After(2)),
                (Category::Help, EscalationRule::Never),
            ])
        );
    }
}
