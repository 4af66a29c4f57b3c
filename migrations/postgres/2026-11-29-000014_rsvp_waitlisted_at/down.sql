ALTER TABLE rsvps DROP COLUMN waitlisted_at;
