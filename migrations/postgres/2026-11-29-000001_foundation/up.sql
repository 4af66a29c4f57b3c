-- Instance-wide settings that every node must agree on (e.g. the generated JWT secret).
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
