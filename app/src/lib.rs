//! The use cases: one function per thing a person or a job does (`propose_match`,
//! `accept_match`, `rsvp`, `escalate`, `import_neighbourhoods`, …). Each opens its transaction,
//! reads under the lock it needs, asks the domain (policy, state machines, rules), calls
//! repositories, and records the effects the domain declares in the outbox. HTTP handlers and
//! CLI commands call these and only translate.
//!
//! Dependencies: api → app → persistence → domain, and app → domain.

pub mod clock;
pub mod deliveries;
pub mod digest;
pub mod error;
pub mod grants;
pub mod images;
pub mod outbox;
pub mod text;

pub mod accounts;
pub mod achievements;
pub mod activities;
pub mod arrangements;
pub mod devices;
pub mod escalation;
pub mod matching;
pub mod mediation;
pub mod memberships;
pub mod moderation;
pub mod neighbourhoods;
pub mod notifications;
pub mod offline;
pub mod partners;
pub mod posts;
pub mod privacy;
pub mod signals;
pub mod stats;
pub mod workbench;

use buurt_domain::moderation::WriteLimits;
use buurt_persistence::DbConnection;
use chrono::{DateTime, Utc};

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{AppError, ErrorCode, FieldErrors, FieldIssue, FieldProblem};

/// What a use case runs with: a database connection, the clock, the per-user write limits
/// (the defaults unless the server configures its own), and the ways out the server has
/// (`outbox::Routes`: none beyond the defaults unless it configures them).
pub struct Cx<'a> {
    pub conn: &'a mut DbConnection,
    clock: &'a dyn Clock,
    limits: WriteLimits,
    routes: outbox::Routes,
}

impl<'a> Cx<'a> {
    pub fn new(conn: &'a mut DbConnection, clock: &'a dyn Clock) -> Self {
        Self {
            conn,
            clock,
            limits: WriteLimits::default(),
            routes: outbox::Routes::default(),
        }
    }

    /// The same, with these ways out (an SMS gateway, say).
    pub fn with_routes(mut self, routes: outbox::Routes) -> Self {
        self.routes = routes;
        self
    }

    pub fn routes(&self) -> outbox::Routes {
        self.routes
    }

    /// The same, with these write limits.
    pub fn with_limits(mut self, limits: WriteLimits) -> Self {
        self.limits = limits;
        self
    }

    pub fn limits(&self) -> WriteLimits {
        self.limits
    }

    /// Now, at the precision the database keeps.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn clock(&self) -> &'a dyn Clock {
        self.clock
    }
}
