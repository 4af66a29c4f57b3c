-- How long a request may stay unmatched before mediators get it (moderators set it).
ALTER TABLE neighbourhoods ADD COLUMN escalate_after_days INTEGER NOT NULL DEFAULT 3 CHECK (escalate_after_days BETWEEN 1 AND 60);

CREATE TABLE consents (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('terms', 'care_data')),
    given_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    PRIMARY KEY (user_id, kind)
);

-- A request the online network could not solve, handled by mediators offline.
CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    requester_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('new', 'claimed', 'in_progress', 'resolved')),
    outcome TEXT CHECK (outcome IN ('matched_online', 'solved_offline', 'referred_wijkteam', 'not_solvable', 'withdrawn')),
    summary TEXT,
    reason TEXT,
    escalated_by TEXT NOT NULL CHECK (escalated_by IN ('requester', 'mediator', 'job', 'care_consent')),
    claimed_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    follow_up_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((status = 'resolved') = (outcome IS NOT NULL))
);
-- One open case per request.
CREATE UNIQUE INDEX cases_open_request_key ON cases (request_id) WHERE status <> 'resolved';
CREATE INDEX cases_queue_idx ON cases (neighbourhood_id, status, created_at);

CREATE TABLE case_notes (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX case_notes_case_idx ON case_notes (case_id, created_at, id);

CREATE TABLE case_referrals (
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    professional_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    referred_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (case_id, professional_id)
);

-- Who read or wrote what of a case, and when. Append-only: triggers refuse changes, and it has
-- no foreign keys, so it outlives the case.
CREATE TABLE case_audit (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL,
    actor_id TEXT,
    action TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX case_audit_case_idx ON case_audit (case_id, created_at, id);

CREATE TRIGGER case_audit_no_update BEFORE UPDATE ON case_audit
BEGIN
    SELECT RAISE(ABORT, 'case_audit is append-only');
END;
CREATE TRIGGER case_audit_no_delete BEFORE DELETE ON case_audit
BEGIN
    SELECT RAISE(ABORT, 'case_audit is append-only');
END;
