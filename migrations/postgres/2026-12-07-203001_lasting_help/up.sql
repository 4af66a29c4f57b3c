-- Lasting help ("maatjes", issue 20): a request may ask for help that recurs.
ALTER TABLE posts ADD COLUMN recurrence TEXT CHECK (recurrence IN ('weekly', 'fortnightly', 'monthly'));
-- The last day help is asked for (YYYY-MM-DD); only with a recurrence.
ALTER TABLE posts ADD COLUMN recurrence_ends_on TEXT;

-- An accepted match on a recurring request: it runs until either party ends it (or the match
-- ends otherwise). Its schedule is copied from the request when the match is accepted.
CREATE TABLE arrangements (
    match_id TEXT PRIMARY KEY NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    request_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    recurrence TEXT NOT NULL CHECK (recurrence IN ('weekly', 'fortnightly', 'monthly')),
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    ended_at TIMESTAMP,
    ended_by TEXT CHECK (ended_by IN ('requester', 'helper')),
    end_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    CHECK ((ended_at IS NULL) = (ended_by IS NULL))
);
CREATE INDEX arrangements_running_idx ON arrangements (ended_at, match_id);

-- One session of an arrangement, recorded by either party: it happened or it was skipped.
CREATE TABLE arrangement_sessions (
    match_id TEXT NOT NULL REFERENCES arrangements (match_id) ON DELETE CASCADE,
    on_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('done', 'skipped')),
    note_to_mediator TEXT,
    recorded_by TEXT NOT NULL CHECK (recorded_by IN ('requester', 'helper')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (match_id, on_date)
);

-- A lapse the job noticed (sessions missed since `since`) and the case it went to: once per
-- lapse, whatever runs the job at the same time.
CREATE TABLE arrangement_lapses (
    match_id TEXT NOT NULL REFERENCES arrangements (match_id) ON DELETE CASCADE,
    since TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    noticed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (match_id, since)
);
