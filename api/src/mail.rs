//! E-mail: messages in the reader's language (plain text and HTML from the templates in
//! `api/templates/mail/`), one-click unsubscribe links (RFC 8058), and the transport: SMTP
//! (`BUURT_SMTP_URL`) or `.eml` files in a directory (`BUURT_MAIL_DIR`).

use std::sync::OnceLock;

use buurt_app::deliveries::{EmailToSend, PushToSend, SmsToSend, Unsubscribe};
use buurt_app::digest::DigestMail;
use buurt_app::text::Lang;
use buurt_domain::accounts::UserId;
use buurt_domain::notifications::NotificationKind;
use buurt_domain::stats::Count;
use hmac::{Hmac, Mac};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use minijinja::Environment;
use sha2::Sha256;

use crate::startup::StartupError;

/// Where e-mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Dir(AsyncFileTransport<Tokio1Executor>),
}

/// How e-mails are written and sent.
#[derive(Clone)]
pub struct Mailer {
    pub transport: Transport,
    pub from: Mailbox,
    pub links: Links,
}

/// Links in e-mails: the public address (one-click unsubscribe goes to this server), where
/// the other links lead (the app's link domain, or this server), and the key unsubscribe links
/// are signed with.
#[derive(Clone)]
pub struct Links {
    pub public_url: String,
    /// The base of reset, verification, post and newsletter links (`BUURT_APP_LINK_URL`, else
    /// `public_url`).
    pub app_url: String,
    key: Vec<u8>,
}

impl Links {
    /// `secret` is the server's signing secret; the key is derived from it for this use only.
    pub fn new(public_url: &str, app_link_url: Option<&str>, secret: &[u8]) -> Self {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key");
        mac.update(b"buurt unsubscribe links");
        let public_url = public_url.trim_end_matches('/').to_owned();
        Self {
            app_url: app_link_url
                .map(|url| url.trim().trim_end_matches('/').to_owned())
                .filter(|url| !url.is_empty())
                .unwrap_or_else(|| public_url.clone()),
            public_url,
            key: mac.finalize().into_bytes().to_vec(),
        }
    }

    fn mac(&self, user: UserId, what: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key");
        mac.update(user.0.to_string().as_bytes());
        mac.update(b".");
        mac.update(what.as_bytes());
        crate::auth::tokens::hex(mac.finalize().into_bytes().as_slice())
    }

    /// The token of a link that switches `what` off for `user`: `<user>.<what>.<signature>`.
    pub fn unsubscribe_token(&self, user: UserId, what: Unsubscribe) -> String {
        let what = match what {
            Unsubscribe::Kind(kind) => kind.as_str(),
            Unsubscribe::Digest => "digest",
        };
        format!("{}.{what}.{}", user.0, self.mac(user, what))
    }

    /// What an unsubscribe token switches off, and for whom; `None` for a forged one.
    pub fn check_unsubscribe_token(&self, token: &str) -> Option<(UserId, Unsubscribe)> {
        let mut parts = token.split('.');
        let (user, what, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let user = UserId(uuid::Uuid::parse_str(user).ok()?);
        let expected = self.mac(user, what);
        // Compare in constant time.
        let same = expected.len() == signature.len()
            && expected
                .bytes()
                .zip(signature.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !same {
            return None;
        }
        let what = if what == "digest" {
            Unsubscribe::Digest
        } else {
            Unsubscribe::Kind(NotificationKind::parse(what)?)
        };
        Some((user, what))
    }

    pub fn unsubscribe_url(&self, user: UserId, what: Unsubscribe) -> String {
        format!(
            "{}/v1/unsubscribe?token={}",
            self.public_url,
            self.unsubscribe_token(user, what)
        )
    }
}

impl Mailer {
    /// The mailer the configuration asks for: SMTP, else a mail directory, else none.
    pub fn from_config(
        config: &crate::Config,
        secret: &[u8],
    ) -> Result<Option<Self>, StartupError> {
        let transport = if let Some(url) = config.smtp_url.as_deref().filter(|u| !u.is_empty()) {
            Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|error| StartupError::Config(format!("BUURT_SMTP_URL: {error}")))?
                    .timeout(Some(crate::workers::deliveries::send_timeout(
                        std::time::Duration::from_secs(config.delivery_claim_lease_secs),
                    )))
                    .build(),
            )
        } else if let Some(dir) = &config.mail_dir {
            std::fs::create_dir_all(dir).map_err(|error| {
                StartupError::Config(format!("BUURT_MAIL_DIR {}: {error}", dir.display()))
            })?;
            Transport::Dir(AsyncFileTransport::<Tokio1Executor>::new(dir))
        } else {
            return Ok(None);
        };
        let from = config
            .mail_from
            .parse()
            .map_err(|error| StartupError::Config(format!("BUURT_MAIL_FROM: {error}")))?;
        Ok(Some(Self {
            transport,
            from,
            links: Links::new(&config.public_url, config.app_link_url.as_deref(), secret),
        }))
    }

