-- Access tokens carry the generation they were issued in: bumping it (a new password, a
-- suspension) ends every token issued before. A suspended account cannot sign in.
ALTER TABLE users ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN suspended_at TIMESTAMP;
