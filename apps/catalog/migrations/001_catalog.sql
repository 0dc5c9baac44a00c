-- Catalog schema: the category tree, products with a full-text search vector, and per-product inventory with
-- the reservation table that the order flow fills (reserve with one conditional UPDATE ... WHERE on_hand - reserved >= qty).
-- Only SQL that PostgreSQL 15 accepts (production) and PGlite runs (embedded default).

CREATE TABLE categories (
  id uuid PRIMARY KEY,
  parent_id uuid REFERENCES categories (id) ON DELETE RESTRICT,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- Names from the root down, joined by ' > ': the key that bulk upserts create categories by.
  path text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX categories_parent_idx ON categories (parent_id);

CREATE TABLE products (
  id uuid PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  brand text,
  category_id uuid REFERENCES categories (id) ON DELETE SET NULL,
  image_urls jsonb NOT NULL DEFAULT '[]',
  attributes jsonb NOT NULL DEFAULT '{}',
  price_amount bigint NOT NULL CHECK (price_amount >= 0),
  price_currency text NOT NULL CHECK (price_currency ~ '^[A-Z]{3}$'),
  status text NOT NULL CHECK (status IN ('active', 'draft', 'archived')),
  version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  -- Where a synced product comes from; NULL for products created by admins.
  source text,
  external_id text,
  -- Hash of the last synced content, so an identical sync record is skipped; cleared by admin edits.
  content_hash text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(brand, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(description, '')), 'C')
  ) STORED,
  CONSTRAINT products_source_external_id_key UNIQUE (source, external_id),
  CONSTRAINT products_source_pair CHECK ((source IS NULL) = (external_id IS NULL))
);
CREATE INDEX products_search_idx ON products USING gin (search_vector);
CREATE INDEX products_status_newest_idx ON products (status, created_at DESC, id DESC);
CREATE INDEX products_status_price_idx ON products (status, price_amount, id);
CREATE INDEX products_category_idx ON products (category_id);
CREATE INDEX products_brand_idx ON products (lower(brand));

CREATE TABLE inventory (
  product_id uuid PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
  on_hand integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT inventory_reserved_within_on_hand CHECK (reserved <= on_hand)
);

CREATE TABLE inventory_reservations (
  order_id text NOT NULL,
  product_id uuid NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
  quantity integer NOT NULL CHECK (quantity > 0),
  status text NOT NULL CHECK (status IN ('reserved', 'committed', 'released')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, product_id)
);
-- The expiry sweep looks only at live reservations.
CREATE INDEX inventory_reservations_expiry_idx ON inventory_reservations (expires_at) WHERE status = 'reserved';
CREATE INDEX inventory_reservations_product_idx ON inventory_reservations (product_id);
