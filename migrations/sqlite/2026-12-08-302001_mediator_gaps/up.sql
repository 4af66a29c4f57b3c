-- issue 20 (h20rest): the match an entry of a case's audit log concerns (a brokered match's
-- steps, steps taken for an offline resident, a lapse of lasting help), for the case's
-- timeline. No foreign key: the log outlives what it is about.
ALTER TABLE case_audit ADD COLUMN match_id TEXT;
DROP TRIGGER case_audit_no_update;
CREATE TRIGGER case_audit_no_update
BEFORE UPDATE OF id, case_id, action, created_at, match_id ON case_audit
BEGIN
    SELECT RAISE(ABORT, 'case_audit is append-only');
END;

-- A message a mediator wrote in a match's thread for the offline resident who is its party:
-- who wrote it (the author stays the resident). NULL when the author wrote it.
ALTER TABLE match_messages ADD COLUMN sent_by TEXT;

-- The intake record of an offline resident who claimed it with an account: who registered
-- them, when, and how their consent was given, for that account's export. The contact
-- details recorded at intake end with the offline record.
CREATE TABLE offline_claims (
    resident_id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    registered_by TEXT NOT NULL,
    registered_at TIMESTAMP NOT NULL,
    consent_method TEXT NOT NULL CHECK (consent_method IN ('phone', 'in_person', 'paper')),
    consent_given_at TIMESTAMP NOT NULL,
    claimed_at TIMESTAMP NOT NULL
);
CREATE INDEX offline_claims_account_idx ON offline_claims (account_id);

-- Retention (issue 20): done call-list items and expired claim codes by age.
CREATE INDEX call_list_items_done_idx ON call_list_items (done_at);
CREATE INDEX offline_claim_codes_expiry_idx ON offline_claim_codes (expires_at);
