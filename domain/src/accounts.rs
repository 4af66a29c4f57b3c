//! Accounts: who a user is, how they sign in, and the profile they keep.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::category::Category;
use crate::value::{ValueError, bounded_text};

/// A user's id: random, so ids cannot be enumerated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserId(pub Uuid);

impl UserId {
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }
}

impl Default for UserId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// An email address, normalised (trimmed, lower case) so that one mailbox is one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(ValueError::Required);
        }
        if raw.chars().count() > Self::MAX_LEN {
            return Err(ValueError::TooLong { max: Self::MAX_LEN });
        }
        let (local, domain) = email.split_once('@').ok_or(ValueError::InvalidFormat)?;
        // A dot-atom local part and a domain of LDH labels, in ASCII: what every mail system
        // delivers to.
        let atom = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c);
        let local_ok = local.len() <= 64
            && local
                .split('.')
                .all(|part| !part.is_empty() && part.chars().all(atom));
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if local_ok && domain_ok {
            Ok(Self(email))
        } else {
            Err(ValueError::InvalidFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as chosen: at least 10 characters. Only its hash is ever stored.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_LEN: usize = 10;
    /// Long enough for any passphrase, short enough that hashing it costs nothing extra.
    pub const MAX_LEN: usize = 512;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let length = raw.chars().count();
        if length == 0 {
            Err(ValueError::Required)
        } else if length < Self::MIN_LEN {
            Err(ValueError::TooShort { min: Self::MIN_LEN })
        } else if length > Self::MAX_LEN {
            Err(ValueError::TooLong { max: Self::MAX_LEN })
        } else {
            Ok(Self(raw.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, max = $max:expr, multiline = $multiline:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX_LEN: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, ValueError> {
                bounded_text(raw, Self::MAX_LEN, $multiline).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    };
}

text_value!(
    /// The name others see: trimmed, 1 to 60 characters.
    DisplayName, max = 60, multiline = false
);
text_value!(
    /// A street name (private: others see it only where a later rule says so).
    Street, max = 100, multiline = false
);
text_value!(
    /// A few sentences about oneself.
    Bio, max = 1000, multiline = true
);

/// A Dutch postcode, PC6, normalised: `1234 ab` is `1234AB`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Postcode(String);

impl Postcode {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(ValueError::Required);
        }
        // Four digits, optional spaces, two letters: `1234AB`, `1234 ab`.
        let split = text
            .char_indices()
            .nth(4)
            .map_or(text.len(), |(index, _)| index);
        let (digits, letters) = text.split_at(split);
        let letters = letters.trim_start().to_ascii_uppercase();
        let well_formed = digits.len() == 4
            && digits.starts_with(|c: char| ('1'..='9').contains(&c))
            && digits.bytes().all(|b| b.is_ascii_digit())
            && letters.len() == 2
            && letters.bytes().all(|b| b.is_ascii_uppercase())
            // PostNL does not issue these letter pairs.
            && !matches!(letters.as_str(), "SA" | "SD" | "SS");
        if well_formed {
            Ok(Self(format!("{digits}{letters}")))
        } else {
            Err(ValueError::InvalidFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The four digits (PC4).
    pub fn digits(&self) -> &str {
        &self.0[..4]
    }
}

/// A house number with its addition: `12`, `12a`, `12-3`, `12 bis`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseNumber(String);

impl HouseNumber {
    pub const MAX_LEN: usize = 12;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let text = bounded_text(raw, Self::MAX_LEN, false)?;
        let well_formed = text.starts_with(|c: char| c.is_ascii_digit() && c != '0')
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '/'));
        if well_formed {
            Ok(Self(text))
        } else {
            Err(ValueError::InvalidFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as people write it: digits with `+`, spaces, dashes, brackets; 6 to 15
/// digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub const MAX_LEN: usize = 20;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let text = bounded_text(raw, Self::MAX_LEN, false)?;
        let digits = text.chars().filter(char::is_ascii_digit).count();
        let allowed = text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
        // By character: the first one may be longer than a byte.
        let plus_only_first = !text.chars().skip(1).any(|c| c == '+');
        if allowed && plus_only_first && (6..=15).contains(&digits) {
            Ok(Self(text))
        } else {
            Err(ValueError::InvalidFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number in E.164 form (`+31612345678`), as an SMS gateway takes it: a number written
    /// without a country code (`06 1234 5678`) is taken as Dutch, `00` as the international
    /// prefix. `None` when it cannot be one (too short or long, a local number without its
    /// leading 0).
    pub fn e164(&self) -> Option<String> {
        let digits: String = self.0.chars().filter(char::is_ascii_digit).collect();
        let international = if self.0.trim_start().starts_with('+') {
            digits
        } else if let Some(rest) = digits.strip_prefix("00") {
            rest.to_owned()
        } else if let Some(rest) = digits.strip_prefix('0') {
            format!("31{rest}")
        } else {
            return None;
        };
        let plausible = (8..=15).contains(&international.len())
            && !international.starts_with('0')
            // A Dutch number has nine digits after the country code.
            && (!international.starts_with("31") || international.len() == 11);
        plausible.then(|| format!("+{international}"))
    }
}

/// A language, as an ISO 639-1 code (`nl`, `en`, `ar`, `tr`, …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Language(String);

impl Language {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let code = raw.trim().to_ascii_lowercase();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(Self(code))
        } else {
            Err(ValueError::InvalidFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The most languages one profile lists.
pub const MAX_LANGUAGES: usize = 10;

/// A set of languages, in a stable order and without repeats.
pub fn language_set(languages: Vec<Language>) -> Result<Vec<Language>, ValueError> {
    if languages.len() > MAX_LANGUAGES {
        return Err(ValueError::TooMany { max: MAX_LANGUAGES });
    }
    let mut set = languages;
    set.sort_unstable();
    set.dedup();
    Ok(set)
}

/// What a user says about themselves. The address fields and the phone number are private:
/// only the user sees them, and later rules decide what others may see.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    pub postcode: Option<Postcode>,
    pub street: Option<Street>,
    pub house_number: Option<HouseNumber>,
    pub phone: Option<Phone>,
    pub bio: Option<Bio>,
    /// What the user can help with.
    pub skills: Vec<Category>,
    /// What the user would like to hear about.
    pub interests: Vec<Category>,
    pub languages: Vec<Language>,
}

/// A registered user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub email_verified: bool,
    pub display_name: DisplayName,
    pub profile: Profile,
    /// Platform administrators manage neighbourhoods and machine clients.
    pub platform_admin: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A change to a profile: `None` leaves a field as it is; `Some(None)` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProfileChanges {
    pub display_name: Option<DisplayName>,
    pub postcode: Option<Option<Postcode>>,
    pub street: Option<Option<Street>>,
    pub house_number: Option<Option<HouseNumber>>,
    pub phone: Option<Option<Phone>>,
    pub bio: Option<Option<Bio>>,
    pub skills: Option<Vec<Category>>,
    pub interests: Option<Vec<Category>>,
    pub languages: Option<Vec<Language>>,
    /// An uploaded image as the avatar; `Some(None)` removes it.
    pub avatar: Option<Option<crate::images::ImageId>>,
}

impl ProfileChanges {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The profile after the change.
    pub fn apply(self, user: &mut User) {
        let profile = &mut user.profile;
        if let Some(name) = self.display_name {
            user.display_name = name;
        }
        if let Some(postcode) = self.postcode {
            profile.postcode = postcode;
        }
        if let Some(street) = self.street {
            profile.street = street;
        }
        if let Some(house_number) = self.house_number {
            profile.house_number = house_number;
        }
        if let Some(phone) = self.phone {
            profile.phone = phone;
        }
        if let Some(bio) = self.bio {
            profile.bio = bio;
        }
        if let Some(skills) = self.skills {
            profile.skills = Category::normalise_set(skills);
        }
        if let Some(interests) = self.interests {
            profile.interests = Category::normalise_set(interests);
        }
        if let Some(languages) = self.languages {
            profile.languages = languages;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Anna.de.Vries@Example.NL ")
                .unwrap()
                .as_str(),
            "anna.de.vries@example.nl"
        );
        assert_eq!(
            Email::parse("a+tag@sub.example.org").unwrap().as_str(),
            "a+tag@sub.example.org"
        );
        assert_eq!(Email::parse(""), Err(ValueError::Required));
        for bad in [
            "anna",
            "anna@",
            "@example.nl",
            "anna@localhost",
            "an na@example.nl",
            "anna@exa mple.nl",
            "a@b@example.nl",
            ".anna@example.nl",
            "anna@-x.nl",
            "anna@example..nl",
        ] {
            assert_eq!(Email::parse(bad), Err(ValueError::InvalidFormat), "{bad}");
        }
        let long = format!("{}@example.nl", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(ValueError::TooLong { max: 254 }));
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert_eq!(Password::parse(""), Err(ValueError::Required));
        assert_eq!(
            Password::parse("123456789"),
            Err(ValueError::TooShort { min: 10 })
        );
        assert!(Password::parse("1234567890").is_ok());
        assert!(Password::parse("ëëëëëëëëëë").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("geheim-wachtwoord").unwrap()),
            "Password(***)"
        );
        assert_eq!(
            Password::parse(&"x".repeat(513)),
            Err(ValueError::TooLong { max: 512 })
        );
    }

    #[test]
    fn phones_in_e164() {
        let e164 = |raw: &str| Phone::parse(raw).unwrap().e164();
        assert_eq!(e164("06 1234 5678").as_deref(), Some("+31612345678"));
        assert_eq!(e164("+31 6 1234-5678").as_deref(), Some("+31612345678"));
        assert_eq!(e164("0031 (0)20 123 4567"), None);
        assert_eq!(e164("0031 20 123 4567").as_deref(), Some("+31201234567"));
        assert_eq!(e164("+44 20 7946 0958").as_deref(), Some("+442079460958"));
        assert_eq!(e164("612345678"), None);
        assert_eq!(e164("0612345"), None);
    }

    #[test]
    fn postcodes_are_normalised() {
        assert_eq!(Postcode::parse("1234 ab").unwrap().as_str(), "1234AB");
        assert_eq!(Postcode::parse("9999ZZ").unwrap().digits(), "9999");
        assert_eq!(Postcode::parse(" "), Err(ValueError::Required));
        for bad in [
            "0123AB", "123AB", "1234A", "1234ABC", "1234SS", "12345A", "1234ÄB",
        ] {
            assert_eq!(
                Postcode::parse(bad),
                Err(ValueError::InvalidFormat),
                "{bad}"
            );
        }
    }

    #[test]
    fn house_numbers_phones_and_languages() {
        assert_eq!(Phone::parse("é0612345678"), Err(ValueError::InvalidFormat));
        assert_eq!(
            Phone::parse("€+31612345678"),
            Err(ValueError::InvalidFormat)
        );
        for good in ["1", "12a", "12-3", "12 bis", "100/2"] {
            assert!(HouseNumber::parse(good).is_ok(), "{good}");
        }
        for bad in ["a12", "0", "12;", "12\u{0}"] {
            assert!(HouseNumber::parse(bad).is_err(), "{bad}");
        }
        for good in ["+31 6 12345678", "020-1234567", "(020) 123 45 67"] {
            assert!(Phone::parse(good).is_ok(), "{good}");
        }
        for bad in ["12345", "06-1234567a", "+31+612345678", "1234567890123456"] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Language::parse("NL").unwrap().as_str(), "nl");
        assert!(Language::parse("nld").is_err());
        let many = (b'a'..=b'k').map(|c| Language::parse(&format!("{}a", c as char)).unwrap());
        assert_eq!(
            language_set(many.collect()),
            Err(ValueError::TooMany { max: 10 })
        );
    }

    #[test]
    fn changes_apply_and_clear() {
        let mut user = User {
            id: UserId::new(),
            email: Email::parse("a@example.nl").unwrap(),
            email_verified: false,
            display_name: DisplayName::parse("Anna").unwrap(),
            profile: Profile {
                phone: Some(Phone::parse("0612345678").unwrap()),
                ..Profile::default()
            },
            platform_admin: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let changes = ProfileChanges {
            display_name: Some(DisplayName::parse("Anna B").unwrap()),
            phone: Some(None),
            skills: Some(vec![Category::Help, Category::Goods, Category::Help]),
            ..ProfileChanges::default()
        };
        assert!(!changes.is_empty());
        changes.apply(&mut user);
        assert_eq!(user.display_name.as_str(), "Anna B");
        assert_eq!(user.profile.phone, None);
        assert_eq!(user.profile.skills, [Category::Goods, Category::Help]);
        assert!(ProfileChanges::default().is_empty());
    }
}

/// Whether an account's access tokens still count: a token is good while it carries the
/// account's current `token_generation` and the account is not suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Raised by a new password and by a suspension: every token issued before stops working.
    pub token_generation: i64,
    /// Suspended by an administrator: no sign-in, no refresh, no token works.
    pub suspended_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Standing {
    /// Whether a token issued in `generation` speaks for the account now.
    pub fn accepts(&self, generation: i64) -> bool {
        self.suspended_at.is_none() && generation == self.token_generation
    }
}
