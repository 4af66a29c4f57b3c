//! The export of everything Buurt holds about a person (AVG art. 15 and 20), one section at a
//! time so that a large export is streamed: each section is read when its turn comes, and
//! handed on before the next is read. All of them are read in one snapshot of the database,
//! so the export is the person's data as it was at one moment, however long the download
//! takes and whatever is written meanwhile. Profile, memberships and consents come from their
//! own use cases.

use buurt_domain::accounts::UserId;
use buurt_domain::membership::Membership;
use buurt_persistence::PersistenceError;
use buurt_persistence::in_read_snapshot;
use buurt_persistence::mediation::{ConsentChange, ConsentRecord};
use buurt_persistence::privacy::export as repo;

pub use buurt_persistence::privacy::export::{
    CaseReader, ExportArrangement, ExportAuditEntry, ExportBrokeredMatch, ExportCase, ExportMatch,
    ExportMessage, ExportNotification, ExportOccurrenceRsvp, ExportPost, ExportReport, ExportRsvp,
    ExportSession,
};

use crate::Cx;
use crate::accounts::Account;
use crate::error::AppError;
use crate::text::Text;

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
    // issue 18 for issue 20 (r2privacy)
    OccurrenceRsvps,
    Arrangements,
    BrokeredMatches,
    // issue 20 (h20rest)
    OfflineIntake,
}

impl SectionName {
    pub const ALL: [SectionName; 13] = [
        Self::Posts,
        Self::Matches,
        Self::Messages,
        Self::Rsvps,
        Self::Notifications,
        Self::Blocks,
        Self::Reports,
        Self::Cases,
        Self::Devices,
        Self::OccurrenceRsvps,
        Self::Arrangements,
        Self::BrokeredMatches,
        Self::OfflineIntake,
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
    /// Answers for occurrences of a series.
    OccurrenceRsvps(Vec<ExportOccurrenceRsvp>),
    /// Lasting help the person is a party to, with its sessions: their own notes and reason.
    Arrangements(Vec<ExportArrangement>),
    /// Their matches a mediator brokered (the mediator not named, as in a case).
    BrokeredMatches(Vec<ExportBrokeredMatch>),
    /// The offline records the person claimed (issue 20): who registered them, when, how
    /// their consent was given, and what mediators did for them, oldest first.
    OfflineIntake(Vec<ExportOfflineIntake>),
}

/// A claimed offline record and the audit trail about the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOfflineIntake {
    pub intake: buurt_persistence::claims::ClaimedIntake,
    pub audit: Vec<buurt_persistence::offline::OfflineAuditEntry>,
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
        SectionName::OccurrenceRsvps => {
            Section::OccurrenceRsvps(repo::occurrence_rsvps_of(conn, user)?)
        }
        SectionName::Arrangements => Section::Arrangements(repo::arrangements_of(conn, user)?),
        SectionName::BrokeredMatches => {
            Section::BrokeredMatches(repo::brokered_matches_of(conn, user)?)
        }
        SectionName::OfflineIntake => {
            let intakes = buurt_persistence::claims::claimed_intakes(conn, user)?;
            // The trail follows the person (a claim moves it to the account): read it once,
            // with the first record.
            let mut audit = if intakes.is_empty() {
                Vec::new()
            } else {
                buurt_persistence::offline::audit_entries(conn, user)?
            };
            Section::OfflineIntake(
                intakes
                    .into_iter()
                    .map(|intake| ExportOfflineIntake {
                        intake,
                        audit: std::mem::take(&mut audit),
                    })
                    .collect(),
            )
        }
    })
}

/// What an export begins with: the profile, the memberships (with each neighbourhood's id,
/// name and municipality name) and the consents with their history.
#[derive(Debug, Clone)]
pub struct Head {
    pub account: Account,
    pub memberships: Vec<(Membership, String, String, String)>,
    pub consents: (Vec<ConsentRecord>, Vec<ConsentChange>),
}

/// One part of an export, in the order they come.
#[derive(Debug, Clone)]
pub enum Part {
    Head(Box<Head>),
    Section(Section),
}

/// Reads `user`'s export in one snapshot (see the module), handing each part to `sink` as soon
/// as it is read; the next is read when `sink` returns. An error of `sink`'s (the reader went
/// away) ends the export there.
pub fn export<E, S>(cx: &mut Cx<'_>, user: UserId, mut sink: S) -> Result<(), E>
where
    E: From<AppError> + From<PersistenceError>,
    S: FnMut(Part) -> Result<(), E>,
{
    let clock = cx.clock();
    in_read_snapshot(cx.conn, |conn| {
        let mut cx = Cx::new(conn, clock);
        let head = Head {
            account: crate::accounts::get_me(&mut cx, user)?,
            memberships: crate::memberships::my_memberships(&mut cx, user)?,
            consents: crate::mediation::list_consents(&mut cx, user)?,
        };
        sink(Part::Head(Box::new(head)))?;
        for name in SectionName::ALL {
            let section = read_section(&mut cx, user, name)?;
            sink(Part::Section(section))?;
        }
        Ok(())
    })
}

/// What an audit entry's action means, in words the requester understands.
pub fn describe_action(action: &str) -> Text {
    let (verb, detail) = action.split_once(':').unwrap_or((action, ""));
    match verb {
        "read_case" => Text::new("read the case", "las de casus"),
        "read_notes" => Text::new("read the case's notes", "las de notities bij de casus"),
        "read_audit" => Text::new(
            "read who saw the case (this log)",
            "las wie de casus inzag (dit logboek)",
        ),
        "read_queue" => Text::new(
            "saw the case in the mediators' queue (its title and status)",
            "zag de casus in de wachtrij van bemiddelaars (titel en status)",
        ),
        "write_note" => Text::new("wrote a note", "schreef een notitie"),
        "refer" => Text::new(
            "referred the case to the wijkteam",
            "verwees de casus naar het wijkteam",
        ),
        "claim" => Text::new("took the case on", "nam de casus in behandeling"),
        "start" => Text::new("started working on the case", "begon aan de casus"),
        "reschedule" => Text::new("planned a follow-up", "plande een vervolg"),
        "resolve" => Text::owned(
            format!("closed the case ({detail})"),
            format!("sloot de casus af ({detail})"),
        ),
        "escalate" => Text::owned(
            format!("handed the request to the mediators ({detail})"),
            format!("gaf de hulpvraag aan de bemiddelaars ({detail})"),
        ),
        "consent_withdrawn" => Text::new(
            "withdrew the consent, which ended the referral",
            "trok de toestemming in, waarmee de verwijzing eindigde",
        ),
        other => Text::owned(other.to_owned(), other.to_owned()),
    }
}
