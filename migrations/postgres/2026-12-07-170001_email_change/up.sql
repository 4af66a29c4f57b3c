-- Issue 17: a link that changes the account's address once the new one is verified
-- (`change_email`; the token's `email` is the new address).
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
    CHECK (purpose IN ('verify_email', 'password_reset', 'change_email'));
