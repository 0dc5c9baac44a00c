-- Sync runs: one row per run of the external catalog sync (opened by the sync, fed by its batches on the
-- catalog-sync topic, finished by the sync). A complete run archives the source's active products it did not see,
-- which is what products.last_seen_run_id records (stamped for every product a run's batch names, unchanged ones too).

ALTER TABLE products ADD COLUMN last_seen_run_id uuid;

CREATE TABLE sync_runs (
  id uuid PRIMARY KEY,
  source text NOT NULL,
  trigger text NOT NULL CHECK (trigger IN ('timer', 'manual', 'cli')),
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  -- Set by the finish call: whether the sync fetched the whole source (only then are unseen products archived).
  complete boolean,
  fetched integer NOT NULL DEFAULT 0 CHECK (fetched >= 0),
  created integer NOT NULL DEFAULT 0 CHECK (created >= 0),
  updated integer NOT NULL DEFAULT 0 CHECK (updated >= 0),
  unchanged integer NOT NULL DEFAULT 0 CHECK (unchanged >= 0),
  archived integer NOT NULL DEFAULT 0 CHECK (archived >= 0),
  -- The first rejections only ([{externalId, reason}], capped by the service); rejected_count counts them all.
  rejected jsonb NOT NULL DEFAULT '[]',
  rejected_count integer NOT NULL DEFAULT 0 CHECK (rejected_count >= 0),
  errors jsonb NOT NULL DEFAULT '[]',
  -- NULL until the finish call says how many batches the sync sent.
  batches_expected integer CHECK (batches_expected >= 0),
  batches_applied integer NOT NULL DEFAULT 0 CHECK (batches_applied >= 0)
);
CREATE INDEX sync_runs_newest_idx ON sync_runs (started_at DESC, id DESC);
CREATE INDEX sync_runs_source_newest_idx ON sync_runs (source, started_at DESC, id DESC);
