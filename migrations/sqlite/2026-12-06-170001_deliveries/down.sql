DROP TABLE digest_sends;
DROP TABLE account_tokens;
DROP TABLE notification_preferences;
DROP TABLE notification_settings;
DROP TABLE deliveries;
