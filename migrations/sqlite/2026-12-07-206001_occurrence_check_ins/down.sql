ALTER TABLE occurrence_rsvps DROP COLUMN checked_in_at;
