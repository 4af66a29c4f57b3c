-- Attendance per activity keeps who had to wait, also after they moved up.
ALTER TABLE rsvps ADD COLUMN waitlisted_at TIMESTAMP;
