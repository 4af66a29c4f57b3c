-- Check-ins per occurrence of a recurring activity (issue 20): who came to which occurrence,
-- as `rsvps.checked_in_at` records it for one-off activities.
ALTER TABLE occurrence_rsvps ADD COLUMN checked_in_at TIMESTAMP;
