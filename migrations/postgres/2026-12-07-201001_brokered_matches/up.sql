-- A match a mediator brokered for a request (issue 20): the mediator proposed the helper, the
-- helper agrees first (`helper_accepted_at`), then the requester accepts. Every step is
-- audited on `case_id`, the case the match was brokered under (opened by the brokering when
-- the request had none).
CREATE TABLE brokered_matches (
    match_id TEXT PRIMARY KEY NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    -- The mediator; NULL once their account is erased.
    brokered_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    helper_accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX brokered_matches_case_idx ON brokered_matches (case_id);
CREATE INDEX brokered_matches_brokered_by_idx ON brokered_matches (brokered_by);
