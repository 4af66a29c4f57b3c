//! Verification letters on paper: a PDF to print (one A4 page per letter) and a CSV for a
//! mailing house. The codes are the secret; both hold them, so both are for moderators only.

use buurt_persistence::letters::Letter;
use pdf_writer::{Content, Name, Pdf, Rect, Ref, Str};

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 7] = [
    "recipient",
    "street",
    "house_number",
    "postcode",
    "neighbourhood",
    "code",
    "expires_on",
];

/// The batch as CSV for a mailing house: one row per letter.
pub fn to_csv(letters: &[Letter], neighbourhood: &str) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER)?;
    for letter in letters {
        let expires_on = letter.expires_at.date_naive().to_string();
        writer.write_record([
            guard_formula(&letter.recipient).as_str(),
            guard_formula(&letter.street).as_str(),
            guard_formula(&letter.house_number).as_str(),
            letter.postcode.as_str(),
            guard_formula(neighbourhood).as_str(),
            letter.code.as_str(),
            expires_on.as_str(),
        ])?;
    }
    writer
        .into_inner()
        .map_err(|error| csv::Error::from(error.into_error()))
}

/// A cell a spreadsheet would run as a formula is written as text.
fn guard_formula(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The code in groups of four, as printed: easier to type over.
pub fn grouped(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// Text in the PDF's encoding (WinAnsi, which is Latin-1 for the letters Dutch names use);
/// anything else becomes `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match u32::from(c) {
            code @ (0x20..=0x7e | 0xa0..=0xff) => u8::try_from(code).unwrap_or(b'?'),
            _ => b'?',
        })
        .collect()
}

/// The batch as a PDF: one A4 page per letter, the address where a window envelope shows it.
pub fn to_pdf(letters: &[Letter], neighbourhood: &str) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let font = Ref::new(3);
    let bold = Ref::new(4);
    let pages: Vec<(Ref, Ref)> = (0..letters.len())
        .map(|i| {
            let first = 5 + 2 * i32::try_from(i).unwrap_or(i32::MAX / 2 - 5);
            (Ref::new(first), Ref::new(first + 1))
        })
        .collect();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(pages.iter().map(|(page, _)| *page))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    pdf.type1_font(font)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (letter, (page_id, content_id)) in letters.iter().zip(&pages) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
        page.parent(tree);
        page.contents(*content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), font);
        fonts.pair(Name(b"F2"), bold);
        drop(fonts);
        drop(resources);
        drop(page);
        let expires = letter
            .expires_at
            .date_naive()
            .format("%d-%m-%Y")
            .to_string();
        let lines: Vec<(bool, f32, String)> = vec![
            (false, 11.0, letter.recipient.clone()),
            (false, 11.0, format!("{} {}", letter.street, letter.house_number)),
            (false, 11.0, letter.postcode.clone()),
            (false, 11.0, String::new()),
            (false, 11.0, String::new()),
            (true, 14.0, format!("Uw buurt: {neighbourhood}")),
            (false, 11.0, String::new()),
            (false, 11.0, "Beste buurtbewoner,".to_owned()),
            (false, 11.0, String::new()),
            (
                false,
                11.0,
                "U bent lid geworden van uw buurt in Buurt. Met deze code bevestigt u dat u hier woont:"
                    .to_owned(),
            ),
            (false, 11.0, String::new()),
            (true, 20.0, grouped(&letter.code)),
            (false, 11.0, String::new()),
            (
                false,
                11.0,
                format!("Vul de code in de app in bij uw lidmaatschap. Geldig tot en met {expires}."),
            ),
            (
                false,
                11.0,
                "De code werkt een keer, alleen voor u en dit adres. Heeft u zich niet aangemeld?"
                    .to_owned(),
            ),
            (false, 11.0, "Dan kunt u deze brief weggooien.".to_owned()),
            (false, 11.0, String::new()),
            (
                false,
                11.0,
                format!("Your verification code: {}", letter.code),
            ),
        ];
        let mut content = Content::new();
        content.begin_text();
        content.next_line(70.0, 700.0);
        for (strong, size, line) in &lines {
            let name = if *strong { Name(b"F2") } else { Name(b"F1") };
            content.set_font(name, *size);
            content.set_leading(size * 1.5);
            content.next_line_using_leading();
            content.show(Str(&win_ansi(line)));
        }
        content.end_text();
        pdf.stream(*content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_and_text_is_latin_1() {
        assert_eq!(grouped("ABCDEFGH23"), "ABCD-EFGH-23");
        assert_eq!(win_ansi("Zoë €"), vec![b'Z', b'o', 0xeb, b' ', b'?']);
        assert_eq!(guard_formula("=1+1"), "'=1+1");
        assert_eq!(guard_formula("Jan"), "Jan");
    }
}
