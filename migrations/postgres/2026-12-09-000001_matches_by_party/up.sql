-- A requester's matches newest first, continued from a cursor `(created_at, id)`: the row
-- comparison is an index condition on all three columns (GET /v1/me/matches).
DROP INDEX matches_requester_idx;
CREATE INDEX matches_requester_idx ON matches (requester_id, created_at, id);
