CREATE TABLE posts (
    id TEXT PRIMARY KEY NOT NULL,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('news', 'activity', 'request', 'offer')),
    status TEXT NOT NULL
        CHECK (status IN ('open', 'matched', 'fulfilled', 'closed', 'expired', 'in_mediation')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT CHECK (category IN ('goods', 'knowledge', 'skills', 'help', 'care')),
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'members')),
    urgency TEXT CHECK (urgency IN ('low', 'normal', 'high')),
    remote_ok BOOLEAN NOT NULL DEFAULT FALSE,
    helpers_needed INTEGER NOT NULL DEFAULT 1 CHECK (helpers_needed BETWEEN 1 AND 20),
    expires_at TIMESTAMP,
    expiry_warned_at TIMESTAMP,
    starts_at TIMESTAMP,
    ends_at TIMESTAMP,
    location TEXT,
    capacity INTEGER CHECK (capacity BETWEEN 1 AND 10000),
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- Care is for members only, whatever the application does.
    CHECK (category IS NULL OR category <> 'care' OR visibility = 'members'),
    CHECK (kind <> 'activity' OR (starts_at IS NOT NULL AND ends_at > starts_at AND location IS NOT NULL)),
    -- Dutch full-text search: stems, so `fietsen` finds `fiets`.
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('dutch', title), 'A') || setweight(to_tsvector('dutch', body), 'B')
    ) STORED
);
-- The feed: newest first within a neighbourhood.
CREATE INDEX posts_feed_idx ON posts (neighbourhood_id, created_at DESC, id DESC);
CREATE INDEX posts_author_idx ON posts (author_id);
CREATE INDEX posts_expiry_idx ON posts (expires_at) WHERE status = 'open' AND expires_at IS NOT NULL;
CREATE INDEX posts_search_idx ON posts USING GIN (search);

CREATE TABLE post_reports (
    id TEXT PRIMARY KEY NOT NULL,
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    reporter_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (reason IN ('spam', 'abuse', 'privacy', 'wrong_category', 'other')),
    details TEXT,
    created_at TIMESTAMP NOT NULL
);
-- One report per reporter and post.
CREATE UNIQUE INDEX post_reports_post_reporter_key ON post_reports (post_id, reporter_id);
