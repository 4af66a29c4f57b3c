//! Reaching people outside the app: channels, who wants what on which channel, quiet hours,
//! the digest's frequency, and how long a failed delivery waits before the next attempt.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Amsterdam;

use crate::notifications::NotificationKind;

/// A way out besides the in-app inbox (which every notice always reaches).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Push,
    Email,
    /// A text message to an offline resident's phone (issue 20): not a choice in anyone's
    /// settings, the way their updates go when an SMS gateway is configured.
    Sms,
}

impl Channel {
    /// The channels a user chooses between in their notification settings.
    pub const ALL: [Channel; 2] = [Self::Push, Self::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Push => "push",
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Push, Self::Email, Self::Sms]
            .into_iter()
            .find(|channel| channel.as_str() == raw)
    }
}

/// Whether a notice of `kind` goes out on `channel` for someone who never chose. Push is on
/// for everything; e-mail only for what someone would not want to miss for days.
pub fn enabled_by_default(kind: NotificationKind, channel: Channel) -> bool {
    use NotificationKind as K;
    match channel {
        Channel::Push | Channel::Sms => true,
        Channel::Email => matches!(
            kind,
            K::MatchProposed
                | K::MatchAccepted
                | K::MatchCancelled
                | K::PostExpiring
                | K::RsvpPromoted
                | K::CaseClaimed
                | K::CaseResolved
        ),
    }
}

/// How often the neighbourhood newsletter comes by e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DigestFrequency {
    Never,
    #[default]
    Weekly,
    Daily,
}

impl DigestFrequency {
    pub const ALL: [DigestFrequency; 3] = [Self::Never, Self::Weekly, Self::Daily];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Never => "never",
            Self::Weekly => "weekly",
            Self::Daily => "daily",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == raw)
    }
}

/// What a user chose: quiet hours, the digest, and the channels per notification kind that
/// differ from the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationSettings {
    pub quiet_hours: Option<QuietHours>,
    pub digest: DigestFrequency,
    pub choices: Vec<(NotificationKind, Channel, bool)>,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self {
            quiet_hours: Some(QuietHours::default()),
            digest: DigestFrequency::default(),
            choices: Vec::new(),
        }
    }
}

impl NotificationSettings {
    /// Whether a notice of `kind` goes out on `channel`.
    pub fn wants(&self, kind: NotificationKind, channel: Channel) -> bool {
        self.choices
            .iter()
            .rev()
            .find(|(k, c, _)| *k == kind && *c == channel)
            .map_or_else(|| enabled_by_default(kind, channel), |(_, _, on)| *on)
    }

    /// The choices that differ from the defaults, one per kind and channel (the last wins).
    pub fn normalised_choices(&self) -> Vec<(NotificationKind, Channel, bool)> {
        let mut out = Vec::new();
        for kind in NotificationKind::ALL {
            for channel in Channel::ALL {
                let on = self.wants(kind, channel);
                if on != enabled_by_default(kind, channel) {
                    out.push((kind, channel, on));
                }
            }
        }
        out
    }
}

/// A daily stretch of local time (Europe/Amsterdam) in which push waits; it may run past
/// midnight (22:00–07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Default for QuietHours {
    fn default() -> Self {
        Self {
            start: NaiveTime::from_hms_opt(22, 0, 0).expect("a valid time"),
            end: NaiveTime::from_hms_opt(7, 0, 0).expect("a valid time"),
        }
    }
}

impl QuietHours {
    /// From minutes after midnight; `None` for a minute outside the day.
    pub fn from_minutes(start: u32, end: u32) -> Option<Self> {
        let time = |m: u32| NaiveTime::from_hms_opt(m / 60, m % 60, 0);
        Some(Self {
            start: time(start)?,
            end: time(end)?,
        })
    }

    pub fn start_minutes(&self) -> u32 {
        self.start.hour() * 60 + self.start.minute()
    }

    pub fn end_minutes(&self) -> u32 {
        self.end.hour() * 60 + self.end.minute()
    }

    fn contains(&self, local: NaiveTime) -> bool {
        if self.start == self.end {
            false
        } else if self.start < self.end {
            self.start <= local && local < self.end
        } else {
            local >= self.start || local < self.end
        }
    }

