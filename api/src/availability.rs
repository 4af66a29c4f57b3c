//! Whether the database is known to be unreachable: a circuit breaker in front of the pool.
//!
//! Without it, while the database is down every request waits the pool's whole checkout
//! timeout before its 503, and under load they pile up on the blocking pool. Once a checkout
//! or query finds the database unreachable, requests are refused at once (503
//! `database_unavailable`); every [`PROBE_EVERY`] one request is let through as a probe, with
//! a short checkout timeout, and the first that reaches the database closes the breaker again.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often, while the database is down, one request tries it.
pub const PROBE_EVERY: Duration = Duration::from_millis(500);
/// How long a probe waits for a connection.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(400);

#[derive(Debug, Default)]
pub struct DatabaseAvailability {
    state: Mutex<State>,
}

#[derive(Debug, Default, Clone, Copy)]
enum State {
    #[default]
    Up,
    /// Down; the next probe may start at `probe_at`. Admitting a probe moves it on, so at
    /// most one probe starts per [`PROBE_EVERY`], and a probe that never reports back does
    /// not stop the next one.
    Down { probe_at: Instant },
}

/// What a request that needs the database may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// The database is up: go ahead, with the pool's usual checkout timeout.
    Go,
    /// The database was down: try it, waiting at most [`PROBE_TIMEOUT`] for a connection.
    Probe,
    /// The database is down and was tried a moment ago: refuse at once.
    Refuse,
}

impl DatabaseAvailability {
    pub fn admit(&self) -> Admission {
        self.admit_at(Instant::now())
    }

    fn admit_at(&self, now: Instant) -> Admission {
        let mut state = self.lock();
        match *state {
            State::Up => Admission::Go,
            State::Down { probe_at } if now >= probe_at => {
                *state = State::Down {
                    probe_at: now + PROBE_EVERY,
                };
                Admission::Probe
            }
            State::Down { .. } => Admission::Refuse,
        }
    }

    /// The database answered.
    pub fn reached(&self) {
        *self.lock() = State::Up;
    }

    /// The database could not be reached: refuse until the next probe.
    pub fn unreachable(&self) {
        self.unreachable_at(Instant::now());
    }

    fn unreachable_at(&self, now: Instant) {
        let mut state = self.lock();
        if matches!(*state, State::Up) {
            tracing::warn!("database unreachable; refusing requests until a probe reaches it");
        }
        *state = State::Down {
            probe_at: now + PROBE_EVERY,
        };
    }

    pub fn is_down(&self) -> bool {
        matches!(*self.lock(), State::Down { .. })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a plain value: a panic elsewhere cannot leave it half-written.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_while_down_and_lets_one_probe_through_at_a_time() {
        let breaker = DatabaseAvailability::default();
        let start = Instant::now();
        assert_eq!(breaker.admit_at(start), Admission::Go);
        breaker.unreachable_at(start);
        assert_eq!(breaker.admit_at(start), Admission::Refuse);
        let later = start + PROBE_EVERY;
        assert_eq!(breaker.admit_at(later), Admission::Probe);
        // One probe per interval.
        assert_eq!(breaker.admit_at(later), Admission::Refuse);
        // A probe that never reports back does not stop the next one.
        assert_eq!(breaker.admit_at(later + PROBE_EVERY), Admission::Probe);
        // The probe failed: wait for the next one.
        breaker.unreachable_at(later);
        assert_eq!(breaker.admit_at(later), Admission::Refuse);
        assert_eq!(breaker.admit_at(later + PROBE_EVERY * 2), Admission::Probe);
        breaker.reached();
        assert_eq!(breaker.admit_at(later + PROBE_EVERY), Admission::Go);
        assert!(!breaker.is_down());
    }
}
