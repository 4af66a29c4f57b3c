-- Issue 20: text messages to offline residents go through the delivery outbox as channel
-- `sms`. SQLite cannot change a CHECK in place: the table is rebuilt with its rows and
-- indexes (no table refers to it).
CREATE TABLE deliveries_new (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('push', 'email', 'sms')),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    settled_at TIMESTAMP,
    last_error TEXT
);
INSERT INTO deliveries_new (id, user_id, channel, kind, payload, status, attempts,
                            next_attempt_at, created_at, settled_at, last_error)
SELECT id, user_id, channel, kind, payload, status, attempts, next_attempt_at, created_at,
       settled_at, last_error
FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_user ON deliveries (user_id, created_at);
