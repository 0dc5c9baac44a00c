-- Price lists: a product's price in every market currency, in that currency's ISO 4217 minor units. The row of the
-- product's own currency mirrors products.price_amount; `derived` rows were converted from it by the configured rate
-- table and are rewritten whenever the base price or the rates change; explicit rows (derived = false) are kept.
-- Reads, sorts and price filters of a market join the row of its currency.
CREATE TABLE product_prices (
  product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
  derived boolean NOT NULL,
  PRIMARY KEY (product_id, currency)
);
-- A market's price sort and range filter.
CREATE INDEX product_prices_currency_amount_idx ON product_prices (currency, amount_minor, product_id);

INSERT INTO product_prices (product_id, currency, amount_minor, derived)
SELECT id, price_currency, price_amount, false FROM products;
