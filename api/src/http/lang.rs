//! The language of human-readable texts, negotiated from `Accept-Language`.

pub use buurt_app::text::{Lang, Text, accepted_in_dutch};

/// The language a request negotiated (`Accept-Language`), as an extractor.
#[derive(Debug, Clone, Copy)]
pub struct Negotiated(pub Lang);

impl Negotiated {
    pub fn of(req: &actix_web::HttpRequest) -> Lang {
        Lang::negotiate(
            req.headers()
                .get(actix_web::http::header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok()),
        )
    }
}

impl actix_web::FromRequest for Negotiated {
    type Error = std::convert::Infallible;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(Ok(Self(Self::of(req))))
    }
}

/// The language `req` asks for in `Accept-Language`.
pub fn request_lang(req: &actix_web::HttpRequest) -> Lang {
    Negotiated::of(req)
}

/// serde's English explanations of a JSON body or query it could not read, in Dutch. Quoted
/// parts (between backticks: the caller's values and our field names) stay as they are.
pub fn serde_in_dutch(message: &str) -> String {
    // Longest phrases first, so that "a string" wins over "string".
    const PHRASES: [(&str, &str); 31] = [
        (
            "EOF while parsing a value",
            "de inhoud houdt op midden in een waarde",
        ),
        (
            "EOF while parsing an object",
            "de inhoud houdt op midden in een object",
        ),
        (
            "EOF while parsing a list",
            "de inhoud houdt op midden in een lijst",
        ),
        (
            "EOF while parsing a string",
            "de inhoud houdt op midden in een tekst",
        ),
        ("key must be a string", "een sleutel moet tekst zijn"),
        ("trailing characters", "er staat nog iets na het einde"),
        ("trailing comma", "een komma te veel aan het eind"),
        ("expected value", "hier hoort een waarde"),
        ("invalid escape", "ongeldige escape"),
        ("invalid number", "ongeldig getal"),
        (
            "control character (\\u0000-\\u001F) found while parsing a string",
            "stuurteken in een tekst",
        ),
        ("invalid type: ", "ongeldig type: "),
        ("invalid value: ", "ongeldige waarde: "),
        ("invalid length ", "ongeldige lengte "),
        ("unknown variant ", "onbekende waarde "),
        ("unknown field ", "onbekend veld "),
        ("missing field ", "ontbrekend veld "),
        (", expected one of ", ", verwacht een van "),
        (", expected ", ", verwacht "),
        ("expected ", "verwacht "),
        (" at line ", " op regel "),
        (" column ", ", kolom "),
        ("floating point", "kommagetal"),
        ("a string", "tekst"),
        ("a sequence", "een lijst"),
        ("a map", "een object"),
        ("a boolean", "waar of onwaar"),
        ("integer", "geheel getal"),
        ("string", "tekst"),
        ("boolean", "waar of onwaar"),
        (" or ", " of "),
    ];
    message
        .split('`')
        .enumerate()
        .map(|(index, part)| {
            if index % 2 == 1 {
                return format!("`{part}`");
            }
            let mut part = part.to_owned();
            for (en, nl) in PHRASES {
                part = part.replace(en, nl);
            }
            part
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_speaks_dutch_around_what_it_quotes() {
        assert_eq!(
            serde_in_dutch("invalid type: integer `5`, expected a string"),
            "ongeldig type: geheel getal `5`, verwacht tekst"
        );
        assert_eq!(
            serde_in_dutch("unknown variant `nieuws`, expected one of `news`, `activity`"),
            "onbekende waarde `nieuws`, verwacht een van `news`, `activity`"
        );
        assert_eq!(
            serde_in_dutch("EOF while parsing a value at line 1 column 5"),
            "de inhoud houdt op midden in een waarde op regel 1, kolom 5"
        );
        // What the caller wrote is quoted as written, even when it looks like English.
        assert_eq!(
            serde_in_dutch("unknown variant `a string or integer`, expected `news` or `offer`"),
            "onbekende waarde `a string or integer`, verwacht `news` of `offer`"
        );
        assert_eq!(accepted_in_dutch("1 to 20"), "1 tot en met 20");
        assert_eq!(
            accepted_in_dutch("posts:read, stats:read"),
            "posts:read, stats:read"
        );
    }

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
