//! How a use case fails: the stable error codes (one table: code, HTTP status, title and
//! detail in English and Dutch, written once per code), field problems, and `AppError`.

use buurt_domain::ValueError;
use buurt_persistence::PersistenceError;

use crate::text::Text;

macro_rules! error_codes {
    ($(
        $variant:ident = $code:literal, $status:literal,
        title: ($title_en:expr, $title_nl:expr $(,)?)
        $(, detail: ($detail_en:expr, $detail_nl:expr $(,)?))?;
    )*) => {
        /// Stable machine-readable codes. Clients branch on these: never rename one.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            /// Every code, in the table's order.
            pub const ALL: &[ErrorCode] = &[$(Self::$variant,)*];

            /// The code as clients see it (`snake_case`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)*
                }
            }

            /// The HTTP status a refusal with this code is answered with.
            pub fn status(self) -> u16 {
                match self {
                    $(Self::$variant => $status,)*
                }
            }

            /// A short summary, the same for every occurrence.
            pub fn title(self) -> Text {
                match self {
                    $(Self::$variant => Text::new($title_en, $title_nl),)*
                }
            }

            /// The explanation of a refusal that says nothing more than its code (the title
            /// where the table gives none).
            pub fn detail(self) -> Text {
                match self {
                    $(Self::$variant => error_codes!(@detail ($title_en, $title_nl) $(($detail_en, $detail_nl))?),)*
                }
            }
        }
    };
    (@detail ($en:expr, $nl:expr)) => { Text::new($en, $nl) };
    (@detail ($en:expr, $nl:expr) ($den:expr, $dnl:expr)) => { Text::new($den, $dnl) };
}

