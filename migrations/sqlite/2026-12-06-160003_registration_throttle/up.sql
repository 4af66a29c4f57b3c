-- Registrations are counted per client address like failed sign-ins, in the same window.
-- SQLite cannot change a CHECK constraint: the table is rebuilt.
CREATE TABLE login_failures_new (
    id TEXT PRIMARY KEY NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('account', 'client', 'registration')),
    subject TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
INSERT INTO login_failures_new (id, scope, subject, failed_at)
    SELECT id, scope, subject, failed_at FROM login_failures;
DROP TABLE login_failures;
ALTER TABLE login_failures_new RENAME TO login_failures;
CREATE INDEX login_failures_lookup_idx ON login_failures (scope, subject, failed_at);
