DROP INDEX posts_activity_start_idx;
DROP TABLE stat_events;
