//! Partner integration: machine clients and their scopes, the events partners are told of, and
//! which webhook addresses may be called.

use std::net::IpAddr;

use crate::value::ValueError;

/// What a machine client may do. Every endpoint a machine may call names the scope it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Read neighbourhoods, and the membership events.
    NeighbourhoodsRead,
    /// Create and edit neighbourhoods (of its municipalities).
    NeighbourhoodsWrite,
    /// Read public posts, and the post, match and RSVP events.
    PostsRead,
    /// Read the monitoring figures.
    StatsRead,
    /// Receive cases referred to the wijkteam (with the data the requester consented to), and
    /// the case events.
    CasesReferrals,
    /// Register and remove webhooks.
    WebhooksManage,
}

impl Scope {
    pub const ALL: [Self; 6] = [
        Self::NeighbourhoodsRead,
        Self::NeighbourhoodsWrite,
        Self::PostsRead,
        Self::StatsRead,
        Self::CasesReferrals,
        Self::WebhooksManage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NeighbourhoodsRead => "neighbourhoods:read",
            Self::NeighbourhoodsWrite => "neighbourhoods:write",
            Self::PostsRead => "posts:read",
            Self::StatsRead => "stats:read",
            Self::CasesReferrals => "cases:referrals",
            Self::WebhooksManage => "webhooks:manage",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        Self::ALL
            .into_iter()
            .find(|scope| scope.as_str() == raw)
            .ok_or(ValueError::NotOneOf {
                accepted: "neighbourhoods:read, neighbourhoods:write, posts:read, stats:read, \
                           cases:referrals, webhooks:manage",
            })
    }

    pub fn description(self) -> &'static str {
        match self {
            Self::NeighbourhoodsRead => "Read neighbourhoods and membership events.",
            Self::NeighbourhoodsWrite => "Create and edit neighbourhoods.",
            Self::PostsRead => "Read public posts and post, match and RSVP events.",
            Self::StatsRead => "Read monitoring figures.",
            Self::CasesReferrals => "Receive cases referred to the wijkteam, and case events.",
            Self::WebhooksManage => "Register and remove webhooks.",
        }
    }
}

/// A change partners are told of. Events carry ids and kinds, never personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    PostCreated,
    PostClosed,
    PostExpired,
    PostFulfilled,
    MatchProposed,
    MatchAccepted,
    MatchCompleted,
    CaseEscalated,
    CaseReferred,
    CaseResolved,
    RsvpCreated,
    MembershipJoined,
    MembershipLeft,
}

impl EventKind {
    pub const ALL: [Self; 13] = [
        Self::PostCreated,
        Self::PostClosed,
        Self::PostExpired,
        Self::PostFulfilled,
        Self::MatchProposed,
        Self::MatchAccepted,
        Self::MatchCompleted,
        Self::CaseEscalated,
        Self::CaseReferred,
        Self::CaseResolved,
        Self::RsvpCreated,
        Self::MembershipJoined,
        Self::MembershipLeft,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PostCreated => "post.created",
            Self::PostClosed => "post.closed",
            Self::PostExpired => "post.expired",
            Self::PostFulfilled => "post.fulfilled",
            Self::MatchProposed => "match.proposed",
            Self::MatchAccepted => "match.accepted",
            Self::MatchCompleted => "match.completed",
            Self::CaseEscalated => "case.escalated",
            Self::CaseReferred => "case.referred",
            Self::CaseResolved => "case.resolved",
            Self::RsvpCreated => "rsvp.created",
            Self::MembershipJoined => "membership.joined",
            Self::MembershipLeft => "membership.left",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    /// The scope a client needs to be told of this kind.
    pub fn scope(self) -> Scope {
        match self {
            Self::PostCreated
            | Self::PostClosed
            | Self::PostExpired
            | Self::PostFulfilled
            | Self::MatchProposed
            | Self::MatchAccepted
            | Self::MatchCompleted
            | Self::RsvpCreated => Scope::PostsRead,
            Self::CaseEscalated | Self::CaseReferred | Self::CaseResolved => Scope::CasesReferrals,
            Self::MembershipJoined | Self::MembershipLeft => Scope::NeighbourhoodsRead,
        }
    }

    /// The kinds a client with `scopes` is told of.
    pub fn visible_with(scopes: &[Scope]) -> Vec<Self> {
        Self::ALL
            .into_iter()
            .filter(|kind| scopes.contains(&kind.scope()))
            .collect()
    }
}

/// Why a webhook address is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WebhookUrlError {
    #[error("not an absolute http(s) URL with a host")]
    Malformed,
    #[error("only https is allowed")]
    NotHttps,
    #[error("user names and passwords do not belong in a webhook URL")]
    Credentials,
    #[error("the address is not public")]
    NotPublic,
}

