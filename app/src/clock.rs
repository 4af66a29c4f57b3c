//! The time, as the use cases see it: injected, so a test or a seed can fix it.

use chrono::{DateTime, SubsecRound, Utc};

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    /// Now, at the precision the database keeps (microseconds).
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// A clock that always says the same time (seeds, tests).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.trunc_subsecs(6)
    }
}
