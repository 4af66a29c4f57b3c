//! Accounts and the signed-in user.

use buurt_domain::accounts::{HouseNumber, Language, Phone, Postcode, Street, User};
use buurt_domain::category::Category;
use buurt_domain::neighbourhoods::MunicipalityCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// White space as Rust's `str::trim` sees it, spelled out: `\s` means other things to other
/// regex engines (Python's includes `\x1C`–`\x1F`, ECMAScript's `\u{FEFF}` but not `\x85`).
const TRIMMED_SPACE: &str = r"[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

/// An email address as `Email::parse` takes it. The local part's length is a second pattern
/// rather than a lookahead, which generators of test data (schemathesis, say) cannot satisfy.
pub(crate) fn email_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, SchemaType, Type};
    let atom = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
    let label = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    let space = TRIMMED_SPACE;
    AllOfBuilder::new()
        // The type goes outside the `allOf`, or client generators (openapi-python-client) take
        // the field for an object.
        .schema_type(Type::String)
        .description(Some(
            "Case does not matter: `Anna@Example.nl` and `anna@example.nl` are one account; \
             surrounding spaces are trimmed. ASCII addresses only (a dot-atom local part of at \
             most 64 characters, a domain of letters, digits and hyphens).",
        ))
        .item(
            ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .max_length(Some(buurt_domain::accounts::Email::MAX_LEN))
                .pattern(Some(format!(
                    r"^{space}*{atom}(\.{atom})*@{label}(\.{label})+{space}*$"
                ))),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .pattern(Some(format!("^{space}*[^@]{{1,64}}@"))),
        )
        .into()
}

/// What a request or offer is about; also what a resident can help with or is interested in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CategoryDto {
    Goods,
    Knowledge,
    Skills,
    Help,
    Care,
}

impl From<Category> for CategoryDto {
    fn from(category: Category) -> Self {
        match category {
            Category::Goods => Self::Goods,
            Category::Knowledge => Self::Knowledge,
            Category::Skills => Self::Skills,
            Category::Help => Self::Help,
            Category::Care => Self::Care,
        }
    }
}

impl From<CategoryDto> for Category {
    fn from(category: CategoryDto) -> Self {
        match category {
            CategoryDto::Goods => Self::Goods,
            CategoryDto::Knowledge => Self::Knowledge,
            CategoryDto::Skills => Self::Skills,
            CategoryDto::Help => Self::Help,
            CategoryDto::Care => Self::Care,
        }
    }
}

/// Create an account.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "email": "anna.devries@example.nl",
    "password": "lange-zomeravond",
    "display_name": "Anna de Vries",
    "postcode": "1234 AB"
}))]
pub struct RegisterRequest {
    #[schema(schema_with = email_schema)]
    pub email: String,
    /// At least 10 characters (any, but NUL).
    #[schema(min_length = 10, max_length = 512, format = Password, pattern = r#"^[^\x00]*$"#)]
    pub password: String,
    /// The name other residents see: at most 60 characters, not blank, no control
    /// characters; surrounding spaces are trimmed.
    #[schema(
        min_length = 1,
        max_length = 60,
        pattern = r#"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"#
    )]
    pub display_name: String,
    /// A Dutch postcode (`1234AB`, spaces and case do not matter); it decides which
    /// neighbourhood the resident can join directly.
    #[serde(default)]
    #[schema(
        example = "1234AB",
        pattern = r#"^\s*[1-9][0-9]{3}\s*(?![sS][aAdDsS])[a-zA-Z]{2}\s*$"#
    )]
    pub postcode: Option<String>,
}

/// Sign in with email and password.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(schema_with = email_schema)]
    pub email: String,
    #[schema(format = Password, min_length = 1, pattern = r#"^[^\x00]*$"#)]
    pub password: String,
}

/// A refresh token, for `/v1/auth/refresh` and `/v1/auth/logout`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshTokenRequest {
    #[schema(max_length = 256, pattern = r#"^[^\x00]*$"#)]
    pub refresh_token: String,
}

/// A signed-in session: who, an access token for `Authorization: Bearer …`, and a refresh
/// token for a new pair when it expires.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TokenResponse {
    pub user: Me,
    /// A JWT; send it as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires (900).
    pub expires_in: u64,
    /// Single use: `/v1/auth/refresh` spends it and returns a new one. Presenting a spent one
    /// ends the whole login (every token from the same sign-in), as it means the token leaked.
    pub refresh_token: String,
    /// Seconds until the refresh token expires if unused.
    pub refresh_expires_in: u64,
}

/// The signed-in user, with the private fields only they see.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub email_verified: bool,
    pub display_name: String,
    /// PC6, normalised (`1234AB`).
    pub postcode: Option<String>,
    /// Private: only you, and the other party of an accepted match (in that match), see it.
    pub street: Option<String>,
    /// Private: only you, and the other party of an accepted match (in that match), see it.
    pub house_number: Option<String>,
    /// Private; shared only with a helper or requester once a match is accepted.
    pub phone: Option<String>,
    pub bio: Option<String>,
    /// What this resident can help with.
    pub skills: Vec<CategoryDto>,
    /// What this resident wants to hear about.
    pub interests: Vec<CategoryDto>,
    /// ISO 639-1 codes.
    pub languages: Vec<String>,
    /// Platform administrators manage neighbourhoods and machine clients.
    pub platform_admin: bool,
    /// Municipalities (`GM…`) this user serves as a professional (wijkteam).
    pub professional_municipalities: Vec<String>,
    /// The profile picture, if any: seen by the user's neighbours (active members of a
    /// neighbourhood they are an active member of) and administrators.
    pub avatar: Option<crate::images::ImageDto>,
    #[serde(serialize_with = "crate::moment::write")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::moment::write")]
    pub updated_at: DateTime<Utc>,
}