/// Whether an address is on the public internet: not loopback, private, link-local, shared,
/// documentation, multicast, unspecified or reserved (IPv4 and IPv6, IPv4-mapped included).
pub fn is_public(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
                || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240) // reserved
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || first == 0x2001 && v6.segments()[1] == 0x0db8 // documentation
                || first == 0x0064 && v6.segments()[1] == 0xff9b) // NAT64
        }
    }
}

/// A webhook address as registered: scheme, host and port taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    pub https: bool,
    pub host: String,
    pub port: u16,
}

/// Checks a webhook URL's form: `https://host[:port]/…` (or `http` when `allow_plain_http`),
/// no credentials. A literal IP address must be public unless `allow_private`. Host names are
/// checked again, address by address, when they are resolved for each delivery.
pub fn check_webhook_url(
    url: &str,
    allow_plain_http: bool,
    allow_private: bool,
) -> Result<WebhookTarget, WebhookUrlError> {
    let (scheme, rest) = url.split_once("://").ok_or(WebhookUrlError::Malformed)?;
    let https = match scheme.to_ascii_lowercase().as_str() {
        "https" => true,
        "http" if allow_plain_http => false,
        "http" => return Err(WebhookUrlError::NotHttps),
        _ => return Err(WebhookUrlError::Malformed),
    };
    if url.len() > 2000 || url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(WebhookUrlError::Malformed);
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(WebhookUrlError::Credentials);
    }
    let default_port = if https { 443 } else { 80 };
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or(WebhookUrlError::Malformed)?;
        let port = match after.strip_prefix(':') {
            Some(port) => port.parse().map_err(|_| WebhookUrlError::Malformed)?,
            None if after.is_empty() => default_port,
            None => return Err(WebhookUrlError::Malformed),
        };
        (host.to_owned(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (
                host.to_owned(),
                port.parse().map_err(|_| WebhookUrlError::Malformed)?,
            ),
            None => (authority.to_owned(), default_port),
        }
    };
    let host = host.to_ascii_lowercase();
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
    {
        return Err(WebhookUrlError::Malformed);
    }
    if let Ok(address) = host.parse::<IpAddr>() {
        if !allow_private && !is_public(address) {
            return Err(WebhookUrlError::NotPublic);
        }
    } else if !allow_private && (host == "localhost" || host.ends_with(".localhost")) {
        return Err(WebhookUrlError::NotPublic);
    }
    Ok(WebhookTarget { https, host, port })
}

