DROP TABLE arrangement_lapses;
DROP TABLE arrangement_sessions;
DROP TABLE arrangements;
ALTER TABLE posts DROP COLUMN recurrence_ends_on;
ALTER TABLE posts DROP COLUMN recurrence;
