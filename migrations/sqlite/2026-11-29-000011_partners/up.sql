-- Machine clients of partner systems (a wijkteam's case system, a municipality's dashboard).
CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- SHA-256 of the secret: the secret itself is shown once and never stored.
    secret_hash TEXT NOT NULL,
    -- Space-separated scopes and municipality codes, which never contain spaces.
    scopes TEXT NOT NULL,
    municipalities TEXT NOT NULL,
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The outbox: every change worth telling, written in the transaction of the change. Rows
-- arrive without `seq`; the sequencer numbers committed rows in one go, each number above
-- every number given before, so a reader paging by `seq` never steps over an event that
-- committed late (a transaction's own sequence value would not be in commit order).
CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    seq BIGINT UNIQUE,
    kind TEXT NOT NULL,
    neighbourhood_id TEXT NOT NULL,
    municipality_code TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    post_id TEXT,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX events_unsequenced_idx ON events (occurred_at, id) WHERE seq IS NULL;
CREATE INDEX events_municipality_idx ON events (municipality_code, seq);

CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    -- The signing key: needed to sign, so kept (shown to the partner once).
    secret TEXT NOT NULL,
    -- Space-separated event kinds; empty: every kind the client may see.
    kinds TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    -- The last event considered for this webhook.
    cursor BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_client_idx ON webhooks (client_id, created_at);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_seq BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_status INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_event_key ON webhook_deliveries (webhook_id, event_seq);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
