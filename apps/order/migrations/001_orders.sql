-- Order schema: orders with a line snapshot, their status history, and the idempotency keys of POST /api/orders.
-- Only SQL that PostgreSQL 15 accepts (production) and PGlite runs (embedded default).

CREATE TABLE orders (
  -- Random (v4) UUIDs: unguessable, so an id in a URL reveals nothing about other orders.
  id uuid PRIMARY KEY,
  user_id text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'reserved', 'paid', 'confirmed', 'shipped', 'delivered', 'cancelled', 'payment_failed')),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  subtotal integer NOT NULL CHECK (subtotal >= 0),
  total integer NOT NULL CHECK (total >= 0),
  shipping_address jsonb NOT NULL,
  -- What was paid with, never the token itself: {kind: 'simulated', outcome} or {kind: 'token', last4}.
  payment_method jsonb NOT NULL,
  payment_id text,
  failure_reason text,
  version integer NOT NULL DEFAULT 1,
  -- The recovery loop's lease: a replica that resumes an order owns it until then.
  recovery_lease_until timestamptz,
  recovery_attempts integer NOT NULL DEFAULT 0,
  -- Milliseconds, like the JavaScript Dates that page cursors carry, so a cursor compares exactly.
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_user_idx ON orders (user_id, created_at DESC, id DESC);
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);
-- The recovery loop looks only at orders still inside the checkout.
CREATE INDEX orders_in_checkout_idx ON orders (updated_at) WHERE status IN ('pending', 'reserved', 'paid');

CREATE TABLE order_lines (
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no integer NOT NULL,
  product_id text NOT NULL,
  sku text NOT NULL,
  name text NOT NULL,
  unit_price integer NOT NULL CHECK (unit_price >= 0),
  quantity integer NOT NULL CHECK (quantity > 0),
  line_total integer NOT NULL CHECK (line_total >= 0),
  PRIMARY KEY (order_id, line_no)
);

CREATE TABLE order_status_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  from_status text,
  to_status text NOT NULL,
  reason text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_status_history_order_idx ON order_status_history (order_id, id);

CREATE TABLE idempotency_keys (
  user_id text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  order_id uuid REFERENCES orders (id) ON DELETE CASCADE,
  -- The final answer, replayed to every request with the same key and body; null while the first one runs.
  response_status integer,
  -- {body, location} of that answer as JSON text (not jsonb, which reorders keys): replays are byte-identical.
  response_body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
