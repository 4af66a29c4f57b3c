//! iCalendar (RFC 5545) for activities, in Dutch local time. The icalendar crate writes the
//! events (escaping and line folding included); the time zone definition it cannot write is
//! added here.

use buurt_domain::posts::{Post, PostStatus};
use chrono::TimeZone;
use chrono_tz::Europe::Amsterdam;
use icalendar::{Calendar, CalendarDateTime, Component, Event, EventLike, EventStatus};

pub const CONTENT_TYPE: &str = "text/calendar; charset=utf-8";
const TZID: &str = "Europe/Amsterdam";

/// Europe/Amsterdam as a VTIMEZONE: CET, with CEST from the last Sunday of March to the last
/// Sunday of October (the EU rule since 1996).
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\n\
TZID:Europe/Amsterdam\r\n\
BEGIN:DAYLIGHT\r\n\
TZOFFSETFROM:+0100\r\n\
TZOFFSETTO:+0200\r\n\
TZNAME:CEST\r\n\
DTSTART:19700329T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
END:DAYLIGHT\r\n\
BEGIN:STANDARD\r\n\
TZOFFSETFROM:+0200\r\n\
TZOFFSETTO:+0100\r\n\
TZNAME:CET\r\n\
DTSTART:19701025T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n";

fn local(at: chrono::DateTime<chrono::Utc>) -> CalendarDateTime {
    CalendarDateTime::WithTimezone {
        date_time: Amsterdam.from_utc_datetime(&at.naive_utc()).naive_local(),
        tzid: TZID.into(),
    }
}

fn event(post: &Post) -> Option<Event> {
    let activity = post.content.activity.as_ref()?;
    let status = match post.status {
        PostStatus::Closed | PostStatus::Expired => EventStatus::Cancelled,
        _ => EventStatus::Confirmed,
    };
    Some(
        Event::new()
            // Stable across edits and exports, so calendars update rather than duplicate.
            .uid(&format!("post-{}@buurt", post.id))
            .timestamp(post.updated_at)
            .summary(&post.content.title)
            .description(&post.content.body)
            .location(&activity.location)
            .starts(local(activity.starts_at))
            .ends(local(activity.ends_at))
            .status(status)
            .done(),
    )
}

/// A calendar with the given activities (other posts are left out).
pub fn calendar(name: &str, posts: &[Post]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name).timezone(TZID);
    for post in posts {
        if let Some(event) = event(post) {
            calendar.push(event);
        }
    }
    let text = calendar.done().to_string();
    // The time zone goes before the first event (or the end, when there is none).
    let at = text
        .find("BEGIN:VEVENT")
        .or_else(|| text.find("END:VCALENDAR"))
        .unwrap_or(text.len());
    format!("{}{VTIMEZONE}{}", &text[..at], &text[at..])
}
