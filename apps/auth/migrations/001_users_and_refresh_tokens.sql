-- Accounts. `email` is stored normalised (trimmed, lower-cased); the unique index on lower(email) is the
-- case-insensitive guarantee itself (no citext: PGlite lacks the extension).
CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  -- scrypt$N$r$p$salt$hash: the parameters travel with the hash so the cost can be raised later.
  password_hash text NOT NULL,
  roles text[] NOT NULL DEFAULT ARRAY['customer']::text[],
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['customer', 'admin']::text[] AND 'customer' = ANY (roles))
);
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
CREATE INDEX users_created_at_id ON users (created_at, id);

-- Refresh tokens: only the SHA-256 of the opaque token is stored. A login starts a family; each refresh marks
-- its token used and issues a child in the same family. Presenting a used token revokes the whole family.
CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY,
  family_id uuid NOT NULL,
  parent_id uuid REFERENCES refresh_tokens (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  issued_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);
