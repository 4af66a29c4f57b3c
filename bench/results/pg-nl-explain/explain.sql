\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT pg_advisory_lock(422877426292)'
EXPLAIN (ANALYZE, BUFFERS) SELECT pg_advisory_lock(422877426292);
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT pg_advisory_unlock(422877426292)'
EXPLAIN (ANALYZE, BUFFERS) SELECT pg_advisory_unlock(422877426292);
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT 1'
EXPLAIN (ANALYZE, BUFFERS) SELECT 1;
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "settings"."value" FROM "settings" WHERE ("settings"."key" = \'jwt_secret\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "settings"."value" FROM "settings" WHERE ("settings"."key" = 'jwt_secret') LIMIT '1';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT count(*) FROM settings'
EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM settings;
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = \'account\') AND ("login_failures"."subject" = \'bewoner@example.nl\')) AND ("login_failures"."failed_at" > \'2'
EXPLAIN (ANALYZE, BUFFERS) SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" > '2026-11-29 10:04:16.179592')) ORDER BY "login_failures"."failed_at" DESC LIMIT '5';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = \'client\') AND ("login_failures"."subject" = \'127.0.0.1\')) AND ("login_failures"."failed_at" > \'2026-11-29 '
EXPLAIN (ANALYZE, BUFFERS) SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" > '2026-11-29 10:04:16.179592')) ORDER BY "login_failures"."failed_at" DESC LIMIT '20';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "users"."id", "users"."password_hash" FROM "users" WHERE ("users"."email" = \'bewoner@example.nl\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."id", "users"."password_hash" FROM "users" WHERE ("users"."email" = 'bewoner@example.nl') LIMIT '1';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "users"."id", "users"."email", "users"."display_name", "users"."postcode", "users"."street", "users"."house_number", "users"."phone", "users"."bio", "users"."skills", "users"."interests", "user'
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."id", "users"."email", "users"."display_name", "users"."postcode", "users"."street", "users"."house_number", "users"."phone", "users"."bio", "users"."skills", "users"."interests", "users"."languages", "users"."platform_admin", "users"."email_verified", "users"."created_at", "users"."updated_at" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "professional_grants"."municipality_code" FROM "professional_grants" WHERE ("professional_grants"."user_id" = \'a4690c87-697a-4ce4-ad49-2fed3c19bcb4\') ORDER BY "professional_grants"."municipalit'
EXPLAIN (ANALYZE, BUFFERS) SELECT "professional_grants"."municipality_code" FROM "professional_grants" WHERE ("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') ORDER BY "professional_grants"."municipality_code";
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at", "neighbourhoods"."code", "neighbo'
EXPLAIN (ANALYZE, BUFFERS) SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."municipality_name" FROM ("memberships" INNER JOIN "neighbourhoods" ON ("memberships"."neighbourhood_id" = "neighbourhoods"."id")) WHERE ("memberships"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') ORDER BY "neighbourhoods"."search_name", "neighbourhoods"."id";
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourho'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourhoods"."lat", "neighbourhoods"."lng", "neighbourhoods"."created_at", "neighbourhoods"."updated_at" FROM "neighbourhoods" WHERE ("neighbourhoods"."id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') LIMIT '1';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_postcod'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_postcodes"."postcode";
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_ad'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_adjacency"."adjacent_code";
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = \'a4690c87-697a-4ce4-ad49-2fed3c19bcb4\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at" FROM "memberships" WHERE (("member'
EXPLAIN (ANALYZE, BUFFERS) SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at" FROM "memberships" WHERE (("memberships"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("memberships"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4')) LIMIT '1';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT COUNT(*) FROM "professional_grants" WHERE (("professional_grants"."user_id" = \'a4690c87-697a-4ce4-ad49-2fed3c19bcb4\') AND ("professional_grants"."municipality_code" = \'GM0005\'))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "professional_grants" WHERE (("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') AND ("professional_grants"."municipality_code" = 'GM0005'));
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE (("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE ((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) AND (("posts"."created_at" < '2026-09-12 16:55:13') OR (("posts"."created_at" = '2026-09-12 16:55:13') AND ("posts"."id" < '4ae14732-aa7d-48b7-b674-e38ad5758221')))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE ((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) AND (("posts"."created_at" < '2026-06-17 16:28:16') OR (("posts"."created_at" = '2026-06-17 16:28:16') AND ("posts"."id" < '7ab5fce1-b2b8-4674-8fc1-05f59c54b252')))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE ((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) AND (("posts"."created_at" < '2025-12-25 02:35:25') OR (("posts"."created_at" = '2025-12-25 02:35:25') AND ("posts"."id" < '34f7c5fd-543e-4c7e-8f3f-275adb4d9a16')))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE ((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) AND (("posts"."created_at" < '2025-07-30 08:07:12') OR (("posts"."created_at" = '2025-07-30 08:07:12') AND ("posts"."id" < '07b03ad9-33d5-44bb-b9b1-ebacac72151b')))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE ((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) AND (("posts"."created_at" < '2024-12-30 15:18:09') OR (("posts"."created_at" = '2024-12-30 15:18:09') AND ("posts"."id" < 'f06ac10e-6844-4864-8479-d83cebcb5f3b')))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE ((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) AND ("posts"."kind" = 'request')) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '101';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE ((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) AND ("posts"."kind" = 'activity')) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '101';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT municipality_code FROM neighbourhoods GROUP BY 1\n       HAVING count(*) BETWEEN 40 AND 100 ORDER BY count(*) DESC, 1 LIMIT 1'
EXPLAIN (ANALYZE, BUFFERS) SELECT municipality_code FROM neighbourhoods GROUP BY 1
       HAVING count(*) BETWEEN 40 AND 100 ORDER BY count(*) DESC, 1 LIMIT 1;
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = \'account\') AND ("login_failures"."subject" = \'bewoner@example.nl\')) AND ("login_failures"."failed_at" > \'2'
EXPLAIN (ANALYZE, BUFFERS) SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'bewoner@example.nl')) AND ("login_failures"."failed_at" > '2026-11-29 10:04:18.308382')) ORDER BY "login_failures"."failed_at" DESC LIMIT '5';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = \'client\') AND ("login_failures"."subject" = \'127.0.0.1\')) AND ("login_failures"."failed_at" > \'2026-11-29 '
EXPLAIN (ANALYZE, BUFFERS) SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" > '2026-11-29 10:04:18.308382')) ORDER BY "login_failures"."failed_at" DESC LIMIT '20';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = \'account\') AND ("login_failures"."subject" = \'beheerder@example.nl\')) AND ("login_failures"."failed_at" > '
EXPLAIN (ANALYZE, BUFFERS) SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'account') AND ("login_failures"."subject" = 'beheerder@example.nl')) AND ("login_failures"."failed_at" > '2026-11-29 10:04:18.476777')) ORDER BY "login_failures"."failed_at" DESC LIMIT '5';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = \'client\') AND ("login_failures"."subject" = \'127.0.0.1\')) AND ("login_failures"."failed_at" > \'2026-11-29 '
EXPLAIN (ANALYZE, BUFFERS) SELECT "login_failures"."failed_at" FROM "login_failures" WHERE ((("login_failures"."scope" = 'client') AND ("login_failures"."subject" = '127.0.0.1')) AND ("login_failures"."failed_at" > '2026-11-29 10:04:18.476777')) ORDER BY "login_failures"."failed_at" DESC LIMIT '20';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "users"."id", "users"."password_hash" FROM "users" WHERE ("users"."email" = \'beheerder@example.nl\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."id", "users"."password_hash" FROM "users" WHERE ("users"."email" = 'beheerder@example.nl') LIMIT '1';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "users"."id", "users"."email", "users"."display_name", "users"."postcode", "users"."street", "users"."house_number", "users"."phone", "users"."bio", "users"."skills", "users"."interests", "user'
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."id", "users"."email", "users"."display_name", "users"."postcode", "users"."street", "users"."house_number", "users"."phone", "users"."bio", "users"."skills", "users"."interests", "users"."languages", "users"."platform_admin", "users"."email_verified", "users"."created_at", "users"."updated_at" FROM "users" WHERE ("users"."id" = '11508580-871b-4637-ab21-cede2a97c254') LIMIT '1';
\echo '===== -- SET TIME ZONE 'UTC''
\echo 'SELECT "professional_grants"."municipality_code" FROM "professional_grants" WHERE ("professional_grants"."user_id" = \'11508580-871b-4637-ab21-cede2a97c254\') ORDER BY "professional_grants"."municipalit'
EXPLAIN (ANALYZE, BUFFERS) SELECT "professional_grants"."municipality_code" FROM "professional_grants" WHERE ("professional_grants"."user_id" = '11508580-871b-4637-ab21-cede2a97c254') ORDER BY "professional_grants"."municipality_code";
\echo '===== feed-first'
\echo 'SELECT 1'
EXPLAIN (ANALYZE, BUFFERS) SELECT 1;
\echo '===== feed-first'
\echo 'SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourho'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourhoods"."lat", "neighbourhoods"."lng", "neighbourhoods"."created_at", "neighbourhoods"."updated_at" FROM "neighbourhoods" WHERE ("neighbourhoods"."id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') LIMIT '1';
\echo '===== feed-first'
\echo 'SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_postcod'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_postcodes"."postcode";
\echo '===== feed-first'
\echo 'SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_ad'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_adjacency"."adjacent_code";
\echo '===== feed-first'
\echo 'SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = \'a4690c87-697a-4ce4-ad49-2fed3c19bcb4\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
\echo '===== feed-first'
\echo 'SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at" FROM "memberships" WHERE (("member'
EXPLAIN (ANALYZE, BUFFERS) SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at" FROM "memberships" WHERE (("memberships"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("memberships"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4')) LIMIT '1';
\echo '===== feed-first'
\echo 'SELECT COUNT(*) FROM "professional_grants" WHERE (("professional_grants"."user_id" = \'a4690c87-697a-4ce4-ad49-2fed3c19bcb4\') AND ("professional_grants"."municipality_code" = \'GM0005\'))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "professional_grants" WHERE (("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') AND ("professional_grants"."municipality_code" = 'GM0005'));
\echo '===== feed-first'
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE (("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
\echo '===== feed-deep'
\echo 'SELECT 1'
EXPLAIN (ANALYZE, BUFFERS) SELECT 1;
\echo '===== feed-deep'
\echo 'SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourho'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourhoods"."lat", "neighbourhoods"."lng", "neighbourhoods"."created_at", "neighbourhoods"."updated_at" FROM "neighbourhoods" WHERE ("neighbourhoods"."id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') LIMIT '1';
\echo '===== feed-deep'
\echo 'SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_postcod'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_postcodes"."postcode";
\echo '===== feed-deep'
\echo 'SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_ad'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_adjacency"."adjacent_code";
\echo '===== feed-deep'
\echo 'SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = \'a4690c87-697a-4ce4-ad49-2fed3c19bcb4\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
\echo '===== feed-deep'
\echo 'SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at" FROM "memberships" WHERE (("member'
EXPLAIN (ANALYZE, BUFFERS) SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at" FROM "memberships" WHERE (("memberships"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("memberships"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4')) LIMIT '1';
\echo '===== feed-deep'
\echo 'SELECT COUNT(*) FROM "professional_grants" WHERE (("professional_grants"."user_id" = \'a4690c87-697a-4ce4-ad49-2fed3c19bcb4\') AND ("professional_grants"."municipality_code" = \'GM0005\'))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "professional_grants" WHERE (("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') AND ("professional_grants"."municipality_code" = 'GM0005'));
\echo '===== feed-deep'
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE ((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND (("posts"."hidden" = 'f') OR ("posts"."author_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4'))) AND (("posts"."created_at" < '2024-12-30 15:18:09') OR (("posts"."created_at" = '2024-12-30 15:18:09') AND ("posts"."id" < 'f06ac10e-6844-4864-8479-d83cebcb5f3b')))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '21';
\echo '===== post'
\echo 'SELECT 1'
EXPLAIN (ANALYZE, BUFFERS) SELECT 1;
\echo '===== post'
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE ("posts"."id" = 'bc8912ce-d9f4-4079-a9cf-249549f9b51d') LIMIT '1';
\echo '===== post'
\echo 'SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourho'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourhoods"."lat", "neighbourhoods"."lng", "neighbourhoods"."created_at", "neighbourhoods"."updated_at" FROM "neighbourhoods" WHERE ("neighbourhoods"."id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') LIMIT '1';
\echo '===== post'
\echo 'SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_postcod'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_postcodes"."postcode";
\echo '===== post'
\echo 'SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_ad'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_adjacency"."adjacent_code";
\echo '===== post'
\echo 'SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = \'a4690c87-697a-4ce4-ad49-2fed3c19bcb4\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
\echo '===== post'
\echo 'SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at" FROM "memberships" WHERE (("member'
EXPLAIN (ANALYZE, BUFFERS) SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at" FROM "memberships" WHERE (("memberships"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("memberships"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4')) LIMIT '1';
\echo '===== post'
\echo 'SELECT COUNT(*) FROM "professional_grants" WHERE (("professional_grants"."user_id" = \'a4690c87-697a-4ce4-ad49-2fed3c19bcb4\') AND ("professional_grants"."municipality_code" = \'GM0005\'))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "professional_grants" WHERE (("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') AND ("professional_grants"."municipality_code" = 'GM0005'));
\echo '===== post'
\echo 'SELECT "cases"."id", "cases"."request_id", "cases"."neighbourhood_id", "cases"."requester_id", "cases"."status", "cases"."outcome", "cases"."summary", "cases"."reason", "cases"."escalated_by", "cases"'
EXPLAIN (ANALYZE, BUFFERS) SELECT "cases"."id", "cases"."request_id", "cases"."neighbourhood_id", "cases"."requester_id", "cases"."status", "cases"."outcome", "cases"."summary", "cases"."reason", "cases"."escalated_by", "cases"."claimed_by", "cases"."follow_up_at", "cases"."created_at", "cases"."updated_at" FROM "cases" WHERE ("cases"."request_id" = 'bc8912ce-d9f4-4079-a9cf-249549f9b51d') ORDER BY "cases"."created_at" DESC, "cases"."id" DESC LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT 1'
EXPLAIN (ANALYZE, BUFFERS) SELECT 1;
\echo '===== suggestions'
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at", "users"."display_name" FROM ("posts" INNER JOIN "users" ON ("users"."id" = "posts"."author_id")) WHERE ("posts"."id" = '3634493f-1fc7-4d03-91dc-c393e76cf1f3') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourho'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourhoods"."lat", "neighbourhoods"."lng", "neighbourhoods"."created_at", "neighbourhoods"."updated_at" FROM "neighbourhoods" WHERE ("neighbourhoods"."id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_postcod'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_postcodes"."postcode";
\echo '===== suggestions'
\echo 'SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_ad'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_adjacency"."adjacent_code";
\echo '===== suggestions'
\echo 'SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = \'a4690c87-697a-4ce4-ad49-2fed3c19bcb4\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at" FROM "memberships" WHERE (("member'
EXPLAIN (ANALYZE, BUFFERS) SELECT "memberships"."neighbourhood_id", "memberships"."user_id", "memberships"."role", "memberships"."status", "memberships"."joined_at", "memberships"."updated_at" FROM "memberships" WHERE (("memberships"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("memberships"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4')) LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "professional_grants" WHERE (("professional_grants"."user_id" = \'a4690c87-697a-4ce4-ad49-2fed3c19bcb4\') AND ("professional_grants"."municipality_code" = \'GM0005\'))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "professional_grants" WHERE (("professional_grants"."user_id" = 'a4690c87-697a-4ce4-ad49-2fed3c19bcb4') AND ("professional_grants"."municipality_code" = 'GM0005'));
\echo '===== suggestions'
\echo 'SELECT "neighbourhoods"."id" FROM "neighbourhoods" WHERE ("neighbourhoods"."code" = \'BU00050001\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhoods"."id" FROM "neighbourhoods" WHERE ("neighbourhoods"."code" = 'BU00050001') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT "neighbourhoods"."id" FROM "neighbourhoods" WHERE ("neighbourhoods"."code" = \'BU00050102\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhoods"."id" FROM "neighbourhoods" WHERE ("neighbourhoods"."code" = 'BU00050102') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT "matches"."helper_id" FROM "matches" WHERE (("matches"."request_id" = \'3634493f-1fc7-4d03-91dc-c393e76cf1f3\') AND ("matches"."status" = \'declined\'))'
EXPLAIN (ANALYZE, BUFFERS) SELECT "matches"."helper_id" FROM "matches" WHERE (("matches"."request_id" = '3634493f-1fc7-4d03-91dc-c393e76cf1f3') AND ("matches"."status" = 'declined'));
\echo '===== suggestions'
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE (((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("posts"."kind" = 'offer')) AND ("posts"."status" = 'open')) AND ("posts"."hidden" = 'f')) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '50';
\echo '===== suggestions'
\echo 'SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = \'6799dd8e-48a6-4bb6-aa6c-16ea4effee5b\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = '6799dd8e-48a6-4bb6-aa6c-16ea4effee5b') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = \'2e298fb9-8358-4d37-964c-cf06a519d816\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = '2e298fb9-8358-4d37-964c-cf06a519d816') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = \'d66e843f-9c47-462f-80f0-0116be860af7\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = 'd66e843f-9c47-462f-80f0-0116be860af7') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'6799dd8e-48a6-4bb6-aa6c-16ea4effee5b\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '6799dd8e-48a6-4bb6-aa6c-16ea4effee5b') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'2e298fb9-8358-4d37-964c-cf06a519d816\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '2e298fb9-8358-4d37-964c-cf06a519d816') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'d66e843f-9c47-462f-80f0-0116be860af7\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'd66e843f-9c47-462f-80f0-0116be860af7') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE ((((("posts"."neighbourhood_id" = '83594b00-774f-47e0-82cd-82b8be21815e') AND ("posts"."kind" = 'offer')) AND ("posts"."status" = 'open')) AND ("posts"."hidden" = 'f')) AND ("posts"."visibility" = 'public')) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '50';
\echo '===== suggestions'
\echo 'SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = \'bff90b85-9476-4f1c-8cf9-d01d949819b8\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = 'bff90b85-9476-4f1c-8cf9-d01d949819b8') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = \'129e7d50-f4c4-4738-bfb6-e79f1f031d02\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = '129e7d50-f4c4-4738-bfb6-e79f1f031d02') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = \'fc9f808a-af0e-4090-84cf-a748794b3e36\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = 'fc9f808a-af0e-4090-84cf-a748794b3e36') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'bff90b85-9476-4f1c-8cf9-d01d949819b8\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'bff90b85-9476-4f1c-8cf9-d01d949819b8') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'129e7d50-f4c4-4738-bfb6-e79f1f031d02\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '129e7d50-f4c4-4738-bfb6-e79f1f031d02') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'fc9f808a-af0e-4090-84cf-a748794b3e36\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'fc9f808a-af0e-4090-84cf-a748794b3e36') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE ((((("posts"."neighbourhood_id" = '498b97eb-3ba0-4569-ab3f-2af0931f3df0') AND ("posts"."kind" = 'offer')) AND ("posts"."status" = 'open')) AND ("posts"."hidden" = 'f')) AND ("posts"."visibility" = 'public')) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '50';
\echo '===== suggestions'
\echo 'SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = \'429baae3-d4da-46d6-84f4-b43b6dce0904\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."display_name" FROM "users" WHERE ("users"."id" = '429baae3-d4da-46d6-84f4-b43b6dce0904') LIMIT '1';
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'429baae3-d4da-46d6-84f4-b43b6dce0904\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '429baae3-d4da-46d6-84f4-b43b6dce0904') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT "users"."id", "users"."display_name", "users"."bio", "users"."skills" FROM ("memberships" INNER JOIN "users" ON ("memberships"."user_id" = "users"."id")) WHERE ((("memberships"."neighbourhood_i'
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."id", "users"."display_name", "users"."bio", "users"."skills" FROM ("memberships" INNER JOIN "users" ON ("memberships"."user_id" = "users"."id")) WHERE ((("memberships"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("memberships"."status" = 'active')) AND ((',' || users.skills || ',') LIKE '%,goods,%' OR (',' || users.interests || ',') LIKE '%,goods,%')) ORDER BY "memberships"."joined_at" LIMIT '50';
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'d85ee0b4-e8e7-4a35-81d2-a3fa01fe8f77\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'd85ee0b4-e8e7-4a35-81d2-a3fa01fe8f77') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'e884ef93-94ea-4160-8dfd-2012ec13b6c5\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'e884ef93-94ea-4160-8dfd-2012ec13b6c5') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'1b2016ad-2443-4801-a5e9-95fb377fe54b\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '1b2016ad-2443-4801-a5e9-95fb377fe54b') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'33b5a7fc-1fd3-4d32-97b0-08e2f9a1308b\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '33b5a7fc-1fd3-4d32-97b0-08e2f9a1308b') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'f39941f9-8f8f-4a6b-a237-fa7911120465\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'f39941f9-8f8f-4a6b-a237-fa7911120465') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'df3a4450-6701-4753-8a6e-911101018b06\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'df3a4450-6701-4753-8a6e-911101018b06') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'d72fbdf0-578a-44d5-9959-b05cf8aaf01f\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'd72fbdf0-578a-44d5-9959-b05cf8aaf01f') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'48630ae1-82af-4e17-b5ed-2ae9ab2a0b32\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '48630ae1-82af-4e17-b5ed-2ae9ab2a0b32') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'1532bb8e-3898-405d-9484-af4113cd0ef4\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '1532bb8e-3898-405d-9484-af4113cd0ef4') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'43e72789-cbb3-4b13-bf91-e661064a8eae\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '43e72789-cbb3-4b13-bf91-e661064a8eae') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'0d7f9cb0-20bf-411c-b9b1-7911ea4ca459\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '0d7f9cb0-20bf-411c-b9b1-7911ea4ca459') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'e4655a09-d0c1-4822-9ac2-b079d3c9ed45\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'e4655a09-d0c1-4822-9ac2-b079d3c9ed45') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'aca08494-020d-4e25-bd23-5d818285c9c7\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'aca08494-020d-4e25-bd23-5d818285c9c7') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'6faeaae8-8972-4306-ad6b-e83d2fadee50\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '6faeaae8-8972-4306-ad6b-e83d2fadee50') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'4550e653-66eb-49c5-82e5-1d4e89f433b2\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '4550e653-66eb-49c5-82e5-1d4e89f433b2') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'fddb4c8d-aa8f-4147-8325-7fdb83161be8\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'fddb4c8d-aa8f-4147-8325-7fdb83161be8') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'75dc328b-f0e9-45e6-bfb0-6c2af3bc5487\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '75dc328b-f0e9-45e6-bfb0-6c2af3bc5487') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'57486f60-2090-423a-9119-4bc262726f12\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '57486f60-2090-423a-9119-4bc262726f12') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'23eb88e5-e163-41e2-9c21-f8deb69189de\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '23eb88e5-e163-41e2-9c21-f8deb69189de') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'fce3f4a5-8d52-41d9-b65a-33d04135cf97\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'fce3f4a5-8d52-41d9-b65a-33d04135cf97') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'495069eb-3bb0-48e1-b73c-5676190d91b7\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '495069eb-3bb0-48e1-b73c-5676190d91b7') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT "users"."id", "users"."display_name", "users"."bio", "users"."skills" FROM ("memberships" INNER JOIN "users" ON ("memberships"."user_id" = "users"."id")) WHERE ((("memberships"."neighbourhood_i'
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."id", "users"."display_name", "users"."bio", "users"."skills" FROM ("memberships" INNER JOIN "users" ON ("memberships"."user_id" = "users"."id")) WHERE ((("memberships"."neighbourhood_id" = '83594b00-774f-47e0-82cd-82b8be21815e') AND ("memberships"."status" = 'active')) AND ((',' || users.skills || ',') LIKE '%,goods,%' OR (',' || users.interests || ',') LIKE '%,goods,%')) ORDER BY "memberships"."joined_at" LIMIT '50';
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'65f5fd80-429a-4951-a8d3-118a5f241e0f\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '65f5fd80-429a-4951-a8d3-118a5f241e0f') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'af4c5224-1f28-431e-bcef-7a184c927118\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'af4c5224-1f28-431e-bcef-7a184c927118') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'f6d3d48d-0656-4613-ac93-29c43f4dbe48\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'f6d3d48d-0656-4613-ac93-29c43f4dbe48') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'cfd26c79-fd1a-4f22-95fc-0cd8a7867e2c\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'cfd26c79-fd1a-4f22-95fc-0cd8a7867e2c') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'e76d403c-f44b-42f2-8598-7c450af08b44\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'e76d403c-f44b-42f2-8598-7c450af08b44') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'d26c1004-4fe1-45e0-bb42-c0316c490a03\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'd26c1004-4fe1-45e0-bb42-c0316c490a03') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'5796d331-e604-4723-a8e7-2e3a4bf71b79\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '5796d331-e604-4723-a8e7-2e3a4bf71b79') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'fa0057ef-9d66-4aeb-a6e4-0fa2b4415eb7\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'fa0057ef-9d66-4aeb-a6e4-0fa2b4415eb7') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'be200965-f49e-4f9f-8462-1654bf425f8a\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'be200965-f49e-4f9f-8462-1654bf425f8a') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'54a65a08-019b-46dd-b79c-8b91988b3b19\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '54a65a08-019b-46dd-b79c-8b91988b3b19') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'1608bfeb-4d6f-4821-ac86-16222a0a5349\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '1608bfeb-4d6f-4821-ac86-16222a0a5349') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'bfe40246-611a-484d-92c0-46735c768327\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'bfe40246-611a-484d-92c0-46735c768327') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'879ea823-2524-48c7-936b-f6a423077406\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '879ea823-2524-48c7-936b-f6a423077406') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'0e53fe6a-bed0-4019-b8cc-b0d6a71b5e9c\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '0e53fe6a-bed0-4019-b8cc-b0d6a71b5e9c') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'d9d70740-bbd5-499b-84a1-441385e225d3\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'd9d70740-bbd5-499b-84a1-441385e225d3') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'8da91767-0997-4a9f-a38c-67383a9fad95\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '8da91767-0997-4a9f-a38c-67383a9fad95') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'0c9a1f3f-05f3-4bbc-8486-b275828884f6\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '0c9a1f3f-05f3-4bbc-8486-b275828884f6') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'0060f728-638e-4b56-b66c-b5cf5db40850\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '0060f728-638e-4b56-b66c-b5cf5db40850') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'85b8f89a-ac61-4318-a1f1-e9ac80190493\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '85b8f89a-ac61-4318-a1f1-e9ac80190493') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'f18b1473-0ddd-4c04-8e4c-261c752be860\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'f18b1473-0ddd-4c04-8e4c-261c752be860') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'dccbdb8b-c4e4-4674-a1db-d6c27c9317dd\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'dccbdb8b-c4e4-4674-a1db-d6c27c9317dd') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'a95ec812-6d95-4239-86b7-930503a59a6f\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'a95ec812-6d95-4239-86b7-930503a59a6f') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'4401e9b5-60bc-4c37-9016-e9132abeef40\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '4401e9b5-60bc-4c37-9016-e9132abeef40') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'c5ec525f-af31-4ca5-8987-42d1df272ba1\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'c5ec525f-af31-4ca5-8987-42d1df272ba1') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'819e5bf5-e122-4fcd-9473-f66984c44c50\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '819e5bf5-e122-4fcd-9473-f66984c44c50') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'b50dc258-439b-4071-82a6-55d434bf0507\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'b50dc258-439b-4071-82a6-55d434bf0507') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'b6233fa8-ab8c-4b1e-9f07-bb9c0b8daeb2\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'b6233fa8-ab8c-4b1e-9f07-bb9c0b8daeb2') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT "users"."id", "users"."display_name", "users"."bio", "users"."skills" FROM ("memberships" INNER JOIN "users" ON ("memberships"."user_id" = "users"."id")) WHERE ((("memberships"."neighbourhood_i'
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."id", "users"."display_name", "users"."bio", "users"."skills" FROM ("memberships" INNER JOIN "users" ON ("memberships"."user_id" = "users"."id")) WHERE ((("memberships"."neighbourhood_id" = '498b97eb-3ba0-4569-ab3f-2af0931f3df0') AND ("memberships"."status" = 'active')) AND ((',' || users.skills || ',') LIKE '%,goods,%' OR (',' || users.interests || ',') LIKE '%,goods,%')) ORDER BY "memberships"."joined_at" LIMIT '50';
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'dadb81b8-b266-413d-b392-7db39248f1ff\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'dadb81b8-b266-413d-b392-7db39248f1ff') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'e08e9951-60c3-4127-a4c5-da40896a89f4\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'e08e9951-60c3-4127-a4c5-da40896a89f4') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'ebaad06f-3a60-450c-9cb0-15cfdbd2ae4c\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'ebaad06f-3a60-450c-9cb0-15cfdbd2ae4c') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'27cc4aee-b989-4437-9d66-4fb0cf21346a\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '27cc4aee-b989-4437-9d66-4fb0cf21346a') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'1f3ebccf-8fc3-4ec5-bad2-0b11526db8a6\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '1f3ebccf-8fc3-4ec5-bad2-0b11526db8a6') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'09528351-ff44-44f6-8193-9723685b8df4\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '09528351-ff44-44f6-8193-9723685b8df4') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'51e3e9e5-293b-4095-a972-9cdfcc7312bb\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '51e3e9e5-293b-4095-a972-9cdfcc7312bb') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'b9197af7-8df4-4c29-a2de-0e8668fc20cb\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'b9197af7-8df4-4c29-a2de-0e8668fc20cb') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'2f66631a-f447-4e16-9deb-68fa6bf60f5c\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '2f66631a-f447-4e16-9deb-68fa6bf60f5c') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'a05f6681-f8e4-403c-9f1b-57e01e65fd91\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'a05f6681-f8e4-403c-9f1b-57e01e65fd91') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'01d7b877-47ca-4911-93d9-0263019027cf\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '01d7b877-47ca-4911-93d9-0263019027cf') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'d3f0a125-d863-447b-bd03-9118764c396a\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'd3f0a125-d863-447b-bd03-9118764c396a') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'e43bea1c-eaa8-4526-a226-a08ad776f2c7\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'e43bea1c-eaa8-4526-a226-a08ad776f2c7') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'49d1ac3d-3645-40e0-a9d7-ae783a085956\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '49d1ac3d-3645-40e0-a9d7-ae783a085956') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'117c3c21-da63-4fe1-ae60-005288fd90de\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '117c3c21-da63-4fe1-ae60-005288fd90de') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'da42b002-d1b0-47bd-9625-f06993669ea1\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'da42b002-d1b0-47bd-9625-f06993669ea1') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'1dae567d-5871-446f-9388-0ab7263bdd73\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '1dae567d-5871-446f-9388-0ab7263bdd73') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'c47fa24d-5b42-4b77-8f69-51566f06d869\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'c47fa24d-5b42-4b77-8f69-51566f06d869') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'6a26ab44-a0b3-432c-93c3-c6d952403135\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '6a26ab44-a0b3-432c-93c3-c6d952403135') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'7c6232b8-9ef8-4632-b898-712fd115ff94\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '7c6232b8-9ef8-4632-b898-712fd115ff94') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'35b7a104-5421-4289-8ade-8996531dace8\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '35b7a104-5421-4289-8ade-8996531dace8') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'a470dafa-7087-4926-b453-a12a0d06ebb6\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'a470dafa-7087-4926-b453-a12a0d06ebb6') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'814489ad-6f4c-4785-9990-c925e8fbc320\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '814489ad-6f4c-4785-9990-c925e8fbc320') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'cd900990-0d9b-43c4-8122-9bb1ff58a407\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'cd900990-0d9b-43c4-8122-9bb1ff58a407') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'bba1f84b-2236-490a-a165-a025e39fe549\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'bba1f84b-2236-490a-a165-a025e39fe549') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'841d4c27-cc24-46c0-9809-c9fabf089cf0\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '841d4c27-cc24-46c0-9809-c9fabf089cf0') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'c5b8ab1e-f487-4870-87c0-60593193d768\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = 'c5b8ab1e-f487-4870-87c0-60593193d768') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'9f6f98ec-7529-4fa1-9b59-9faf061928df\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '9f6f98ec-7529-4fa1-9b59-9faf061928df') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'082b2b75-bc37-4d76-b0d8-8d54ca7758f4\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '082b2b75-bc37-4d76-b0d8-8d54ca7758f4') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'0a6124a1-0dd3-4a84-82a5-062bdfdd4a38\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '0a6124a1-0dd3-4a84-82a5-062bdfdd4a38') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== suggestions'
\echo 'SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = \'64ec16df-2ec5-42ac-b2a2-615bcec70b4a\') AND ("matches"."status" = ANY(\'{proposed,accepted}\')))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "matches" WHERE (("matches"."helper_id" = '64ec16df-2ec5-42ac-b2a2-615bcec70b4a') AND ("matches"."status" = ANY('{proposed,accepted}')));
\echo '===== page'
\echo 'SELECT 1'
EXPLAIN (ANALYZE, BUFFERS) SELECT 1;
\echo '===== page'
\echo 'SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourho'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."search_name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name", "neighbourhoods"."lat", "neighbourhoods"."lng", "neighbourhoods"."created_at", "neighbourhoods"."updated_at" FROM "neighbourhoods" WHERE ("neighbourhoods"."id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') LIMIT '1';
\echo '===== page'
\echo 'SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_postcod'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_postcodes"."postcode" FROM "neighbourhood_postcodes" WHERE ("neighbourhood_postcodes"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_postcodes"."postcode";
\echo '===== page'
\echo 'SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') ORDER BY "neighbourhood_ad'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhood_adjacency"."adjacent_code" FROM "neighbourhood_adjacency" WHERE ("neighbourhood_adjacency"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') ORDER BY "neighbourhood_adjacency"."adjacent_code";
\echo '===== page'
\echo 'SELECT COUNT(*) FROM "posts" WHERE ((((("posts"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') AND ("posts"."kind" = \'news\')) AND ("posts"."visibility" = \'public\')) AND ("posts"."hidden"'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "posts" WHERE ((((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("posts"."kind" = 'news')) AND ("posts"."visibility" = 'public')) AND ("posts"."hidden" = 'f')) AND ("posts"."status" = 'open'));
\echo '===== page'
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE ((((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("posts"."kind" = 'news')) AND ("posts"."visibility" = 'public')) AND ("posts"."hidden" = 'f')) AND ("posts"."status" = 'open')) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '5';
\echo '===== page'
\echo 'SELECT COUNT(*) FROM "posts" WHERE (((((("posts"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') AND ("posts"."kind" = \'activity\')) AND ("posts"."visibility" = \'public\')) AND ("posts"."hi'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "posts" WHERE (((((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("posts"."kind" = 'activity')) AND ("posts"."visibility" = 'public')) AND ("posts"."hidden" = 'f')) AND ("posts"."status" = 'open')) AND ("posts"."ends_at" > '2026-11-29 10:19:19.161339'));
\echo '===== page'
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE (((((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("posts"."kind" = 'activity')) AND ("posts"."visibility" = 'public')) AND ("posts"."hidden" = 'f')) AND ("posts"."status" = 'open')) AND ("posts"."ends_at" > '2026-11-29 10:19:19.161339')) ORDER BY "posts"."starts_at" ASC, "posts"."id" ASC LIMIT '5';
\echo '===== page'
\echo 'SELECT COUNT(*) FROM "posts" WHERE ((((("posts"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') AND ("posts"."kind" = \'request\')) AND ("posts"."visibility" = \'public\')) AND ("posts"."hidd'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "posts" WHERE ((((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("posts"."kind" = 'request')) AND ("posts"."visibility" = 'public')) AND ("posts"."hidden" = 'f')) AND ("posts"."status" = 'open'));
\echo '===== page'
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE ((((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("posts"."kind" = 'request')) AND ("posts"."visibility" = 'public')) AND ("posts"."hidden" = 'f')) AND ("posts"."status" = 'open')) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '5';
\echo '===== page'
\echo 'SELECT COUNT(*) FROM "posts" WHERE ((((("posts"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') AND ("posts"."kind" = \'offer\')) AND ("posts"."visibility" = \'public\')) AND ("posts"."hidden'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "posts" WHERE ((((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("posts"."kind" = 'offer')) AND ("posts"."visibility" = 'public')) AND ("posts"."hidden" = 'f')) AND ("posts"."status" = 'open'));
\echo '===== page'
\echo 'SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "p'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."id", "posts"."neighbourhood_id", "posts"."author_id", "posts"."kind", "posts"."status", "posts"."title", "posts"."body", "posts"."category", "posts"."visibility", "posts"."urgency", "posts"."remote_ok", "posts"."helpers_needed", "posts"."expires_at", "posts"."starts_at", "posts"."ends_at", "posts"."location", "posts"."capacity", "posts"."hidden", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE ((((("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("posts"."kind" = 'offer')) AND ("posts"."visibility" = 'public')) AND ("posts"."hidden" = 'f')) AND ("posts"."status" = 'open')) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT '5';
\echo '===== page'
\echo 'SELECT COUNT(*) FROM "memberships" WHERE (("memberships"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') AND ("memberships"."status" = \'active\'))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "memberships" WHERE (("memberships"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("memberships"."status" = 'active'));
\echo '===== page'
\echo 'SELECT COUNT(*) FROM "posts" WHERE (("posts"."neighbourhood_id" = \'df77324a-dbd0-44a3-92df-6a92d1e64d57\') AND ("posts"."status" = \'in_mediation\'))'
EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM "posts" WHERE (("posts"."neighbourhood_id" = 'df77324a-dbd0-44a3-92df-6a92d1e64d57') AND ("posts"."status" = 'in_mediation'));
\echo '===== stats'
\echo 'SELECT 1'
EXPLAIN (ANALYZE, BUFFERS) SELECT 1;
\echo '===== stats'
\echo 'SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name" FROM "neighbourhoods" WHERE ("neighbourhoods"'
EXPLAIN (ANALYZE, BUFFERS) SELECT "neighbourhoods"."id", "neighbourhoods"."code", "neighbourhoods"."name", "neighbourhoods"."municipality_code", "neighbourhoods"."municipality_name" FROM "neighbourhoods" WHERE ("neighbourhoods"."municipality_code" = 'GM1700') ORDER BY "neighbourhoods"."search_name", "neighbourhoods"."id";
\echo '===== stats'
\echo 'SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = \'11508580-871b-4637-ab21-cede2a97c254\') LIMIT \'1\''
EXPLAIN (ANALYZE, BUFFERS) SELECT "users"."platform_admin" FROM "users" WHERE ("users"."id" = '11508580-871b-4637-ab21-cede2a97c254') LIMIT '1';
\echo '===== stats'
\echo 'SELECT "professional_grants"."municipality_code" FROM "professional_grants" WHERE ("professional_grants"."user_id" = \'11508580-871b-4637-ab21-cede2a97c254\') ORDER BY "professional_grants"."municipalit'
EXPLAIN (ANALYZE, BUFFERS) SELECT "professional_grants"."municipality_code" FROM "professional_grants" WHERE ("professional_grants"."user_id" = '11508580-871b-4637-ab21-cede2a97c254') ORDER BY "professional_grants"."municipality_code";
\echo '===== stats'
\echo 'SELECT "stat_events"."neighbourhood_id", "stat_events"."week", "stat_events"."kind", COUNT(*) FROM "stat_events" WHERE (((("stat_events"."neighbourhood_id" = ANY(\'{91248aa5-1c76-4a1f-a9d0-ff4e9da59c7b'
EXPLAIN (ANALYZE, BUFFERS) SELECT "stat_events"."neighbourhood_id", "stat_events"."week", "stat_events"."kind", COUNT(*) FROM "stat_events" WHERE (((("stat_events"."neighbourhood_id" = ANY('{91248aa5-1c76-4a1f-a9d0-ff4e9da59c7b,46d02949-e336-4900-94f6-25933420a51d,e850c065-7db6-4108-85a4-cc9a6b7b0f51,e8ca183c-b71e-4cf9-a680-959722fd09a5,410e841a-f26d-4807-826b-58af3a95923c,aa5748bb-5685-4f30-acd9-0c001bf04390,7ce298f0-04b7-4087-a5b0-0380c8d48544,fb2bf5ee-33c6-48aa-aed1-ea0bdb87606e,8495a119-36ca-41a4-94f9-7973318c6a1a,49d64a4b-7082-492b-a8e3-fa4a94623c14,6eef60b3-4b28-40c0-b53a-b8557320cdc0,b692cf71-7017-4de1-8405-286879731473,1659002a-969e-406d-837c-83d6236520e2,6091b69f-5516-4205-924a-dd4766ea5c46,5bfdd3d3-f835-4aa9-80ea-831e0164ad43,95358bee-878d-409b-b86a-1b3a627eb00b,26623329-58a6-4b23-a75f-931db4f745cf,e2d5a0f6-1eb4-4afd-8773-0803e22bec1f,1bbd2839-32d1-4fee-9236-8474861917a2,fa633960-ba80-4e4c-8be7-9576d2b25db3,79983ac4-2015-4053-820e-fb2da2986d7f,e79f3901-caf0-4bf1-8c30-2363da150b7a,2910634e-d34c-4a12-9fb8-d89437588776,cce39fca-ab0b-461c-92e9-60d50392e58e,7bc59e3a-7834-4987-a00c-9719c54b2e8c,52f646cc-3f81-4661-871c-0195bb12e4c6,3b0f2b09-2ddd-4fb1-a66d-81e6198b3d7b,f94ca099-e8aa-4d52-a404-607a01362d6c,b6fc3379-10d4-42a1-ae2b-5ae6c62ce7b2,5e30a2bc-ff02-4100-8531-9ab2ab07ea11,aeb26566-1b4f-4724-af4d-a90c200ae92d,6a429ab4-2495-4915-9a77-2439a1c97295,802bbd08-aaa8-43e8-85fc-f1b4bbec756a,8bc611e7-633f-4351-b1bb-bac14bb6151f,385d4676-7c56-4eb6-bcb1-cbd0c7190260,7eeb55af-355d-47c8-a413-64d28a67dd7c,46aa6613-da3d-42da-9b32-147cb6a90122,fae36b8a-9191-47b4-90af-d4cdf4d469ac,af60ec60-6510-44a3-821c-1fdd1a8e885e,a7685808-c8f9-4752-8989-571a53652aaa,072b97de-a610-4e34-8e08-8c042a65f425,cfb683c2-d82a-4908-bfbe-e7d1992821cf,f2e79994-ac1f-4056-9425-14a20a0b7a14,131d5fcc-bfaf-41de-8414-b1486f978fe1,40d00e0f-3e96-4b68-bc09-f952822b8431,3ccb8585-689d-4dc8-bdeb-0db4fcb728cd,80cb4332-a359-4ba4-ac57-4e06cb7e7fbe,6d0cfd3d-0134-4b74-ae6f-5da76897fdc4,97eb5a26-6e02-4e49-a2cd-7e4497ca942f,153d6ca8-005f-489d-9ccd-034e5f3aa960,cba7c851-85ab-4382-a45c-eb867c678021,e865b610-fc97-4f94-9e5f-35594b6d4b80,704d72af-b09b-4138-b204-3e5ba6bf3f37,ac61350e-22f7-4124-84cb-3748f805ca1d,406d4de7-2662-41bd-ba4b-5099384f5c38,38b0f0c8-b00d-4f58-8d47-8600ed0a414f,29fef661-f7ce-42ff-871e-12f6e51c61c2,28f69d0d-7c9f-414e-89d1-355da52013a1,a95ee486-d23c-4d08-92e6-9beb374cdd3e,5cb1ab7c-e909-4c0e-8565-952bfd685527,121fbb50-5382-4392-abfd-1e06bbf07e35,26a707f1-b93c-4ad6-8915-d1052be29d0c,d2d90b66-f800-47b9-953f-b3ab517da035,46356fb1-15db-44c7-ad36-0d1c3280967c,d8790a6a-0b4a-4b6f-a2eb-7811bd5951b1,715dab78-420b-4aea-8bf0-8eb012fbe4f8,03cf2abb-7e6f-470b-9a91-ff2713084733,ac982baa-a779-4877-a882-2134f0277564,89dffe3f-657d-42b2-84f6-636c57e33a2e,49ceabec-cbc9-4f14-a7b4-80c82f07a233,f9fa4fa1-07dd-4bbf-9851-6550829191a4,0cb890df-6426-4884-9637-bb2d295d7dbf,3c05ab2f-8b5b-41d5-acc7-947dd95d2565,4cd84e39-2254-4c2a-a660-0ebfa4208e6b,d3578c99-1ee3-4610-811b-7545a4ed3dbe,a5e0a7ab-04c0-4210-a8a9-38445df2ed86,f024811e-06b6-49c8-aa69-6841344f3a0c,ed285bdf-1370-4891-866b-378401d15beb,090ed54f-62fb-4362-b9db-d1b511a181a6,355dc03e-c7a2-468c-8066-338664e1395e,08700745-989b-4a8d-8ebe-bb1cbcb5175a,0bf6e111-62f9-4015-ab78-af4afec795f7,95f803dc-13b0-4c88-a8f7-ef824173c50a,9b52da8f-41bc-4839-ae00-52e333259a43,f358a17c-d0d3-4dcc-b92f-f1f0296dfaf2,fdbea245-bc75-4759-a6ba-7fcd8dc8c466,bef30223-cf1e-4654-9b4b-1c648b69e683,33ec9132-e0de-4fdf-9f11-f22c9d1ea36f,523a4629-182a-4ba7-a04f-8105ec98bd55,8e5bb085-cdcd-452c-a51d-8ba0ee1ac745,5486296a-3b4b-4e57-a157-1eccfac1d559,d29a2ee3-751f-4c7c-afe1-e7214f588677,4e92d1c1-bb36-4b99-baf5-879463d046a5,a8c4774a-e52f-4436-a020-2988e2a8e6ae,46c17b3f-41c9-4526-8b9d-3f3164cdcea7,0c8d26c3-2c8e-4e83-bb4b-dc43f01ad8cf,d643f2b0-717d-4536-b474-d2bd5097a2a2,9591d14e-36c7-4dad-add7-265435d6ac6d}')) AND ("stat_events"."day" >= '2025-11-24')) AND ("stat_events"."day" <= '2026-11-29')) AND ("stat_events"."kind" = ANY('{request_opened,matched_online,solved_offline,referred_wijkteam,not_solvable,withdrawn,expired,offer_posted,posted,helped,rsvp,attended,member_joined}'))) GROUP BY "stat_events"."neighbourhood_id", "stat_events"."week", "stat_events"."kind";
\echo '===== stats'
\echo 'SELECT "stat_events"."neighbourhood_id", "stat_events"."week", count( DISTINCT "stat_events"."actor_id") FROM "stat_events" WHERE (((("stat_events"."neighbourhood_id" = ANY(\'{91248aa5-1c76-4a1f-a9d0-f'
EXPLAIN (ANALYZE, BUFFERS) SELECT "stat_events"."neighbourhood_id", "stat_events"."week", count( DISTINCT "stat_events"."actor_id") FROM "stat_events" WHERE (((("stat_events"."neighbourhood_id" = ANY('{91248aa5-1c76-4a1f-a9d0-ff4e9da59c7b,46d02949-e336-4900-94f6-25933420a51d,e850c065-7db6-4108-85a4-cc9a6b7b0f51,e8ca183c-b71e-4cf9-a680-959722fd09a5,410e841a-f26d-4807-826b-58af3a95923c,aa5748bb-5685-4f30-acd9-0c001bf04390,7ce298f0-04b7-4087-a5b0-0380c8d48544,fb2bf5ee-33c6-48aa-aed1-ea0bdb87606e,8495a119-36ca-41a4-94f9-7973318c6a1a,49d64a4b-7082-492b-a8e3-fa4a94623c14,6eef60b3-4b28-40c0-b53a-b8557320cdc0,b692cf71-7017-4de1-8405-286879731473,1659002a-969e-406d-837c-83d6236520e2,6091b69f-5516-4205-924a-dd4766ea5c46,5bfdd3d3-f835-4aa9-80ea-831e0164ad43,95358bee-878d-409b-b86a-1b3a627eb00b,26623329-58a6-4b23-a75f-931db4f745cf,e2d5a0f6-1eb4-4afd-8773-0803e22bec1f,1bbd2839-32d1-4fee-9236-8474861917a2,fa633960-ba80-4e4c-8be7-9576d2b25db3,79983ac4-2015-4053-820e-fb2da2986d7f,e79f3901-caf0-4bf1-8c30-2363da150b7a,2910634e-d34c-4a12-9fb8-d89437588776,cce39fca-ab0b-461c-92e9-60d50392e58e,7bc59e3a-7834-4987-a00c-9719c54b2e8c,52f646cc-3f81-4661-871c-0195bb12e4c6,3b0f2b09-2ddd-4fb1-a66d-81e6198b3d7b,f94ca099-e8aa-4d52-a404-607a01362d6c,b6fc3379-10d4-42a1-ae2b-5ae6c62ce7b2,5e30a2bc-ff02-4100-8531-9ab2ab07ea11,aeb26566-1b4f-4724-af4d-a90c200ae92d,6a429ab4-2495-4915-9a77-2439a1c97295,802bbd08-aaa8-43e8-85fc-f1b4bbec756a,8bc611e7-633f-4351-b1bb-bac14bb6151f,385d4676-7c56-4eb6-bcb1-cbd0c7190260,7eeb55af-355d-47c8-a413-64d28a67dd7c,46aa6613-da3d-42da-9b32-147cb6a90122,fae36b8a-9191-47b4-90af-d4cdf4d469ac,af60ec60-6510-44a3-821c-1fdd1a8e885e,a7685808-c8f9-4752-8989-571a53652aaa,072b97de-a610-4e34-8e08-8c042a65f425,cfb683c2-d82a-4908-bfbe-e7d1992821cf,f2e79994-ac1f-4056-9425-14a20a0b7a14,131d5fcc-bfaf-41de-8414-b1486f978fe1,40d00e0f-3e96-4b68-bc09-f952822b8431,3ccb8585-689d-4dc8-bdeb-0db4fcb728cd,80cb4332-a359-4ba4-ac57-4e06cb7e7fbe,6d0cfd3d-0134-4b74-ae6f-5da76897fdc4,97eb5a26-6e02-4e49-a2cd-7e4497ca942f,153d6ca8-005f-489d-9ccd-034e5f3aa960,cba7c851-85ab-4382-a45c-eb867c678021,e865b610-fc97-4f94-9e5f-35594b6d4b80,704d72af-b09b-4138-b204-3e5ba6bf3f37,ac61350e-22f7-4124-84cb-3748f805ca1d,406d4de7-2662-41bd-ba4b-5099384f5c38,38b0f0c8-b00d-4f58-8d47-8600ed0a414f,29fef661-f7ce-42ff-871e-12f6e51c61c2,28f69d0d-7c9f-414e-89d1-355da52013a1,a95ee486-d23c-4d08-92e6-9beb374cdd3e,5cb1ab7c-e909-4c0e-8565-952bfd685527,121fbb50-5382-4392-abfd-1e06bbf07e35,26a707f1-b93c-4ad6-8915-d1052be29d0c,d2d90b66-f800-47b9-953f-b3ab517da035,46356fb1-15db-44c7-ad36-0d1c3280967c,d8790a6a-0b4a-4b6f-a2eb-7811bd5951b1,715dab78-420b-4aea-8bf0-8eb012fbe4f8,03cf2abb-7e6f-470b-9a91-ff2713084733,ac982baa-a779-4877-a882-2134f0277564,89dffe3f-657d-42b2-84f6-636c57e33a2e,49ceabec-cbc9-4f14-a7b4-80c82f07a233,f9fa4fa1-07dd-4bbf-9851-6550829191a4,0cb890df-6426-4884-9637-bb2d295d7dbf,3c05ab2f-8b5b-41d5-acc7-947dd95d2565,4cd84e39-2254-4c2a-a660-0ebfa4208e6b,d3578c99-1ee3-4610-811b-7545a4ed3dbe,a5e0a7ab-04c0-4210-a8a9-38445df2ed86,f024811e-06b6-49c8-aa69-6841344f3a0c,ed285bdf-1370-4891-866b-378401d15beb,090ed54f-62fb-4362-b9db-d1b511a181a6,355dc03e-c7a2-468c-8066-338664e1395e,08700745-989b-4a8d-8ebe-bb1cbcb5175a,0bf6e111-62f9-4015-ab78-af4afec795f7,95f803dc-13b0-4c88-a8f7-ef824173c50a,9b52da8f-41bc-4839-ae00-52e333259a43,f358a17c-d0d3-4dcc-b92f-f1f0296dfaf2,fdbea245-bc75-4759-a6ba-7fcd8dc8c466,bef30223-cf1e-4654-9b4b-1c648b69e683,33ec9132-e0de-4fdf-9f11-f22c9d1ea36f,523a4629-182a-4ba7-a04f-8105ec98bd55,8e5bb085-cdcd-452c-a51d-8ba0ee1ac745,5486296a-3b4b-4e57-a157-1eccfac1d559,d29a2ee3-751f-4c7c-afe1-e7214f588677,4e92d1c1-bb36-4b99-baf5-879463d046a5,a8c4774a-e52f-4436-a020-2988e2a8e6ae,46c17b3f-41c9-4526-8b9d-3f3164cdcea7,0c8d26c3-2c8e-4e83-bb4b-dc43f01ad8cf,d643f2b0-717d-4536-b474-d2bd5097a2a2,9591d14e-36c7-4dad-add7-265435d6ac6d}')) AND ("stat_events"."day" >= '2025-11-24')) AND ("stat_events"."day" <= '2026-11-29')) AND ("stat_events"."kind" = ANY('{posted,helped,attended}'))) GROUP BY "stat_events"."neighbourhood_id", "stat_events"."week";
\echo '===== stats'
\echo 'SELECT "stat_events"."neighbourhood_id", "stat_events"."week", count( DISTINCT "stat_events"."actor_id") FROM "stat_events" WHERE (((("stat_events"."neighbourhood_id" = ANY(\'{91248aa5-1c76-4a1f-a9d0-f'
EXPLAIN (ANALYZE, BUFFERS) SELECT "stat_events"."neighbourhood_id", "stat_events"."week", count( DISTINCT "stat_events"."actor_id") FROM "stat_events" WHERE (((("stat_events"."neighbourhood_id" = ANY('{91248aa5-1c76-4a1f-a9d0-ff4e9da59c7b,46d02949-e336-4900-94f6-25933420a51d,e850c065-7db6-4108-85a4-cc9a6b7b0f51,e8ca183c-b71e-4cf9-a680-959722fd09a5,410e841a-f26d-4807-826b-58af3a95923c,aa5748bb-5685-4f30-acd9-0c001bf04390,7ce298f0-04b7-4087-a5b0-0380c8d48544,fb2bf5ee-33c6-48aa-aed1-ea0bdb87606e,8495a119-36ca-41a4-94f9-7973318c6a1a,49d64a4b-7082-492b-a8e3-fa4a94623c14,6eef60b3-4b28-40c0-b53a-b8557320cdc0,b692cf71-7017-4de1-8405-286879731473,1659002a-969e-406d-837c-83d6236520e2,6091b69f-5516-4205-924a-dd4766ea5c46,5bfdd3d3-f835-4aa9-80ea-831e0164ad43,95358bee-878d-409b-b86a-1b3a627eb00b,26623329-58a6-4b23-a75f-931db4f745cf,e2d5a0f6-1eb4-4afd-8773-0803e22bec1f,1bbd2839-32d1-4fee-9236-8474861917a2,fa633960-ba80-4e4c-8be7-9576d2b25db3,79983ac4-2015-4053-820e-fb2da2986d7f,e79f3901-caf0-4bf1-8c30-2363da150b7a,2910634e-d34c-4a12-9fb8-d89437588776,cce39fca-ab0b-461c-92e9-60d50392e58e,7bc59e3a-7834-4987-a00c-9719c54b2e8c,52f646cc-3f81-4661-871c-0195bb12e4c6,3b0f2b09-2ddd-4fb1-a66d-81e6198b3d7b,f94ca099-e8aa-4d52-a404-607a01362d6c,b6fc3379-10d4-42a1-ae2b-5ae6c62ce7b2,5e30a2bc-ff02-4100-8531-9ab2ab07ea11,aeb26566-1b4f-4724-af4d-a90c200ae92d,6a429ab4-2495-4915-9a77-2439a1c97295,802bbd08-aaa8-43e8-85fc-f1b4bbec756a,8bc611e7-633f-4351-b1bb-bac14bb6151f,385d4676-7c56-4eb6-bcb1-cbd0c7190260,7eeb55af-355d-47c8-a413-64d28a67dd7c,46aa6613-da3d-42da-9b32-147cb6a90122,fae36b8a-9191-47b4-90af-d4cdf4d469ac,af60ec60-6510-44a3-821c-1fdd1a8e885e,a7685808-c8f9-4752-8989-571a53652aaa,072b97de-a610-4e34-8e08-8c042a65f425,cfb683c2-d82a-4908-bfbe-e7d1992821cf,f2e79994-ac1f-4056-9425-14a20a0b7a14,131d5fcc-bfaf-41de-8414-b1486f978fe1,40d00e0f-3e96-4b68-bc09-f952822b8431,3ccb8585-689d-4dc8-bdeb-0db4fcb728cd,80cb4332-a359-4ba4-ac57-4e06cb7e7fbe,6d0cfd3d-0134-4b74-ae6f-5da76897fdc4,97eb5a26-6e02-4e49-a2cd-7e4497ca942f,153d6ca8-005f-489d-9ccd-034e5f3aa960,cba7c851-85ab-4382-a45c-eb867c678021,e865b610-fc97-4f94-9e5f-35594b6d4b80,704d72af-b09b-4138-b204-3e5ba6bf3f37,ac61350e-22f7-4124-84cb-3748f805ca1d,406d4de7-2662-41bd-ba4b-5099384f5c38,38b0f0c8-b00d-4f58-8d47-8600ed0a414f,29fef661-f7ce-42ff-871e-12f6e51c61c2,28f69d0d-7c9f-414e-89d1-355da52013a1,a95ee486-d23c-4d08-92e6-9beb374cdd3e,5cb1ab7c-e909-4c0e-8565-952bfd685527,121fbb50-5382-4392-abfd-1e06bbf07e35,26a707f1-b93c-4ad6-8915-d1052be29d0c,d2d90b66-f800-47b9-953f-b3ab517da035,46356fb1-15db-44c7-ad36-0d1c3280967c,d8790a6a-0b4a-4b6f-a2eb-7811bd5951b1,715dab78-420b-4aea-8bf0-8eb012fbe4f8,03cf2abb-7e6f-470b-9a91-ff2713084733,ac982baa-a779-4877-a882-2134f0277564,89dffe3f-657d-42b2-84f6-636c57e33a2e,49ceabec-cbc9-4f14-a7b4-80c82f07a233,f9fa4fa1-07dd-4bbf-9851-6550829191a4,0cb890df-6426-4884-9637-bb2d295d7dbf,3c05ab2f-8b5b-41d5-acc7-947dd95d2565,4cd84e39-2254-4c2a-a660-0ebfa4208e6b,d3578c99-1ee3-4610-811b-7545a4ed3dbe,a5e0a7ab-04c0-4210-a8a9-38445df2ed86,f024811e-06b6-49c8-aa69-6841344f3a0c,ed285bdf-1370-4891-866b-378401d15beb,090ed54f-62fb-4362-b9db-d1b511a181a6,355dc03e-c7a2-468c-8066-338664e1395e,08700745-989b-4a8d-8ebe-bb1cbcb5175a,0bf6e111-62f9-4015-ab78-af4afec795f7,95f803dc-13b0-4c88-a8f7-ef824173c50a,9b52da8f-41bc-4839-ae00-52e333259a43,f358a17c-d0d3-4dcc-b92f-f1f0296dfaf2,fdbea245-bc75-4759-a6ba-7fcd8dc8c466,bef30223-cf1e-4654-9b4b-1c648b69e683,33ec9132-e0de-4fdf-9f11-f22c9d1ea36f,523a4629-182a-4ba7-a04f-8105ec98bd55,8e5bb085-cdcd-452c-a51d-8ba0ee1ac745,5486296a-3b4b-4e57-a157-1eccfac1d559,d29a2ee3-751f-4c7c-afe1-e7214f588677,4e92d1c1-bb36-4b99-baf5-879463d046a5,a8c4774a-e52f-4436-a020-2988e2a8e6ae,46c17b3f-41c9-4526-8b9d-3f3164cdcea7,0c8d26c3-2c8e-4e83-bb4b-dc43f01ad8cf,d643f2b0-717d-4536-b474-d2bd5097a2a2,9591d14e-36c7-4dad-add7-265435d6ac6d}')) AND ("stat_events"."day" >= '2025-11-24')) AND ("stat_events"."day" <= '2026-11-29')) AND ("stat_events"."kind" = ANY('{attended}'))) GROUP BY "stat_events"."neighbourhood_id", "stat_events"."week";
\echo '===== stats'
\echo 'SELECT "stat_events"."neighbourhood_id", "stat_events"."week", "stat_events"."kind", "stat_events"."seconds" FROM "stat_events" WHERE (((("stat_events"."neighbourhood_id" = ANY(\'{91248aa5-1c76-4a1f-a9'
EXPLAIN (ANALYZE, BUFFERS) SELECT "stat_events"."neighbourhood_id", "stat_events"."week", "stat_events"."kind", "stat_events"."seconds" FROM "stat_events" WHERE (((("stat_events"."neighbourhood_id" = ANY('{91248aa5-1c76-4a1f-a9d0-ff4e9da59c7b,46d02949-e336-4900-94f6-25933420a51d,e850c065-7db6-4108-85a4-cc9a6b7b0f51,e8ca183c-b71e-4cf9-a680-959722fd09a5,410e841a-f26d-4807-826b-58af3a95923c,aa5748bb-5685-4f30-acd9-0c001bf04390,7ce298f0-04b7-4087-a5b0-0380c8d48544,fb2bf5ee-33c6-48aa-aed1-ea0bdb87606e,8495a119-36ca-41a4-94f9-7973318c6a1a,49d64a4b-7082-492b-a8e3-fa4a94623c14,6eef60b3-4b28-40c0-b53a-b8557320cdc0,b692cf71-7017-4de1-8405-286879731473,1659002a-969e-406d-837c-83d6236520e2,6091b69f-5516-4205-924a-dd4766ea5c46,5bfdd3d3-f835-4aa9-80ea-831e0164ad43,95358bee-878d-409b-b86a-1b3a627eb00b,26623329-58a6-4b23-a75f-931db4f745cf,e2d5a0f6-1eb4-4afd-8773-0803e22bec1f,1bbd2839-32d1-4fee-9236-8474861917a2,fa633960-ba80-4e4c-8be7-9576d2b25db3,79983ac4-2015-4053-820e-fb2da2986d7f,e79f3901-caf0-4bf1-8c30-2363da150b7a,2910634e-d34c-4a12-9fb8-d89437588776,cce39fca-ab0b-461c-92e9-60d50392e58e,7bc59e3a-7834-4987-a00c-9719c54b2e8c,52f646cc-3f81-4661-871c-0195bb12e4c6,3b0f2b09-2ddd-4fb1-a66d-81e6198b3d7b,f94ca099-e8aa-4d52-a404-607a01362d6c,b6fc3379-10d4-42a1-ae2b-5ae6c62ce7b2,5e30a2bc-ff02-4100-8531-9ab2ab07ea11,aeb26566-1b4f-4724-af4d-a90c200ae92d,6a429ab4-2495-4915-9a77-2439a1c97295,802bbd08-aaa8-43e8-85fc-f1b4bbec756a,8bc611e7-633f-4351-b1bb-bac14bb6151f,385d4676-7c56-4eb6-bcb1-cbd0c7190260,7eeb55af-355d-47c8-a413-64d28a67dd7c,46aa6613-da3d-42da-9b32-147cb6a90122,fae36b8a-9191-47b4-90af-d4cdf4d469ac,af60ec60-6510-44a3-821c-1fdd1a8e885e,a7685808-c8f9-4752-8989-571a53652aaa,072b97de-a610-4e34-8e08-8c042a65f425,cfb683c2-d82a-4908-bfbe-e7d1992821cf,f2e79994-ac1f-4056-9425-14a20a0b7a14,131d5fcc-bfaf-41de-8414-b1486f978fe1,40d00e0f-3e96-4b68-bc09-f952822b8431,3ccb8585-689d-4dc8-bdeb-0db4fcb728cd,80cb4332-a359-4ba4-ac57-4e06cb7e7fbe,6d0cfd3d-0134-4b74-ae6f-5da76897fdc4,97eb5a26-6e02-4e49-a2cd-7e4497ca942f,153d6ca8-005f-489d-9ccd-034e5f3aa960,cba7c851-85ab-4382-a45c-eb867c678021,e865b610-fc97-4f94-9e5f-35594b6d4b80,704d72af-b09b-4138-b204-3e5ba6bf3f37,ac61350e-22f7-4124-84cb-3748f805ca1d,406d4de7-2662-41bd-ba4b-5099384f5c38,38b0f0c8-b00d-4f58-8d47-8600ed0a414f,29fef661-f7ce-42ff-871e-12f6e51c61c2,28f69d0d-7c9f-414e-89d1-355da52013a1,a95ee486-d23c-4d08-92e6-9beb374cdd3e,5cb1ab7c-e909-4c0e-8565-952bfd685527,121fbb50-5382-4392-abfd-1e06bbf07e35,26a707f1-b93c-4ad6-8915-d1052be29d0c,d2d90b66-f800-47b9-953f-b3ab517da035,46356fb1-15db-44c7-ad36-0d1c3280967c,d8790a6a-0b4a-4b6f-a2eb-7811bd5951b1,715dab78-420b-4aea-8bf0-8eb012fbe4f8,03cf2abb-7e6f-470b-9a91-ff2713084733,ac982baa-a779-4877-a882-2134f0277564,89dffe3f-657d-42b2-84f6-636c57e33a2e,49ceabec-cbc9-4f14-a7b4-80c82f07a233,f9fa4fa1-07dd-4bbf-9851-6550829191a4,0cb890df-6426-4884-9637-bb2d295d7dbf,3c05ab2f-8b5b-41d5-acc7-947dd95d2565,4cd84e39-2254-4c2a-a660-0ebfa4208e6b,d3578c99-1ee3-4610-811b-7545a4ed3dbe,a5e0a7ab-04c0-4210-a8a9-38445df2ed86,f024811e-06b6-49c8-aa69-6841344f3a0c,ed285bdf-1370-4891-866b-378401d15beb,090ed54f-62fb-4362-b9db-d1b511a181a6,355dc03e-c7a2-468c-8066-338664e1395e,08700745-989b-4a8d-8ebe-bb1cbcb5175a,0bf6e111-62f9-4015-ab78-af4afec795f7,95f803dc-13b0-4c88-a8f7-ef824173c50a,9b52da8f-41bc-4839-ae00-52e333259a43,f358a17c-d0d3-4dcc-b92f-f1f0296dfaf2,fdbea245-bc75-4759-a6ba-7fcd8dc8c466,bef30223-cf1e-4654-9b4b-1c648b69e683,33ec9132-e0de-4fdf-9f11-f22c9d1ea36f,523a4629-182a-4ba7-a04f-8105ec98bd55,8e5bb085-cdcd-452c-a51d-8ba0ee1ac745,5486296a-3b4b-4e57-a157-1eccfac1d559,d29a2ee3-751f-4c7c-afe1-e7214f588677,4e92d1c1-bb36-4b99-baf5-879463d046a5,a8c4774a-e52f-4436-a020-2988e2a8e6ae,46c17b3f-41c9-4526-8b9d-3f3164cdcea7,0c8d26c3-2c8e-4e83-bb4b-dc43f01ad8cf,d643f2b0-717d-4536-b474-d2bd5097a2a2,9591d14e-36c7-4dad-add7-265435d6ac6d}')) AND ("stat_events"."day" >= '2025-11-24')) AND ("stat_events"."day" <= '2026-11-29')) AND ("stat_events"."kind" = ANY('{first_response,accepted}')));
\echo '===== stats'
\echo 'SELECT "stat_events"."neighbourhood_id", "stat_events"."kind", COUNT(*) FROM "stat_events" WHERE ((("stat_events"."neighbourhood_id" = ANY(\'{91248aa5-1c76-4a1f-a9d0-ff4e9da59c7b,46d02949-e336-4900-94f'
EXPLAIN (ANALYZE, BUFFERS) SELECT "stat_events"."neighbourhood_id", "stat_events"."kind", COUNT(*) FROM "stat_events" WHERE ((("stat_events"."neighbourhood_id" = ANY('{91248aa5-1c76-4a1f-a9d0-ff4e9da59c7b,46d02949-e336-4900-94f6-25933420a51d,e850c065-7db6-4108-85a4-cc9a6b7b0f51,e8ca183c-b71e-4cf9-a680-959722fd09a5,410e841a-f26d-4807-826b-58af3a95923c,aa5748bb-5685-4f30-acd9-0c001bf04390,7ce298f0-04b7-4087-a5b0-0380c8d48544,fb2bf5ee-33c6-48aa-aed1-ea0bdb87606e,8495a119-36ca-41a4-94f9-7973318c6a1a,49d64a4b-7082-492b-a8e3-fa4a94623c14,6eef60b3-4b28-40c0-b53a-b8557320cdc0,b692cf71-7017-4de1-8405-286879731473,1659002a-969e-406d-837c-83d6236520e2,6091b69f-5516-4205-924a-dd4766ea5c46,5bfdd3d3-f835-4aa9-80ea-831e0164ad43,95358bee-878d-409b-b86a-1b3a627eb00b,26623329-58a6-4b23-a75f-931db4f745cf,e2d5a0f6-1eb4-4afd-8773-0803e22bec1f,1bbd2839-32d1-4fee-9236-8474861917a2,fa633960-ba80-4e4c-8be7-9576d2b25db3,79983ac4-2015-4053-820e-fb2da2986d7f,e79f3901-caf0-4bf1-8c30-2363da150b7a,2910634e-d34c-4a12-9fb8-d89437588776,cce39fca-ab0b-461c-92e9-60d50392e58e,7bc59e3a-7834-4987-a00c-9719c54b2e8c,52f646cc-3f81-4661-871c-0195bb12e4c6,3b0f2b09-2ddd-4fb1-a66d-81e6198b3d7b,f94ca099-e8aa-4d52-a404-607a01362d6c,b6fc3379-10d4-42a1-ae2b-5ae6c62ce7b2,5e30a2bc-ff02-4100-8531-9ab2ab07ea11,aeb26566-1b4f-4724-af4d-a90c200ae92d,6a429ab4-2495-4915-9a77-2439a1c97295,802bbd08-aaa8-43e8-85fc-f1b4bbec756a,8bc611e7-633f-4351-b1bb-bac14bb6151f,385d4676-7c56-4eb6-bcb1-cbd0c7190260,7eeb55af-355d-47c8-a413-64d28a67dd7c,46aa6613-da3d-42da-9b32-147cb6a90122,fae36b8a-9191-47b4-90af-d4cdf4d469ac,af60ec60-6510-44a3-821c-1fdd1a8e885e,a7685808-c8f9-4752-8989-571a53652aaa,072b97de-a610-4e34-8e08-8c042a65f425,cfb683c2-d82a-4908-bfbe-e7d1992821cf,f2e79994-ac1f-4056-9425-14a20a0b7a14,131d5fcc-bfaf-41de-8414-b1486f978fe1,40d00e0f-3e96-4b68-bc09-f952822b8431,3ccb8585-689d-4dc8-bdeb-0db4fcb728cd,80cb4332-a359-4ba4-ac57-4e06cb7e7fbe,6d0cfd3d-0134-4b74-ae6f-5da76897fdc4,97eb5a26-6e02-4e49-a2cd-7e4497ca942f,153d6ca8-005f-489d-9ccd-034e5f3aa960,cba7c851-85ab-4382-a45c-eb867c678021,e865b610-fc97-4f94-9e5f-35594b6d4b80,704d72af-b09b-4138-b204-3e5ba6bf3f37,ac61350e-22f7-4124-84cb-3748f805ca1d,406d4de7-2662-41bd-ba4b-5099384f5c38,38b0f0c8-b00d-4f58-8d47-8600ed0a414f,29fef661-f7ce-42ff-871e-12f6e51c61c2,28f69d0d-7c9f-414e-89d1-355da52013a1,a95ee486-d23c-4d08-92e6-9beb374cdd3e,5cb1ab7c-e909-4c0e-8565-952bfd685527,121fbb50-5382-4392-abfd-1e06bbf07e35,26a707f1-b93c-4ad6-8915-d1052be29d0c,d2d90b66-f800-47b9-953f-b3ab517da035,46356fb1-15db-44c7-ad36-0d1c3280967c,d8790a6a-0b4a-4b6f-a2eb-7811bd5951b1,715dab78-420b-4aea-8bf0-8eb012fbe4f8,03cf2abb-7e6f-470b-9a91-ff2713084733,ac982baa-a779-4877-a882-2134f0277564,89dffe3f-657d-42b2-84f6-636c57e33a2e,49ceabec-cbc9-4f14-a7b4-80c82f07a233,f9fa4fa1-07dd-4bbf-9851-6550829191a4,0cb890df-6426-4884-9637-bb2d295d7dbf,3c05ab2f-8b5b-41d5-acc7-947dd95d2565,4cd84e39-2254-4c2a-a660-0ebfa4208e6b,d3578c99-1ee3-4610-811b-7545a4ed3dbe,a5e0a7ab-04c0-4210-a8a9-38445df2ed86,f024811e-06b6-49c8-aa69-6841344f3a0c,ed285bdf-1370-4891-866b-378401d15beb,090ed54f-62fb-4362-b9db-d1b511a181a6,355dc03e-c7a2-468c-8066-338664e1395e,08700745-989b-4a8d-8ebe-bb1cbcb5175a,0bf6e111-62f9-4015-ab78-af4afec795f7,95f803dc-13b0-4c88-a8f7-ef824173c50a,9b52da8f-41bc-4839-ae00-52e333259a43,f358a17c-d0d3-4dcc-b92f-f1f0296dfaf2,fdbea245-bc75-4759-a6ba-7fcd8dc8c466,bef30223-cf1e-4654-9b4b-1c648b69e683,33ec9132-e0de-4fdf-9f11-f22c9d1ea36f,523a4629-182a-4ba7-a04f-8105ec98bd55,8e5bb085-cdcd-452c-a51d-8ba0ee1ac745,5486296a-3b4b-4e57-a157-1eccfac1d559,d29a2ee3-751f-4c7c-afe1-e7214f588677,4e92d1c1-bb36-4b99-baf5-879463d046a5,a8c4774a-e52f-4436-a020-2988e2a8e6ae,46c17b3f-41c9-4526-8b9d-3f3164cdcea7,0c8d26c3-2c8e-4e83-bb4b-dc43f01ad8cf,d643f2b0-717d-4536-b474-d2bd5097a2a2,9591d14e-36c7-4dad-add7-265435d6ac6d}')) AND ("stat_events"."kind" = ANY('{request_opened,matched_online,solved_offline,referred_wijkteam,not_solvable,withdrawn,expired}'))) AND ("stat_events"."day" < '2025-11-24')) GROUP BY "stat_events"."neighbourhood_id", "stat_events"."kind";
\echo '===== stats'
\echo 'SELECT "posts"."neighbourhood_id", "posts"."starts_at" FROM "posts" WHERE ((((((("posts"."neighbourhood_id" = ANY(\'{91248aa5-1c76-4a1f-a9d0-ff4e9da59c7b,46d02949-e336-4900-94f6-25933420a51d,e850c065-7'
EXPLAIN (ANALYZE, BUFFERS) SELECT "posts"."neighbourhood_id", "posts"."starts_at" FROM "posts" WHERE ((((((("posts"."neighbourhood_id" = ANY('{91248aa5-1c76-4a1f-a9d0-ff4e9da59c7b,46d02949-e336-4900-94f6-25933420a51d,e850c065-7db6-4108-85a4-cc9a6b7b0f51,e8ca183c-b71e-4cf9-a680-959722fd09a5,410e841a-f26d-4807-826b-58af3a95923c,aa5748bb-5685-4f30-acd9-0c001bf04390,7ce298f0-04b7-4087-a5b0-0380c8d48544,fb2bf5ee-33c6-48aa-aed1-ea0bdb87606e,8495a119-36ca-41a4-94f9-7973318c6a1a,49d64a4b-7082-492b-a8e3-fa4a94623c14,6eef60b3-4b28-40c0-b53a-b8557320cdc0,b692cf71-7017-4de1-8405-286879731473,1659002a-969e-406d-837c-83d6236520e2,6091b69f-5516-4205-924a-dd4766ea5c46,5bfdd3d3-f835-4aa9-80ea-831e0164ad43,95358bee-878d-409b-b86a-1b3a627eb00b,26623329-58a6-4b23-a75f-931db4f745cf,e2d5a0f6-1eb4-4afd-8773-0803e22bec1f,1bbd2839-32d1-4fee-9236-8474861917a2,fa633960-ba80-4e4c-8be7-9576d2b25db3,79983ac4-2015-4053-820e-fb2da2986d7f,e79f3901-caf0-4bf1-8c30-2363da150b7a,2910634e-d34c-4a12-9fb8-d89437588776,cce39fca-ab0b-461c-92e9-60d50392e58e,7bc59e3a-7834-4987-a00c-9719c54b2e8c,52f646cc-3f81-4661-871c-0195bb12e4c6,3b0f2b09-2ddd-4fb1-a66d-81e6198b3d7b,f94ca099-e8aa-4d52-a404-607a01362d6c,b6fc3379-10d4-42a1-ae2b-5ae6c62ce7b2,5e30a2bc-ff02-4100-8531-9ab2ab07ea11,aeb26566-1b4f-4724-af4d-a90c200ae92d,6a429ab4-2495-4915-9a77-2439a1c97295,802bbd08-aaa8-43e8-85fc-f1b4bbec756a,8bc611e7-633f-4351-b1bb-bac14bb6151f,385d4676-7c56-4eb6-bcb1-cbd0c7190260,7eeb55af-355d-47c8-a413-64d28a67dd7c,46aa6613-da3d-42da-9b32-147cb6a90122,fae36b8a-9191-47b4-90af-d4cdf4d469ac,af60ec60-6510-44a3-821c-1fdd1a8e885e,a7685808-c8f9-4752-8989-571a53652aaa,072b97de-a610-4e34-8e08-8c042a65f425,cfb683c2-d82a-4908-bfbe-e7d1992821cf,f2e79994-ac1f-4056-9425-14a20a0b7a14,131d5fcc-bfaf-41de-8414-b1486f978fe1,40d00e0f-3e96-4b68-bc09-f952822b8431,3ccb8585-689d-4dc8-bdeb-0db4fcb728cd,80cb4332-a359-4ba4-ac57-4e06cb7e7fbe,6d0cfd3d-0134-4b74-ae6f-5da76897fdc4,97eb5a26-6e02-4e49-a2cd-7e4497ca942f,153d6ca8-005f-489d-9ccd-034e5f3aa960,cba7c851-85ab-4382-a45c-eb867c678021,e865b610-fc97-4f94-9e5f-35594b6d4b80,704d72af-b09b-4138-b204-3e5ba6bf3f37,ac61350e-22f7-4124-84cb-3748f805ca1d,406d4de7-2662-41bd-ba4b-5099384f5c38,38b0f0c8-b00d-4f58-8d47-8600ed0a414f,29fef661-f7ce-42ff-871e-12f6e51c61c2,28f69d0d-7c9f-414e-89d1-355da52013a1,a95ee486-d23c-4d08-92e6-9beb374cdd3e,5cb1ab7c-e909-4c0e-8565-952bfd685527,121fbb50-5382-4392-abfd-1e06bbf07e35,26a707f1-b93c-4ad6-8915-d1052be29d0c,d2d90b66-f800-47b9-953f-b3ab517da035,46356fb1-15db-44c7-ad36-0d1c3280967c,d8790a6a-0b4a-4b6f-a2eb-7811bd5951b1,715dab78-420b-4aea-8bf0-8eb012fbe4f8,03cf2abb-7e6f-470b-9a91-ff2713084733,ac982baa-a779-4877-a882-2134f0277564,89dffe3f-657d-42b2-84f6-636c57e33a2e,49ceabec-cbc9-4f14-a7b4-80c82f07a233,f9fa4fa1-07dd-4bbf-9851-6550829191a4,0cb890df-6426-4884-9637-bb2d295d7dbf,3c05ab2f-8b5b-41d5-acc7-947dd95d2565,4cd84e39-2254-4c2a-a660-0ebfa4208e6b,d3578c99-1ee3-4610-811b-7545a4ed3dbe,a5e0a7ab-04c0-4210-a8a9-38445df2ed86,f024811e-06b6-49c8-aa69-6841344f3a0c,ed285bdf-1370-4891-866b-378401d15beb,090ed54f-62fb-4362-b9db-d1b511a181a6,355dc03e-c7a2-468c-8066-338664e1395e,08700745-989b-4a8d-8ebe-bb1cbcb5175a,0bf6e111-62f9-4015-ab78-af4afec795f7,95f803dc-13b0-4c88-a8f7-ef824173c50a,9b52da8f-41bc-4839-ae00-52e333259a43,f358a17c-d0d3-4dcc-b92f-f1f0296dfaf2,fdbea245-bc75-4759-a6ba-7fcd8dc8c466,bef30223-cf1e-4654-9b4b-1c648b69e683,33ec9132-e0de-4fdf-9f11-f22c9d1ea36f,523a4629-182a-4ba7-a04f-8105ec98bd55,8e5bb085-cdcd-452c-a51d-8ba0ee1ac745,5486296a-3b4b-4e57-a157-1eccfac1d559,d29a2ee3-751f-4c7c-afe1-e7214f588677,4e92d1c1-bb36-4b99-baf5-879463d046a5,a8c4774a-e52f-4436-a020-2988e2a8e6ae,46c17b3f-41c9-4526-8b9d-3f3164cdcea7,0c8d26c3-2c8e-4e83-bb4b-dc43f01ad8cf,d643f2b0-717d-4536-b474-d2bd5097a2a2,9591d14e-36c7-4dad-add7-265435d6ac6d}')) AND ("posts"."kind" = 'activity')) AND ("posts"."starts_at" >= '2025-11-23 23:00:00')) AND ("posts"."starts_at" < '2026-11-29 23:00:00')) AND ("posts"."starts_at" <= '2026-11-29 10:19:19.229712')) AND ("posts"."status" != 'closed')) AND ("posts"."hidden" = 'f'));
