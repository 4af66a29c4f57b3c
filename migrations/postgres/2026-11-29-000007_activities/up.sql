-- Who comes to an activity. One row per person, kept when cancelled, so attendance can be
-- measured later.
CREATE TABLE rsvps (
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('going', 'waitlisted', 'cancelled')),
    -- Arrival order within the activity: the waitlist moves up in this order.
    position BIGINT NOT NULL,
    checked_in_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE UNIQUE INDEX rsvps_position_key ON rsvps (post_id, position);
CREATE INDEX rsvps_status_idx ON rsvps (post_id, status, position);
CREATE INDEX rsvps_user_idx ON rsvps (user_id);

-- Co-organisers an author adds to an activity.
CREATE TABLE activity_organisers (
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
