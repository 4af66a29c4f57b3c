//! The pages behind the links in account e-mails, for a resident who opens one where the app
//! does not take it (a desktop mail client, a phone without the app, or a server without
//! `BUURT_APP_LINK_URL`): `GET /reset-password?token=…` and `GET /verify-email?token=…` show a
//! small form; posting it runs the same use case as the JSON endpoints
//! (`POST /v1/auth/password-reset/confirm`, `POST /v1/auth/verify-email`) and shows the
//! outcome. A `GET` changes nothing, so a mail scanner that follows links uses up no token.
//! They are pages for people, not API operations: not in the OpenAPI document.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use buurt_app::deliveries as app;
use buurt_domain::accounts::Password;
use serde::Deserialize;

use crate::auth::password;
use crate::auth::tokens::refresh_token_hash;
use crate::http::error::ApiError;
use crate::http::lang::{Lang, Negotiated};
use crate::state::AppState;

/// The token of a link, from its query string or the posted form.
#[derive(Debug, Default, Deserialize)]
struct TokenParams {
    #[serde(default)]
    token: String,
}

/// What the reset form posts.
#[derive(Debug, Default, Deserialize)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    new_password: String,
}

/// A form on a page: where it posts, the token it carries, a password field's label, the
/// button.
struct Form<'a> {
    action: &'a str,
    token: &'a str,
    password: Option<&'a str>,
    button: &'a str,
}

/// A page in the reader's language: `status`, a title, paragraphs, maybe a form.
fn page(
    status: StatusCode,
    lang: Lang,
    title: &str,
    lines: &[&str],
    form: Option<Form<'_>>,
) -> Result<HttpResponse, ApiError> {
    let body = crate::mail::page(
        lang,
        title,
        lines,
        form.map(|form| {
            minijinja::context! {
                action => form.action,
                token => form.token,
                password => form.password,
                button => form.button,
            }
        }),
    )
    .map_err(ApiError::internal)?;
    let mut response = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        // The token is in the address: no caching, no referrer, no framing, no scripts.
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ))
        .body(body);
    // An error here is a page too, not a problem.
    response
        .extensions_mut()
        .insert(crate::http::middleware::PageForPeople);
    Ok(response)
}

fn pick<'a>(lang: Lang, nl: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Nl => nl,
        Lang::En => en,
    }
}

/// A link without a usable token.
fn broken_link(lang: Lang) -> Result<HttpResponse, ApiError> {
    page(
        StatusCode::BAD_REQUEST,
        lang,
        pick(lang, "Deze link werkt niet", "This link does not work"),
        &[pick(
            lang,
            "De link is onvolledig. Open hem opnieuw vanuit de e-mail, of vraag in de app een \
             nieuwe aan.",
            "The link is incomplete. Open it again from the e-mail, or ask for a new one in \
             the app.",
        )],
        None,
    )
}

fn query_token(req: &HttpRequest) -> String {
    serde_urlencoded::from_str::<TokenParams>(req.query_string())
        .unwrap_or_default()
        .token
        .trim()
        .to_owned()
}

/// `GET /reset-password?token=…`: the form for a new password.
pub async fn reset_password_page(
    req: HttpRequest,
    lang: Negotiated,
) -> Result<HttpResponse, ApiError> {
    let lang = lang.0;
    let token = query_token(&req);
    if token.is_empty() {
        return broken_link(lang);
    }
    page(
        StatusCode::OK,
        lang,
        pick(lang, "Kies een nieuw wachtwoord", "Choose a new password"),
        &[pick(
            lang,
            "Kies een wachtwoord van minstens 10 tekens. Daarna bent u overal uitgelogd en \
             logt u in met het nieuwe wachtwoord.",
            "Choose a password of at least 10 characters. After that you are signed out \
             everywhere, and sign in with the new password.",
        )],
        Some(Form {
            action: "/reset-password",
            token: &token,
            password: Some(pick(lang, "Nieuw wachtwoord", "New password")),
            button: pick(lang, "Wachtwoord opslaan", "Save the password"),
        }),
    )
}

