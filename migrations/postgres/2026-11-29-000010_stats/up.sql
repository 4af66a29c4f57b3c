-- Monitoring: one row per countable fact, recorded in the transaction of the change itself.
-- `day`, `week` (its Monday) and `month` (its first day) are Europe/Amsterdam calendar dates
-- (YYYY-MM-DD), worked out by the application, so a period is an index range.
CREATE TABLE stat_events (
    -- What makes the fact one fact (`outcome:<request>`, `rsvp:<activity>:<user>`, …):
    -- recording it again changes nothing.
    key TEXT PRIMARY KEY NOT NULL,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN (
        'request_opened', 'first_response', 'accepted',
        'matched_online', 'solved_offline', 'referred_wijkteam', 'not_solvable', 'withdrawn', 'expired',
        'offer_posted', 'posted', 'helped', 'rsvp', 'attended', 'member_joined')),
    -- For counting distinct people only; never published.
    actor_id TEXT,
    seconds BIGINT CHECK (seconds >= 0),
    occurred_at TIMESTAMP NOT NULL,
    day TEXT COLLATE "C" NOT NULL,
    week TEXT COLLATE "C" NOT NULL,
    month TEXT COLLATE "C" NOT NULL
);
-- Every report reads ranges of this index and nothing else.
CREATE INDEX stat_events_report_idx ON stat_events (neighbourhood_id, kind, day)
    INCLUDE (week, month, actor_id, seconds);

-- Activities held, per neighbourhood and start.
CREATE INDEX posts_activity_start_idx ON posts (neighbourhood_id, starts_at) WHERE kind = 'activity';
