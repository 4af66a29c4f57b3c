DROP INDEX offline_claim_codes_expiry_idx;
DROP INDEX call_list_items_done_idx;
DROP TABLE offline_claims;
ALTER TABLE match_messages DROP COLUMN sent_by;
DROP TRIGGER case_audit_no_update;
CREATE TRIGGER case_audit_no_update BEFORE UPDATE OF id, case_id, action, created_at ON case_audit
BEGIN
    SELECT RAISE(ABORT, 'case_audit is append-only');
END;
ALTER TABLE case_audit DROP COLUMN match_id;
