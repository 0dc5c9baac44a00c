-- Stock reservations of the checkout: each line keeps the price snapshot the order is priced with (the product may
-- change afterwards, an idempotent retry must answer the same body), and a committed sale that is given back
-- becomes 'returned'. Nothing wrote reservations before this migration, so the new NOT NULL columns need no default.

ALTER TABLE inventory_reservations ADD COLUMN sku text NOT NULL;
ALTER TABLE inventory_reservations ADD COLUMN name text NOT NULL;
ALTER TABLE inventory_reservations ADD COLUMN unit_price_amount bigint NOT NULL CHECK (unit_price_amount >= 0);
ALTER TABLE inventory_reservations ADD COLUMN unit_price_currency text NOT NULL CHECK (unit_price_currency ~ '^[A-Z]{3}$');

ALTER TABLE inventory_reservations DROP CONSTRAINT inventory_reservations_status_check;
ALTER TABLE inventory_reservations
  ADD CONSTRAINT inventory_reservations_status_check CHECK (status IN ('reserved', 'committed', 'released', 'returned'));
