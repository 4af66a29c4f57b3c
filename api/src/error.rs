//! One error type for the whole API, mapped to RFC 9457 problems with stable codes.

use actix_web::http::{Method, StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use buurt_domain::ValueError;
use buurt_openapi::problem::{FieldError, PROBLEM_CONTENT_TYPE, Problem};
use buurt_persistence::PersistenceError;

use crate::lang::{Lang, Text};

/// Stable machine-readable codes. Clients branch on these: never rename one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadRequest,
    MalformedJson,
    ValidationFailed,
    InvalidQuery,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyRequests,
    InternalError,
    DatabaseUnavailable,
    InvalidToken,
    TokenExpired,
    InvalidCredentials,
    InvalidRefreshToken,
    RefreshTokenReused,
    EmailTaken,
    TooManyAttempts,
    CurrentPasswordIncorrect,
    NeighbourhoodCodeTaken,
    MembershipRejected,
    Blocked,
    InviteInvalid,
    InviteExpired,
    InviteUsedUp,
    IllegalTransition,
    MemberNotActive,
    LastModerator,
    AlreadyReported,
    PostNotLive,
    InvalidIdempotencyKey,
    IdempotencyKeyReused,
    IdempotencyKeyInProgress,
    IdempotencyKeyHeldSecret,
    NotAnActivity,
    RsvpClosed,
    NoRsvp,
    CapacityBelowGoing,
    AlreadyCheckedIn,
    NotGoing,
    CheckInNotOpen,
    NotARequest,
    AlreadyMatched,
    HelperBusy,
    RequestNotOpen,
    RequestFull,
    HelpersBelowAccepted,
    NotYourMove,
    AlreadyEscalated,
    ConsentRequired,
    InsufficientScope,
    InvalidClient,
    UnsupportedGrantType,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadRequest => "bad_request",
            Self::MalformedJson => "malformed_json",
            Self::ValidationFailed => "validation_failed",
            Self::InvalidQuery => "invalid_query",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::TooManyRequests => "too_many_requests",
            Self::InternalError => "internal_error",
            Self::DatabaseUnavailable => "database_unavailable",
            Self::InvalidToken => "invalid_token",
            Self::TokenExpired => "token_expired",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidRefreshToken => "invalid_refresh_token",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::EmailTaken => "email_taken",
            Self::TooManyAttempts => "too_many_attempts",
            Self::CurrentPasswordIncorrect => "current_password_incorrect",
            Self::NeighbourhoodCodeTaken => "neighbourhood_code_taken",
            Self::MembershipRejected => "membership_rejected",
            Self::Blocked => "blocked",
            Self::InviteInvalid => "invite_invalid",
            Self::InviteExpired => "invite_expired",
            Self::InviteUsedUp => "invite_used_up",
            Self::IllegalTransition => "illegal_transition",
            Self::MemberNotActive => "member_not_active",
            Self::LastModerator => "last_moderator",
            Self::AlreadyReported => "already_reported",
            Self::PostNotLive => "post_not_live",
            Self::InvalidIdempotencyKey => "invalid_idempotency_key",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::IdempotencyKeyInProgress => "idempotency_key_in_progress",
            Self::NotAnActivity => "not_an_activity",
            Self::RsvpClosed => "rsvp_closed",
            Self::NoRsvp => "no_rsvp",
            Self::CapacityBelowGoing => "capacity_below_going",
            Self::AlreadyCheckedIn => "already_checked_in",
            Self::NotGoing => "not_going",
            Self::CheckInNotOpen => "check_in_not_open",
            Self::IdempotencyKeyHeldSecret => "idempotency_key_held_secret",
            Self::NotARequest => "not_a_request",
            Self::AlreadyMatched => "already_matched",
            Self::HelperBusy => "helper_busy",
            Self::RequestNotOpen => "request_not_open",
            Self::RequestFull => "request_full",
            Self::HelpersBelowAccepted => "helpers_below_accepted",
            Self::NotYourMove => "not_your_move",
            Self::AlreadyEscalated => "already_escalated",
            Self::ConsentRequired => "consent_required",
            Self::InsufficientScope => "insufficient_scope",
            Self::InvalidClient => "invalid_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Self::BadRequest
            | Self::MalformedJson
            | Self::InvalidQuery
            | Self::InvalidIdempotencyKey => StatusCode::BAD_REQUEST,
            Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::IdempotencyKeyInProgress | Self::IdempotencyKeyHeldSecret => StatusCode::CONFLICT,
            Self::ValidationFailed => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthorized
            | Self::InvalidToken
            | Self::TokenExpired
            | Self::InvalidCredentials
            | Self::InvalidRefreshToken
            | Self::RefreshTokenReused => StatusCode::UNAUTHORIZED,
            Self::Forbidden
            | Self::CurrentPasswordIncorrect
            | Self::MembershipRejected
            | Self::Blocked
            | Self::InsufficientScope => StatusCode::FORBIDDEN,
            Self::InvalidClient => StatusCode::UNAUTHORIZED,
            Self::UnsupportedGrantType => StatusCode::BAD_REQUEST,
            Self::InviteInvalid | Self::InviteExpired | Self::InviteUsedUp => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::NeighbourhoodCodeTaken
            | Self::IllegalTransition
            | Self::MemberNotActive
            | Self::LastModerator
            | Self::AlreadyReported
            | Self::PostNotLive
            | Self::NotAnActivity
            | Self::RsvpClosed
            | Self::CapacityBelowGoing
            | Self::AlreadyCheckedIn
            | Self::NotGoing
            | Self::CheckInNotOpen
            | Self::NotARequest
            | Self::AlreadyMatched
            | Self::HelperBusy
            | Self::RequestNotOpen
            | Self::RequestFull
            | Self::HelpersBelowAccepted
            | Self::AlreadyEscalated
            | Self::ConsentRequired => StatusCode::CONFLICT,
            Self::NotYourMove => StatusCode::FORBIDDEN,
            Self::NoRsvp => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::EmailTaken => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests | Self::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Self::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            Self::DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The detail of a refusal that says nothing more than its code.
    fn detail(self) -> Text {
        match self {
            Self::Unauthorized => Text::new(
                "Sign in and send the access token as `Authorization: Bearer <token>`.",
                "Log in en stuur het toegangstoken mee als `Authorization: Bearer <token>`.",
            ),
            Self::InvalidToken => Text::new(
                "The access token is not valid. Sign in again.",
                "Het toegangstoken is niet geldig. Log opnieuw in.",
            ),
            Self::TokenExpired => Text::new(
                "The access token has expired. Get a new one with the refresh token.",
                "Het toegangstoken is verlopen. Vraag een nieuw aan met het verversingstoken.",
            ),
            Self::InvalidCredentials => Text::new(
                "The email address or password is not correct.",
                "Het e-mailadres of wachtwoord klopt niet.",
            ),
            Self::InvalidRefreshToken => Text::new(
                "The refresh token is not valid or has expired. Sign in again.",
                "Het verversingstoken is niet geldig of verlopen. Log opnieuw in.",
            ),
            Self::RefreshTokenReused => Text::new(
                "This refresh token was used before, so the whole session has been ended for \
                 safety. Sign in again.",
                "Dit verversingstoken is al eerder gebruikt; daarom is de hele sessie voor de \
                 veiligheid beëindigd. Log opnieuw in.",
            ),
            Self::EmailTaken => Text::new(
                "An account with this email address already exists. Sign in instead.",
                "Er bestaat al een account met dit e-mailadres. Log in.",
            ),
            Self::CurrentPasswordIncorrect => Text::new(
                "The current password is not correct, so the password was not changed.",
                "Het huidige wachtwoord klopt niet; het wachtwoord is niet gewijzigd.",
            ),
            Self::NeighbourhoodCodeTaken => Text::new(
                "A neighbourhood with this CBS code exists already.",
                "Er bestaat al een buurt met deze CBS-code.",
            ),
            Self::MembershipRejected => Text::new(
                "A moderator turned down your membership. An invite code still lets you in.",
                "Een moderator heeft uw lidmaatschap afgewezen. Met een uitnodigingscode kunt u \
                 alsnog lid worden.",
            ),
            Self::Blocked => Text::new(
                "One of you has blocked the other, so no match can be made between you.",
                "Een van u beiden heeft de ander geblokkeerd; een match tussen u kan niet.",
            ),
            Self::InviteInvalid => Text::new(
                "There is no such invite code for this neighbourhood.",
                "Deze uitnodigingscode bestaat niet voor deze buurt.",
            ),
            Self::InviteExpired => Text::new(
                "This invite code has expired. Ask for a new one.",
                "Deze uitnodigingscode is verlopen. Vraag om een nieuwe.",
            ),
            Self::InviteUsedUp => Text::new(
                "This invite code has been used as often as it may be. Ask for a new one.",
                "Deze uitnodigingscode is al zo vaak gebruikt als mag. Vraag om een nieuwe.",
            ),
            Self::IllegalTransition => Text::new(
                "This change is not possible from the current state.",
                "Deze wijziging kan niet vanuit de huidige toestand.",
            ),
            Self::MemberNotActive => Text::new(
                "Only active members have a role; approve the member first.",
                "Alleen actieve leden hebben een rol; keur het lid eerst goed.",
            ),
            Self::LastModerator => Text::new(
                "The neighbourhood would be left without a moderator. Appoint another one first.",
                "De buurt zou zonder moderator komen te zitten. Benoem eerst een ander.",
            ),
            Self::AlreadyReported => Text::new(
                "You reported this post before; the moderators have it.",
                "U hebt dit bericht al gemeld; de moderatoren kijken ernaar.",
            ),
            Self::PostNotLive => Text::new(
                "This post is closed, fulfilled or expired, so it can no longer be changed.",
                "Dit bericht is gesloten, afgerond of verlopen en kan niet meer worden gewijzigd.",
            ),
            Self::InvalidIdempotencyKey => Text::new(
                "An Idempotency-Key is 1 to 255 visible ASCII characters, such as a UUID.",
                "Een Idempotency-Key bestaat uit 1 tot 255 zichtbare ASCII-tekens, zoals een UUID.",
            ),
            Self::IdempotencyKeyReused => Text::new(
                "This Idempotency-Key was used for a different request in the last 24 hours. \
                 Use a new key for a new request.",
                "Deze Idempotency-Key is de afgelopen 24 uur voor een ander verzoek gebruikt. \
                 Gebruik een nieuwe sleutel voor een nieuw verzoek.",
            ),
            Self::IdempotencyKeyInProgress => Text::new(
                "The first request with this Idempotency-Key is still being handled. Retry shortly.",
                "Het eerste verzoek met deze Idempotency-Key wordt nog verwerkt. Probeer het zo opnieuw.",
            ),
            Self::NotAnActivity => Text::new(
                "Only activities take sign-ups, attendees and check-ins.",
                "Alleen activiteiten hebben aanmeldingen, deelnemers en check-ins.",
            ),
            Self::RsvpClosed => Text::new(
                "This activity takes no sign-ups: it is over, closed or hidden.",
                "Voor deze activiteit kunt u zich niet aanmelden: ze is voorbij, gesloten of verborgen.",
            ),
            Self::NoRsvp => Text::new(
                "This person has not signed up for the activity.",
                "Deze persoon heeft zich niet aangemeld voor de activiteit.",
            ),
            Self::AlreadyCheckedIn => Text::new(
                "You have been checked in, so your sign-up stays: you came.",
                "U bent ingecheckt, dus uw aanmelding blijft staan: u was er.",
            ),
            Self::NotGoing => Text::new(
                "Only people going can be checked in; this person is on the waitlist.",
                "Alleen wie gaat kan worden ingecheckt; deze persoon staat op de wachtlijst.",
            ),
            Self::CheckInNotOpen => Text::new(
                "Check-in is open on an open activity from the day it starts (Amsterdam time) \
                 until a day after it ends.",
                "Inchecken kan bij een open activiteit vanaf de dag waarop ze begint \
                 (Nederlandse tijd) tot een dag na afloop.",
            ),
            Self::IdempotencyKeyHeldSecret => Text::new(
                "The first request with this Idempotency-Key succeeded and its answer held a \
                 secret, which is shown only once. Sign in again or start over.",
                "Het eerste verzoek met deze Idempotency-Key is gelukt en het antwoord bevatte \
                 een geheim dat maar één keer wordt getoond. Meld u opnieuw aan of begin opnieuw.",
            ),
            Self::CapacityBelowGoing => Text::new(
                "More people are going than this capacity allows. Choose at least that many places.",
                "Er gaan meer mensen dan deze capaciteit toelaat. Kies minstens zoveel plaatsen.",
            ),
            Self::NotARequest => Text::new(
                "Matches are made on requests; use the request's id.",
                "Koppelingen horen bij een hulpvraag; gebruik het id van de hulpvraag.",
            ),
            Self::AlreadyMatched => Text::new(
                "This helper already has a proposed or accepted match for this request.",
                "Deze helper heeft al een voorgestelde of geaccepteerde koppeling voor deze hulpvraag.",
            ),
            Self::HelperBusy => Text::new(
                "This helper has as many open matches as one person may have. Try someone else.",
                "Deze helper heeft al zoveel open koppelingen als mag. Probeer iemand anders.",
            ),
            Self::RequestNotOpen => Text::new(
                "The request is closed, fulfilled or expired.",
                "De hulpvraag is gesloten, afgerond of verlopen.",
            ),
            Self::RequestFull => Text::new(
                "The request has as many accepted helpers as it asked for.",
                "De hulpvraag heeft al zoveel geaccepteerde helpers als gevraagd.",
            ),
            Self::HelpersBelowAccepted => Text::new(
                "More helpers are accepted than this number. Ask for at least that many, or \
                 cancel a match first.",
                "Er zijn al meer helpers geaccepteerd dan dit aantal. Vraag er minstens zoveel, \
                 of annuleer eerst een koppeling.",
            ),
            Self::NotYourMove => Text::new(
                "The other party answers this; you can cancel.",
                "Dit beantwoordt de andere partij; u kunt annuleren.",
            ),
            Self::AlreadyEscalated => Text::new(
                "This request is being handled by mediators already.",
                "Deze hulpvraag wordt al door bemiddelaars opgepakt.",
            ),
            Self::InsufficientScope => Text::new(
                "This client's token lacks the scope this needs, or the client is not bound to this municipality.",
                "Het token van deze client heeft niet de benodigde scope, of de client is niet aan deze gemeente gekoppeld.",
            ),
            Self::InvalidClient => Text::new(
                "Unknown client, wrong secret, or the client is disabled.",
                "Onbekende client, onjuist geheim, of de client is uitgeschakeld.",
            ),
            Self::UnsupportedGrantType => Text::new(
                "Only the client_credentials grant is supported.",
                "Alleen de client_credentials-grant wordt ondersteund.",
            ),
            Self::ConsentRequired => Text::new(
                "The requester has not given consent to share care data with the wijkteam.",
                "De aanvrager heeft geen toestemming gegeven om zorggegevens met het wijkteam te delen.",
            ),
            Self::Forbidden => Text::new(
                "You are signed in, but this is not yours to do.",
                "U bent ingelogd, maar dit mag u niet doen.",
            ),
            _ => self.title(),
        }
    }

    fn title(self) -> Text {
        match self {
            Self::BadRequest => Text::new("Bad request", "Ongeldig verzoek"),
            Self::MalformedJson => Text::new(
                "The request body is not valid JSON",
                "De inhoud van het verzoek is geen geldige JSON",
            ),
            Self::ValidationFailed => {
                Text::new("The request is not valid", "Het verzoek is niet geldig")
            }
            Self::InvalidQuery => Text::new(
                "The query parameters are not valid",
                "De queryparameters zijn niet geldig",
            ),
            Self::Unauthorized => Text::new("Not signed in", "Niet ingelogd"),
            Self::Forbidden => Text::new("Not allowed", "Niet toegestaan"),
            Self::NotFound => Text::new("Not found", "Niet gevonden"),
            Self::MethodNotAllowed => Text::new("Method not allowed", "Methode niet toegestaan"),
            Self::PayloadTooLarge => Text::new(
                "The request body is too large",
                "De inhoud van het verzoek is te groot",
            ),
            Self::UnsupportedMediaType => {
                Text::new("Unsupported media type", "Niet-ondersteund mediatype")
            }
            Self::TooManyRequests => Text::new("Too many requests", "Te veel verzoeken"),
            Self::InternalError => Text::new("Something went wrong", "Er ging iets mis"),
            Self::DatabaseUnavailable => Text::new(
                "The service is temporarily unavailable",
                "De dienst is tijdelijk niet beschikbaar",
            ),
            Self::InvalidToken => Text::new("Invalid access token", "Ongeldig toegangstoken"),
            Self::TokenExpired => Text::new("Access token expired", "Toegangstoken verlopen"),
            Self::InvalidCredentials => Text::new("Sign-in failed", "Inloggen mislukt"),
            Self::InvalidRefreshToken => {
                Text::new("Invalid refresh token", "Ongeldig verversingstoken")
            }
            Self::RefreshTokenReused => {
                Text::new("Refresh token reused", "Verversingstoken hergebruikt")
            }
            Self::EmailTaken => Text::new("Email address taken", "E-mailadres al in gebruik"),
            Self::TooManyAttempts => {
                Text::new("Too many failed attempts", "Te veel mislukte pogingen")
            }
            Self::CurrentPasswordIncorrect => {
                Text::new("Current password incorrect", "Huidig wachtwoord onjuist")
            }
            Self::NeighbourhoodCodeTaken => {
                Text::new("Neighbourhood code taken", "Buurtcode al in gebruik")
            }
            Self::MembershipRejected => Text::new("Membership rejected", "Lidmaatschap afgewezen"),
            Self::Blocked => Text::new("Blocked", "Geblokkeerd"),
            Self::InviteInvalid => Text::new("Unknown invite code", "Onbekende uitnodigingscode"),
            Self::InviteExpired => Text::new("Invite expired", "Uitnodiging verlopen"),
            Self::InviteUsedUp => Text::new("Invite used up", "Uitnodiging opgebruikt"),
            Self::IllegalTransition => Text::new("Not possible now", "Nu niet mogelijk"),
            Self::MemberNotActive => Text::new("Member not active", "Lid niet actief"),
            Self::LastModerator => Text::new("Last moderator", "Laatste moderator"),
            Self::AlreadyReported => Text::new("Already reported", "Al gemeld"),
            Self::PostNotLive => Text::new("Post no longer open", "Bericht niet meer open"),
            Self::InvalidIdempotencyKey => {
                Text::new("Invalid Idempotency-Key", "Ongeldige Idempotency-Key")
            }
            Self::IdempotencyKeyReused => Text::new(
                "Idempotency-Key used for another request",
                "Idempotency-Key al gebruikt",
            ),
            Self::IdempotencyKeyInProgress => {
                Text::new("Request still in progress", "Verzoek nog bezig")
            }
            Self::NotAnActivity => Text::new("Not an activity", "Geen activiteit"),
            Self::RsvpClosed => Text::new("Sign-up closed", "Aanmelden gesloten"),
            Self::NoRsvp => Text::new("Not signed up", "Niet aangemeld"),
            Self::CapacityBelowGoing => {
                Text::new("Capacity below sign-ups", "Capaciteit onder aanmeldingen")
            }
            Self::AlreadyCheckedIn => Text::new("Already checked in", "Al ingecheckt"),
            Self::NotGoing => Text::new("Not going", "Gaat niet"),
            Self::CheckInNotOpen => Text::new("Check-in not open", "Inchecken niet open"),
            Self::IdempotencyKeyHeldSecret => {
                Text::new("Secret shown once", "Geheim maar één keer getoond")
            }
            Self::NotARequest => Text::new("Not a request", "Geen hulpvraag"),
            Self::AlreadyMatched => Text::new("Already matched", "Al gekoppeld"),
            Self::HelperBusy => Text::new("Helper is busy", "Helper heeft het druk"),
            Self::RequestNotOpen => Text::new("Request not open", "Hulpvraag niet open"),
            Self::RequestFull => {
                Text::new("Request has its helpers", "Hulpvraag heeft haar helpers")
            }
            Self::HelpersBelowAccepted => Text::new(
                "Fewer helpers than accepted",
                "Minder helpers dan geaccepteerd",
            ),
            Self::NotYourMove => Text::new("Not your move", "Niet aan u"),
            Self::AlreadyEscalated => Text::new("Already with mediators", "Al bij bemiddelaars"),
            Self::ConsentRequired => Text::new("Consent required", "Toestemming nodig"),
            Self::InsufficientScope => Text::new("Insufficient scope", "Onvoldoende scope"),
            Self::InvalidClient => Text::new("Invalid client", "Ongeldige client"),
            Self::UnsupportedGrantType => {
                Text::new("Unsupported grant type", "Niet-ondersteunde grant")
            }
        }
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldIssue {
    Required,
    UnknownField,
    /// Wrong JSON type; the text says what was expected.
    InvalidType(Text),
    /// Right type, unacceptable value; the text says which values are accepted.
    InvalidValue(Text),
    ContainsNul,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    InvalidFormat,
    OutOfRange,
    TooMany {
        max: usize,
    },
    /// A password that does not match.
    Incorrect,
    /// Unique, and already used by someone else.
    Taken,
}

impl From<ValueError> for FieldIssue {
    fn from(error: ValueError) -> Self {
        match error {
            ValueError::Required => Self::Required,
            ValueError::TooShort { min } => Self::TooShort { min },
            ValueError::TooLong { max } => Self::TooLong { max },
            ValueError::TooMany { max } => Self::TooMany { max },
            ValueError::InvalidFormat => Self::InvalidFormat,
            ValueError::NotOneOf { accepted } => {
                Self::invalid(accepted, crate::lang::accepted_in_dutch(accepted))
            }
        }
    }
}

impl FieldIssue {
    /// An unacceptable value, and what is accepted, in English and Dutch.
    pub fn invalid(en: impl Into<String>, nl: impl Into<String>) -> Self {
        Self::InvalidValue(Text::owned(en.into(), nl.into()))
    }

    /// A value of the wrong JSON type, and what was expected, in English and Dutch.
    pub fn wrong_type(en: impl Into<String>, nl: impl Into<String>) -> Self {
        Self::InvalidType(Text::owned(en.into(), nl.into()))
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::UnknownField => "unknown_field",
            Self::InvalidType(_) => "invalid_type",
            Self::InvalidValue(_) | Self::ContainsNul => "invalid_value",
            Self::TooShort { .. } => "too_short",
            Self::TooLong { .. } => "too_long",
            Self::InvalidFormat => "invalid_format",
            Self::OutOfRange => "out_of_range",
            Self::TooMany { .. } => "too_many",
            Self::Incorrect => "incorrect",
            Self::Taken => "taken",
        }
    }

    pub fn message(&self) -> Text {
        match self {
            Self::Required => Text::new("This field is required.", "Dit veld is verplicht."),
            Self::UnknownField => Text::new(
                "This field is not part of the request.",
                "Dit veld hoort niet bij het verzoek.",
            ),
            Self::InvalidType(expected) => Text::owned(
                format!("Wrong type: {}.", expected.en),
                format!("Verkeerd type: {}.", expected.nl),
            ),
            Self::InvalidValue(accepted) => Text::owned(
                format!("This value is not accepted: {}.", accepted.en),
                format!("Deze waarde wordt niet geaccepteerd: {}.", accepted.nl),
            ),
            Self::ContainsNul => Text::new(
                "Text may not contain NUL characters.",
                "Tekst mag geen NUL-tekens bevatten.",
            ),
            Self::TooShort { min } => Text::owned(
                format!("Too short: at least {min} characters."),
                format!("Te kort: minstens {min} tekens."),
            ),
            Self::TooLong { max } => Text::owned(
                format!("Too long: at most {max} characters."),
                format!("Te lang: hoogstens {max} tekens."),
            ),
            Self::InvalidFormat => Text::new("The format is not valid.", "Het formaat klopt niet."),
            Self::OutOfRange => Text::new(
                "The value is out of range.",
                "De waarde valt buiten het toegestane bereik.",
            ),
            Self::TooMany { max } => Text::owned(
                format!("Too many: at most {max}."),
                format!("Te veel: hoogstens {max}."),
            ),
            Self::Incorrect => Text::new("This is not correct.", "Dit klopt niet."),
            Self::Taken => Text::new("This is already in use.", "Dit is al in gebruik."),
        }
    }
}

/// One field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub issue: FieldIssue,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, issue: FieldIssue) -> Self {
        Self {
            field: field.into(),
            issue,
        }
    }
}

