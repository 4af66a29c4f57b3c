-- The in-app inbox. Kinds are added by later capabilities, so the application, not a CHECK,
-- keeps the list (SQLite cannot change a CHECK without rebuilding the table).
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    post_id TEXT REFERENCES posts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);
CREATE INDEX notifications_inbox_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_post_idx ON notifications (post_id);
