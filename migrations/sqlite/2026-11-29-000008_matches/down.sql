ALTER TABLE notifications DROP COLUMN match_id;
DROP TABLE match_messages;
DROP TABLE matches;
