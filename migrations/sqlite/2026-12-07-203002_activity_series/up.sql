-- Activities that recur (issue 20): `posts.recurrence` on an activity makes it a series; the
-- answers for each occurrence (by its day in the Netherlands, YYYY-MM-DD) are kept here, each
-- occurrence with its own places and waitlist. One-off activities keep using `rsvps`.
CREATE TABLE occurrence_rsvps (
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    occurrence TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('going', 'waitlisted', 'cancelled')),
    position BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, occurrence, user_id)
);
CREATE UNIQUE INDEX occurrence_rsvps_position_key ON occurrence_rsvps (post_id, occurrence, position);
CREATE INDEX occurrence_rsvps_user_idx ON occurrence_rsvps (user_id);
