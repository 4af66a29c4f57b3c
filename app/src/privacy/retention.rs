//! Retention: what Buurt keeps only for a while, removed by `buurt run-jobs`.

use buurt_persistence::in_write_transaction;
use buurt_persistence::privacy as repo;
use chrono::{DateTime, Duration, Months, Utc};

use crate::Cx;
use crate::error::AppError;

/// How long each kind of data is kept. The defaults are the safe ones the README documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPeriods {
    /// Case notes and referrals, counted from the case's resolution; the case then keeps its
    /// outcome and dates only.
    pub case_notes_months: u32,
    /// Match messages, counted from the end of the match.
    pub match_messages_months: u32,
    /// Notifications, counted from when they were made, and their e-mail and push deliveries,
    /// counted from when they were sent (or given up).
    pub notifications_months: u32,
    /// The partner outbox (events) and webhook deliveries.
    pub partner_outbox_days: u32,
}

impl Default for RetentionPeriods {
    fn default() -> Self {
        Self {
            case_notes_months: 24,
            match_messages_months: 12,
            notifications_months: 6,
            partner_outbox_days: 30,
        }
    }
}

/// What one run of retention removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub case_notes: usize,
    pub case_referrals: usize,
    /// Cases that lost their summary and reason.
    pub cases_reduced: usize,
    pub match_messages: usize,
    pub notifications: usize,
    /// E-mail and push deliveries, settled.
    pub deliveries: usize,
    pub webhook_deliveries: usize,
    pub partner_events: usize,
    // issue 20 (h20rest)
    /// Call-list items a mediator marked done, after the notifications' period (they are
    /// notices passed on by phone).
    pub call_list_items: usize,
    /// Claim codes past their expiry (they never work again).
    pub claim_codes: usize,
    /// Signals acknowledged longer ago than the case notes' period, with their audit: a
    /// mediator's working notes, kept no longer than a resolved case's.
    pub signals: usize,
}

fn months_before(now: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(months))
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Removes what is past its period, as of the clock's now, in one transaction. Monitoring
/// facts are separate rows and stay as they are.
pub fn apply_retention(cx: &mut Cx<'_>, periods: RetentionPeriods) -> Result<Purged, AppError> {
    let now = cx.now();
    in_write_transaction(cx.conn, |conn| {
        let (case_notes, case_referrals, cases_reduced) =
            repo::purge_case_data(conn, months_before(now, periods.case_notes_months))?;
        let match_messages =
            repo::purge_match_messages(conn, months_before(now, periods.match_messages_months))?;
        let notifications =
            repo::purge_notifications(conn, months_before(now, periods.notifications_months))?;
        let deliveries =
            repo::purge_deliveries(conn, months_before(now, periods.notifications_months))?;
        let (webhook_deliveries, partner_events) = repo::purge_partner_outbox(
            conn,
            now - Duration::days(i64::from(periods.partner_outbox_days)),
        )?;
        let call_list_items =
            repo::purge_call_list(conn, months_before(now, periods.notifications_months))?;
        let claim_codes = repo::purge_expired_claim_codes(conn, now)?;
        let signals =
            repo::purge_acknowledged_signals(conn, months_before(now, periods.case_notes_months))?;
        Ok(Purged {
            case_notes,
            case_referrals,
            cases_reduced,
            match_messages,
            notifications,
            deliveries,
            webhook_deliveries,
            partner_events,
            call_list_items,
            claim_codes,
            signals,
        })
    })
}