    /// When a push due `now` may go out: `None` when now is outside the quiet hours, otherwise
    /// the moment they end (in Amsterdam's time, across daylight-saving changes).
    pub fn deferred_until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = now.with_timezone(&Amsterdam);
        if !self.contains(local.time()) {
            return None;
        }
        let mut day = local.date_naive();
        if local.time() >= self.end {
            day = day.succ_opt()?;
        }
        // The first instant at or after the end (a gap in a DST change moves it forward).
        let mut end = day.and_time(self.end);
        for _ in 0..4 {
            if let Some(at) = Amsterdam.from_local_datetime(&end).earliest() {
                return Some(at.with_timezone(&Utc));
            }
            end += Duration::minutes(30);
        }
        None
    }
}

/// How delivery attempts are spaced and bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base: Duration,
    pub max_attempts: u32,
}

impl RetryPolicy {
    /// The wait after the `attempts`-th failed attempt: doubling, at most a day; `None` when
    /// the delivery should be given up.
    pub fn next_wait(&self, attempts: u32) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let factor = 1_i32 << attempts.saturating_sub(1).min(16);
        Some((self.base * factor).min(Duration::days(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn quiet_hours_run_past_midnight_in_amsterdam_time() {
        let quiet = QuietHours::default();
        // 23:30 in Amsterdam in winter (UTC+1) is 22:30 UTC: deferred to 07:00 local, 06:00 UTC.
        assert_eq!(
            quiet.deferred_until(utc("2026-12-01T22:30:00Z")),
            Some(utc("2026-12-02T06:00:00Z"))
        );
        // 05:00 local: until 07:00 the same day.
        assert_eq!(
            quiet.deferred_until(utc("2026-12-02T04:00:00Z")),
            Some(utc("2026-12-02T06:00:00Z"))
        );
        // 12:00 local: not quiet.
        assert_eq!(quiet.deferred_until(utc("2026-12-02T11:00:00Z")), None);
        // Summer (UTC+2): 22:30 local is 20:30 UTC; 07:00 local is 05:00 UTC.
        assert_eq!(
            quiet.deferred_until(utc("2026-07-01T20:30:00Z")),
            Some(utc("2026-07-02T05:00:00Z"))
        );
        // The boundaries: 22:00 is quiet, 07:00 is not.
        assert!(quiet.deferred_until(utc("2026-12-01T21:00:00Z")).is_some());
        assert_eq!(quiet.deferred_until(utc("2026-12-02T06:00:00Z")), None);
    }

    #[test]
    fn quiet_hours_within_one_day_and_empty_ones() {
        let afternoon = QuietHours::from_minutes(13 * 60, 15 * 60).unwrap();
        assert_eq!(
            afternoon.deferred_until(utc("2026-12-02T13:00:00Z")),
            Some(utc("2026-12-02T14:00:00Z"))
        );
        assert_eq!(afternoon.deferred_until(utc("2026-12-02T15:00:00Z")), None);
        let none = QuietHours::from_minutes(600, 600).unwrap();
        assert_eq!(none.deferred_until(utc("2026-12-02T09:00:00Z")), None);
        assert!(QuietHours::from_minutes(1440, 0).is_none());
    }

    #[test]
    fn retries_double_and_end() {
        let policy = RetryPolicy {
            base: Duration::seconds(30),
            max_attempts: 4,
        };
        assert_eq!(policy.next_wait(1), Some(Duration::seconds(30)));
        assert_eq!(policy.next_wait(2), Some(Duration::seconds(60)));
        assert_eq!(policy.next_wait(3), Some(Duration::seconds(120)));
        assert_eq!(policy.next_wait(4), None);
    }

    #[test]
    fn defaults_keep_email_for_what_matters() {
        assert!(enabled_by_default(
            NotificationKind::MatchProposed,
            Channel::Email
        ));
        assert!(!enabled_by_default(
            NotificationKind::MatchMessage,
            Channel::Email
        ));
        assert!(
            NotificationKind::ALL
                .into_iter()
                .all(|kind| enabled_by_default(kind, Channel::Push))
        );
    }

    #[test]
    fn sms_is_a_channel_but_no_choice() {
        assert_eq!(Channel::parse("sms"), Some(Channel::Sms));
        assert!(!Channel::ALL.contains(&Channel::Sms));
    }
}