impl Me {
    pub fn new(
        user: &User,
        professional_municipalities: &[MunicipalityCode],
        avatar: Option<&buurt_domain::images::Image>,
    ) -> Self {
        let profile = &user.profile;
        Self {
            id: user.id.0,
            email: user.email.as_str().to_owned(),
            email_verified: user.email_verified,
            display_name: user.display_name.as_str().to_owned(),
            postcode: profile
                .postcode
                .as_ref()
                .map(Postcode::as_str)
                .map(str::to_owned),
            street: profile
                .street
                .as_ref()
                .map(Street::as_str)
                .map(str::to_owned),
            house_number: profile
                .house_number
                .as_ref()
                .map(HouseNumber::as_str)
                .map(str::to_owned),
            phone: profile.phone.as_ref().map(Phone::as_str).map(str::to_owned),
            bio: profile.bio.as_ref().map(|bio| bio.as_str().to_owned()),
            skills: profile.skills.iter().copied().map(Into::into).collect(),
            interests: profile.interests.iter().copied().map(Into::into).collect(),
            languages: profile
                .languages
                .iter()
                .map(Language::as_str)
                .map(str::to_owned)
                .collect(),
            platform_admin: user.platform_admin,
            professional_municipalities: professional_municipalities
                .iter()
                .map(|code| code.as_str().to_owned())
                .collect(),
            avatar: avatar.map(Into::into),
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }
}

/// Change one's own profile. Absent fields stay as they are; `null` clears a clearable field.
/// Email, roles, verification and ids cannot be set here: such fields are refused.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"street": "Dorpsstraat", "house_number": "12a", "skills": ["help", "knowledge"], "phone": null}))]
pub struct UpdateMeRequest {
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 60,
        pattern = r#"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"#
    )]
    pub display_name: Option<String>,
    /// A Dutch postcode (`1234AB`).
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>, pattern = r#"^\s*$|^\s*[1-9][0-9]{3}\s*(?![sS][aAdDsS])[a-zA-Z]{2}\s*$"#)]
    pub postcode: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>, max_length = 100, pattern = r#"^[^\x00-\x1F\x7F-\x9F]*$"#)]
    pub street: Option<Option<String>>,
    /// A number with an optional addition: `12`, `12a`, `12-3`.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>, max_length = 12, pattern = r#"^\s*$|^\s*[1-9][0-9A-Za-z /-]*\s*$"#)]
    pub house_number: Option<Option<String>>,
    /// Digits with an optional leading `+`, spaces, dashes and brackets; 6 to 15 digits.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>, max_length = 20, pattern = r#"^\s*$|^(?=(?:[^0-9]*[0-9]){6,15}[^0-9]*$)\s*\+?[0-9 ()-]*\s*$"#)]
    pub phone: Option<Option<String>>,
    /// Several lines are fine.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<String>, max_length = 1000, pattern = r#"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"#)]
    pub bio: Option<Option<String>>,
    #[serde(default)]
    pub skills: Option<Vec<CategoryDto>>,
    #[serde(default)]
    pub interests: Option<Vec<CategoryDto>>,
    /// ISO 639-1 codes, at most 10.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub languages: Option<Vec<LanguageCode>>,
    /// A new password (at least 10 characters); needs `current_password`. Changing it signs
    /// out every session: all refresh tokens are revoked. Not `null`.
    #[serde(default)]
    #[schema(min_length = 10, max_length = 512, format = Password, pattern = r#"^[^\x00]*$"#)]
    pub new_password: Option<String>,
    /// Required with `new_password`; not `null`.
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = String, required = false, format = Password, min_length = 1, pattern = r#"^[^\x00]*$"#)]
    pub current_password: Option<Option<String>>,
    /// An image from `POST /v1/uploads` (one's own, shown nowhere else) as the profile
    /// picture; `null` removes it (the image is one's own alone again).
    #[serde(default, deserialize_with = "crate::nullable")]
    #[schema(value_type = Option<Uuid>)]
    pub avatar_image_id: Option<Option<Uuid>>,
}

/// A language as an ISO 639-1 code: two letters, any case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, pattern = r#"^\s*[A-Za-z]{2}\s*$"#, example = "nl")]
pub struct LanguageCode(pub String);

/// Someone the signed-in user blocked: neither is suggested to the other, and neither can
/// start a match (offer, invitation) with the other.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BlockDto {
    pub user_id: Uuid,
    pub display_name: String,
    #[serde(serialize_with = "crate::moment::write")]
    pub blocked_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BlockList {
    pub items: Vec<BlockDto>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListBlocksParams {
    /// 1 to 100; 20 when absent.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Whether an account is suspended, as an administrator set it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccountSuspension {
    pub user_id: Uuid,
    /// Suspended: the account cannot sign in or refresh, and none of its tokens work.
    pub suspended: bool,
    /// Since when (the first suspension, when suspended again); null when not suspended.
    #[serde(serialize_with = "crate::moment::write_optional")]
    pub suspended_at: Option<DateTime<Utc>>,
}
