ALTER TABLE users DROP COLUMN suspended_at;
ALTER TABLE users DROP COLUMN token_generation;
