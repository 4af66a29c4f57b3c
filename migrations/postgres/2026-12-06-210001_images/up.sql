-- Uploaded images (issue 21). The bytes live in the object store (`images/<id>/<width>.jpg`,
-- re-encoded, one per fixed width); this row says whose they are and where they are shown.
-- An image is shown in one place at most: on a post (`post_id`, `position` 0–5) or as
-- someone's avatar (`avatar_of`); neither means only its uploader may see it.
CREATE TABLE images (
    id TEXT PRIMARY KEY NOT NULL,
    uploader_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    post_id TEXT REFERENCES posts (id) ON DELETE CASCADE,
    position INTEGER CHECK (position >= 0 AND position < 6),
    avatar_of TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (post_id IS NULL OR avatar_of IS NULL),
    CHECK ((post_id IS NULL) = (position IS NULL))
);
CREATE UNIQUE INDEX images_post_position_idx ON images (post_id, position);
CREATE UNIQUE INDEX images_avatar_idx ON images (avatar_of);
CREATE INDEX images_uploader_idx ON images (uploader_id, created_at);
