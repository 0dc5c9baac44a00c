-- Login throttle: one row per counted scope (an account and address pair, an address, an account), in fixed windows.
-- Each attempt is reserved by one INSERT ... ON CONFLICT DO UPDATE ... RETURNING before the password is verified,
-- so concurrent attempts never read the same count. Accounts are keyed by a SHA-256 of the e-mail, not the e-mail.
CREATE TABLE login_throttle_counters (
  scope_key text PRIMARY KEY,
  attempts integer NOT NULL,
  window_ends_at timestamptz NOT NULL,
  last_attempt_at timestamptz NOT NULL,
  -- The attempt before the last one in this window: the account-wide delay is measured from it.
  previous_attempt_at timestamptz
);
CREATE INDEX login_throttle_counters_window_ends_at ON login_throttle_counters (window_ends_at);
