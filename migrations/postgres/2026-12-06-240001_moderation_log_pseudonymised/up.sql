-- Erasing an account pseudonymises the moderation log as it does the case audit: the person's
-- id (as actor, or as the member a line is about) is replaced by the tombstone's. Nothing else
-- of an entry may ever change, and nothing is deleted.
CREATE OR REPLACE FUNCTION moderation_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.neighbourhood_id = OLD.neighbourhood_id
        AND NEW.action = OLD.action AND NEW.target_kind = OLD.target_kind
        AND NEW.reason IS NOT DISTINCT FROM OLD.reason AND NEW.created_at = OLD.created_at
        AND (NEW.target_id = OLD.target_id OR OLD.target_kind = 'member') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'moderation_log is append-only';
END
$$;
