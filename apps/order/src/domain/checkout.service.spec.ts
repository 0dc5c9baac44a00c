import { silentLogger } from '@shop/kernel';
import type { StoredCheckoutOutcome } from './checkout-outcome';
import { CheckoutService, hashRequest, type PlaceOrderInput } from './checkout.service';
import type { Clock, IdempotencyRecord, OrderRepository } from './ports';

const input: PlaceOrderInput = {
  shippingAddress: { name: 'Ada', line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
  paymentToken: 'pm_sim_approve',
};
const orderId = '0b9c1b8e-4f7a-4c1e-9d7e-2a6f1c3b5d80';

/** A clock whose waits pass at once and move its time on: the test runs in no time, and counts the waits. */
function steppingClock(): Clock & { waited: number[] } {
  let now = 1_000_000;
  const waited: number[] = [];
  return {
    waited,
    now: () => now,
    wait: (ms) => {
      waited.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

/** A checkout whose key is taken by a first request whose `outcome` shows from the look after `looks` (never, when undefined). */
function checkoutWithRunningKey(outcome: StoredCheckoutOutcome | undefined, looks: number, clock: Clock) {
  let looked = 0;
  const repository: Partial<OrderRepository> = {
    findIdempotencyKey: (): Promise<IdempotencyRecord> => {
      looked += 1;
      return Promise.resolve({ requestHash: hashRequest(input), orderId, outcome: outcome && looked > looks ? outcome : null });
    },
  };
  return new CheckoutService({
    repository: repository as OrderRepository,
    cart: { readCart: () => Promise.reject(new Error('a replay reads no cart')), take: () => Promise.reject(new Error('a replay takes no cart')), release: () => Promise.reject(new Error('a replay releases no cart')) },
    stock: {} as never,
    payments: {} as never,
    settings: { reservationTtlSeconds: 900, paymentTimeoutMs: 300, idempotencyWaitMs: 1000 },
    clock,
    logger: silentLogger,
  });
}

describe('a request with a key already in use', () => {
  it('when the first request stores its outcome while the second waits, then the second answers that outcome', async () => {
    const clock = steppingClock();
    const declined: StoredCheckoutOutcome = { kind: 'payment_declined', orderId, reason: 'card_declined' };
    const checkout = checkoutWithRunningKey(declined, 3, clock);
    expect(await checkout.placeOrder({ userId: 'u1', authorization: 'Bearer x' }, 'key-12345678', input)).toEqual(declined);
    // The first look finds the key taken; the wait comes between each further look without an outcome.
    expect(clock.waited).toEqual([50, 50]);
  });

  it('when the first request is still running after idempotencyWaitMs, then the second answers processing with the order', async () => {
    const clock = steppingClock();
    const checkout = checkoutWithRunningKey(undefined, 0, clock);
    expect(await checkout.placeOrder({ userId: 'u1', authorization: 'Bearer x' }, 'key-12345678', input)).toEqual({ kind: 'processing', orderId });
    expect(clock.waited.reduce((sum, ms) => sum + ms, 0)).toBe(1000);
  });
});
