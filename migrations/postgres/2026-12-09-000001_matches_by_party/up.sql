-- A user's matches newest first, as requester and as helper: each an index range that a page
-- of `GET /v1/me/matches` continues from its cursor `(created_at, id)`, however deep.
DROP INDEX matches_requester_idx;
CREATE INDEX matches_requester_idx ON matches (requester_id, created_at, id);
CREATE INDEX matches_helper_recent_idx ON matches (helper_id, created_at, id);
