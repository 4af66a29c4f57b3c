DELETE FROM deliveries WHERE channel = 'sms';
CREATE TABLE deliveries_old (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('push', 'email')),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    settled_at TIMESTAMP,
    last_error TEXT
);
INSERT INTO deliveries_old (id, user_id, channel, kind, payload, status, attempts,
                            next_attempt_at, created_at, settled_at, last_error)
SELECT id, user_id, channel, kind, payload, status, attempts, next_attempt_at, created_at,
       settled_at, last_error
FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_old RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_user ON deliveries (user_id, created_at);
