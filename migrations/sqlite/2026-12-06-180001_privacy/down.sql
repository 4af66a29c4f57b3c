DROP INDEX notifications_created_idx;
DROP TABLE account_erasures;
DROP TRIGGER role_grants_no_update;
CREATE TRIGGER role_grants_no_update BEFORE UPDATE ON role_grants
BEGIN
    SELECT RAISE(ABORT, 'role_grants is append-only');
END;
DROP TRIGGER case_audit_no_update;
CREATE TRIGGER case_audit_no_update BEFORE UPDATE ON case_audit
BEGIN
    SELECT RAISE(ABORT, 'case_audit is append-only');
END;
ALTER TABLE case_notes DROP COLUMN working;
DROP TABLE consent_events;
ALTER TABLE users DROP COLUMN erased_at;
