-- Issue 18: privacy. An erased account leaves a tombstone row (a fresh id, no contact details)
-- that the posts others depend on, cases and audit entries point to instead of the person.
ALTER TABLE users ADD COLUMN erased_at TIMESTAMP;

-- Every grant and withdrawal of a consent, kept for the history `GET /v1/me/consents` shows.
CREATE TABLE consent_events (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('terms', 'care_data')),
    change TEXT NOT NULL CHECK (change IN ('given', 'withdrawn')),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX consent_events_user_idx ON consent_events (user_id, created_at, id);
INSERT INTO consent_events (id, user_id, kind, change, created_at)
    SELECT lower(hex(randomblob(16))), user_id, kind, 'given', given_at FROM consents;
INSERT INTO consent_events (id, user_id, kind, change, created_at)
    SELECT lower(hex(randomblob(16))), user_id, kind, 'withdrawn', withdrawn_at FROM consents
    WHERE withdrawn_at IS NOT NULL;

-- A working note is a mediator's own aid (impressions, reminders): not part of an export.
ALTER TABLE case_notes ADD COLUMN working BOOLEAN NOT NULL DEFAULT FALSE;

-- Erasing an account pseudonymises the audit logs: the person's id is replaced by the
-- tombstone's. Nothing else of an entry may ever change.
DROP TRIGGER case_audit_no_update;
CREATE TRIGGER case_audit_no_update BEFORE UPDATE OF id, case_id, action, created_at ON case_audit
BEGIN
    SELECT RAISE(ABORT, 'case_audit is append-only');
END;
DROP TRIGGER role_grants_no_update;
CREATE TRIGGER role_grants_no_update
BEFORE UPDATE OF id, role, neighbourhood_id, municipality_code, change, created_at ON role_grants
BEGIN
    SELECT RAISE(ABORT, 'role_grants is append-only');
END;

-- Who erased which account (the tombstone, never the person), when: an administrator's
-- erasure is audited here.
CREATE TABLE account_erasures (
    id TEXT PRIMARY KEY NOT NULL,
    tombstone_id TEXT NOT NULL,
    actor_id TEXT,
    by_admin BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE INDEX notifications_created_idx ON notifications (created_at);
