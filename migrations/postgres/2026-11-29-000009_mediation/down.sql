DROP TABLE case_audit;
DROP FUNCTION case_audit_append_only();
DROP TABLE case_referrals;
DROP TABLE case_notes;
DROP TABLE cases;
DROP TABLE consents;
ALTER TABLE neighbourhoods DROP COLUMN escalate_after_days;
