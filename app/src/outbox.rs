//! Records what follows an event (`buurt_domain::effects`) in the transaction of the change:
//! notices in the inbox (and the push, e-mail and SMS messages they call for), partner events in the event feed, facts in the monitoring table. A
//! change that rolls back leaves none of them behind; one that commits never misses one.

use buurt_domain::effects::Effects;
use buurt_persistence::{DbConnection, PersistenceError, notifications, partners, stats};

/// The ways out besides the inbox, push and e-mail that the server has, as its configuration
/// says: they decide where a notice to an offline resident goes. Passed in by the caller
/// (`Cx::routes`), never read from anywhere global.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Routes {
    /// An SMS gateway is configured: an offline resident with a phone number gets their
    /// updates by text message instead of on the call list.
    pub sms: bool,
}

/// Writes `effects`. Call it inside the transaction of the change they follow; `routes` are
/// the caller's (`Cx::routes`).
pub fn record(
    conn: &mut DbConnection,
    effects: &Effects,
    routes: Routes,
) -> Result<(), PersistenceError> {
    for notice in &effects.notices {
        notifications::notify_about(
            conn,
            notice.to,
            notice.kind,
            notice.post,
            notice.about_match,
            effects.at,
        )?;
        // An offline resident has no app, mailbox or device: the update goes to their phone
        // by SMS, or onto their neighbourhood's call list (issue 20).
        if !crate::offline::reach_offline(conn, notice, effects.at, routes)? {
            crate::deliveries::record_notice(conn, notice, effects.at)?;
        }
    }
    for event in &effects.partner_events {
        partners::emit(
            conn,
            event.kind,
            event.neighbourhood,
            event.subject,
            event.post,
            effects.at,
        )?;
    }
    // All at once: their rollup rows are then locked in one order (no deadlock between two
    // changes counted in the same neighbourhood and week).
    if !effects.facts.is_empty() {
        stats::record_many(conn, &effects.facts)?;
    }
    Ok(())
}