/// Collects what is wrong with a request's fields, so that all of it is reported at once.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<FieldProblem>);

impl FieldErrors {
    /// The value when `result` is fine; otherwise records the problem under `field`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, ValueError>) -> Option<T> {
        result
            .map_err(|error| self.0.push(FieldProblem::new(field, error.into())))
            .ok()
    }

    /// Like `check`, for a field that may be absent.
    pub fn check_optional<T>(
        &mut self,
        field: &str,
        raw: Option<&str>,
        parse: impl Fn(&str) -> Result<T, ValueError>,
    ) -> Option<Option<T>> {
        match raw {
            None => Some(None),
            Some(raw) => self.check(field, parse(raw)).map(Some),
        }
    }

    pub fn push(&mut self, field: &str, issue: FieldIssue) {
        self.0.push(FieldProblem::new(field, issue));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// For query parameters: 400 `invalid_query` rather than 422.
    pub fn into_query_error(self) -> ApiError {
        ApiError::InvalidQuery(self.0)
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Validation(errors.0)
    }
}

/// Every way a request can fail. Handlers return it; `error_response` turns it into a problem.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no such resource")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allowed: Vec<Method> },
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("invalid request body: {0:?}")]
    Validation(Vec<FieldProblem>),
    #[error("invalid query: {0:?}")]
    InvalidQuery(Vec<FieldProblem>),
    #[error("request body over {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("unsupported media type; expected {expected}")]
    UnsupportedMediaType { expected: &'static str },
    /// A refusal fully described by its code.
    #[error("refused: {0:?}")]
    Refused(ErrorCode),
    /// A refusal that names the fields at fault.
    #[error("refused: {0:?} {1:?}")]
    RefusedFields(ErrorCode, Vec<FieldProblem>),
    #[error("throttled for {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error("the database is unavailable: {0}")]
    DatabaseUnavailable(#[source] PersistenceError),
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    pub fn internal(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(error.into())
    }

    pub fn validation(field: impl Into<String>, issue: FieldIssue) -> Self {
        Self::Validation(vec![FieldProblem::new(field, issue)])
    }

    fn draft(&self) -> ProblemDraft {
        let (code, detail) = match self {
            Self::NotFound => (
                ErrorCode::NotFound,
                Text::new(
                    "There is nothing at this address, or it is not yours to see.",
                    "Hier is niets te vinden, of het is niet voor u zichtbaar.",
                ),
            ),
            Self::MethodNotAllowed { allowed } => {
                let allowed = allowed
                    .iter()
                    .map(Method::as_str)
                    .collect::<Vec<_>>()
                    .join(", ");
                (
                    ErrorCode::MethodNotAllowed,
                    Text::owned(
                        format!("This address accepts only: {allowed}."),
                        format!("Dit adres accepteert alleen: {allowed}."),
                    ),
                )
            }
            Self::MalformedJson(reason) => (
                ErrorCode::MalformedJson,
                Text::owned(
                    format!("The body could not be read as JSON ({reason})."),
                    format!(
                        "De inhoud kon niet als JSON worden gelezen ({}).",
                        crate::lang::serde_in_dutch(reason)
                    ),
                ),
            ),
            Self::Validation(_) => (
                ErrorCode::ValidationFailed,
                Text::new(
                    "One or more fields are missing or wrong; see `errors`.",
                    "Een of meer velden ontbreken of kloppen niet; zie `errors`.",
                ),
            ),
            Self::InvalidQuery(_) => (
                ErrorCode::InvalidQuery,
                Text::new(
                    "One or more query parameters are wrong; see `errors`.",
                    "Een of meer queryparameters kloppen niet; zie `errors`.",
                ),
            ),
            Self::PayloadTooLarge { limit } => (
                ErrorCode::PayloadTooLarge,
                Text::owned(
                    format!("Request bodies may be at most {} KiB.", limit / 1024),
                    format!("De inhoud mag hoogstens {} KiB zijn.", limit / 1024),
                ),
            ),
            Self::UnsupportedMediaType { expected } => (
                ErrorCode::UnsupportedMediaType,
                Text::owned(
                    format!("Send the body as `{expected}`, with a matching Content-Type."),
                    format!("Stuur de inhoud als `{expected}`, met een passende Content-Type."),
                ),
            ),
            Self::Refused(code) | Self::RefusedFields(code, _) => (*code, code.detail()),
            Self::Throttled { retry_after_secs } => (
                ErrorCode::TooManyAttempts,
                Text::owned(
                    format!("Too many failed attempts. Try again in {retry_after_secs} seconds."),
                    format!(
                        "Te veel mislukte pogingen. Probeer het over {retry_after_secs} seconden opnieuw."
                    ),
                ),
            ),
            Self::DatabaseUnavailable(_) => (
                ErrorCode::DatabaseUnavailable,
                Text::new(
                    "The database cannot be reached right now. Please try again shortly.",
                    "De database is nu niet bereikbaar. Probeer het zo opnieuw.",
                ),
            ),
            Self::Internal(_) => (
                ErrorCode::InternalError,
                Text::new(
                    "An unexpected error occurred. It has been logged; please try again later.",
                    "Er ging onverwacht iets mis. Dit is vastgelegd; probeer het later opnieuw.",
                ),
            ),
        };
        let errors = match self {
            Self::Validation(problems)
            | Self::InvalidQuery(problems)
            | Self::RefusedFields(_, problems) => problems.clone(),
            _ => Vec::new(),
        };
        ProblemDraft {
            status: self.status_code(),
            code,
            detail,
            errors,
        }
    }
}

impl From<PersistenceError> for ApiError {
    fn from(error: PersistenceError) -> Self {
        if error.is_unavailable() {
            Self::DatabaseUnavailable(error)
        } else {
            Self::internal(error)
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        Self::internal(error)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::MalformedJson(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::InvalidQuery(_) => StatusCode::BAD_REQUEST,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Refused(code) | Self::RefusedFields(code, _) => code.status(),
            Self::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::DatabaseUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            // The cause goes to the log, never to the client.
            Self::Internal(cause) => tracing::error!(error = %cause, ?cause, "request failed"),
            Self::DatabaseUnavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable")
            }
            _ => {}
        }
        let mut response = self.draft().into_response();
        if let Self::MethodNotAllowed { allowed } = self {
            let allow = allowed.iter().map(Method::as_str).collect::<Vec<_>>();
            response.headers_mut().insert(
                header::ALLOW,
                header::HeaderValue::from_str(&allow.join(", "))
                    .expect("method names are valid header text"),
            );
        }
        let headers = response.headers_mut();
        match self {
            Self::DatabaseUnavailable(_) => {
                headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
            }
            Self::Throttled { retry_after_secs } => {
                headers.insert(
                    header::RETRY_AFTER,
                    header::HeaderValue::from(*retry_after_secs),
                );
            }
            // RFC 6750 §3: a 401 names the scheme, and says when the token was the problem.
            Self::Refused(ErrorCode::InvalidToken | ErrorCode::TokenExpired) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static(
                        r#"Bearer realm="buurt", error="invalid_token""#,
                    ),
                );
            }
            Self::Refused(code) if code.status() == StatusCode::UNAUTHORIZED => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static(r#"Bearer realm="buurt""#),
                );
            }
            _ => {}
        }
        response
    }
}

