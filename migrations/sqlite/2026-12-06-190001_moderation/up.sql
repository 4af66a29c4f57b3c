-- Reports on posts, match messages and members. `target_id` is the post, the message or the
-- member reported; `member_id` is the member concerned (the author, the sender, the member).
-- Open until a moderator resolves the target: one open report per reporter and target.
CREATE TABLE reports (
    id TEXT PRIMARY KEY NOT NULL,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    reporter_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('post', 'message', 'member')),
    target_id TEXT NOT NULL,
    member_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id TEXT REFERENCES posts (id) ON DELETE CASCADE,
    match_id TEXT REFERENCES matches (id) ON DELETE CASCADE,
    reason TEXT NOT NULL
        CHECK (reason IN ('spam', 'intimidation', 'discrimination', 'privacy', 'dangerous', 'other')),
    details TEXT,
    created_at TIMESTAMP NOT NULL,
    decision_id TEXT,
    resolved_at TIMESTAMP
);
CREATE UNIQUE INDEX reports_open_key ON reports (reporter_id, target_kind, target_id)
    WHERE resolved_at IS NULL;
-- The queue: a neighbourhood's open reports, oldest first.
CREATE INDEX reports_queue_idx ON reports (neighbourhood_id, created_at, target_id)
    WHERE resolved_at IS NULL;
CREATE INDEX reports_target_idx ON reports (target_kind, target_id);
CREATE INDEX reports_reporter_idx ON reports (reporter_id, created_at);

-- What a moderator decided about one reported target, and the member's one appeal.
CREATE TABLE moderation_decisions (
    id TEXT PRIMARY KEY NOT NULL,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('post', 'message', 'member')),
    target_id TEXT NOT NULL,
    member_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    action TEXT NOT NULL CHECK (action IN
        ('dismiss', 'hide_post', 'remove_message', 'warn', 'suspend', 'remove_member')),
    reason TEXT NOT NULL,
    suspended_until TIMESTAMP,
    decided_by TEXT,
    decided_at TIMESTAMP NOT NULL,
    appeal_text TEXT,
    appealed_at TIMESTAMP,
    appeal_outcome TEXT CHECK (appeal_outcome IN ('upheld', 'overturned')),
    appeal_reason TEXT,
    appeal_decided_by TEXT,
    appeal_decided_at TIMESTAMP,
    CHECK (action <> 'suspend' OR suspended_until IS NOT NULL),
    CHECK (appeal_outcome IS NULL OR appealed_at IS NOT NULL)
);
CREATE INDEX moderation_decisions_member_idx ON moderation_decisions (member_id, decided_at);

-- Members suspended from posting in one neighbourhood until a time.
CREATE TABLE posting_suspensions (
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    until TIMESTAMP NOT NULL,
    decision_id TEXT NOT NULL,
    PRIMARY KEY (neighbourhood_id, user_id)
);

-- Posts held for a moderator (`first_posts_reviewed`): hidden until reviewed.
CREATE TABLE post_reviews (
    post_id TEXT PRIMARY KEY NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    held_at TIMESTAMP NOT NULL,
    reviewed_at TIMESTAMP,
    reviewed_by TEXT
);
CREATE INDEX post_reviews_waiting_idx ON post_reviews (neighbourhood_id, held_at)
    WHERE reviewed_at IS NULL;
CREATE INDEX post_reviews_author_idx ON post_reviews (author_id, neighbourhood_id);

ALTER TABLE neighbourhoods ADD COLUMN first_posts_reviewed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE match_messages ADD COLUMN removed_at TIMESTAMP;

-- Recent writes per user and kind, for the write limits (pruned as they age out).
CREATE TABLE write_events (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('post', 'message', 'report', 'offer')),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX write_events_user_idx ON write_events (user_id, kind, created_at);

-- Every hide, unhide, removal, suspension, role change, resolution and appeal: who, what, why,
-- when. Append-only (triggers refuse changes) and without foreign keys, so it outlives what it
-- names.
CREATE TABLE moderation_log (
    id TEXT PRIMARY KEY NOT NULL,
    neighbourhood_id TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    reason TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX moderation_log_idx ON moderation_log (neighbourhood_id, created_at, id);

-- The reports of before: their reasons map onto the fixed list.
INSERT INTO reports (id, neighbourhood_id, reporter_id, target_kind, target_id, member_id,
                     post_id, reason, details, created_at)
SELECT r.id, p.neighbourhood_id, r.reporter_id, 'post', r.post_id, p.author_id, r.post_id,
       CASE r.reason WHEN 'abuse' THEN 'intimidation' WHEN 'wrong_category' THEN 'other'
                     ELSE r.reason END,
       r.details, r.created_at
FROM post_reports r JOIN posts p ON p.id = r.post_id;
DROP TABLE post_reports;

CREATE TRIGGER moderation_log_no_update BEFORE UPDATE ON moderation_log
BEGIN
    SELECT RAISE(ABORT, 'moderation_log is append-only');
END;
CREATE TRIGGER moderation_log_no_delete BEFORE DELETE ON moderation_log
BEGIN
    SELECT RAISE(ABORT, 'moderation_log is append-only');
END;
