-- The phones and tablets a user receives push notifications on. A token (from FCM or APNs)
-- belongs to one user at a time; a device lives as long as the login it was registered under
-- (`login_id` is that login's refresh-token family; NULL when registered with an access token
-- issued before logins were named in tokens).
CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login_id TEXT,
    platform TEXT NOT NULL CHECK (platform IN ('android', 'ios')),
    token TEXT NOT NULL,
    app_version TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX devices_token_key ON devices (token);
CREATE INDEX devices_user_idx ON devices (user_id, created_at, id);
CREATE INDEX devices_login_idx ON devices (login_id);
