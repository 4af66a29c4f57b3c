//! Texts in every language Buurt speaks, and which of them a reader gets.

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

/// The Dutch for what the domain says it accepts (`ValueError::NotOneOf`); anything not listed
/// here stays as it is (a list of codes, say).
pub fn accepted_in_dutch(accepted: &'static str) -> &'static str {
    match accepted {
        "absent for this kind of post" => "leeg bij dit soort bericht",
        "members (care posts are for members only)" => {
            "members (zorgberichten zijn alleen voor leden)"
        }
        "a moment in the future" => "een moment in de toekomst",
        "after starts_at" => "na starts_at",
        "a number from -90 to 90 (lat) or -180 to 180 (lng)" => {
            "een getal van -90 tot 90 (lat) of -180 tot 180 (lng)"
        }
        range if range.contains(" to ") => match range {
            "1 to 20" => "1 tot en met 20",
            "1 to 90" => "1 tot en met 90",
            "1 to 500" => "1 tot en met 500",
            "1 to 10000" => "1 tot en met 10000",
            other => other,
        },
        other => other,
    }
}
