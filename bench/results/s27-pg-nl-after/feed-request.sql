-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
-- BEGIN
SELECT pg_try_advisory_xact_lock(422877426292);
CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
SELECT "__diesel_schema_migrations"."version" FROM "__diesel_schema_migrations" ORDER BY "__diesel_schema_migrations"."version" DESC;
-- COMMIT
-- BEGIN
-- SET TIME ZONE 'UTC'
SELECT "settings"."key", "settings"."value" FROM "settings" WHERE ("settings"."key" = ANY('{jwt_secret}'));
-- SET CLIENT_ENCODING TO 'UTF8'
SELECT "webhooks"."id", "webhooks"."secret" FROM "webhooks";
-- COMMIT
SELECT "settings"."value" FROM "settings" WHERE ("settings"."key" = 'jwt_secret') LIMIT '1';
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
SELECT count(*) FROM settings;
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 08:15:12.897687')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 08:15:12.89826')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 08:15:12.898352')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 08:15:12.900188')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
-- SET TIME ZONE 'UTC'
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
-- SET CLIENT_ENCODING TO 'UTF8'
-- BEGIN
SELECT pg_advisory_xact_lock(hashtextextended('login:account:bewoner@example.nl', 7411));
DELETE FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" <= '2026-12-07 08:00:12.911882'));
SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" > '2026-12-07 08:00:12.911882')) ORDER BY "login_failures"."failed_at" DESC LIMIT '1000000';
SELECT pg_advisory_xact_lock(hashtextextended('login:client:127.0.0.1', 7411));
DELETE FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" <= '2026-12-07 08:00:12.911882'));
SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" > '2026-12-07 08:00:12.911882')) ORDER BY "login_failures"."failed_at" DESC LIMIT '1000000';
INSERT INTO "login_failures" ("id", "scope", "subject", "failed_at") VALUES ('a2718794-ca5e-41b6-a3f1-f991da230d57', 'account', 'bewoner@example.nl', '2026-12-07 08:15:12.911882');
INSERT INTO "login_failures" ("id", "scope", "subject", "failed_at") VALUES ('2f7bc84e-521f-4784-a85c-9d0bc6c1a3e9', 'client', '127.0.0.1', '2026-12-07 08:15:12.911882');
-- COMMIT
SELECT "users"."id", "users"."password_hash" FROM "users" WHERE ("users"."email" = 'bewoner@example.nl') LIMIT '1';
-- BEGIN
DELETE FROM "login_failures" WHERE ("login_failures"."id" = ANY('{a2718794-ca5e-41b6-a3f1-f991da230d57,2f7bc84e-521f-4784-a85c-9d0bc6c1a3e9}'));
DELETE FROM "login_failures" WHERE (("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl'));
INSERT INTO "refresh_tokens" ("id", "family_id", "user_id", "token_hash", "created_at", "expires_at") VALUES ('71768c4c-ade4-4a5d-9c09-516ef85fabae', '3ea5ddd4-fb58-448b-9fc9-e32387f18a48', 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4', 'aef55cf26c1426e1e57487b2f56dba74926d548651552b2f0b30bb224419f2df', '2026-12-07 08:15:12.941001', '2027-01-06 08:15:12.941001');
SELECT "users"."id", "users"."email", "users"."display_name", "users"."postcode", "users"."street", "users"."house_number", "users"."phone", "users"."bio", "users"."skills", "users"."interests", "users"."languages", "users"."platform_admin", "users"."email_verified", "users"."created_at", "users"."updated_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
SELECT "professional_grants"."municipality_code" FROM "professional_grants" WHERE ("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') ORDER BY "professional_grants"."municipality_code";
SELECT "images"."id", "images"."uploader_id", "images"."width", "images"."height", "images"."post_id", "images"."position", "images"."avatar_of", "images"."created_at" FROM "images" WHERE ("images"."avatar_of" = ANY('{a4690c87-697a-4ce4-ad49-2fed3c19bcb4}'));
SELECT "users"."token_generation", "users"."suspended_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
-- COMMIT

-- ===== feed
SELECT "users"."token_generation", "users"."suspended_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
SELECT "neighbourhoods"."municipality_code", "memberships"."role", "memberships"."status", "memberships"."verification", "users"."platform_admin", "professional_grants"."user_id" FROM ((("neighbourhoods" LEFT OUTER JOIN "memberships" ON (("memberships"."neighbourhood_id" = "neighbourhoods"."id") AND ("memberships"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) LEFT OUTER JOIN "users" ON ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4')) LEFT OUTER JOIN "professional_grants" ON (("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') AND ("professional_grants"."municipality_code" = "neighbourhoods"."municipality_code"))) WHERE ("neighbourhoods"."id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') LIMIT '1';
SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "posts"."recurrence", "posts"."recurrence_ends_on", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE (("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
SELECT "images"."id", "images"."uploader_id", "images"."width", "images"."height", "images"."post_id", "images"."position", "images"."avatar_of", "images"."created_at" FROM "images" WHERE ("images"."post_id" = ANY('{f3a84e66-d312-4eef-9d7e-86b31db58b50,1d8b622a-74fa-4b39-a43c-9791a2344eea,70ea0fb6-4866-4e4a-bae6-49ec4402a1a6,77749bb6-2758-4b64-82bd-54df295a61d3,31a5d805-5388-4a50-b500-66ab75530fe5,2e1dce7a-41ec-480c-88ee-e38744a1c4c1,6853f209-2d07-4639-8c4c-d8a9760cd511,908391df-5c2c-4a1a-ac56-3a77729389c3,9589f22b-b96a-43a4-aebc-635fc1ef5e72,149c4f71-8314-4f06-b5b4-38ef4f0fa6d3,3f3fd413-5d18-4689-aeac-3d46048fc948,7f546be9-16fe-492b-8532-c1c3a69a2321,3898ab43-bea5-4796-8c89-f3b1a6110411,51c8743f-a71f-4b88-90da-87a6c6b0a483,1fab0409-8965-4af9-8308-20720ce78f43,38c393c5-56da-4896-af60-8cc977992052,edfd5439-8eb1-4566-a6fc-9de43090877e,73a1833e-c29c-426a-b834-2ce39f1edb2b,0e379f1d-b768-4561-a08d-a47163fc9049,eb1af40e-b843-4892-89fb-d85f7382afe6}')) ORDER BY "images"."post_id", "images"."position";

-- ===== end
ALTER DATABASE "buurt_nl" RESET log_min_duration_statement;
