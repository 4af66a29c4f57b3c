//! What can be wrong with a single value: the shared vocabulary of every parser in `domain`.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum ValueError {
    #[error("a value is required")]
    Required,
    #[error("at least {min} characters")]
    TooShort { min: usize },
    #[error("at most {max} characters")]
    TooLong { max: usize },
    #[error("at most {max} items")]
    TooMany { max: usize },
    #[error("not in the expected format")]
    InvalidFormat,
    #[error("not one of: {accepted}")]
    NotOneOf { accepted: &'static str },
    #[error("out of range")]
    OutOfRange,
}

/// The years a date or moment sent to this API may fall in. Nothing in a neighbourhood's life
/// lies outside them, and within them every date arithmetic is safe, PostgreSQL can store the
/// value and SQLite's text timestamps (always four-digit years) still sort in time order.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A day sent to this API: within [`YEARS`].
pub fn day_in_range(day: NaiveDate) -> Result<NaiveDate, ValueError> {
    if YEARS.contains(&day.year()) {
        Ok(day)
    } else {
        Err(ValueError::OutOfRange)
    }
}

/// A moment sent to this API: within [`YEARS`] (in UTC).
pub fn moment_in_range(at: DateTime<Utc>) -> Result<DateTime<Utc>, ValueError> {
    day_in_range(at.date_naive()).map(|_| at)
}

/// Whether `c` is a format character (Unicode category `Cf`): invisible, yet it reorders or
/// hides what a reader sees (U+202E turns text around, U+200B splits a word unseen). The zero
/// width joiner and non-joiner are the exceptions: emoji sequences and several scripts need
/// them.
pub fn is_format_character(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{600}'..='\u{605}'
            | '\u{61C}'
            | '\u{6DD}'
            | '\u{70F}'
            | '\u{890}'..='\u{891}'
            | '\u{8E2}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Trims `raw` and checks that it is not blank, at most `max` characters as sent, and holds no
/// control characters (newlines and tabs only where `multiline`) and no format characters
/// ([`is_format_character`]).
pub fn bounded_text(raw: &str, max: usize, multiline: bool) -> Result<String, ValueError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(ValueError::Required);
    }
    if raw.chars().count() > max {
        return Err(ValueError::TooLong { max });
    }
    let allowed = |c: char| {
        (!c.is_control() || (multiline && matches!(c, '\n' | '\t' | '\r')))
            && !is_format_character(c)
    };
    if !text.chars().all(allowed) {
        return Err(ValueError::InvalidFormat);
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_text_trims_and_limits() {
        assert_eq!(bounded_text("  Anna ", 10, false), Ok("Anna".into()));
        assert_eq!(bounded_text("   ", 10, false), Err(ValueError::Required));
        assert_eq!(bounded_text("ëëëëë", 5, false), Ok("ëëëëë".into()));
        assert_eq!(
            bounded_text("ëëëëëë", 5, false),
            Err(ValueError::TooLong { max: 5 })
        );
        assert_eq!(
            bounded_text("a\nb", 5, false),
            Err(ValueError::InvalidFormat)
        );
        assert_eq!(bounded_text("a\nb", 5, true), Ok("a\nb".into()));
        assert_eq!(
            bounded_text("a\u{7}b", 5, true),
            Err(ValueError::InvalidFormat)
        );
    }

    #[test]
    fn bounded_text_refuses_format_characters_but_keeps_joiners() {
        for text in ["abc\u{202E}def", "wo\u{200B}rd", "\u{FEFF}x", "a\u{E0041}"] {
            assert_eq!(
                bounded_text(text, 20, true),
                Err(ValueError::InvalidFormat),
                "{text:?}"
            );
        }
        // A family emoji is three people joined by U+200D.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(bounded_text(family, 20, false), Ok(family.into()));
    }

    #[test]
    fn dates_and_moments_stay_within_the_years() {
        let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        assert_eq!(day_in_range(day(1900)), Ok(day(1900)));
        assert_eq!(day_in_range(day(2200)), Ok(day(2200)));
        assert_eq!(day_in_range(day(1899)), Err(ValueError::OutOfRange));
        assert_eq!(day_in_range(day(-5000)), Err(ValueError::OutOfRange));
        assert_eq!(day_in_range(day(100_000)), Err(ValueError::OutOfRange));
        let far = day(100_000).and_hms_opt(0, 0, 0).unwrap().and_utc();
        assert_eq!(moment_in_range(far), Err(ValueError::OutOfRange));
        let near = day(2027).and_hms_opt(12, 0, 0).unwrap().and_utc();
        assert_eq!(moment_in_range(near), Ok(near));
    }
}
