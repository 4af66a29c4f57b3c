//! Neighbourhoods (CBS *buurten*) and the municipalities they belong to.

use chrono::{DateTime, Utc};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

use crate::accounts::Postcode;
use crate::value::{ValueError, bounded_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NeighbourhoodId(pub Uuid);

impl NeighbourhoodId {
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }
}

impl Default for NeighbourhoodId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for NeighbourhoodId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

fn prefixed_code(raw: &str, prefix: &str, digits: usize) -> Result<String, ValueError> {
    let code = raw.trim().to_ascii_uppercase();
    if code.is_empty() {
        return Err(ValueError::Required);
    }
    let well_formed = code.len() == prefix.len() + digits
        && code.starts_with(prefix)
        && code[prefix.len()..].bytes().all(|b| b.is_ascii_digit());
    if well_formed {
        Ok(code)
    } else {
        Err(ValueError::InvalidFormat)
    }
}

/// A CBS neighbourhood code: `BU` and eight digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CbsCode(String);

impl CbsCode {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        prefixed_code(raw, "BU", 8).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A CBS municipality code: `GM` and four digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MunicipalityCode(String);

impl MunicipalityCode {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        prefixed_code(raw, "GM", 4).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The name of a neighbourhood or a municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceName(String);

impl PlaceName {
    pub const MAX_LEN: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        bounded_text(raw, Self::MAX_LEN, false).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The key names are searched by: lower case, without accents, so `Zuidoost` and `zuidöost`
/// find the same neighbourhood. Prefix search compares these keys.
pub fn search_key(text: &str) -> String {
    text.trim()
        .nfd()
        .filter(|c| !('\u{0300}'..='\u{036f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// A point on the map (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    pub lat: f64,
    pub lng: f64,
}

impl GeoPoint {
    pub fn parse(lat: f64, lng: f64) -> Result<Self, (&'static str, ValueError)> {
        let out_of_range = ValueError::NotOneOf {
            accepted: "a number from -90 to 90 (lat) or -180 to 180 (lng)",
        };
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(("lat", out_of_range));
        }
        if !lng.is_finite() || !(-180.0..=180.0).contains(&lng) {
            return Err(("lng", out_of_range));
        }
        Ok(Self { lat, lng })
    }
}

/// A postcode area a neighbourhood covers: all of a PC4 (`1234`) or one PC6 (`1234AB`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostcodeArea(String);

impl PostcodeArea {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(ValueError::Required);
        }
        let pc4 = text.len() == 4
            && text.starts_with(|c: char| ('1'..='9').contains(&c))
            && text.bytes().all(|b| b.is_ascii_digit());
        if pc4 {
            return Ok(Self(text.to_owned()));
        }
        Postcode::parse(text).map(|postcode| Self(postcode.as_str().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A resident's postcode belongs here when it equals this PC6 or starts with this PC4.
    pub fn contains(&self, postcode: &Postcode) -> bool {
        postcode.as_str() == self.0 || postcode.digits() == self.0
    }
}

/// Everything that describes a neighbourhood, validated: what creating, editing and importing
/// one take.
#[derive(Debug, Clone, PartialEq)]
pub struct NeighbourhoodDraft {
    pub code: CbsCode,
    pub name: PlaceName,
    pub municipality_code: MunicipalityCode,
    pub municipality_name: PlaceName,
    pub centre: GeoPoint,
    pub postcodes: Vec<PostcodeArea>,
    pub adjacent: Vec<CbsCode>,
}

impl NeighbourhoodDraft {
    /// Sorts and de-duplicates the lists, and drops the neighbourhood from its own neighbours.
    pub fn normalised(mut self) -> Self {
        self.postcodes.sort();
        self.postcodes.dedup();
        self.adjacent.sort();
        self.adjacent.dedup();
        self.adjacent.retain(|code| *code != self.code);
        self
    }
}

/// A stored neighbourhood.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbourhood {
    pub id: NeighbourhoodId,
    pub draft: NeighbourhoodDraft,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Neighbourhood {
    pub fn covers(&self, postcode: &Postcode) -> bool {
        self.draft
            .postcodes
            .iter()
            .any(|area| area.contains(postcode))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_and_normalised() {
        assert_eq!(
            CbsCode::parse(" bu03630000 ").unwrap().as_str(),
            "BU03630000"
        );
        assert_eq!(
            MunicipalityCode::parse("gm0363").unwrap().as_str(),
            "GM0363"
        );
        for bad in ["BU0363000", "BU036300000", "GM03630000", "BUx3630000"] {
            assert_eq!(CbsCode::parse(bad), Err(ValueError::InvalidFormat), "{bad}");
        }
        assert_eq!(CbsCode::parse(""), Err(ValueError::Required));
        assert!(MunicipalityCode::parse("GM036").is_err());
    }

    #[test]
    fn search_keys_ignore_case_and_accents() {
        assert_eq!(search_key(" Zuidöost "), "zuidoost");
        assert_eq!(search_key("Café De Pijp"), "cafe de pijp");
        assert_eq!(search_key("ÉÈÊË"), "eeee");
    }

    #[test]
    fn postcode_areas_cover_postcodes() {
        let home = Postcode::parse("1234AB").unwrap();
        assert!(PostcodeArea::parse("1234").unwrap().contains(&home));
        assert!(PostcodeArea::parse("1234 ab").unwrap().contains(&home));
        assert!(!PostcodeArea::parse("1234AC").unwrap().contains(&home));
        assert!(!PostcodeArea::parse("1235").unwrap().contains(&home));
        assert!(PostcodeArea::parse("123").is_err());
        assert!(PostcodeArea::parse("0123").is_err());
    }

    #[test]
    fn points_are_in_range() {
        assert!(GeoPoint::parse(52.37, 4.89).is_ok());
        assert_eq!(GeoPoint::parse(91.0, 4.0).unwrap_err().0, "lat");
        assert_eq!(GeoPoint::parse(52.0, 181.0).unwrap_err().0, "lng");
        assert_eq!(GeoPoint::parse(f64::NAN, 4.0).unwrap_err().0, "lat");
    }

    #[test]
    fn drafts_normalise_their_lists() {
        let code = CbsCode::parse("BU00000001").unwrap();
        let draft = NeighbourhoodDraft {
            code: code.clone(),
            name: PlaceName::parse("Centrum").unwrap(),
            municipality_code: MunicipalityCode::parse("GM0001").unwrap(),
            municipality_name: PlaceName::parse("Ergens").unwrap(),
            centre: GeoPoint::parse(52.0, 5.0).unwrap(),
            postcodes: vec![
                PostcodeArea::parse("1235").unwrap(),
                PostcodeArea::parse("1234").unwrap(),
                PostcodeArea::parse("1235").unwrap(),
            ],
            adjacent: vec![code, CbsCode::parse("BU00000002").unwrap()],
        }
        .normalised();
        assert_eq!(draft.postcodes.len(), 2);
        assert_eq!(draft.postcodes[0].as_str(), "1234");
        assert_eq!(draft.adjacent, [CbsCode::parse("BU00000002").unwrap()]);
    }
}
