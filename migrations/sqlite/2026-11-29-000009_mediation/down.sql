DROP TRIGGER case_audit_no_delete;
DROP TRIGGER case_audit_no_update;
DROP TABLE case_audit;
DROP TABLE case_referrals;
DROP TABLE case_notes;
DROP TABLE cases;
DROP TABLE consents;
ALTER TABLE neighbourhoods DROP COLUMN escalate_after_days;
