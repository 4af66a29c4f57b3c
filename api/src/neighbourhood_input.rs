//! Turning neighbourhood input, from JSON or from a CSV file, into validated drafts.

use std::collections::HashMap;

use buurt_domain::ValueError;
use buurt_domain::neighbourhoods::{
    CbsCode, GeoPoint, MunicipalityCode, NeighbourhoodDraft, PlaceName, PostcodeArea,
};

use crate::http::error::{AppError, FieldErrors, FieldIssue};

/// The raw fields of one neighbourhood, wherever they came from.
pub struct DraftFields<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub municipality_code: &'a str,
    pub municipality_name: &'a str,
    pub lat: Result<f64, ValueError>,
    pub lng: Result<f64, ValueError>,
    pub postcodes: Vec<&'a str>,
    pub adjacent: Vec<&'a str>,
}

/// Validates every field, recording problems under `prefix` + the field's name.
pub fn validate_draft(
    fields: DraftFields<'_>,
    prefix: &str,
    errors: &mut FieldErrors,
) -> Option<NeighbourhoodDraft> {
    let field = |name: &str| format!("{prefix}{name}");
    let code = errors.check(&field("code"), CbsCode::parse(fields.code));
    let name = errors.check(&field("name"), PlaceName::parse(fields.name));
    let municipality_code = errors.check(
        &field("municipality_code"),
        MunicipalityCode::parse(fields.municipality_code),
    );
    let municipality_name = errors.check(
        &field("municipality_name"),
        PlaceName::parse(fields.municipality_name),
    );
    let lat = errors.check(&field("lat"), fields.lat);
    let lng = errors.check(&field("lng"), fields.lng);
    let centre = match (lat, lng) {
        (Some(lat), Some(lng)) => match GeoPoint::parse(lat, lng) {
            Ok(point) => Some(point),
            Err((which, error)) => {
                errors.check::<()>(&field(which), Err(error));
                None
            }
        },
        _ => None,
    };
    let postcodes: Vec<Option<PostcodeArea>> = fields
        .postcodes
        .iter()
        .enumerate()
        .map(|(index, raw)| {
            errors.check(
                &field(&format!("postcodes[{index}]")),
                PostcodeArea::parse(raw),
            )
        })
        .collect();
    let adjacent: Vec<Option<CbsCode>> = fields
        .adjacent
        .iter()
        .enumerate()
        .map(|(index, raw)| {
            errors.check(&field(&format!("adjacent[{index}]")), CbsCode::parse(raw))
        })
        .collect();
    Some(
        NeighbourhoodDraft {
            code: code?,
            name: name?,
            municipality_code: municipality_code?,
            municipality_name: municipality_name?,
            centre: centre?,
            postcodes: postcodes.into_iter().collect::<Option<_>>()?,
            adjacent: adjacent.into_iter().collect::<Option<_>>()?,
        }
        .normalised(),
    )
}

/// The CSV header, exactly.
pub const CSV_HEADER: [&str; 8] = [
    "code",
    "name",
    "municipality_code",
    "municipality_name",
    "lat",
    "lng",
    "postcodes",
    "adjacent",
];

