//! Whether a user's access tokens still count, checked on every request with a user's token:
//! the account's token generation (raised by a new password and by a suspension) and its
//! suspension, cached briefly per process.
//!
//! A change made by this process takes effect here at once (the handler forgets the cached
//! standing); other processes see it within [`STANDING_CACHE`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use buurt_domain::accounts::{Standing, UserId};

/// How long a process trusts what it read of an account's standing.
pub const STANDING_CACHE: Duration = Duration::from_secs(5);

/// Entries kept before stale ones are swept out.
const SWEEP_ABOVE: usize = 10_000;

/// The standings this process read recently (None: no such account).
#[derive(Default)]
pub struct Standings {
    read: Mutex<HashMap<UserId, (Instant, Option<Standing>)>>,
    /// Raised by every `forget`: a read that began before one is not remembered, so a change
    /// made here is never hidden by an answer read just before it.
    changes: AtomicU64,
}

impl Standings {
    /// The cached standing of `user`, while it is fresh.
    pub fn cached(&self, user: UserId) -> Option<Option<Standing>> {
        let read = self
            .read
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        read.get(&user)
            .filter(|(at, _)| at.elapsed() < STANDING_CACHE)
            .map(|(_, standing)| *standing)
    }

    /// Where a read starts: pass it to `remember`.
    pub fn mark(&self) -> u64 {
        self.changes.load(Ordering::SeqCst)
    }

    /// Keeps what a read that started at `mark` found, unless something changed meanwhile.
    pub fn remember(&self, user: UserId, standing: Option<Standing>, mark: u64) {
        let mut read = self
            .read
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if self.changes.load(Ordering::SeqCst) != mark {
            return;
        }
        if read.len() >= SWEEP_ABOVE {
            read.retain(|_, (at, _)| at.elapsed() < STANDING_CACHE);
        }
        read.insert(user, (Instant::now(), standing));
    }

    /// `user`'s standing changed: read it again on the next request.
    pub fn forget(&self, user: UserId) {
        let mut read = self
            .read
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.changes.fetch_add(1, Ordering::SeqCst);
        read.remove(&user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_that_raced_a_change_is_not_kept() {
        let standings = Standings::default();
        let user = UserId::new();
        let good = Some(Standing {
            token_generation: 0,
            suspended_at: None,
        });
        let mark = standings.mark();
        standings.forget(user);
        standings.remember(user, good, mark);
        assert_eq!(standings.cached(user), None);
        standings.remember(user, good, standings.mark());
        assert_eq!(standings.cached(user), Some(good));
        standings.forget(user);
        assert_eq!(standings.cached(user), None);
    }
}
