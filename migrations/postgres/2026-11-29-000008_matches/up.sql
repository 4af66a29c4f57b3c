-- A helper and a request. At most `helpers_needed` of a request's matches are accepted at
-- once: an accepted (or completed) match holds one of the request's numbered places, and the
-- unique index lets no place be held twice.
CREATE TABLE matches (
    id TEXT PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    requester_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    helper_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    offer_id TEXT REFERENCES posts (id) ON DELETE SET NULL,
    proposed_by TEXT NOT NULL CHECK (proposed_by IN ('requester', 'helper')),
    status TEXT NOT NULL
        CHECK (status IN ('proposed', 'accepted', 'declined', 'cancelled', 'completed', 'no_show')),
    message TEXT,
    thanks TEXT,
    accepted_slot INTEGER CHECK (accepted_slot BETWEEN 1 AND 20),
    -- The request's helpers_needed when the place was taken.
    slot_limit INTEGER NOT NULL CHECK (slot_limit BETWEEN 1 AND 20),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (accepted_slot IS NULL OR accepted_slot <= slot_limit),
    CHECK ((status IN ('accepted', 'completed')) = (accepted_slot IS NOT NULL)),
    CHECK (requester_id <> helper_id)
);
CREATE UNIQUE INDEX matches_slot_key ON matches (request_id, accepted_slot);
-- One live match per helper and request.
CREATE UNIQUE INDEX matches_live_pair_key ON matches (request_id, helper_id)
    WHERE status IN ('proposed', 'accepted');
CREATE INDEX matches_helper_idx ON matches (helper_id, status);
CREATE INDEX matches_requester_idx ON matches (requester_id, created_at);
CREATE INDEX matches_request_idx ON matches (request_id, created_at);

CREATE TABLE match_messages (
    id TEXT PRIMARY KEY NOT NULL,
    match_id TEXT NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX match_messages_thread_idx ON match_messages (match_id, created_at, id);

-- Notifications about a match point at it.
ALTER TABLE notifications ADD COLUMN match_id TEXT REFERENCES matches (id) ON DELETE CASCADE;