/// `POST /reset-password` (a form): sets the new password as
/// `POST /v1/auth/password-reset/confirm` does.
pub async fn reset_password(
    state: web::Data<AppState>,
    lang: Negotiated,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let lang = lang.0;
    let form: ResetForm = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let token = form.token.trim().to_owned();
    if token.is_empty() {
        return broken_link(lang);
    }
    let Ok(new_password) = Password::parse(&form.new_password) else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            pick(lang, "Kies een nieuw wachtwoord", "Choose a new password"),
            &[pick(
                lang,
                "Dit wachtwoord is te kort of te lang: kies er een van minstens 10 tekens.",
                "This password is too short or too long: choose one of at least 10 characters.",
            )],
            Some(Form {
                action: "/reset-password",
                token: &token,
                password: Some(pick(lang, "Nieuw wachtwoord", "New password")),
                button: pick(lang, "Wachtwoord opslaan", "Save the password"),
            }),
        );
    };
    let token_hash = refresh_token_hash(&token);
    let new_hash = state.hash(move || password::hash(&new_password)).await?;
    match state
        .run(move |cx| app::confirm_password_reset(cx, &token_hash, &new_hash))
        .await
    {
        Ok(user) => {
            state.standings.forget(user);
            tracing::info!(user_id = %user, "password reset (page)");
            page(
                StatusCode::OK,
                lang,
                pick(
                    lang,
                    "Uw wachtwoord is gewijzigd",
                    "Your password is changed",
                ),
                &[pick(
                    lang,
                    "U bent overal uitgelogd. Log in de app in met uw nieuwe wachtwoord.",
                    "You are signed out everywhere. Sign in to the app with your new password.",
                )],
                None,
            )
        }
        Err(ApiError::Refused(_)) => page(
            StatusCode::BAD_REQUEST,
            lang,
            pick(
                lang,
                "Deze link werkt niet meer",
                "This link no longer works",
            ),
            &[pick(
                lang,
                "De link is al gebruikt of ouder dan een uur. Vraag in de app een nieuwe aan \
                 via \"Wachtwoord vergeten\".",
                "The link was used already or is more than an hour old. Ask for a new one in \
                 the app with \"Forgot password\".",
            )],
            None,
        ),
        Err(error) => Err(error),
    }
}

/// `GET /verify-email?token=…`: a button that confirms the address.
pub async fn verify_email_page(
    req: HttpRequest,
    lang: Negotiated,
) -> Result<HttpResponse, ApiError> {
    let lang = lang.0;
    let token = query_token(&req);
    if token.is_empty() {
        return broken_link(lang);
    }
    page(
        StatusCode::OK,
        lang,
        pick(
            lang,
            "Bevestig uw e-mailadres",
            "Confirm your e-mail address",
        ),
        &[pick(
            lang,
            "Bevestig dat dit e-mailadres van u is.",
            "Confirm that this e-mail address is yours.",
        )],
        Some(Form {
            action: "/verify-email",
            token: &token,
            password: None,
            button: pick(lang, "Bevestigen", "Confirm"),
        }),
    )
}

/// `POST /verify-email` (a form): confirms the address as `POST /v1/auth/verify-email` does.
pub async fn verify_email(
    state: web::Data<AppState>,
    lang: Negotiated,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let lang = lang.0;
    let form: TokenParams = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let token = form.token.trim().to_owned();
    if token.is_empty() {
        return broken_link(lang);
    }
    let token_hash = refresh_token_hash(&token);
    match state
        .run(move |cx| app::verify_email(cx, &token_hash))
        .await
    {
        Ok(_) => page(
            StatusCode::OK,
            lang,
            pick(
                lang,
                "Uw e-mailadres is bevestigd",
                "Your e-mail address is confirmed",
            ),
            &[pick(
                lang,
                "Dank u. U kunt nu in de app berichten plaatsen en hulp aanbieden.",
                "Thank you. You can now post and offer help in the app.",
            )],
            None,
        ),
        Err(ApiError::RefusedFields(..)) => page(
            StatusCode::CONFLICT,
            lang,
            pick(lang, "Dit adres is al in gebruik", "This address is taken"),
            &[pick(
                lang,
                "Een ander account heeft dit e-mailadres inmiddels. Uw account houdt zijn oude \
                 adres.",
                "Another account has this e-mail address by now. Your account keeps its old \
                 address.",
            )],
            None,
        ),
        Err(ApiError::Refused(_)) => page(
            StatusCode::BAD_REQUEST,
            lang,
            pick(
                lang,
                "Deze link werkt niet meer",
                "This link no longer works",
            ),
            &[pick(
                lang,
                "De link is al gebruikt, ouder dan 48 uur, of voor een adres dat uw account \
                 niet meer heeft. Vraag in de app een nieuwe aan.",
                "The link was used already, is more than 48 hours old, or is for an address \
                 your account no longer has. Ask for a new one in the app.",
            )],
            None,
        ),
        Err(error) => Err(error),
    }
}
