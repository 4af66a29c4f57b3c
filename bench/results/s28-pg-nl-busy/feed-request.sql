-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
-- BEGIN
SELECT pg_try_advisory_xact_lock(422877426292);
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
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
SELECT count(*) FROM settings;
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 10:42:22.527594')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 10:42:22.528921')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 10:42:22.527749')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
-- SET TIME ZONE 'UTC'
-- SET CLIENT_ENCODING TO 'UTF8'
SELECT "deliveries"."id", "deliveries"."user_id", "deliveries"."channel", "deliveries"."kind", "deliveries"."payload", "deliveries"."attempts", "deliveries"."next_attempt_at", "deliveries"."created_at" FROM "deliveries" WHERE (("deliveries"."status" = 'pending') AND ("deliveries"."next_attempt_at" <= '2026-12-07 10:42:22.535452')) ORDER BY "deliveries"."next_attempt_at", "deliveries"."id" LIMIT '1';
-- BEGIN
SELECT pg_advisory_xact_lock(hashtextextended('login:account:bewoner@example.nl', 7411));
DELETE FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" <= '2026-12-07 10:27:22.538766'));
SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" > '2026-12-07 10:27:22.538766')) ORDER BY "login_failures"."failed_at" DESC LIMIT '1000000';
SELECT pg_advisory_xact_lock(hashtextextended('login:client:127.0.0.1', 7411));
DELETE FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" <= '2026-12-07 10:27:22.538766'));
SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" > '2026-12-07 10:27:22.538766')) ORDER BY "login_failures"."failed_at" DESC LIMIT '1000000';
INSERT INTO "login_failures" ("id", "scope", "subject", "failed_at") VALUES ('6ac0233b-8d6b-4379-8b7d-aa89719b23df', 'account', 'bewoner@example.nl', '2026-12-07 10:42:22.538766');
INSERT INTO "login_failures" ("id", "scope", "subject", "failed_at") VALUES ('f00c005b-ffe1-4dbb-9198-0bdc39f4842a', 'client', '127.0.0.1', '2026-12-07 10:42:22.538766');
-- COMMIT
SELECT "users"."id", "users"."password_hash" FROM "users" WHERE ("users"."email" = 'bewoner@example.nl') LIMIT '1';
-- BEGIN
DELETE FROM "login_failures" WHERE ("login_failures"."id" = ANY('{6ac0233b-8d6b-4379-8b7d-aa89719b23df,f00c005b-ffe1-4dbb-9198-0bdc39f4842a}'));
DELETE FROM "login_failures" WHERE (("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl'));
INSERT INTO "refresh_tokens" ("id", "family_id", "user_id", "token_hash", "created_at", "expires_at") VALUES ('d8ebd60b-3861-42ef-a143-679386699d08', '52d9e9b2-39b3-4256-ade7-82df3bb12a0b', 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4', '5aa3fb39dff53dcbb18f39f4e8805989dc6f76803736bf0a865f8f3b37d875c9', '2026-12-07 10:42:22.567546', '2027-01-06 10:42:22.567546');
SELECT "users"."id", "users"."email", "users"."display_name", "users"."postcode", "users"."street", "users"."house_number", "users"."phone", "users"."bio", "users"."skills", "users"."interests", "users"."languages", "users"."platform_admin", "users"."email_verified", "users"."created_at", "users"."updated_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
SELECT "professional_grants"."municipality_code" FROM "professional_grants" WHERE ("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') ORDER BY "professional_grants"."municipality_code";
SELECT "images"."id", "images"."uploader_id", "images"."width", "images"."height", "images"."post_id", "images"."position", "images"."avatar_of", "images"."created_at" FROM "images" WHERE ("images"."avatar_of" = ANY('{a4690c87-697a-4ce4-ad49-2fed3c19bcb4}'));
SELECT "users"."token_generation", "users"."suspended_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
-- COMMIT

-- ===== feed
SELECT "users"."token_generation", "users"."suspended_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
SELECT "neighbourhoods"."municipality_code", "memberships"."role", "memberships"."status", "memberships"."verification", "users"."platform_admin", "professional_grants"."user_id" FROM ((("neighbourhoods" LEFT OUTER JOIN "memberships" ON (("memberships"."neighbourhood_id" = "neighbourhoods"."id") AND ("memberships"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) LEFT OUTER JOIN "users" ON ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4')) LEFT OUTER JOIN "professional_grants" ON (("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') AND ("professional_grants"."municipality_code" = "neighbourhoods"."municipality_code"))) WHERE ("neighbourhoods"."id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') LIMIT '1';
SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "posts"."recurrence", "posts"."recurrence_ends_on", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE (("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
SELECT "rsvps"."post_id", "rsvps"."status", COUNT(*), SUM(CASE WHEN user_id = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4' THEN 1 ELSE 0 END) FROM "rsvps" WHERE (("rsvps"."post_id" = ANY('{d7ee8447-0ca8-485e-b739-424a4e55fdda,3f06511f-9a91-485f-9450-44e7be908032}')) AND ("rsvps"."status" != 'cancelled')) GROUP BY "rsvps"."post_id", "rsvps"."status";
SELECT "matches"."request_id", "matches"."id", "matches"."status", ("matches"."accepted_slot" IS NOT NULL), "matches"."helper_id" FROM "matches" WHERE (("matches"."request_id" = ANY('{bc8912ce-d9f4-4079-a9cf-249549f9b51d,3634493f-1fc7-4d03-91dc-c393e76cf1f3,4c282dcb-768b-4e20-b993-6214574c9d58,d2e0ac62-7e08-436e-a6de-a34a39f49947,3eb4ab55-3032-4865-b9ef-401aa7478c79,4ca73b10-6c95-4dfd-84ab-66bcaf6e9f3a,7809f670-fc9e-4d64-b046-122194347912,42a2fa02-8649-4c0c-8a5b-38375c0444b1,6fa6c960-670b-4636-bdbc-98f0bcdd2ca0,b4aa52b2-7d2c-4b1a-83f3-6a1773e808d7,05d36429-f4e2-4b08-b9c1-ee85b160f710,4d8c327b-f243-40b8-a0a3-b9b46e382a42,fa0e7939-6e24-49cc-952e-6ea5477b6682}')) AND (("matches"."accepted_slot" IS NOT NULL) OR ("matches"."helper_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) ORDER BY "matches"."created_at" ASC, "matches"."id" ASC;
SELECT "images"."id", "images"."uploader_id", "images"."width", "images"."height", "images"."post_id", "images"."position", "images"."avatar_of", "images"."created_at" FROM "images" WHERE ("images"."post_id" = ANY('{bc8912ce-d9f4-4079-a9cf-249549f9b51d,3634493f-1fc7-4d03-91dc-c393e76cf1f3,4c282dcb-768b-4e20-b993-6214574c9d58,d2e0ac62-7e08-436e-a6de-a34a39f49947,3eb4ab55-3032-4865-b9ef-401aa7478c79,4ca73b10-6c95-4dfd-84ab-66bcaf6e9f3a,d7ee8447-0ca8-485e-b739-424a4e55fdda,7809f670-fc9e-4d64-b046-122194347912,a4b00035-ae10-432f-ae69-a026d58c53d7,3f06511f-9a91-485f-9450-44e7be908032,df135446-8704-4712-b1e8-10fdd5a9c55e,8c3dbdca-6a36-432d-9aff-536c78f8a2e4,42a2fa02-8649-4c0c-8a5b-38375c0444b1,6fa6c960-670b-4636-bdbc-98f0bcdd2ca0,b4aa52b2-7d2c-4b1a-83f3-6a1773e808d7,7c2aac4d-47c4-448c-90a1-322114b8dfd5,05d36429-f4e2-4b08-b9c1-ee85b160f710,4d8c327b-f243-40b8-a0a3-b9b46e382a42,fa0e7939-6e24-49cc-952e-6ea5477b6682,4ae14732-aa7d-48b7-b674-e38ad5758221}')) ORDER BY "images"."post_id", "images"."position";

-- ===== end
ALTER DATABASE "buurt_nl" RESET log_min_duration_statement;
