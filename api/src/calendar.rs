//! iCalendar (RFC 5545) for activities, in Dutch local time. The icalendar crate writes the
//! events (escaping and line folding included). The calendar around them is written here:
//! the crate writes a calendar's NAME unescaped, and has no time zone definitions.

use buurt_domain::posts::{Post, PostStatus};
use chrono::TimeZone;
use chrono_tz::Europe::Amsterdam;
use icalendar::{CalendarDateTime, Component, Event, EventLike, EventStatus};

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

/// Text as iCalendar TEXT may hold it: line breaks become `\n` (a lone CR too, so it cannot
/// end a content line), and other control characters, which TEXT forbids, are dropped.
fn plain(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// A TEXT value escaped (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    plain(text)
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Writes `NAME:value` as content lines of at most 75 octets, folded on character boundaries
/// (RFC 5545 §3.1).
fn content_line(out: &mut String, name: &str, value: &str) {
    const LIMIT: usize = 75;
    let line = format!("{name}:{value}");
    let mut rest = line.as_str();
    let mut limit = LIMIT;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut at = limit;
        while !rest.is_char_boundary(at) {
            at -= 1;
        }
        out.push_str(&rest[..at]);
        out.push_str("\r\n ");
        rest = &rest[at..];
        // A continuation line starts with the space that marks it.
        limit = LIMIT - 1;
    }
}

fn event(post: &Post) -> Option<Event> {
    let activity = post.content.activity.as_ref()?;
    let status = match post.status {
        PostStatus::Closed | PostStatus::Expired => EventStatus::Cancelled,
        _ => EventStatus::Confirmed,
    };
    let mut event = Event::new();
    event
        // Stable across edits and exports, so calendars update rather than duplicate.
        .uid(&format!("post-{}@buurt", post.id))
        .timestamp(post.updated_at)
        .summary(&plain(&post.content.title))
        .description(&plain(&post.content.body))
        .location(&plain(&activity.location))
        .starts(local(activity.starts_at))
        .ends(local(activity.ends_at))
        .status(status);
    // A series (issue 20) is one event that repeats at the same local time.
    if let Some(rule) = post.content.recurrence {
        event.add_property("RRULE", buurt_domain::lasting::rrule(rule));
    }
    Some(event.done())
}

/// A calendar with the given activities (other posts are left out): the calendar's own
/// properties, the time zone, then the events.
pub fn calendar(name: &str, posts: &[Post]) -> String {
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Buurt//Buurt//NL\r\nCALSCALE:GREGORIAN\r\n",
    );
    let name = escape(name);
    content_line(&mut out, "NAME", &name);
    content_line(&mut out, "X-WR-CALNAME", &name);
    content_line(&mut out, "X-WR-TIMEZONE", TZID);
    out.push_str(VTIMEZONE);
    for event in posts.iter().filter_map(event) {
        out.push_str(&event.to_string());
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_and_folded_on_character_boundaries() {
        let mut out = String::new();
        content_line(&mut out, "NAME", &escape("a;b,c\\d\r\ne\u{7}"));
        assert_eq!(out, "NAME:a\\;b\\,c\\\\d\\ne\r\n");

        let mut out = String::new();
        content_line(&mut out, "NAME", &"één ".repeat(40));
        for line in out.split_terminator("\r\n") {
            assert!(line.len() <= 75, "{line:?}");
        }
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, format!("NAME:{}", "één ".repeat(40)));
    }
}

#[cfg(test)]
mod series_tests {
    use buurt_domain::lasting::{Recurrence, RecurrenceRule};
    use buurt_domain::posts::{ActivityInput, PostContent, PostId, PostInput, PostKind};
    use chrono::TimeZone;

    #[test]
    fn a_series_is_one_event_with_its_rrule() {
        let now = chrono::Utc.with_ymd_and_hms(2027, 3, 1, 12, 0, 0).unwrap();
        let starts_at = chrono::Utc.with_ymd_and_hms(2027, 3, 6, 9, 0, 0).unwrap();
        let mut content = PostContent::validate(
            PostInput {
                kind: Some(PostKind::Activity),
                title: "Koffieochtend",
                body: "Elke week",
                activity: Some(ActivityInput {
                    starts_at,
                    ends_at: starts_at + chrono::Duration::hours(2),
                    location: "Buurthuis",
                    capacity: None,
                }),
                recurrence: Some(Recurrence::Weekly),
                ..PostInput::default()
            },
            now,
        )
        .unwrap();
        assert_eq!(
            content.recurrence,
            Some(RecurrenceRule {
                every: Recurrence::Weekly,
                ends_on: None
            })
        );
        content.recurrence = content.recurrence.map(|rule| RecurrenceRule {
            ends_on: Some(chrono::NaiveDate::from_ymd_opt(2027, 4, 11).unwrap()),
            ..rule
        });
        let post = buurt_domain::posts::Post {
            id: PostId::new(),
            neighbourhood_id: buurt_domain::neighbourhoods::NeighbourhoodId::new(),
            author_id: buurt_domain::accounts::UserId::new(),
            content,
            status: buurt_domain::posts::PostStatus::Open,
            hidden: false,
            created_at: now,
            updated_at: now,
        };
        let out = super::calendar("Kop", &[post]);
        assert_eq!(out.matches("BEGIN:VEVENT").count(), 1);
        assert!(
            out.contains("RRULE:FREQ=WEEKLY;UNTIL=20270411T215959Z\r\n"),
            "{out}"
        );
    }
}