    /// Sends one message.
    pub async fn send(&self, message: Message) -> Result<(), String> {
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Transport::Dir(dir) => dir.send(message).await.map(drop).map_err(|e| e.to_string()),
        }
    }

    /// The message for `email` to `user`.
    pub fn compose(&self, user: UserId, email: &EmailToSend) -> Result<Message, String> {
        let lang = lang_code(email.lang);
        let link = match (&email.token, email.kind.as_str()) {
            (Some(token), "password_reset") => {
                format!("{}/reset-password?token={token}", self.links.app_url)
            }
            (Some(token), _) => format!("{}/verify-email?token={token}", self.links.app_url),
            (None, "digest") => self.links.app_url.clone(),
            (None, _) => match &email.post_id {
                Some(post) => format!("{}/posts/{post}", self.links.app_url),
                None => self.links.app_url.clone(),
            },
        };
        let unsubscribe = email
            .unsubscribe
            .map(|what| self.links.unsubscribe_url(user, what));
        let subject = render(&format!("{lang}.subject"), email, &link, None, None)?;
        let subject = subject.trim().to_owned();
        let text = render(
            &format!("{lang}.txt"),
            email,
            &link,
            unsubscribe.as_deref(),
            Some(&subject),
        )?;
        let html = render(
            &format!("{lang}.html"),
            email,
            &link,
            unsubscribe.as_deref(),
            Some(&subject),
        )?;
        let to: Mailbox = format!("{} <{}>", quote_name(&email.name), email.to)
            .parse()
            .or_else(|_| email.to.parse())
            .map_err(|error| format!("the address {:?}: {error}", email.to))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentLanguage(lang));
        if let Some(url) = &unsubscribe {
            builder = builder
                .header(ListUnsubscribe(format!("<{url}>")))
                .header(ListUnsubscribePost);
        }
        builder
            .multipart(MultiPart::alternative_plain_html(text, html))
            .map_err(|error| error.to_string())
    }
}

/// The title and body of a push notice in the reader's language, from the same texts as the
/// e-mail's subject.
pub fn push_text(push: &PushToSend) -> Result<(String, String), String> {
    let email = EmailToSend {
        to: String::new(),
        name: String::new(),
        lang: push.lang,
        kind: push.kind.as_str().to_owned(),
        token: None,
        post_title: push.post_title.clone(),
        post_id: push.post_id.clone(),
        match_id: push.match_id.clone(),
        unsubscribe: None,
        digest: None,
        new_email: None,
    };
    let title = render(
        &format!("{}.subject", lang_code(push.lang)),
        &email,
        "",
        None,
        None,
    )?;
    Ok(("Buurt".to_owned(), title.trim().to_owned()))
}

/// The text of an SMS to an offline resident in their language: the e-mail's subject (the
/// kind of update and their own post's title, nothing about anyone else) and where to ask.
/// The post's title is shortened until the whole fits one SMS segment where it can.
pub fn sms_text(sms: &SmsToSend) -> Result<String, String> {
    let tail = match sms.lang {
        Lang::Nl => "Vragen? Bel uw buurtbemiddelaar.",
        Lang::En => "Questions? Call your neighbourhood mediator.",
    };
    let original: Vec<char> = sms
        .post_title
        .as_deref()
        .unwrap_or_default()
        .chars()
        .collect();
    let mut keep = original.len();
    loop {
        let title = match keep {
            _ if sms.post_title.is_none() => None,
            0 => Some("...".to_owned()),
            _ if keep == original.len() => sms.post_title.clone(),
            _ => Some(format!(
                "{}...",
                original[..keep].iter().collect::<String>().trim_end()
            )),
        };
        let (_, subject) = push_text(&PushToSend {
            lang: sms.lang,
            kind: sms.kind,
            post_title: title,
            post_id: None,
            match_id: None,
        })?;
        let text = format!("Buurt: {subject}. {tail}");
        let length = text.chars().count();
        let limit = crate::workers::sms::segment_limit(&text);
        if length <= limit || keep == 0 {
            return Ok(text);
        }
        // Cut what is too long, and room for the "..." the first time.
        let cut = length - limit + if keep == original.len() { 3 } else { 0 };
        keep = keep.saturating_sub(cut.max(1));
    }
}

fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => "nl",
        Lang::En => "en",
    }
}

/// A display name as a quoted string (RFC 5322), so commas and angle brackets stay in it.
fn quote_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '"' || c == '\\' { '\'' } else { c })
        .collect();
    format!("\"{clean}\"")
}

fn templates() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // `.html` is escaped; the others are plain text.
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        for (name, source) in [
            ("en.subject", include_str!("../templates/mail/en.subject")),
            ("nl.subject", include_str!("../templates/mail/nl.subject")),
            ("en.txt", include_str!("../templates/mail/en.txt")),
            ("nl.txt", include_str!("../templates/mail/nl.txt")),
            ("en.html", include_str!("../templates/mail/en.html")),
            ("nl.html", include_str!("../templates/mail/nl.html")),
            ("digest.html", include_str!("../templates/digest.html")),
            (
                "unsubscribe.html",
                include_str!("../templates/unsubscribe.html"),
            ),
            ("page.html", include_str!("../templates/page.html")),
        ] {
            env.add_template(name, source)
                .unwrap_or_else(|error| panic!("the mail template {name}: {error}"));
        }
        env
    })
}

