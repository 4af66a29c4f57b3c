-- Residents without an account (or not yet), registered by a mediator: a users row that cannot
-- sign in (no e-mail of its own, no password), with how to reach them and their consent here.
ALTER TABLE users ADD COLUMN offline BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE offline_residents (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    postal_address TEXT,
    consent_method TEXT NOT NULL CHECK (consent_method IN ('phone', 'in_person', 'paper')),
    consent_given_at TIMESTAMP NOT NULL,
    registered_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX offline_residents_neighbourhood_idx ON offline_residents (neighbourhood_id, created_at, user_id);

-- Single-use codes with which a resident takes over their offline record (kept as hashes).
CREATE TABLE offline_claim_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    resident_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX offline_claim_codes_resident_idx ON offline_claim_codes (resident_id);

-- Requests a mediator filed for an offline resident: who filed them.
CREATE TABLE offline_filings (
    post_id TEXT PRIMARY KEY NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    filed_by TEXT NOT NULL,
    filed_at TIMESTAMP NOT NULL
);

-- What mediators did for an offline resident (intake, filing, match steps, claim codes), and
-- when. Append-only, without foreign keys, so it outlives what it is about.
CREATE TABLE offline_audit (
    id TEXT PRIMARY KEY NOT NULL,
    resident_id TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    subject_id TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX offline_audit_resident_idx ON offline_audit (resident_id, created_at, id);

-- Updates for offline residents that no SMS gateway carries: a mediator passes them on.
CREATE TABLE call_list_items (
    id TEXT PRIMARY KEY NOT NULL,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    resident_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    post_id TEXT,
    match_id TEXT,
    created_at TIMESTAMP NOT NULL,
    done_at TIMESTAMP,
    done_by TEXT
);
CREATE INDEX call_list_items_open_idx ON call_list_items (neighbourhood_id, done_at, created_at, id);
