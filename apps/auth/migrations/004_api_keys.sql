-- Partner API keys. A key is never stored: each secret a key has had is kept as the HMAC-SHA-256 of the key under a
-- server-side secret (API_KEY_HASH_SECRET), beside its visible prefix (`shp_` + 8 characters), which finds the
-- candidates a presented key is compared with in constant time. A rotation adds a secret and gives the previous one
-- a `valid_until` (the grace period); a revocation closes every secret of the key at once.
CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  tier text NOT NULL CONSTRAINT api_keys_tier_known CHECK (tier IN ('free', 'standard', 'premium')),
  scopes text[] NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  rotated_at timestamptz
);
CREATE INDEX api_keys_created_at ON api_keys (created_at DESC, id DESC);

CREATE TABLE api_key_secrets (
  secret_hash text PRIMARY KEY,
  key_id uuid NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL,
  -- NULL: the key's current secret; set: it stops working then (rotated away, or revoked).
  valid_until timestamptz
);
CREATE INDEX api_key_secrets_prefix ON api_key_secrets (prefix);
CREATE INDEX api_key_secrets_key_id ON api_key_secrets (key_id);
-- At most one current secret per key.
CREATE UNIQUE INDEX api_key_secrets_one_current ON api_key_secrets (key_id) WHERE valid_until IS NULL;
