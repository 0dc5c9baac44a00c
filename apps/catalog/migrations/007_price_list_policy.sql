-- The price-list policy (market currencies and conversion rates) the derived prices were last completed for. A start
-- whose policy matches skips the pass over the catalog; a start with new markets or rates completes the lists and
-- records the new policy in the same transaction, so a pass cut short by a restart is simply run again.
CREATE TABLE price_list_policy (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  fingerprint text NOT NULL,
  completed_at timestamptz NOT NULL
);
