-- Product history: one row per change of a product's price or available stock, partitioned by month on `at`.
-- The monthly partitions are made ahead by maintainMonthlyPartitions (at start and by the daily job), which also
-- drops those past retention; an insert for a month without a partition lands in the default one (it never fails)
-- and the next run moves it out. No foreign key to products: history outlives a deleted product, and the
-- reservation hot path should not pay for the check. `seq` orders the snapshots of one transaction (same `at`).

CREATE TABLE product_snapshots (
  seq bigserial NOT NULL,
  product_id uuid NOT NULL,
  at timestamptz NOT NULL,
  price_amount bigint NOT NULL CHECK (price_amount >= 0),
  currency char(3) NOT NULL,
  available integer NOT NULL,
  source text NOT NULL CHECK (source IN ('admin', 'sync', 'reservation', 'sale', 'release', 'expiry', 'seed'))
) PARTITION BY RANGE (at);

CREATE TABLE product_snapshots_default PARTITION OF product_snapshots DEFAULT;

CREATE INDEX product_snapshots_product_at_idx ON product_snapshots (product_id, at);
