-- GET /v1/me/posts: one's own posts, newest first, keyset paged.
CREATE INDEX posts_author_feed_idx ON posts (author_id, created_at DESC, id DESC);
