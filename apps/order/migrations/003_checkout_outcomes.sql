-- The checkout keeps its outcome in domain terms ({"kind": "confirmed", "order": ...}, {"kind": "out_of_stock", ...})
-- and the order route renders it on every replay, so replayed problem documents carry their instance and request id.
-- JSON text, not jsonb (which reorders keys): a replayed order is byte-identical to the first answer.
--
-- Rows written before this migration (and by replicas still running the previous release during a rollout) keep the
-- old HTTP-shaped answer in response_status/response_body; the repository reads both shapes, and writes only this
-- one (clearing the old columns). Drop those columns in a later migration, once no replica writes them.
ALTER TABLE idempotency_keys ADD COLUMN outcome text;
