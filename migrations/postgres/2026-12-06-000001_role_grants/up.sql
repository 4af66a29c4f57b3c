-- Every grant or withdrawal of a role (in a neighbourhood, professional for a municipality,
-- platform administrator): who, to whom, what, where and when. Append-only: a trigger refuses
-- changes, and it has no foreign keys, so it outlives the accounts it names.
CREATE TABLE role_grants (
    id TEXT PRIMARY KEY NOT NULL,
    actor_id TEXT,
    target_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('resident', 'mediator', 'moderator', 'professional', 'platform_admin')),
    neighbourhood_id TEXT,
    municipality_code TEXT,
    change TEXT NOT NULL CHECK (change IN ('granted', 'revoked')),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX role_grants_created_idx ON role_grants (created_at, id);
CREATE INDEX role_grants_target_idx ON role_grants (target_id, created_at, id);

CREATE FUNCTION role_grants_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'role_grants is append-only';
END
$$;
CREATE TRIGGER role_grants_no_change BEFORE UPDATE OR DELETE ON role_grants
    FOR EACH ROW EXECUTE FUNCTION role_grants_append_only();
