//! What a neighbourhood achieved, for its public page: requests solved by neighbours on their
//! own, solved with a mediator, and handed to the wijkteam.

use crate::stats::RequestOutcome;

/// How a solved request counts on the public page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Achievement {
    /// Matched online and never a case: neighbours did it themselves.
    SolvedByNeighbours,
    /// Matched while (or after) a case was open, or solved offline by a mediator.
    SolvedWithMediator,
    /// Handed to the wijkteam.
    HandedToWijkteam,
}

impl Achievement {
    /// What a request's outcome counts as, given whether it ever had a case. Other outcomes
    /// (not solvable, withdrawn, expired) are no achievement.
    pub fn of(outcome: RequestOutcome, had_case: bool) -> Option<Self> {
        match outcome {
            RequestOutcome::MatchedOnline if !had_case => Some(Self::SolvedByNeighbours),
            RequestOutcome::MatchedOnline | RequestOutcome::SolvedOffline => {
                Some(Self::SolvedWithMediator)
            }
            RequestOutcome::ReferredWijkteam => Some(Self::HandedToWijkteam),
            RequestOutcome::NotSolvable | RequestOutcome::Withdrawn | RequestOutcome::Expired => {
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_makes_it_the_mediators_work_too() {
        use Achievement::*;
        use RequestOutcome::*;
        assert_eq!(
            Achievement::of(MatchedOnline, false),
            Some(SolvedByNeighbours)
        );
        assert_eq!(
            Achievement::of(MatchedOnline, true),
            Some(SolvedWithMediator)
        );
        assert_eq!(
            Achievement::of(SolvedOffline, true),
            Some(SolvedWithMediator)
        );
        assert_eq!(
            Achievement::of(ReferredWijkteam, true),
            Some(HandedToWijkteam)
        );
        for outcome in [NotSolvable, Withdrawn, Expired] {
            assert_eq!(Achievement::of(outcome, true), None);
            assert_eq!(Achievement::of(outcome, false), None);
        }
    }
}
