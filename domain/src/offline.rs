//! Offline residents (issue 20, intake on behalf): neighbours without an account, or not yet,
//! registered by a mediator who then acts for them. They are users that cannot sign in, with
//! a way to reach them and the consent the mediator recorded.

use chrono::{DateTime, Duration, Utc};

use crate::accounts::{DisplayName, Language, Phone, Postcode, UserId};
use crate::neighbourhoods::NeighbourhoodId;
use crate::value::{ValueError, bounded_text};

/// How long a claim code works.
pub const CLAIM_CODE_VALIDITY: Duration = Duration::days(30);

/// How the resident gave the mediator their consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentMethod {
    Phone,
    InPerson,
    Paper,
}

impl ConsentMethod {
    pub const ALL: [Self; 3] = [Self::Phone, Self::InPerson, Self::Paper];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Phone => "phone",
            Self::InPerson => "in_person",
            Self::Paper => "paper",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw)
    }
}

/// A postal address as a mediator writes it down (street, number, town; several lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalAddress(String);

impl PostalAddress {
    pub const MAX_LEN: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        bounded_text(raw, Self::MAX_LEN, true).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How the mediators reach the resident: at least one of the two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub phone: Option<Phone>,
    pub postal_address: Option<PostalAddress>,
}

/// Why a `Reach` is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unreachable;

impl Reach {
    pub fn new(
        phone: Option<Phone>,
        postal_address: Option<PostalAddress>,
    ) -> Result<Self, Unreachable> {
        if phone.is_none() && postal_address.is_none() {
            return Err(Unreachable);
        }
        Ok(Self {
            phone,
            postal_address,
        })
    }
}

/// The consent a mediator recorded: how, and when it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedConsent {
    pub method: ConsentMethod,
    pub given_at: DateTime<Utc>,
}

/// Why a recorded consent is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentRefusal {
    /// Given in the future (a mistake, or a consent not yet given).
    InTheFuture,
}

impl RecordedConsent {
    pub fn new(
        method: ConsentMethod,
        given_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self, ConsentRefusal> {
        if given_at > now {
            return Err(ConsentRefusal::InTheFuture);
        }
        Ok(Self { method, given_at })
    }
}

/// An offline resident as the mediators of their neighbourhood know them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfflineResident {
    pub id: UserId,
    pub neighbourhood_id: NeighbourhoodId,
    pub display_name: DisplayName,
    pub postcode: Postcode,
    pub languages: Vec<Language>,
    pub reach: Reach,
    pub consent: RecordedConsent,
    pub registered_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why a claim code is refused: one answer for all, so codes cannot be probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidClaimCode;

/// Whether a code issued to expire at `expires_at` still works at `now`.
pub fn claim_code_works(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now < expires_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resident_must_be_reachable() {
        assert_eq!(Reach::new(None, None), Err(Unreachable));
        let phone = Phone::parse("06 1234 5678").unwrap();
        assert!(Reach::new(Some(phone), None).is_ok());
        let address = PostalAddress::parse("Dorpsstraat 1\n1234 AB Ergens").unwrap();
        assert!(Reach::new(None, Some(address)).is_ok());
    }

    #[test]
    fn consent_cannot_be_given_in_the_future() {
        let now = Utc::now();
        assert_eq!(
            RecordedConsent::new(ConsentMethod::Paper, now + Duration::minutes(1), now),
            Err(ConsentRefusal::InTheFuture)
        );
        assert!(RecordedConsent::new(ConsentMethod::Phone, now, now).is_ok());
    }

    #[test]
    fn consent_methods_round_trip() {
        for method in ConsentMethod::ALL {
            assert_eq!(ConsentMethod::parse(method.as_str()), Some(method));
        }
        assert_eq!(ConsentMethod::parse("email"), None);
    }

    #[test]
    fn claim_codes_expire() {
        let now = Utc::now();
        assert!(claim_code_works(now + CLAIM_CODE_VALIDITY, now));
        assert!(!claim_code_works(now, now));
    }
}
