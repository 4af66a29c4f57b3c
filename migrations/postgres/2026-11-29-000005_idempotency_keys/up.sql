-- POST requests with an Idempotency-Key: claimed when they start, completed with the
-- response they got, so a retry gets the same answer and changes nothing.
CREATE TABLE idempotency_keys (
    -- Whose key: a user id, or 'anonymous'.
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    -- SHA-256 of method, path and body: the same key with another request is refused.
    fingerprint TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    location TEXT,
    body BYTEA,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
