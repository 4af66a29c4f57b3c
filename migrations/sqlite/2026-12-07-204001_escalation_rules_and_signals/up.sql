-- Issue 20 (h20d). Per neighbourhood and category: whether an unanswered request goes to the
-- mediators by itself, and after how many days (moderators set it). A category without a row
-- follows the default: goods lending never, every other after `escalate_after_days`.
CREATE TABLE escalation_rules (
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    category TEXT NOT NULL CHECK (category IN ('goods', 'knowledge', 'skills', 'help', 'care')),
    escalates BOOLEAN NOT NULL,
    after_days INTEGER CHECK (after_days BETWEEN 1 AND 60),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (neighbourhood_id, category),
    CHECK (escalates = (after_days IS NOT NULL))
);

-- Patterns `buurt run-jobs` found for the neighbourhood's mediators. One per (kind, subject,
-- evidence), and at most one not yet acknowledged per (kind, subject): newer evidence refreshes
-- that one. A signal about a person goes with the person's account.
CREATE TABLE signals (
    id TEXT PRIMARY KEY NOT NULL,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('unanswered_requests', 'lasting_help_lapsed', 'solved_share_dropped', 'follow_up_overdue')),
    subject TEXT NOT NULL,
    evidence TEXT NOT NULL,
    person_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    case_id TEXT REFERENCES cases (id) ON DELETE CASCADE,
    arrangement_id TEXT,
    count BIGINT,
    quarter TEXT,
    share_percent BIGINT,
    previous_share_percent BIGINT,
    follow_up_at TIMESTAMP,
    raised_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    acknowledged_by TEXT REFERENCES users (id) ON DELETE SET NULL,
    acknowledgement_note TEXT,
    CHECK ((acknowledged_at IS NULL) = (acknowledgement_note IS NULL))
);
CREATE UNIQUE INDEX signals_evidence_key ON signals (neighbourhood_id, kind, subject, evidence);
CREATE UNIQUE INDEX signals_open_key ON signals (neighbourhood_id, kind, subject) WHERE acknowledged_at IS NULL;
CREATE INDEX signals_list_idx ON signals (neighbourhood_id, raised_at, id);

-- Who read or acknowledged which signal, and when.
CREATE TABLE signal_audit (
    id TEXT PRIMARY KEY NOT NULL,
    signal_id TEXT NOT NULL REFERENCES signals (id) ON DELETE CASCADE,
    actor_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX signal_audit_signal_idx ON signal_audit (signal_id, created_at, id);
