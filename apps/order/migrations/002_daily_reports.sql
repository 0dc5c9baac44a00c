-- Analytics aggregates fed by the analytics topic (product.viewed, catalog.searched), per UTC day, and the stored
-- daily reports (recomputing a day replaces its report).

CREATE TABLE analytics_product_views (
  day date NOT NULL,
  product_id text NOT NULL,
  sku text NOT NULL,
  views bigint NOT NULL CHECK (views >= 0),
  PRIMARY KEY (day, product_id)
);

CREATE TABLE analytics_searches (
  day date NOT NULL,
  -- Lower-cased, trimmed, inner whitespace collapsed.
  query text NOT NULL,
  searches bigint NOT NULL CHECK (searches >= 0),
  PRIMARY KEY (day, query)
);

CREATE TABLE daily_reports (
  date date PRIMARY KEY,
  report jsonb NOT NULL,
  generated_at timestamptz NOT NULL
);