error_codes! {
    BadRequest = "bad_request", 400,
        title: ("Bad request", "Ongeldig verzoek");
    MalformedJson = "malformed_json", 400,
        title: ("The request body is not valid JSON",
                "De inhoud van het verzoek is geen geldige JSON");
    ValidationFailed = "validation_failed", 422,
        title: ("The request is not valid", "Het verzoek is niet geldig");
    InvalidQuery = "invalid_query", 400,
        title: ("The query parameters are not valid",
                "De queryparameters zijn niet geldig");
    Unauthorized = "unauthorized", 401,
        title: ("Not signed in", "Niet ingelogd"),
        detail: ("Sign in and send the access token as `Authorization: Bearer <token>`.",
                "Log in en stuur het toegangstoken mee als `Authorization: Bearer <token>`.");
    Forbidden = "forbidden", 403,
        title: ("Not allowed", "Niet toegestaan"),
        detail: ("You are signed in, but this is not yours to do.",
                "U bent ingelogd, maar dit mag u niet doen.");
    NotFound = "not_found", 404,
        title: ("Not found", "Niet gevonden");
    MethodNotAllowed = "method_not_allowed", 405,
        title: ("Method not allowed", "Methode niet toegestaan");
    PayloadTooLarge = "payload_too_large", 413,
        title: ("The request body is too large",
                "De inhoud van het verzoek is te groot");
    RequestTimeout = "request_timeout", 408,
        title: ("The request took too long to arrive", "Het verzoek kwam te traag binnen"),
        detail: ("The request did not arrive in time. Send it again.",
                "Het verzoek kwam niet op tijd binnen. Stuur het opnieuw.");
    RequestHeaderFieldsTooLarge = "request_header_fields_too_large", 431,
        title: ("The request's headers are too large",
                "De headers van het verzoek zijn te groot"),
        detail: ("The request's head (its line and headers) is over 128 KiB or has over 96 \
                  headers. Send fewer or shorter headers.",
                "Het begin van het verzoek (de regel en de headers) is groter dan 128 KiB of \
                 heeft meer dan 96 headers. Stuur minder of kortere headers.");
    UnsupportedMediaType = "unsupported_media_type", 415,
        title: ("Unsupported media type", "Niet-ondersteund mediatype");
    TooManyRequests = "too_many_requests", 429,
        title: ("Too many requests", "Te veel verzoeken");
    InternalError = "internal_error", 500,
        title: ("Something went wrong", "Er ging iets mis");
    DatabaseUnavailable = "database_unavailable", 503,
        title: ("The service is temporarily unavailable",
                "De dienst is tijdelijk niet beschikbaar");
    MetricsTokenRequired = "metrics_token_required", 401,
        title: ("Metrics token required", "Metrics-token vereist"),
        detail: ("Send the operator's metrics token as `Authorization: Bearer <token>`.",
                "Stuur het metrics-token van de beheerder mee als \
                 `Authorization: Bearer <token>`.");
    ServerBusy = "server_busy", 503,
        title: ("The server is busy", "De server is druk"),
        detail: ("Too many passwords are being checked right now. Try again in a moment.",
                "Er worden nu te veel wachtwoorden gecontroleerd. Probeer het zo opnieuw.");
    InvalidToken = "invalid_token", 401,
        title: ("Invalid access token", "Ongeldig toegangstoken"),
        detail: ("The access token is not valid. Sign in again.",
                "Het toegangstoken is niet geldig. Log opnieuw in.");
    TokenExpired = "token_expired", 401,
        title: ("Access token expired", "Toegangstoken verlopen"),
        detail: ("The access token has expired. Get a new one with the refresh token.",
                "Het toegangstoken is verlopen. Vraag een nieuw aan met het verversingstoken.");
    InvalidCredentials = "invalid_credentials", 401,
        title: ("Sign-in failed", "Inloggen mislukt"),
        detail: ("The email address or password is not correct.",
                "Het e-mailadres of wachtwoord klopt niet.");
    InvalidRefreshToken = "invalid_refresh_token", 401,
        title: ("Invalid refresh token", "Ongeldig verversingstoken"),
        detail: ("The refresh token is not valid or has expired. Sign in again.",
                "Het verversingstoken is niet geldig of verlopen. Log opnieuw in.");
    RefreshTokenReused = "refresh_token_reused", 401,
        title: ("Refresh token reused", "Verversingstoken hergebruikt"),
        detail: ("This refresh token was used before, so the whole session has been ended for \
                 safety. Sign in again.",
                "Dit verversingstoken is al eerder gebruikt; daarom is de hele sessie voor de \
                 veiligheid beëindigd. Log opnieuw in.");
    EmailTaken = "email_taken", 409,
        title: ("Email address taken", "E-mailadres al in gebruik"),
        detail: ("An account with this email address already exists. Sign in instead.",
                "Er bestaat al een account met dit e-mailadres. Log in.");
    TooManyAttempts = "too_many_attempts", 429,
        title: ("Too many failed attempts", "Te veel mislukte pogingen");
    CurrentPasswordIncorrect = "current_password_incorrect", 403,
        title: ("Current password incorrect", "Huidig wachtwoord onjuist"),
        detail: ("The current password is not correct, so the password was not changed.",
                "Het huidige wachtwoord klopt niet; het wachtwoord is niet gewijzigd.");
    NeighbourhoodCodeTaken = "neighbourhood_code_taken", 409,
        title: ("Neighbourhood code taken", "Buurtcode al in gebruik"),
        detail: ("A neighbourhood with this CBS code exists already.",
                "Er bestaat al een buurt met deze CBS-code.");
    MembershipRejected = "membership_rejected", 403,
        title: ("Membership rejected", "Lidmaatschap afgewezen"),
        detail: ("A moderator turned down your membership. An invite code still lets you in.",
                "Een moderator heeft uw lidmaatschap afgewezen. Met een uitnodigingscode kunt u \
                 alsnog lid worden.");
    SelfGrantRefused = "self_grant_refused", 403,
        title: ("Not a role to give yourself", "Geen rol om uzelf te geven"),
        detail: ("A role that opens casework (mediator, professional) is granted by someone \
                 else, never by its holder.",
                "Een rol die toegang geeft tot casuïstiek (bemiddelaar, professional) krijgt u \
                 van een ander, nooit van uzelf.");
    Blocked = "blocked", 403,
        title: ("Blocked", "Geblokkeerd"),
        detail: ("You have blocked this person, so no match can be made between you. Lift \
                 the block to go on.",
                "U hebt deze persoon geblokkeerd; een match tussen u kan niet. Hef de blokkade \
                 op om verder te gaan.");
    InviteInvalid = "invite_invalid", 422,
        title: ("Unknown invite code", "Onbekende uitnodigingscode"),
        detail: ("There is no such invite code for this neighbourhood.",
                "Deze uitnodigingscode bestaat niet voor deze buurt.");
    InviteExpired = "invite_expired", 422,
        title: ("Invite expired", "Uitnodiging verlopen"),
        detail: ("This invite code has expired. Ask for a new one.",
                "Deze uitnodigingscode is verlopen. Vraag om een nieuwe.");
    InviteUsedUp = "invite_used_up", 422,
        title: ("Invite used up", "Uitnodiging opgebruikt"),
        detail: ("This invite code has been used as often as it may be. Ask for a new one.",
                "Deze uitnodigingscode is al zo vaak gebruikt als mag. Vraag om een nieuwe.");
    IllegalTransition = "illegal_transition", 409,
        title: ("Not possible now", "Nu niet mogelijk"),
        detail: ("This change is not possible from the current state.",
                "Deze wijziging kan niet vanuit de huidige toestand.");
    MemberNotActive = "member_not_active", 409,
        title: ("Member not active", "Lid niet actief"),
        detail: ("Only active members have a role; approve the member first.",
                "Alleen actieve leden hebben een rol; keur het lid eerst goed.");
    LastModerator = "last_moderator", 409,
        title: ("Last moderator", "Laatste moderator"),
        detail: ("The neighbourhood would be left without a moderator. Appoint another one first.",
                "De buurt zou zonder moderator komen te zitten. Benoem eerst een ander.");
    AlreadyReported = "already_reported", 409,
        title: ("Already reported", "Al gemeld"),
        detail: ("You reported this post before; the moderators have it.",
                "U hebt dit bericht al gemeld; de moderatoren kijken ernaar.");
    PostNotLive = "post_not_live", 409,
        title: ("Post no longer open", "Bericht niet meer open"),
        detail: ("This post is closed, fulfilled or expired, so it can no longer be changed.",
                "Dit bericht is gesloten, afgerond of verlopen en kan niet meer worden gewijzigd.");
    InvalidIdempotencyKey = "invalid_idempotency_key", 400,
        title: ("Invalid Idempotency-Key", "Ongeldige Idempotency-Key"),
        detail: ("An Idempotency-Key is 1 to 255 visible ASCII characters, such as a UUID.",
                "Een Idempotency-Key bestaat uit 1 tot 255 zichtbare ASCII-tekens, zoals een UUID.");
    IdempotencyKeyReused = "idempotency_key_reused", 422,
        title: ("Idempotency-Key used for another request",
                "Idempotency-Key al gebruikt"),
        detail: ("This Idempotency-Key was used for a different request in the last 24 hours. \
                 Use a new key for a new request.",
                "Deze Idempotency-Key is de afgelopen 24 uur voor een ander verzoek gebruikt. \
                 Gebruik een nieuwe sleutel voor een nieuw verzoek.");
    IdempotencyKeyInProgress = "idempotency_key_in_progress", 409,
        title: ("Request still in progress", "Verzoek nog bezig"),
        detail: ("The first request with this Idempotency-Key is still being handled. Retry shortly.",
                "Het eerste verzoek met deze Idempotency-Key wordt nog verwerkt. Probeer het zo opnieuw.");
    NotAnActivity = "not_an_activity", 409,
        title: ("Not an activity", "Geen activiteit"),
        detail: ("Only activities take sign-ups, attendees and check-ins.",
                "Alleen activiteiten hebben aanmeldingen, deelnemers en check-ins.");
    RsvpClosed = "rsvp_closed", 409,
        title: ("Sign-up closed", "Aanmelden gesloten"),
        detail: ("This activity takes no sign-ups: it is over, closed or hidden.",
                "Voor deze activiteit kunt u zich niet aanmelden: ze is voorbij, gesloten of verborgen.");
    NoRsvp = "no_rsvp", 422,
        title: ("Not signed up", "Niet aangemeld"),
        detail: ("This person has not signed up for the activity.",
                "Deze persoon heeft zich niet aangemeld voor de activiteit.");
    CapacityBelowGoing = "capacity_below_going", 409,
        title: ("Capacity below sign-ups", "Capaciteit onder aanmeldingen"),
        detail: ("More people are going than this capacity allows. Choose at least that many places.",
                "Er gaan meer mensen dan deze capaciteit toelaat. Kies minstens zoveel plaatsen.");
    AlreadyCheckedIn = "already_checked_in", 409,
        title: ("Already checked in", "Al ingecheckt"),
        detail: ("You have been checked in, so your sign-up stays: you came.",
                "U bent ingecheckt, dus uw aanmelding blijft staan: u was er.");
    NotGoing = "not_going", 409,
        title: ("Not going", "Gaat niet"),
        detail: ("Only people going can be checked in; this person is on the waitlist.",
                "Alleen wie gaat kan worden ingecheckt; deze persoon staat op de wachtlijst.");
    CheckInNotOpen = "check_in_not_open", 409,
        title: ("Check-in not open", "Inchecken niet open"),
        detail: ("Check-in is open on an open activity from the day it starts (Amsterdam time) \
                 until a day after it ends.",
                "Inchecken kan bij een open activiteit vanaf de dag waarop ze begint \
                 (Nederlandse tijd) tot een dag na afloop.");
    IdempotencyKeyHeldSecret = "idempotency_key_held_secret", 409,
        title: ("Secret shown once", "Geheim maar één keer getoond"),
        detail: ("The first request with this Idempotency-Key succeeded and its answer held a \
                 secret, which is shown only once. Sign in again or start over.",
                "Het eerste verzoek met deze Idempotency-Key is gelukt en het antwoord bevatte \
                 een geheim dat maar één keer wordt getoond. Meld u opnieuw aan of begin opnieuw.");
    NotARequest = "not_a_request", 409,
        title: ("Not a request", "Geen hulpvraag"),
        detail: ("Matches are made on requests; use the request's id.",
                "Koppelingen horen bij een hulpvraag; gebruik het id van de hulpvraag.");
    AlreadyMatched = "already_matched", 409,
        title: ("Already matched", "Al gekoppeld"),
        detail: ("This helper already has a proposed or accepted match for this request.",
                "Deze helper heeft al een voorgestelde of geaccepteerde koppeling voor deze hulpvraag.");
    HelperBusy = "helper_busy", 409,
        title: ("Helper is busy", "Helper heeft het druk"),
        detail: ("This helper has as many open matches as one person may have. Try someone else.",
                "Deze helper heeft al zoveel open koppelingen als mag. Probeer iemand anders.");
    RequestNotOpen = "request_not_open", 409,
        title: ("Request not open", "Hulpvraag niet open"),
        detail: ("The request is closed, fulfilled or expired.",
                "De hulpvraag is gesloten, afgerond of verlopen.");
    RequestFull = "request_full", 409,
        title: ("Request has its helpers", "Hulpvraag heeft haar helpers"),
        detail: ("The request has as many accepted helpers as it asked for.",
                "De hulpvraag heeft al zoveel geaccepteerde helpers als gevraagd.");
    HelpersBelowAccepted = "helpers_below_accepted", 409,
        title: ("Fewer helpers than accepted",
                "Minder helpers dan geaccepteerd"),
        detail: ("More helpers are accepted than this number. Ask for at least that many, or \
                 cancel a match first.",
                "Er zijn al meer helpers geaccepteerd dan dit aantal. Vraag er minstens zoveel, \
                 of annuleer eerst een koppeling.");
    NotYourMove = "not_your_move", 403,
        title: ("Not your move", "Niet aan u"),
        detail: ("The other party answers this; you can cancel.",
                "Dit beantwoordt de andere partij; u kunt annuleren.");
    AlreadyEscalated = "already_escalated", 409,
        title: ("Already with mediators", "Al bij bemiddelaars"),
        detail: ("This request is being handled by mediators already.",
                "Deze hulpvraag wordt al door bemiddelaars opgepakt.");
    ConsentRequired = "consent_required", 409,
        title: ("Consent required", "Toestemming nodig"),
        detail: ("The requester has not given consent to share care data with the wijkteam.",
                "De aanvrager heeft geen toestemming gegeven om zorggegevens met het wijkteam te delen.");
    InsufficientScope = "insufficient_scope", 403,
        title: ("Insufficient scope", "Onvoldoende scope"),
        detail: ("This client's token lacks the scope this needs, or the client is not bound to this municipality.",
                "Het token van deze client heeft niet de benodigde scope, of de client is niet aan deze gemeente gekoppeld.");
    InvalidClient = "invalid_client", 401,
        title: ("Invalid client", "Ongeldige client"),
        detail: ("Unknown client, wrong secret, or the client is disabled.",
                "Onbekende client, onjuist geheim, of de client is uitgeschakeld.");
    UnsupportedGrantType = "unsupported_grant_type", 400,
        title: ("Unsupported grant type", "Niet-ondersteunde grant"),
        detail: ("Only the client_credentials grant is supported.",
                "Alleen de client_credentials-grant wordt ondersteund.");
    PostcodeMembershipExists = "postcode_membership_exists", 409,
        title: ("Already a member by postcode", "Al lid op postcode"),
        detail: ("An account joins one neighbourhood by its postcode at a time. Leave that one \
                 first, or join with an invite.",
                "Een account is op postcode lid van één buurt tegelijk. Verlaat die eerst, of \
                 word lid met een uitnodiging.");
    JoinLimitReached = "join_limit_reached", 429,
        title: ("Too many joins today", "Vandaag te vaak lid geworden"),
        detail: ("This account has joined as many neighbourhoods today as one may. Try again \
                 later (see Retry-After).",
                "Dit account is vandaag al zo vaak lid geworden als mag. Probeer het later \
                 opnieuw (zie Retry-After).");
    PostcodeChangeTooSoon = "postcode_change_too_soon", 429,
        title: ("Postcode changed recently", "Postcode pas gewijzigd"),
        detail: ("The postcode changed recently and can change again after the cool-down (see \
                 Retry-After). Nothing was changed.",
                "De postcode is pas gewijzigd en kan na de wachttijd weer wijzigen (zie \
                 Retry-After). Er is niets gewijzigd.");
    VerificationCodeInvalid = "verification_code_invalid", 422,
        title: ("Unknown verification code", "Onbekende verificatiecode"),
        detail: ("This code is not one sent to you for this neighbourhood and your current \
                 address, or it has been used.",
                "Deze code is niet naar u gestuurd voor deze buurt en uw huidige adres, of is \
                 al gebruikt.");
    VerificationCodeExpired = "verification_code_expired", 422,
        title: ("Verification code expired", "Verificatiecode verlopen"),
        detail: ("This code has expired. Ask a moderator for a new letter.",
                "Deze code is verlopen. Vraag een moderator om een nieuwe brief.");
    AccountSuspended = "account_suspended", 403,
        title: ("Account suspended", "Account geschorst"),
        detail: ("An administrator has suspended this account: it cannot sign in.",
                "Een beheerder heeft dit account geschorst: inloggen kan niet.");
    CannotSuspendSelf = "cannot_suspend_self", 409,
        title: ("You cannot suspend yourself", "U kunt uzelf niet schorsen"),
        detail: ("Another administrator has to suspend this account.",
                "Een andere beheerder moet dit account schorsen.");
    // issue 21: the contract an app developer expects
    PreconditionFailed = "precondition_failed", 412,
        title: ("Changed since you read it", "Gewijzigd sinds u het las"),
        detail: ("It changed after the `ETag` sent in `If-Match`: read it again, then retry.",
                "Het is gewijzigd na de `ETag` uit `If-Match`: lees het opnieuw en probeer het dan nog eens.");
    // issue 19: moderation and limits on abuse
    MembershipPending = "membership_pending", 403,
        title: ("Membership pending", "Lidmaatschap in behandeling"),
        detail: ("Your request to join this neighbourhood waits for a moderator. You can take \
                 part once it is approved.",
                "Uw aanvraag om lid te worden van deze buurt wacht op een moderator. U doet mee \
                 zodra die is goedgekeurd.");
    WriteLimitReached = "write_limit_reached", 429,
        title: ("Too many in a short time", "Te veel in korte tijd"),
        detail: ("You have written as much of this as one may for now. Try again later (see \
                 Retry-After).",
                "U heeft hiervan voorlopig zoveel geschreven als mag. Probeer het later opnieuw \
                 (zie Retry-After).");
    PostingSuspended = "posting_suspended", 403,
        title: ("Suspended from posting here", "Geschorst voor berichten hier"),
        detail: ("A moderator has suspended you from posting in this neighbourhood for a while. \
                 See GET /v1/me/moderation-decisions for why and until when.",
                "Een moderator heeft u een tijd geschorst voor berichten in deze buurt. Zie \
                 GET /v1/me/moderation-decisions voor waarom en tot wanneer.");
    ReportAlreadyResolved = "report_already_resolved", 409,
        title: ("Already resolved", "Al afgehandeld"),
        detail: ("The reports on this were resolved already.",
                "De meldingen hierover zijn al afgehandeld.");
    AlreadyAppealed = "already_appealed", 409,
        title: ("Already appealed", "Al bezwaar gemaakt"),
        detail: ("A decision can be appealed once.", "Tegen een besluit kunt u één keer bezwaar maken.");
    NotAppealed = "not_appealed", 409,
        title: ("Nobody appealed", "Geen bezwaar gemaakt"),
        detail: ("There is no appeal against this decision to decide.",
                "Tegen dit besluit is geen bezwaar gemaakt.");
    AppealAlreadyDecided = "appeal_already_decided", 409,
        title: ("Appeal already decided", "Bezwaar al beslist"),
        detail: ("The appeal against this decision was decided already.",
                "Over het bezwaar tegen dit besluit is al beslist.");
    SameModerator = "same_moderator", 403,
        title: ("Someone else decides the appeal", "Iemand anders beslist over het bezwaar"),
        detail: ("An appeal is decided by another moderator or an administrator, never by who \
                 took the decision.",
                "Over een bezwaar beslist een andere moderator of een beheerder, nooit wie het \
                 besluit nam.");
    // issue 18: privacy
    LastAdmin = "last_admin", 409,
        title: ("Last administrator", "Laatste beheerder"),
        detail: ("The last platform administrator cannot go: make someone else one first.",
                "De laatste beheerder van het platform kan niet weg: maak eerst iemand anders beheerder.");
    LoginNotFresh = "login_not_fresh", 403,
        title: ("Sign in again first", "Log eerst opnieuw in"),
        detail: ("This needs your password, or a refresh token of a sign-in less than 10 minutes old.",
                "Hiervoor is uw wachtwoord nodig, of een verversingstoken van een inlog van minder dan 10 minuten geleden.");
    // issue 21: images
    UnsupportedImageType = "unsupported_image_type", 415,
        title: ("Unsupported image type", "Niet-ondersteund afbeeldingstype"),
        detail: ("Send a JPEG, PNG or WebP image. HEIC/HEIF (an iPhone's default) is not \
                 supported: share it as JPEG (\"Most Compatible\").",
                "Stuur een JPEG-, PNG- of WebP-afbeelding. HEIC/HEIF (standaard op een iPhone) \
                 wordt niet ondersteund: deel hem als JPEG (\"Meest compatibel\").");
    ImageUnreadable = "image_unreadable", 422,
        title: ("The image cannot be read", "De afbeelding is niet te lezen"),
        detail: ("The file is damaged or incomplete, or is not the image it claims to be. \
                 Nothing was stored.",
                "Het bestand is beschadigd of onvolledig, of is niet de afbeelding die het zegt \
                 te zijn. Er is niets opgeslagen.");
    ImageTooLarge = "image_too_large", 422,
        title: ("Image too large", "Afbeelding te groot"),
        detail: ("The image has more pixels than accepted: at most 50 megapixels and 12000 \
                 pixels a side. Nothing was stored.",
                "De afbeelding heeft meer pixels dan toegestaan: hoogstens 50 megapixel en \
                 12000 pixels per zijde. Er is niets opgeslagen.");
    NoImage = "no_image", 400,
        title: ("No image sent", "Geen afbeelding gestuurd"),
        detail: ("Send the image as the request body (Content-Type image/jpeg, image/png or \
                 image/webp), or as the multipart/form-data part named `file`.",
                "Stuur de afbeelding als inhoud van het verzoek (Content-Type image/jpeg, \
                 image/png of image/webp), of als multipart/form-data-deel met de naam `file`.");
    // issue 17: e-mail, the account's life cycle, notification settings
    EmailNotConfigured = "email_not_configured", 503,
        title: ("E-mail is not configured", "E-mail is niet ingesteld"),
        detail: ("This server cannot send e-mail, so this cannot be done here.",
                "Deze server kan geen e-mail versturen, dus dit kan hier niet.");
    ResetTokenInvalid = "reset_token_invalid", 400,
        title: ("The reset link is not valid", "De herstellink is niet geldig"),
        detail: ("The link is unknown, already used or more than an hour old: ask for a new one.",
                "De link is onbekend, al gebruikt of ouder dan een uur: vraag een nieuwe aan.");
    VerificationTokenInvalid = "verification_token_invalid", 400,
        title: ("The verification link is not valid", "De bevestigingslink is niet geldig"),
        detail: ("The link is unknown, already used, more than 48 hours old, or for an address \
                  this account no longer has: ask for a new one.",
                "De link is onbekend, al gebruikt, ouder dan 48 uur, of voor een adres dat dit \
                  account niet meer heeft: vraag een nieuwe aan.");
    EmailAlreadyVerified = "email_already_verified", 409,
        title: ("The e-mail address is already verified", "Het e-mailadres is al bevestigd");
    VerificationResendTooSoon = "verification_resend_too_soon", 429,
        title: ("A verification e-mail was sent moments ago",
                "Er is zojuist al een bevestigingsmail verstuurd"),
        detail: ("Wait a few minutes before asking for another one.",
                "Wacht een paar minuten voordat u er nog een aanvraagt.");
    EmailNotVerified = "email_not_verified", 403,
        title: ("Verify your e-mail address first", "Bevestig eerst uw e-mailadres"),
        detail: ("Signed-in accounts can read everything, but posting and offering help need a \
                  verified e-mail address: follow the link in the e-mail we sent, or ask for a \
                  new one at POST /v1/me/email-verification.",
                "Met een account kunt u alles lezen, maar voor berichten plaatsen en hulp \
                  aanbieden is een bevestigd e-mailadres nodig: volg de link in de e-mail die we \
                  stuurden, of vraag een nieuwe aan via POST /v1/me/email-verification.");
    UnsubscribeTokenInvalid = "unsubscribe_token_invalid", 400,
        title: ("The unsubscribe link is not valid", "De afmeldlink is niet geldig");
    // issue 17 (h17c: changing the e-mail address)
    EmailUnchanged = "email_unchanged", 409,
        title: ("This is already the account's address", "Dit is al het adres van het account"),
        detail: ("The account has this e-mail address already; nothing was changed.",
                "Het account heeft dit e-mailadres al; er is niets veranderd.");
    // issue 18 (h18c)
    ReferenceGone = "reference_gone", 409,
        title: ("Something this refers to is gone",
                "Iets waarnaar dit verwijst bestaat niet meer"),
        detail: ("An account or item this request names was removed (an account erased, a post \
                  deleted) while it was being handled; nothing was changed.",
                "Een account of onderdeel dat dit verzoek noemt, is intussen verwijderd (een \
                  account gewist, een bericht verwijderd); er is niets gewijzigd.");
    // issue 20 (h20b)
    ClaimCodeInvalid = "claim_code_invalid", 400,
        title: ("The claim code is not valid", "De koppelcode is niet geldig"),
        detail: ("The code is unknown, was used already or has expired: ask your mediator \
                  for a new one.",
                "De code is onbekend, al gebruikt of verlopen: vraag uw buurtbemiddelaar om \
                  een nieuwe.");
    // issue 20 (h20d)
    SignalAlreadyAcknowledged = "signal_already_acknowledged", 409,
        title: ("The signal is already acknowledged", "Het signaal is al afgehandeld"),
        detail: ("Another mediator acknowledged this signal first; its note is on the signal.",
                "Een andere bemiddelaar heeft dit signaal al afgehandeld; de notitie staat bij \
                 het signaal.");
    // issue 20 (h20c): lasting help
    NoRunningArrangement = "no_running_arrangement", 409,
        title: ("No running arrangement", "Geen lopende afspraak"),
        detail: ("This match is no running arrangement of lasting help: its request does not \
                  recur, or the match is not accepted, or the arrangement has ended.",
                "Deze koppeling is geen lopende afspraak voor blijvende hulp: de hulpvraag \
                  herhaalt zich niet, de koppeling is niet geaccepteerd, of de afspraak is \
                  beëindigd.");
    SessionAlreadyRecorded = "session_already_recorded", 409,
        title: ("Session already recorded", "Keer al vastgelegd"),
        detail: ("A session was recorded for this day already.",
                "Voor deze dag is al een keer vastgelegd.");
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
            ValueError::OutOfRange => Self::OutOfRange,
            ValueError::NotOneOf { accepted } => {
                Self::invalid(accepted, crate::text::accepted_in_dutch(accepted))
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

    /// The problems found, in the order found.
    pub fn into_problems(self) -> Vec<FieldProblem> {
        self.0
    }

    /// `Ok` when nothing was found wrong, else the problems as a validation error.
    pub fn finish(self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self.0))
        }
    }
}

