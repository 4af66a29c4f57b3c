DROP INDEX matches_requester_idx;
CREATE INDEX matches_requester_idx ON matches (requester_id, created_at);
