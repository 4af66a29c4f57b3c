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
-- SET CLIENT_ENCODING TO 'UTF8'
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
SELECT count(*) FROM settings;
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 08:21:55.118238')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 08:21:55.119')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 08:21:55.118896')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 08:21:55.118953')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
-- BEGIN
SELECT pg_advisory_xact_lock(hashtextextended('login:account:bewoner@example.nl', 7411));
DELETE FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" <= '2026-12-07 08:06:55.128449'));
SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" > '2026-12-07 08:06:55.128449')) ORDER BY "login_failures"."failed_at" DESC LIMIT '1000000';
SELECT pg_advisory_xact_lock(hashtextextended('login:client:127.0.0.1', 7411));
DELETE FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" <= '2026-12-07 08:06:55.128449'));
SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" > '2026-12-07 08:06:55.128449')) ORDER BY "login_failures"."failed_at" DESC LIMIT '1000000';
INSERT INTO "login_failures" ("id", "scope", "subject", "failed_at") VALUES ('fa6a46f4-7ad4-4580-be27-1a9b934384e1', 'account', 'bewoner@example.nl', '2026-12-07 08:21:55.128449');
INSERT INTO "login_failures" ("id", "scope", "subject", "failed_at") VALUES ('8c638d3d-cdce-46ae-bb24-122c6a5d9377', 'client', '127.0.0.1', '2026-12-07 08:21:55.128449');
-- COMMIT
SELECT "users"."id", "users"."password_hash" FROM "users" WHERE ("users"."email" = 'bewoner@example.nl') LIMIT '1';
-- BEGIN
DELETE FROM "login_failures" WHERE ("login_failures"."id" = ANY('{fa6a46f4-7ad4-4580-be27-1a9b934384e1,8c638d3d-cdce-46ae-bb24-122c6a5d9377}'));
DELETE FROM "login_failures" WHERE (("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl'));
INSERT INTO "refresh_tokens" ("id", "family_id", "user_id", "token_hash", "created_at", "expires_at") VALUES ('30f2e7b6-7977-4522-91d4-f11eea245b79', '09ecf86e-0e11-47cc-b1b8-82e69591d8f7', 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4', 'e321ff446dabd878cf7d56f001b9279ec730962d3f329b8e6179756691819574', '2026-12-07 08:21:55.159666', '2027-01-06 08:21:55.159666');
SELECT "users"."id", "users"."email", "users"."display_name", "users"."postcode", "users"."street", "users"."house_number", "users"."phone", "users"."bio", "users"."skills", "users"."interests", "users"."languages", "users"."platform_admin", "users"."email_verified", "users"."created_at", "users"."updated_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
SELECT "professional_grants"."municipality_code" FROM "professional_grants" WHERE ("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') ORDER BY "professional_grants"."municipality_code";
SELECT "images"."id", "images"."uploader_id", "images"."width", "images"."height", "images"."post_id", "images"."position", "images"."avatar_of", "images"."created_at" FROM "images" WHERE ("images"."avatar_of" = ANY('{a4690c87-697a-4ce4-ad49-2fed3c19bcb4}'));
SELECT "users"."token_generation", "users"."suspended_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
-- COMMIT

-- ===== feed
SELECT "users"."token_generation", "users"."suspended_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
SELECT "neighbourhoods"."municipality_code", "memberships"."role", "memberships"."status", "memberships"."verification", "users"."platform_admin", "professional_grants"."user_id" FROM ((("neighbourhoods" LEFT OUTER JOIN "memberships" ON (("memberships"."neighbourhood_id" = "neighbourhoods"."id") AND ("memberships"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) LEFT OUTER JOIN "users" ON ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4')) LEFT OUTER JOIN "professional_grants" ON (("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') AND ("professional_grants"."municipality_code" = "neighbourhoods"."municipality_code"))) WHERE ("neighbourhoods"."id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') LIMIT '1';
SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "posts"."recurrence", "posts"."recurrence_ends_on", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE (("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
SELECT "rsvps"."post_id", "rsvps"."status", COUNT(*), SUM(CASE WHEN user_id = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4' THEN 1 ELSE 0 END) FROM "rsvps" WHERE (("rsvps"."post_id" = ANY('{7244123a-3497-42c9-8bc7-aff3c531b0c0,d7ee8447-0ca8-485e-b739-424a4e55fdda,005c5d3f-8dd8-40d5-bfcd-b1281be50b71}')) AND ("rsvps"."status" != 'cancelled')) GROUP BY "rsvps"."post_id", "rsvps"."status";
SELECT "matches"."request_id", "matches"."id", "matches"."status", ("matches"."accepted_slot" IS NOT NULL), "matches"."helper_id" FROM "matches" WHERE (("matches"."request_id" = ANY('{ff4eae58-4da8-41f4-b253-8a8c20dec37c,591752d2-3de3-4748-8470-d343913e23fe,b14c9acf-2bde-442c-b30e-c02be8e87832,ffbf403f-db63-461d-b9ec-c20ff5e5ff07,2a93acb5-4e57-4187-af8b-71712634b910,2695f805-df5c-4ca4-8b25-532ec273f386,5376bc43-2305-4751-9188-2ed3f3335317,3a2f54a1-1f04-4766-b583-82b32d53389c,8b830ac7-284e-4dc4-a8ef-7c921aeca25a,bd95ed56-768e-443a-91c8-626f1003b841}')) AND (("matches"."accepted_slot" IS NOT NULL) OR ("matches"."helper_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) ORDER BY "matches"."created_at" ASC, "matches"."id" ASC;
SELECT "images"."id", "images"."uploader_id", "images"."width", "images"."height", "images"."post_id", "images"."position", "images"."avatar_of", "images"."created_at" FROM "images" WHERE ("images"."post_id" = ANY('{7244123a-3497-42c9-8bc7-aff3c531b0c0,ff4eae58-4da8-41f4-b253-8a8c20dec37c,591752d2-3de3-4748-8470-d343913e23fe,b14c9acf-2bde-442c-b30e-c02be8e87832,ffbf403f-db63-461d-b9ec-c20ff5e5ff07,2a93acb5-4e57-4187-af8b-71712634b910,1b1cfea4-feeb-4650-95d4-f390c8054e6b,2695f805-df5c-4ca4-8b25-532ec273f386,d7ee8447-0ca8-485e-b739-424a4e55fdda,5376bc43-2305-4751-9188-2ed3f3335317,3a2f54a1-1f04-4766-b583-82b32d53389c,3dedfbe8-b664-4f3c-95e4-b5fe0004abc2,f6dffd2f-7a9d-4c8e-86a6-ff6a1ca64911,8b830ac7-284e-4dc4-a8ef-7c921aeca25a,308043e6-5a8c-4273-9ce4-d6f36a8effa3,bd95ed56-768e-443a-91c8-626f1003b841,f06ac10e-6844-4864-8479-d83cebcb5f3b,0a617a44-222c-4744-a651-afccc07ce8c3,ba52f458-7eae-43c6-96b5-ae515b10187d,005c5d3f-8dd8-40d5-bfcd-b1281be50b71}')) ORDER BY "images"."post_id", "images"."position";

-- ===== end
ALTER DATABASE "buurt_demo_bench" RESET log_min_duration_statement;
