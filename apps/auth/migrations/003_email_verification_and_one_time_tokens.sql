-- Whether the owner proved the address by opening an e-mailed link. Accounts that existed before are unverified,
-- except the admins: every admin so far is the bootstrap admin (ADMIN_EMAIL, named by the operator) or was granted
-- the role by one, and an admin role now requires a verified address.
ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
UPDATE users SET email_verified = true WHERE 'admin' = ANY (roles);

-- The e-mailed one-time links (password reset, e-mail verification): only the SHA-256 of the token is kept. A token
-- is spent by one conditional UPDATE ... WHERE used_at IS NULL AND expires_at > now RETURNING, so of two concurrent
-- uses at most one succeeds.
CREATE TABLE one_time_tokens (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose text NOT NULL CONSTRAINT one_time_tokens_purpose_known CHECK (purpose IN ('password_reset', 'email_verification')),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
CREATE INDEX one_time_tokens_user_purpose ON one_time_tokens (user_id, purpose) WHERE used_at IS NULL;
CREATE INDEX one_time_tokens_expires_at ON one_time_tokens (expires_at);

-- When a link e-mail last went out, per scope (a reset per hashed address, a verification per account): one
-- conditional upsert claims the right to send, so concurrent requests inside the window send one e-mail.
CREATE TABLE link_email_limits (
  scope_key text PRIMARY KEY,
  last_sent_at timestamptz NOT NULL
);
CREATE INDEX link_email_limits_last_sent_at ON link_email_limits (last_sent_at);
