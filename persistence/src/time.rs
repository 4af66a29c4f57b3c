//! Timestamps are stored as naive UTC at microsecond precision, which both backends keep
//! exactly (SQLite would keep nanoseconds, PostgreSQL cannot).

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

pub fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc().trunc_subsecs(6)
}

pub fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Now, at the precision the database keeps.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
