-- Outgoing messages (push, e-mail), written in the transaction of the change that caused them
-- and sent by a worker in every process: `next_attempt_at` doubles as the claim's lease.
CREATE TABLE deliveries (
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
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_user ON deliveries (user_id, created_at);

-- Per-user settings; no row means the defaults.
CREATE TABLE notification_settings (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Minutes after midnight in Europe/Amsterdam; both NULL: no quiet hours.
    quiet_start INTEGER CHECK (quiet_start BETWEEN 0 AND 1439),
    quiet_end INTEGER CHECK (quiet_end BETWEEN 0 AND 1439),
    digest TEXT NOT NULL CHECK (digest IN ('never', 'weekly', 'daily')),
    updated_at TIMESTAMP NOT NULL,
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
);

-- Choices that differ from the defaults, per notification kind and channel.
CREATE TABLE notification_preferences (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('push', 'email')),
    enabled BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind, channel)
);

-- Single-use tokens sent by e-mail (only their SHA-256 is kept).
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose, created_at);

-- Which newsletter period (`2026-W49`, `2026-12-06`) each user has been sent: once each.
CREATE TABLE digest_sends (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    neighbourhood_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, period, neighbourhood_id)
);
