CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    -- Normalised (trimmed, lower case) by the application, so one mailbox is one account.
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    postcode TEXT,
    street TEXT,
    house_number TEXT,
    phone TEXT,
    bio TEXT,
    -- Comma-separated category and language codes, which never contain commas.
    skills TEXT NOT NULL DEFAULT '',
    interests TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    platform_admin BOOLEAN NOT NULL DEFAULT FALSE,
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- One row per refresh token ever issued. A family is one login: every rotation stays in it, and
-- presenting a spent token revokes the whole family.
CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    family_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- SHA-256 of the token: the token itself is never stored.
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

-- Failed logins within the throttling window, per account (normalised email, whether or not
-- it exists) and per client address.
CREATE TABLE login_failures (
    id TEXT PRIMARY KEY NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('account', 'client')),
    subject TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_lookup_idx ON login_failures (scope, subject, failed_at);