/// A problem before its language and request id are known. It travels in the response's
/// extensions; the problem middleware renders it for the request's `Accept-Language`.
#[derive(Debug, Clone)]
pub struct ProblemDraft {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub detail: Text,
    pub errors: Vec<FieldProblem>,
}

impl ProblemDraft {
    /// For error responses that did not come from an `ApiError` (actix's own, say).
    pub fn for_status(status: StatusCode) -> Self {
        let error = match status.as_u16() {
            404 => ApiError::NotFound,
            405 => ApiError::MethodNotAllowed {
                allowed: Vec::new(),
            },
            413 => ApiError::PayloadTooLarge {
                limit: crate::extract::MAX_JSON_BODY,
            },
            415 => ApiError::UnsupportedMediaType {
                expected: "application/json",
            },
            500.. => ApiError::internal(format!("unmapped {status} response")),
            _ => {
                return Self {
                    status,
                    code: ErrorCode::BadRequest,
                    detail: Text::new(
                        "The request could not be handled as sent.",
                        "Het verzoek kon zo niet worden verwerkt.",
                    ),
                    errors: Vec::new(),
                };
            }
        };
        Self {
            status,
            ..error.draft()
        }
    }

    pub fn render(&self, lang: Lang, request_id: Option<String>) -> Problem {
        Problem {
            problem_type: format!("urn:buurt:problem:{}", self.code.as_str()),
            title: self.code.title().get(lang).to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.get(lang).to_owned(),
            code: self.code.as_str().to_owned(),
            errors: self
                .errors
                .iter()
                .map(|problem| FieldError {
                    field: problem.field.clone(),
                    code: problem.issue.code().to_owned(),
                    message: problem.issue.message().get(lang).to_owned(),
                })
                .collect(),
            request_id,
        }
    }

    /// An English rendering; the middleware replaces the body once it knows the request.
    fn into_response(self) -> HttpResponse {
        let body = self.render(Lang::En, None);
        let mut response = HttpResponse::build(self.status)
            .content_type(PROBLEM_CONTENT_TYPE)
            .json(body);
        response.extensions_mut().insert(self);
        response
    }
}
