import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckoutStatuses } from '../domain/order-status';

describe('the one list of checkout statuses', () => {
  it('when the migrations index the orders in the checkout, then the partial index covers exactly CheckoutStatuses (the recovery query is built from it)', () => {
    const migration = readFileSync(join(__dirname, '..', '..', 'migrations', '001_orders.sql'), 'utf8');
    const predicate = /CREATE INDEX orders_in_checkout_idx ON orders \(updated_at\) WHERE status IN \(([^)]*)\);/.exec(migration)?.[1];
    expect(predicate?.split(',').map((status) => status.trim().replace(/'/g, ''))).toEqual([...CheckoutStatuses]);
  });
});
