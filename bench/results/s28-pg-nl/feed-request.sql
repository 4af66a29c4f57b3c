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
SELECT "settings"."key", "settings"."value" FROM "settings" WHERE ("settings"."key" = ANY('{jwt_secret}'));
SELECT "webhooks"."id", "webhooks"."secret" FROM "webhooks";
-- COMMIT
SELECT "settings"."value" FROM "settings" WHERE ("settings"."key" = 'jwt_secret') LIMIT '1';
-- SET TIME ZONE 'UTC'
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
-- SET CLIENT_ENCODING TO 'UTF8'
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
SELECT count(*) FROM settings;
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 10:49:57.759922')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 10:49:57.759185')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 10:49:57.759823')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 10:49:57.759244')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
-- BEGIN
SELECT pg_advisory_xact_lock(hashtextextended('login:account:bewoner@example.nl', 7411));
DELETE FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" <= '2026-12-07 10:34:57.769675'));
SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" > '2026-12-07 10:34:57.769675')) ORDER BY "login_failures"."failed_at" DESC LIMIT '1000000';
SELECT pg_advisory_xact_lock(hashtextextended('login:client:127.0.0.1', 7411));
DELETE FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" <= '2026-12-07 10:34:57.769675'));
SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" > '2026-12-07 10:34:57.769675')) ORDER BY "login_failures"."failed_at" DESC LIMIT '1000000';
INSERT INTO "login_failures" ("id", "scope", "subject", "failed_at") VALUES ('2e5b2cc8-a749-46a2-acf8-8f346bdf5545', 'account', 'bewoner@example.nl', '2026-12-07 10:49:57.769675');
INSERT INTO "login_failures" ("id", "scope", "subject", "failed_at") VALUES ('f2c091ef-e99d-4a11-8947-04ede77095ee', 'client', '127.0.0.1', '2026-12-07 10:49:57.769675');
-- COMMIT
SELECT "users"."id", "users"."password_hash" FROM "users" WHERE ("users"."email" = 'bewoner@example.nl') LIMIT '1';
-- BEGIN
DELETE FROM "login_failures" WHERE ("login_failures"."id" = ANY('{2e5b2cc8-a749-46a2-acf8-8f346bdf5545,f2c091ef-e99d-4a11-8947-04ede77095ee}'));
DELETE FROM "login_failures" WHERE (("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl'));
INSERT INTO "refresh_tokens" ("id", "family_id", "user_id", "token_hash", "created_at", "expires_at") VALUES ('6ac8ea80-d4d4-4509-9521-6a73c935e4d6', '02d12fc7-671f-448d-9ce2-644f439f7ca8', 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4', 'd107c4aaa18d59d5c2f32782248155dd6592c781313386ea50115d7841175ef6', '2026-12-07 10:49:57.800549', '2027-01-06 10:49:57.800549');
SELECT "users"."id", "users"."email", "users"."display_name", "users"."postcode", "users"."street", "users"."house_number", "users"."phone", "users"."bio", "users"."skills", "users"."interests", "users"."languages", "users"."platform_admin", "users"."email_verified", "users"."created_at", "users"."updated_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
SELECT "professional_grants"."municipality_code" FROM "professional_grants" WHERE ("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') ORDER BY "professional_grants"."municipality_code";
SELECT "images"."id", "images"."uploader_id", "images"."width", "images"."height", "images"."post_id", "images"."position", "images"."avatar_of", "images"."created_at" FROM "images" WHERE ("images"."avatar_of" = ANY('{a4690c87-697a-4ce4-ad49-2fed3c19bcb4}'));
SELECT "users"."token_generation", "users"."suspended_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
-- COMMIT

-- ===== feed
SELECT "users"."token_generation", "users"."suspended_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
SELECT "neighbourhoods"."municipality_code", "memberships"."role", "memberships"."status", "memberships"."verification", "users"."platform_admin", "professional_grants"."user_id" FROM ((("neighbourhoods" LEFT OUTER JOIN "memberships" ON (("memberships"."neighbourhood_id" = "neighbourhoods"."id") AND ("memberships"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) LEFT OUTER JOIN "users" ON ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4')) LEFT OUTER JOIN "professional_grants" ON (("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') AND ("professional_grants"."municipality_code" = "neighbourhoods"."municipality_code"))) WHERE ("neighbourhoods"."id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') LIMIT '1';
SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "posts"."recurrence", "posts"."recurrence_ends_on", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE (("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
SELECT "images"."id", "images"."uploader_id", "images"."width", "images"."height", "images"."post_id", "images"."position", "images"."avatar_of", "images"."created_at" FROM "images" WHERE ("images"."post_id" = ANY('{13cbe8e8-df02-4300-9062-3ca1398cc0c0,e3818b0f-e090-4a49-b0b9-82d0d5a5ccbd,fad3a469-56e6-4b38-a1b1-08480a3d59de,5596f4d0-8a0c-4590-b0fe-b4d7905ff06f,919305e3-5bf7-40d7-834f-b682b4899ea3,8911a782-4aea-41f0-a95d-8ba11d62b53e,2a4aa52d-7260-4df3-8bcd-eff05b9ccb70,56d6de3e-943c-44fe-b196-18ea57dec507,e2241a4c-aa7d-48b1-b2fe-6de5e9d67261,f35fef75-0dfa-4010-82e8-cf1f04b552d2,556572c2-47e2-470e-a9df-d6a22f3982af,564e8490-38a7-43ba-9d20-f29b88d32890,fb017941-d874-4f30-8c4f-04eab0e6b8af,c7dabf47-c22c-4cf9-9089-8b320bd1202f,05c45d98-61c9-45e4-a74e-421924d9eaa7,8f4cea4c-c3a2-478b-8f95-203ddf268baf,e82878d6-6fbf-4a9f-85ef-cebf2240a2ba,6ac54e50-241b-46bf-a77d-3a4db78d93ef,89c37bb6-c40b-41a5-9e60-25a5df9dd2c7,04a9cf83-e9dc-49f8-a659-6b1bcb46a7c7}')) ORDER BY "images"."post_id", "images"."position";

-- ===== end
ALTER DATABASE "buurt_nl" RESET log_min_duration_statement;
