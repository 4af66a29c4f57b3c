//! Typed columns: ids and enums are stored as text, and this is the one place that reads them
//! back. A row field of type `Stored<T>` is parsed by diesel as it loads (`FromSql`), and a
//! value that is no `T` fails the query as corrupt data, naming what it found; `read` does the
//! same for a value loaded as a plain string.

use buurt_domain::accounts::UserId;
use buurt_domain::matching::{MatchId, MatchStatus, Party};
use buurt_domain::mediation::CaseId;
use buurt_domain::neighbourhoods::NeighbourhoodId;
use buurt_domain::posts::PostId;
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::sql_types::Text;
use uuid::Uuid;

use crate::PersistenceError;

/// A value kept in a text column.
pub trait TextColumn: Sized {
    /// What kind of value this is, for the message when a stored one is not.
    const KIND: &'static str;
    fn from_column(raw: &str) -> Option<Self>;
}

macro_rules! id_columns {
    ($($id:ty),* $(,)?) => {$(
        impl TextColumn for $id {
            const KIND: &'static str = stringify!($id);
            fn from_column(raw: &str) -> Option<Self> {
                Uuid::parse_str(raw).ok().map(Self)
            }
        }
    )*};
}
id_columns!(
    UserId,
    PostId,
    MatchId,
    CaseId,
    NeighbourhoodId,
    buurt_domain::devices::DeviceId,
    buurt_domain::images::ImageId,
    // issue 20 (h20d)
    buurt_domain::signals::SignalId
);

impl TextColumn for Uuid {
    const KIND: &'static str = "Uuid";
    fn from_column(raw: &str) -> Option<Self> {
        Uuid::parse_str(raw).ok()
    }
}

/// Enums with `parse`/`as_str` (the domain's `string_enum!`s and their kin).
macro_rules! enum_columns {
    ($($enum:ty),* $(,)?) => {$(
        impl TextColumn for $enum {
            const KIND: &'static str = stringify!($enum);
            fn from_column(raw: &str) -> Option<Self> {
                <$enum>::parse(raw)
            }
        }
    )*};
}
enum_columns!(
    buurt_domain::membership::Verification,
    MatchStatus,
    Party,
    buurt_domain::posts::PostKind,
    buurt_domain::posts::PostStatus,
    buurt_domain::posts::Visibility,
    buurt_domain::posts::Urgency,
    buurt_domain::category::Category,
    buurt_domain::membership::MembershipStatus,
    buurt_domain::membership::Role,
    buurt_domain::mediation::CaseStatus,
    buurt_domain::notifications::NotificationKind,
    buurt_domain::partners::EventKind,
    buurt_domain::stats::StatKind,
    buurt_domain::mediation::Outcome,
    buurt_domain::mediation::EscalatedBy,
    buurt_domain::mediation::ConsentKind,
    buurt_domain::activities::RsvpStatus,
    buurt_domain::partners::WebhookStatus,
    buurt_domain::partners::DeliveryStatus,
    buurt_domain::grants::GrantedRole,
    buurt_domain::grants::GrantChange,
    buurt_domain::devices::Platform,
    buurt_domain::moderation::ReportReason,
    buurt_domain::moderation::TargetKind,
    buurt_domain::moderation::Resolution,
    buurt_domain::moderation::AppealOutcome,
    buurt_domain::moderation::LogAction,
    // issue 20 (h20d)
    buurt_domain::signals::SignalKind,
    buurt_domain::lasting::Recurrence,
    buurt_domain::lasting::SessionStatus,
);

/// A day, stored as `YYYY-MM-DD` (sorts in time order on both backends).
impl TextColumn for chrono::NaiveDate {
    const KIND: &'static str = "NaiveDate";
    fn from_column(raw: &str) -> Option<Self> {
        chrono::NaiveDate::parse_from_str(raw, DAY_FORMAT).ok()
    }
}

/// How a day is written to a text column.
pub const DAY_FORMAT: &str = "%Y-%m-%d";

/// `day` as it is stored.
pub fn day_column(day: chrono::NaiveDate) -> String {
    day.format(DAY_FORMAT).to_string()
}

impl TextColumn for buurt_domain::partners::Scope {
    const KIND: &'static str = "Scope";
    fn from_column(raw: &str) -> Option<Self> {
        Self::parse(raw).ok()
    }
}

/// A typed value read from a text column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromSqlRow)]
pub struct Stored<T>(pub T);

impl<T, DB> FromSql<Text, DB> for Stored<T>
where
    T: TextColumn,
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let raw = String::from_sql(bytes)?;
        T::from_column(&raw)
            .map(Stored)
            .ok_or_else(|| format!("a stored {} holds {raw:?}", T::KIND).into())
    }
}

/// `raw`, read from the column `what`, as a `T`.
pub fn read<T: TextColumn>(what: &str, raw: &str) -> Result<T, PersistenceError> {
    T::from_column(raw)
        .ok_or_else(|| PersistenceError::Corrupt(format!("{what} holds {raw:?} (no {})", T::KIND)))
}

/// `read` for a column that may be NULL.
pub fn read_optional<T: TextColumn>(
    what: &str,
    raw: Option<&str>,
) -> Result<Option<T>, PersistenceError> {
    raw.map(|raw| read(what, raw)).transpose()
}
