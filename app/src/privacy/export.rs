//! The export of everything Buurt holds about a person (AVG art. 15 and 20), one section at a
//! time so that a large export is streamed: each section is read on its own when its turn
//! comes. Profile, memberships and consents come from their own use cases.

use buurt_domain::accounts::UserId;
use buurt_persistence::privacy::export as repo;

pub use buurt_persistence::privacy::export::{
    ExportCase, ExportMatch, ExportMessage, ExportNotification, ExportPost, ExportReport,
    ExportRsvp,
};

use crate::Cx;
use crate::error::AppError;

/// The sections read here, in the order of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionName {
    Posts,
    Matches,
    Messages,
    Rsvps,
    Notifications,
    Blocks,
    Reports,
    Cases,
    Devices,
}

impl SectionName {
    pub const ALL: [SectionName; 9] = [
        Self::Posts,
        Self::Matches,
        Self::Messages,
        Self::Rsvps,
        Self::Notifications,
        Self::Blocks,
        Self::Reports,
        Self::Cases,
        Self::Devices,
    ];
}

/// One section's rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Section {
    Posts(Vec<ExportPost>),
    Matches(Vec<ExportMatch>),
    Messages(Vec<ExportMessage>),
    Rsvps(Vec<ExportRsvp>),
    Notifications(Vec<ExportNotification>),
    /// Whom the person blocked (an account id), when.
    Blocks(Vec<(String, chrono::DateTime<chrono::Utc>)>),
    Reports(Vec<ExportReport>),
    /// The person's own cases; the notes without working notes (a mediator's own aid).
    Cases(Vec<ExportCase>),
    /// The phones and tablets push notifications go to.
    Devices(Vec<buurt_domain::devices::Device>),
}

/// Reads one section of `user`'s export.
pub fn read_section(cx: &mut Cx<'_>, user: UserId, name: SectionName) -> Result<Section, AppError> {
    let conn = &mut *cx.conn;
    Ok(match name {
        SectionName::Posts => Section::Posts(repo::posts_of(conn, user)?),
        SectionName::Matches => Section::Matches(repo::matches_of(conn, user)?),
        SectionName::Messages => Section::Messages(repo::messages_of(conn, user)?),
        SectionName::Rsvps => Section::Rsvps(repo::rsvps_of(conn, user)?),
        SectionName::Notifications => Section::Notifications(repo::notifications_of(conn, user)?),
        SectionName::Blocks => Section::Blocks(repo::blocks_of(conn, user)?),
        SectionName::Reports => Section::Reports(repo::reports_of(conn, user)?),
        SectionName::Cases => Section::Cases(repo::cases_of(conn, user)?),
        SectionName::Devices => {
            Section::Devices(buurt_persistence::devices::list_of_user(conn, user)?)
        }
    })
}
