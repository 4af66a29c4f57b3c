DROP TABLE call_list_items;
DROP TABLE offline_audit;
DROP TABLE offline_filings;
DROP TABLE offline_claim_codes;
DROP TABLE offline_residents;
ALTER TABLE users DROP COLUMN offline;
