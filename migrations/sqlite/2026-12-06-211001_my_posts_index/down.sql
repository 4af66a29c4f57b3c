DROP INDEX posts_author_feed_idx;
