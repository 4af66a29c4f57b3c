//! Records what follows an event (`buurt_domain::effects`) in the transaction of the change:
//! notices in the inbox (and the push and e-mail messages they call for), partner events in the event feed, facts in the monitoring table. A
//! change that rolls back leaves none of them behind; one that commits never misses one.

use buurt_domain::effects::Effects;
use buurt_persistence::{DbConnection, PersistenceError, notifications, partners, stats};

/// Writes `effects`. Call it inside the transaction of the change they follow.
pub fn record(conn: &mut DbConnection, effects: &Effects) -> Result<(), PersistenceError> {
    for notice in &effects.notices {
        notifications::notify_about(
            conn,
            notice.to,
            notice.kind,
            notice.post,
            notice.about_match,
            effects.at,
        )?;
        // An offline resident has no app, mailbox or device: the update goes on their
        // neighbourhood's call list instead (issue 20).
        if !crate::offline::add_to_call_list(conn, notice, effects.at)? {
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
