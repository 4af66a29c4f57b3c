CREATE TABLE post_reports (
    id TEXT PRIMARY KEY NOT NULL,
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    reporter_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (reason IN ('spam', 'abuse', 'privacy', 'wrong_category', 'other')),
    details TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX post_reports_post_reporter_key ON post_reports (post_id, reporter_id);
DROP TABLE moderation_log;
DROP TABLE write_events;
ALTER TABLE match_messages DROP COLUMN removed_at;
ALTER TABLE neighbourhoods DROP COLUMN first_posts_reviewed;
DROP TABLE post_reviews;
DROP TABLE posting_suspensions;
DROP TABLE moderation_decisions;
DROP TABLE reports;