fn render(
    template: &str,
    email: &EmailToSend,
    link: &str,
    unsubscribe_link: Option<&str>,
    subject: Option<&str>,
) -> Result<String, String> {
    let template = templates()
        .get_template(template)
        .map_err(|error| error.to_string())?;
    template
        .render(minijinja::context! {
            kind => email.kind,
            name => email.name,
            post_title => email.post_title.as_deref().unwrap_or(""),
            link => link,
            unsubscribe_link => unsubscribe_link,
            subject => subject,
            digest => email.digest.as_ref().map(|digest| digest_context(digest, email.lang, link)),
            new_email => email.new_email.as_deref(),
        })
        .map_err(|error| error.to_string())
}

/// The newsletter as a web page (`GET /v1/neighbourhoods/{id}/digest` with `Accept: text/html`).
pub fn digest_page(digest: &DigestMail, lang: Lang, public_url: &str) -> Result<String, String> {
    let t = match lang {
        Lang::Nl => minijinja::context! {
            title => "Nieuwsbrief van", week => "Week", requests => "Buren die hulp vragen",
            activities => "Activiteiten", offers => "Aangeboden", news => "Nieuws",
            solved => "Deze week opgelost door buren", mediators => "met bemiddelaars",
        },
        Lang::En => minijinja::context! {
            title => "Newsletter of", week => "Week", requests => "Neighbours asking for help",
            activities => "Activities", offers => "On offer", news => "News",
            solved => "Solved this week by neighbours", mediators => "with mediators",
        },
    };
    templates()
        .get_template("digest.html")
        .and_then(|template| {
            template.render(minijinja::context! {
                lang => lang_code(lang),
                t => t,
                digest => digest_context(digest, lang, public_url),
            })
        })
        .map_err(|error| error.to_string())
}

/// The page behind an unsubscribe link: a button that posts it.
pub fn unsubscribe_page(token: &str) -> Result<String, String> {
    templates()
        .get_template("unsubscribe.html")
        .and_then(|template| template.render(minijinja::context! { token => token }))
        .map_err(|error| error.to_string())
}

/// A small page for people (`routes::pages`): a title, paragraphs and maybe a form.
pub fn page(
    lang: Lang,
    title: &str,
    lines: &[&str],
    form: Option<minijinja::Value>,
) -> Result<String, String> {
    templates()
        .get_template("page.html")
        .and_then(|template| {
            template.render(minijinja::context! {
                lang => lang_code(lang),
                title => title,
                lines => lines,
                form => form,
            })
        })
        .map_err(|error| error.to_string())
}

/// What the newsletter templates see.
fn digest_context(digest: &DigestMail, lang: Lang, base: &str) -> minijinja::Value {
    let post = |(id, title): &(uuid::Uuid, String)| {
        minijinja::context! { title => title, url => format!("{base}/posts/{id}") }
    };
    let count = |count: Count| match (count, lang) {
        (Count::Exact(n), _) => n.to_string(),
        (Count::FewerThanFive, Lang::Nl) => "minder dan vijf".to_owned(),
        (Count::FewerThanFive, Lang::En) => "fewer than five".to_owned(),
    };
    minijinja::context! {
        neighbourhood => digest.neighbourhood,
        week => digest.week,
        requests => digest.requests.iter().map(post).collect::<Vec<_>>(),
        offers => digest.offers.iter().map(post).collect::<Vec<_>>(),
        news => digest.news.iter().map(post).collect::<Vec<_>>(),
        activities => digest.activities.iter().map(|(id, title, starts)| minijinja::context! {
            title => title,
            url => format!("{base}/posts/{id}"),
            when => starts
                .with_timezone(&chrono_tz::Europe::Amsterdam)
                .format("%d-%m-%Y %H:%M")
                .to_string(),
        }).collect::<Vec<_>>(),
        solved_by_neighbours => count(digest.solved_by_neighbours),
        solved_by_mediators => count(digest.solved_by_mediators),
    }
}

/// `Content-Language: nl` (RFC 3282).
#[derive(Debug, Clone)]
struct ContentLanguage(&'static str);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(if s.trim() == "nl" { "nl" } else { "en" }))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.to_owned())
    }
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_tokens_are_signed() {
        let links = Links::new("https://buurt.example/", None, b"secret");
        let user = UserId::new();
        let token =
            links.unsubscribe_token(user, Unsubscribe::Kind(NotificationKind::MatchProposed));
        assert_eq!(
            links.check_unsubscribe_token(&token),
            Some((user, Unsubscribe::Kind(NotificationKind::MatchProposed)))
        );
        let forged = token.replace("match_proposed", "match_accepted");
        assert_eq!(links.check_unsubscribe_token(&forged), None);
        let other = Links::new("https://buurt.example", None, b"other secret");
        assert_eq!(other.check_unsubscribe_token(&token), None);
        assert!(
            links
                .unsubscribe_url(user, Unsubscribe::Digest)
                .starts_with("https://buurt.example/v1/unsubscribe?token=")
        );
    }
}
