-- FALLBACK ONLY: bench/run captures the feed statement from PostgreSQL's log on every run
-- (bench/statements.py --pgbench) and uses this file only when that fails, saying so in bold.
-- The feed's first page as the server ran it on 2026-11-29 for a member who is no moderator
-- (persistence/src/posts.rs `list_feed`: limit 20 + 1 to know whether there is a next page),
-- as diesel sends it. pgbench cannot `\set` a string, so bench/run passes the neighbourhood
-- and the reader with `-D nb=<uuid> -D reader=<uuid>`; with `-M prepared` they are bound as
-- parameters, as diesel binds them.
SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE (("posts"."neighbourhood_id" = :nb) AND (("posts"."hidden" = false) OR ("posts"."author_id" = :reader))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT 21;
