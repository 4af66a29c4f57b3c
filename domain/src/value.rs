//! What can be wrong with a single value: the shared vocabulary of every parser in `domain`.

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
}

/// Trims `raw` and checks that it is not blank, at most `max` characters as sent, and holds no
/// control characters (newlines and tabs only where `multiline`).
pub fn bounded_text(raw: &str, max: usize, multiline: bool) -> Result<String, ValueError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(ValueError::Required);
    }
    if raw.chars().count() > max {
        return Err(ValueError::TooLong { max });
    }
    let allowed = |c: char| !c.is_control() || (multiline && matches!(c, '\n' | '\t' | '\r'));
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
}
