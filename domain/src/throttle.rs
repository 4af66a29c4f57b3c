//! Login throttling: a sliding window of recent failures per account and per client address.

use chrono::{DateTime, Duration, Utc};

/// At most `max_failures` failed attempts within `window`; then wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    pub max_failures: usize,
    pub window: Duration,
}

impl ThrottlePolicy {
    /// How long the caller must wait before trying again, given the failures within the
    /// window (any order), or `None` when an attempt is allowed now. Once `max_failures` are in
    /// the window, the next attempt is allowed when the oldest of the most recent
    /// `max_failures` leaves it.
    pub fn retry_after(&self, failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<Duration> {
        let mut recent: Vec<DateTime<Utc>> = failures
            .iter()
            .copied()
            .filter(|at| *at > now - self.window)
            .collect();
        if self.max_failures == 0 || recent.len() < self.max_failures {
            return None;
        }
        recent.sort_unstable_by(|a, b| b.cmp(a));
        let oldest_counted = recent[self.max_failures - 1];
        let wait = oldest_counted + self.window - now;
        (wait > Duration::zero()).then_some(wait)
    }
}

/// Whose failures are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleScope {
    /// One account, by normalised email (whether or not it exists).
    Account,
    /// One client address.
    Client,
    /// Registrations (successful or not) from one client address.
    Registration,
}

impl ThrottleScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Client => "client",
            Self::Registration => "registration",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy {
            max_failures: 3,
            window: Duration::minutes(15),
        }
    }

    #[test]
    fn allows_until_the_limit_then_waits_for_the_window() {
        let now = Utc::now();
        let at = |minutes_ago: i64| now - Duration::minutes(minutes_ago);
        assert_eq!(policy().retry_after(&[], now), None);
        assert_eq!(policy().retry_after(&[at(1), at(2)], now), None);
        assert_eq!(
            policy().retry_after(&[at(1), at(2), at(10)], now),
            Some(Duration::minutes(5))
        );
        // Only the most recent `max_failures` count for the wait.
        assert_eq!(
            policy().retry_after(&[at(14), at(1), at(2), at(3)], now),
            Some(Duration::minutes(12))
        );
        // Failures outside the window are forgotten.
        assert_eq!(policy().retry_after(&[at(1), at(2), at(16)], now), None);
    }
}
