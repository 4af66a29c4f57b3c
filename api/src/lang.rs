//! The language of human-readable texts, negotiated from `Accept-Language`.

use std::borrow::Cow;

/// The languages Buurt speaks. English is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    /// Picks nl or en from an `Accept-Language` value by quality (RFC 9110 §12.5.4); a tie goes
    /// to the first listed; anything else, or nothing, is English.
    pub fn negotiate(accept_language: Option<&str>) -> Lang {
        let Some(header) = accept_language else {
            return Lang::En;
        };
        let mut best: Option<(Lang, f32)> = None;
        for item in header.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let quality = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
                .unwrap_or(0.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let lang = if primary.eq_ignore_ascii_case("nl") {
                Lang::Nl
            } else if primary.eq_ignore_ascii_case("en") {
                Lang::En
            } else {
                continue;
            };
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((lang, quality));
            }
        }
        best.map_or(Lang::En, |(lang, _)| lang)
    }
}

/// A text in every language Buurt speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub en: Cow<'static, str>,
    pub nl: Cow<'static, str>,
}

impl Text {
    pub const fn new(en: &'static str, nl: &'static str) -> Self {
        Self {
            en: Cow::Borrowed(en),
            nl: Cow::Borrowed(nl),
        }
    }

    pub fn owned(en: String, nl: String) -> Self {
        Self {
            en: Cow::Owned(en),
            nl: Cow::Owned(nl),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Nl => &self.nl,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality_and_order() {
        assert_eq!(Lang::negotiate(None), Lang::En);
        assert_eq!(Lang::negotiate(Some("nl")), Lang::Nl);
        assert_eq!(Lang::negotiate(Some("nl-NL,nl;q=0.9,en;q=0.8")), Lang::Nl);
        assert_eq!(Lang::negotiate(Some("en-GB,nl;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("de,nl;q=0.5,en;q=0.7")), Lang::En);
        assert_eq!(Lang::negotiate(Some("de,en;q=0.5,NL-be;q=0.7")), Lang::Nl);
        assert_eq!(Lang::negotiate(Some("fr, de")), Lang::En);
        assert_eq!(Lang::negotiate(Some("nl;q=0, en;q=0")), Lang::En);
        assert_eq!(Lang::negotiate(Some("nl;q=0")), Lang::En);
        assert_eq!(Lang::negotiate(Some("nl;q=abc")), Lang::En);
        assert_eq!(Lang::negotiate(Some("nl, en")), Lang::Nl);
        assert_eq!(Lang::negotiate(Some("")), Lang::En);
    }
}