/// Every way a use case fails.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such thing, or not the caller's to know of.
    #[error("no such resource")]
    NotFound,
    /// Refused for a reason fully described by its code.
    #[error("refused: {0:?}")]
    Refused(ErrorCode),
    /// Refused for a reason that names the fields at fault.
    #[error("refused: {0:?} {1:?}")]
    RefusedFields(ErrorCode, Vec<FieldProblem>),
    /// The input is not acceptable; every problem found is listed.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldProblem>),
    /// Refused for now: the same request may succeed after `retry_after_secs` (429 with
    /// `Retry-After`).
    #[error("refused for {retry_after_secs} s: {code:?}")]
    RefusedUntil {
        code: ErrorCode,
        retry_after_secs: u64,
    },
    #[error(transparent)]
    Persistence(PersistenceError),
}

impl From<PersistenceError> for AppError {
    /// A write that met a foreign key to a row that is gone (erased or deleted meanwhile) is
    /// refused with `reference_gone`; the API answers 401 instead when the row gone is the
    /// caller's own account.
    fn from(error: PersistenceError) -> Self {
        if error.is_foreign_key_violation() {
            Self::Refused(ErrorCode::ReferenceGone)
        } else {
            Self::Persistence(error)
        }
    }
}

impl AppError {
    /// Refused with `code` until `wait` has passed (whole seconds, at least one).
    pub fn refused_for(code: ErrorCode, wait: chrono::Duration) -> Self {
        Self::RefusedUntil {
            code,
            retry_after_secs: u64::try_from(wait.num_seconds()).unwrap_or(0).max(1)
                + u64::from(wait.subsec_nanos() > 0),
        }
    }

    /// One field at fault.
    pub fn invalid(field: impl Into<String>, issue: FieldIssue) -> Self {
        Self::Invalid(vec![FieldProblem::new(field, issue)])
    }
}

impl From<ErrorCode> for AppError {
    fn from(code: ErrorCode) -> Self {
        Self::Refused(code)
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        Self::Invalid(errors.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_snake_case_unique_and_has_a_4xx_or_5xx_status() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
            assert!((400..600).contains(&code.status()), "{name}");
            assert!(
                !code.title().en.is_empty() && !code.title().nl.is_empty(),
                "{name}"
            );
        }
    }
}
