-- Erasing an account pseudonymises the moderation log as it does the case audit: the person's
-- id (as actor, or as the member a line is about) is replaced by the tombstone's. Nothing else
-- of an entry may ever change, and nothing is deleted.
DROP TRIGGER moderation_log_no_update;
CREATE TRIGGER moderation_log_no_update
BEFORE UPDATE OF id, neighbourhood_id, action, target_kind, reason, created_at ON moderation_log
BEGIN
    SELECT RAISE(ABORT, 'moderation_log is append-only');
END;
CREATE TRIGGER moderation_log_target_is_a_member
BEFORE UPDATE OF target_id ON moderation_log
WHEN OLD.target_kind <> 'member'
BEGIN
    SELECT RAISE(ABORT, 'moderation_log is append-only');
END;
