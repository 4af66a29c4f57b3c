-- Issue 20: text messages to offline residents go through the delivery outbox as channel
-- `sms`.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_channel_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_channel_check
    CHECK (channel IN ('push', 'email', 'sms'));
