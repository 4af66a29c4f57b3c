-- Membership that means something (issue 16): how a membership was verified (NULL: not
-- verified, it rests on a claimed postcode), whether it was a postcode claim, when the
-- account's postcode last changed, every join (for the daily limit), and verification letters.
ALTER TABLE memberships ADD COLUMN verification TEXT
    CHECK (verification IN ('existing', 'invite', 'vouch', 'moderator', 'letter'));
ALTER TABLE memberships ADD COLUMN via_postcode BOOLEAN NOT NULL DEFAULT FALSE;
-- Who vouched for or approved the member (NULL for invites, letters and older members).
ALTER TABLE memberships ADD COLUMN verified_by TEXT REFERENCES users (id) ON DELETE SET NULL;
-- Members from before verification existed keep what they had.
UPDATE memberships SET verification = 'existing' WHERE status = 'active';
CREATE INDEX memberships_postcode_claims_idx ON memberships (user_id) WHERE via_postcode;

ALTER TABLE users ADD COLUMN postcode_changed_at TIMESTAMP;

CREATE TABLE membership_joins (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    joined_at TIMESTAMP NOT NULL
);
CREATE INDEX membership_joins_user_idx ON membership_joins (user_id, joined_at);

-- A letter to a claimed address: its code verifies the member once, before it expires. The
-- address is kept as printed so the batch can be printed again.
CREATE TABLE verification_letters (
    id TEXT PRIMARY KEY NOT NULL,
    batch_id TEXT NOT NULL,
    neighbourhood_id TEXT NOT NULL REFERENCES neighbourhoods (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code TEXT NOT NULL UNIQUE,
    recipient TEXT NOT NULL,
    street TEXT NOT NULL,
    house_number TEXT NOT NULL,
    postcode TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    redeemed_at TIMESTAMP
);
CREATE INDEX verification_letters_batch_idx ON verification_letters (batch_id);
CREATE INDEX verification_letters_member_idx ON verification_letters (neighbourhood_id, user_id);
