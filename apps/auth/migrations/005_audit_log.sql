-- The audit log of every service (entries arrive in batches on the audit topic): append-only, partitioned by month on
-- `at` so that retention drops whole partitions (maintainMonthlyPartitions) instead of deleting rows. The key includes
-- `at` because a partitioned table's unique keys must contain the partition key; ids are random UUIDs, so (id, at)
-- still deduplicates a redelivered batch, whose entries keep their time.
CREATE TABLE audit_log (
  id uuid NOT NULL,
  at timestamptz NOT NULL,
  service text NOT NULL,
  actor_type text NOT NULL,
  actor_id text NOT NULL,
  action text NOT NULL,
  subject_type text,
  subject_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);

-- Rows of a month without its partition land here and never fail; the maintenance job moves them out.
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;

-- Newest first (the admin page), by actor, and by action (partner usage reads partner.request by day).
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor_at_idx ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_action_at_idx ON audit_log (action, at DESC);
