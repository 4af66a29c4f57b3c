DROP TRIGGER moderation_log_target_is_a_member;
DROP TRIGGER moderation_log_no_update;
CREATE TRIGGER moderation_log_no_update BEFORE UPDATE ON moderation_log
BEGIN
    SELECT RAISE(ABORT, 'moderation_log is append-only');
END;