/// How long to wait before attempt `attempt` (2, 3, …) of a delivery: `base` doubled for
/// each earlier failure, at most an hour.
pub fn retry_delay(base: std::time::Duration, attempt: u32) -> std::time::Duration {
    let doublings = attempt.saturating_sub(2).min(20);
    base.saturating_mul(1 << doublings)
        .min(std::time::Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_kinds_round_trip() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Ok(scope));
        }
        assert!(Scope::parse("admin").is_err());
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(
            EventKind::visible_with(&[Scope::CasesReferrals]),
            vec![
                EventKind::CaseEscalated,
                EventKind::CaseReferred,
                EventKind::CaseResolved
            ]
        );
        assert!(EventKind::visible_with(&[Scope::StatsRead]).is_empty());
    }

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["1.1.1.1", "145.97.1.1", "2a00:1450::1", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn webhook_urls_are_https_and_public() {
        let ok = check_webhook_url("https://hooks.example.nl/buurt?x=1", false, false).unwrap();
        assert_eq!(
            ok,
            WebhookTarget {
                https: true,
                host: "hooks.example.nl".into(),
                port: 443
            }
        );
        use WebhookUrlError::*;
        for (url, error) in [
            ("http://hooks.example.nl/", NotHttps),
            ("ftp://hooks.example.nl/", Malformed),
            ("https://user:pw@hooks.example.nl/", Credentials),
            ("https://127.0.0.1/", NotPublic),
            ("https://[::1]:8443/", NotPublic),
            ("https://169.254.169.254/latest/meta-data", NotPublic),
            ("https://localhost/", NotPublic),
            ("https://10.0.0.1:443/", NotPublic),
            ("https:///nohost", Malformed),
            ("https://exa mple.nl/", Malformed),
            ("https://example.nl:99999/", Malformed),
            ("no url", Malformed),
        ] {
            assert_eq!(check_webhook_url(url, false, false), Err(error), "{url}");
        }
        assert_eq!(
            check_webhook_url("http://127.0.0.1:8080/hook", true, true)
                .unwrap()
                .port,
            8080
        );
        assert_eq!(
            check_webhook_url("https://[2a00:1450::1]:8443/", false, false)
                .unwrap()
                .host,
            "2a00:1450::1"
        );
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        let base = std::time::Duration::from_secs(30);
        assert_eq!(retry_delay(base, 2), base);
        assert_eq!(retry_delay(base, 3), base * 2);
        assert_eq!(retry_delay(base, 5), base * 8);
        assert_eq!(retry_delay(base, 40), std::time::Duration::from_secs(3600));
    }
}

/// A machine client as stored (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    /// CBS municipality codes the client may see and act on.
    pub municipalities: Vec<String>,
    pub disabled: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Client {
    pub fn has(&self, scope: Scope) -> bool {
        !self.disabled && self.scopes.contains(&scope)
    }

    pub fn covers(&self, municipality_code: &str) -> bool {
        self.municipalities
            .iter()
            .any(|code| code == municipality_code)
    }
}

/// One entry of the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The position in the feed: increasing, never reused.
    pub seq: i64,
    pub id: uuid::Uuid,
    pub kind: EventKind,
    pub neighbourhood_id: uuid::Uuid,
    pub municipality_code: String,
    /// The post, match, case or membership the event is about.
    pub subject_id: uuid::Uuid,
    /// The post it concerns, when there is one.
    pub post_id: Option<uuid::Uuid>,
    pub occurred_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookStatus {
    Active,
    /// Stopped after repeated failure; deliveries wait until the partner resumes it.
    Paused,
}

impl WebhookStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Paused => "paused",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "active" => Some(Self::Active),
            "paused" => Some(Self::Paused),
            _ => None,
        }
    }
}

/// A partner's subscription to events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: uuid::Uuid,
    pub client_id: String,
    pub url: String,
    /// The signing secret: known when the webhook is made and when a delivery is claimed;
    /// empty otherwise (it is stored sealed and never read back for anything else).
    pub secret: String,
    /// Empty: every kind the client may see.
    pub kinds: Vec<EventKind>,
    pub status: WebhookStatus,
    pub consecutive_failures: u32,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    /// Every attempt failed.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "delivered" => Some(Self::Delivered),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// One event on its way to one webhook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: uuid::Uuid,
    pub webhook_id: uuid::Uuid,
    pub event_seq: i64,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub next_attempt_at: chrono::DateTime<chrono::Utc>,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// How hard deliveries are tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// The wait before the second attempt; it doubles for each further one.
    pub retry_base: std::time::Duration,
    /// Attempts per delivery before it is given up as failed.
    pub max_attempts: u32,
    /// Failed attempts in a row (over all its deliveries) that pause a webhook.
    pub pause_after: u32,
}

/// What a wijkteam receives of a case referred to it: exactly what the requester's care-data
/// consent covers (the request, why it was escalated, the mediator's summary, and how to reach
/// the requester). Never the mediators' private notes, the street or the house number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub case_id: uuid::Uuid,
    pub request_id: uuid::Uuid,
    pub neighbourhood_id: uuid::Uuid,
    pub municipality_code: String,
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    pub urgency: Option<String>,
    pub reason: Option<String>,
    pub summary: Option<String>,
    pub requester_name: String,
    pub requester_email: String,
    pub requester_phone: Option<String>,
    pub requester_postcode: Option<String>,
    pub referred_at: chrono::DateTime<chrono::Utc>,
}
