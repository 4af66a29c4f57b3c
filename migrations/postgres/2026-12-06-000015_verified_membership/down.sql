DROP TABLE verification_letters;
DROP TABLE membership_joins;
ALTER TABLE users DROP COLUMN postcode_changed_at;
DROP INDEX memberships_postcode_claims_idx;
ALTER TABLE memberships DROP COLUMN via_postcode;
ALTER TABLE memberships DROP COLUMN verified_by;
ALTER TABLE memberships DROP COLUMN verification;
