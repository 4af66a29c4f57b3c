DROP INDEX notifications_created_idx;
DROP TABLE account_erasures;
CREATE OR REPLACE FUNCTION role_grants_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'role_grants is append-only';
END
$$;
CREATE OR REPLACE FUNCTION case_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_audit is append-only';
END
$$;
ALTER TABLE case_notes DROP COLUMN working;
DROP TABLE consent_events;
ALTER TABLE users DROP COLUMN erased_at;
