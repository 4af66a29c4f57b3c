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
-- SET CLIENT_ENCODING TO 'UTF8'
-- SET TIME ZONE 'UTC'
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
-- SET CLIENT_ENCODING TO 'UTF8'
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 11:05:28.193355')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 11:05:28.193476')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT count(*) FROM settings;
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 11:05:28.195794')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 11:05:28.193335')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
-- BEGIN
SELECT pg_advisory_xact_lock(hashtextextended('login:account:bewoner@example.nl', 7411));
DELETE FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" <= '2026-12-07 10:50:28.203193'));
SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" > '2026-12-07 10:50:28.203193')) ORDER BY "login_failures"."failed_at" DESC LIMIT '1000000';
SELECT pg_advisory_xact_lock(hashtextextended('login:client:127.0.0.1', 7411));
DELETE FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" <= '2026-12-07 10:50:28.203193'));
SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" > '2026-12-07 10:50:28.203193')) ORDER BY "login_failures"."failed_at" DESC LIMIT '1000000';
INSERT INTO "login_failures" ("id", "scope", "subject", "failed_at") VALUES ('4f32567b-e270-470d-980f-6cdbd2349028', 'account', 'bewoner@example.nl', '2026-12-07 11:05:28.203193');
INSERT INTO "login_failures" ("id", "scope", "subject", "failed_at") VALUES ('37788876-bef2-4972-ab3f-59cc65cc4c28', 'client', '127.0.0.1', '2026-12-07 11:05:28.203193');
-- COMMIT
SELECT "users"."id", "users"."password_hash" FROM "users" WHERE ("users"."email" = 'bewoner@example.nl') LIMIT '1';
-- BEGIN
DELETE FROM "login_failures" WHERE ("login_failures"."id" = ANY('{4f32567b-e270-470d-980f-6cdbd2349028,37788876-bef2-4972-ab3f-59cc65cc4c28}'));
DELETE FROM "login_failures" WHERE (("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl'));
INSERT INTO "refresh_tokens" ("id", "family_id", "user_id", "token_hash", "created_at", "expires_at") VALUES ('404e0874-c3c1-4348-8122-f3b7df1e00a2', '422818e9-d794-4afe-adb3-5826c7ffff49', 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4', '6a043251dc027897f22ff89aa99472f5959bd50fb7e361eed568b877c283b68a', '2026-12-07 11:05:28.230576', '2027-01-06 11:05:28.230576');
SELECT "users"."id", "users"."email", "users"."display_name", "users"."postcode", "users"."street", "users"."house_number", "users"."phone", "users"."bio", "users"."skills", "users"."interests", "users"."languages", "users"."platform_admin", "users"."email_verified", "users"."created_at", "users"."updated_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
SELECT "professional_grants"."municipality_code" FROM "professional_grants" WHERE ("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') ORDER BY "professional_grants"."municipality_code";
SELECT "images"."id", "images"."uploader_id", "images"."width", "images"."height", "images"."post_id", "images"."position", "images"."avatar_of", "images"."created_at" FROM "images" WHERE ("images"."avatar_of" = ANY('{a4690c87-697a-4ce4-ad49-2fed3c19bcb4}'));
SELECT "users"."token_generation", "users"."suspended_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
-- COMMIT

-- ===== feed
SELECT "users"."token_generation", "users"."suspended_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
SELECT "neighbourhoods"."municipality_code", "memberships"."role", "memberships"."status", "memberships"."verification", "users"."platform_admin", "professional_grants"."user_id" FROM ((("neighbourhoods" LEFT OUTER JOIN "memberships" ON (("memberships"."neighbourhood_id" = "neighbourhoods"."id") AND ("memberships"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) LEFT OUTER JOIN "users" ON ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4')) LEFT OUTER JOIN "professional_grants" ON (("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') AND ("professional_grants"."municipality_code" = "neighbourhoods"."municipality_code"))) WHERE ("neighbourhoods"."id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') LIMIT '1';
SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "posts"."recurrence", "posts"."recurrence_ends_on", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE (("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
SELECT "images"."id", "images"."uploader_id", "images"."width", "images"."height", "images"."post_id", "images"."position", "images"."avatar_of", "images"."created_at" FROM "images" WHERE ("images"."post_id" = ANY('{e07793c1-16ea-40e3-999c-7eef91fe25c2,509aefc3-f241-4d87-bbc5-f3af57913d74,6178b7a6-eafe-4445-9e9e-ead1667aca0a,fe8925dc-1d0e-4f0e-887d-784bae603357,0d5c6b8d-1ace-4946-8ef4-d5f2837c4f74,d1f2c13a-3e0d-43a9-8ce1-b354bc2c8b66,18936391-4abc-45b6-9506-373d12245b13,506220c0-383e-4520-8c54-96d7ca333971,6f06006e-7963-4b23-a6be-69606f8e6080,b29dc7e3-e1f4-435f-8482-8af92d21aa71,380c6d39-01a3-4770-bff3-b2911d5fea36,ec67eef2-c52d-44ce-968c-b0db812e0e17,e36881ec-05ac-4367-b9ad-18e89868c2a7,9b6a1d88-d202-4551-99ec-859e2ccd9ecc,c2e37f1d-2a00-469e-9ba4-0ce2c3f6ac86,743fde6d-dcc6-4743-88c5-cfc4f1626c8a,13c60fae-00ae-4af0-a5c1-b765b97791ec,75d2b889-395f-4d94-9b3c-9d472b732058,b84157b5-5d2f-4c8d-8beb-693bd013cf0d,f75e50c9-9f8d-430c-9882-621ecabd6139}')) ORDER BY "images"."post_id", "images"."position";

-- ===== end
ALTER DATABASE "buurt_nl" RESET log_min_duration_statement;