/// Reads a neighbourhood CSV (header [`CSV_HEADER`]; postcodes and adjacent codes separated by
/// `;`). Every row is checked; problems are reported as `lines[N].field`, N the line in the
/// file (the header is line 1), and any problem rejects the whole file.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<(u64, NeighbourhoodDraft)>, AppError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(bytes);
    let header_problem = |issue| AppError::invalid("lines[1]", issue);
    let header = reader.headers().map_err(|error| {
        header_problem(FieldIssue::invalid(
            format!("unreadable header: {error}"),
            format!("onleesbare kopregel: {error}"),
        ))
    })?;
    if header.iter().collect::<Vec<_>>() != CSV_HEADER {
        let expected = CSV_HEADER.join(",");
        return Err(header_problem(FieldIssue::invalid(
            format!("the header must be `{expected}`"),
            format!("de kopregel moet `{expected}` zijn"),
        )));
    }
    let mut errors = FieldErrors::default();
    let mut drafts = Vec::new();
    let mut first_line_of: HashMap<CbsCode, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, csv::Position::line);
                errors.push(
                    &format!("lines[{line}]"),
                    FieldIssue::invalid(
                        format!("unreadable row: {error}"),
                        format!("onleesbare regel: {error}"),
                    ),
                );
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        let prefix = format!("lines[{line}].");
        if record.len() != CSV_HEADER.len() {
            errors.push(
                &format!("lines[{line}]"),
                FieldIssue::invalid(
                    format!("{} columns, expected {}", record.len(), CSV_HEADER.len()),
                    format!("{} kolommen, verwacht {}", record.len(), CSV_HEADER.len()),
                ),
            );
            continue;
        }
        let number = |raw: &str| raw.parse::<f64>().map_err(|_| ValueError::InvalidFormat);
        let list = |raw: &'_ str| -> Vec<String> {
            raw.split(';')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let postcodes = list(&record[6]);
        let adjacent = list(&record[7]);
        let fields = DraftFields {
            code: &record[0],
            name: &record[1],
            municipality_code: &record[2],
            municipality_name: &record[3],
            lat: number(&record[4]),
            lng: number(&record[5]),
            postcodes: postcodes.iter().map(String::as_str).collect(),
            adjacent: adjacent.iter().map(String::as_str).collect(),
        };
        if let Some(draft) = validate_draft(fields, &prefix, &mut errors) {
            if let Some(first) = first_line_of.get(&draft.code) {
                errors.push(
                    &format!("{prefix}code"),
                    FieldIssue::invalid(
                        format!("the same code as line {first}"),
                        format!("dezelfde code als regel {first}"),
                    ),
                );
                continue;
            }
            first_line_of.insert(draft.code.clone(), line);
            drafts.push((line, draft));
        }
    }
    if errors.is_empty() {
        Ok(drafts)
    } else {
        Err(errors.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "code,name,municipality_code,municipality_name,lat,lng,postcodes,adjacent\n";

    fn fields(problem: AppError) -> Vec<String> {
        match problem {
            AppError::Invalid(problems) => problems.into_iter().map(|p| p.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reads_rows_with_lists_and_quotes() {
        let csv = format!(
            "{HEADER}BU00000001,\"Centrum, oost\",GM0001,Ergens,52.1,5.1,1234;1235AB,BU00000002\n\
             bu00000002, Noord ,gm0001,Ergens,52.2,5.2,,\n"
        );
        let drafts = parse_csv(csv.as_bytes()).unwrap();
        assert_eq!(drafts.len(), 2);
        assert_eq!(drafts[0].0, 2);
        assert_eq!(drafts[0].1.name.as_str(), "Centrum, oost");
        assert_eq!(drafts[0].1.postcodes.len(), 2);
        assert_eq!(drafts[1].1.code.as_str(), "BU00000002");
        assert!(drafts[1].1.postcodes.is_empty());
    }

    #[test]
    fn reports_every_bad_row_by_line() {
        let csv = format!(
            "{HEADER}BU00000001,Centrum,GM0001,Ergens,52.1,5.1,1234,\n\
             BU0001,Noord,GM0001,Ergens,95,5.2,12,\n\
             BU00000001,Dubbel,GM0001,Ergens,52.1,5.1,,\n\
             BU00000003,Kort,GM0001\n"
        );
        assert_eq!(
            fields(parse_csv(csv.as_bytes()).unwrap_err()),
            [
                "lines[3].code",
                "lines[3].lat",
                "lines[3].postcodes[0]",
                "lines[4].code",
                "lines[5]"
            ]
        );
    }

    #[test]
    fn insists_on_the_header() {
        assert_eq!(
            fields(parse_csv(b"code,name\nBU00000001,x\n").unwrap_err()),
            ["lines[1]"]
        );
        assert!(parse_csv(HEADER.as_bytes()).unwrap().is_empty());
    }
}
