DROP INDEX offline_claim_codes_expiry_idx;
DROP INDEX call_list_items_done_idx;
DROP TABLE offline_claims;
ALTER TABLE match_messages DROP COLUMN sent_by;
CREATE OR REPLACE FUNCTION case_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id
        AND NEW.action = OLD.action AND NEW.created_at = OLD.created_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'case_audit is append-only';
END
$$;
ALTER TABLE case_audit DROP COLUMN match_id;
