import { InMemoryStateStore } from '@shop/building-blocks';
import { SimulatedPaymentTokens } from '@shop/contracts';
import { eventually } from '@shop/testing';
import { SimulatedPaymentProvider } from './simulated-payment-provider';

const amount = { amount: 500, currency: 'EUR' };

describe('simulated payment provider', () => {
  it('when the same key is charged many times at once, then there is one charge and every call gets its result', async () => {
    const provider = new SimulatedPaymentProvider({ stateStore: new InMemoryStateStore(), slowAnswerMs: 0 });
    const results = await Promise.all(Array.from({ length: 5 }, () => provider.charge({ orderId: 'o1', amount, paymentToken: SimulatedPaymentTokens.approve, idempotencyKey: 'o1' })));
    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
    expect(results[0]).toMatchObject({ status: 'captured' });
    expect((await provider.listTransactions()).charges).toHaveLength(1);
  });

  it('when a new provider on the same store is asked, then it remembers the first result (a restart)', async () => {
    const stateStore = new InMemoryStateStore();
    const first = await new SimulatedPaymentProvider({ stateStore, slowAnswerMs: 0 }).charge({ orderId: 'o2', amount, paymentToken: SimulatedPaymentTokens.decline, idempotencyKey: 'o2' });
    const again = new SimulatedPaymentProvider({ stateStore, slowAnswerMs: 0 });
    expect(first).toEqual({ status: 'declined', reason: 'card_declined' });
    expect(await again.findCharge('o2')).toEqual(first);
    expect(await again.charge({ orderId: 'o2', amount, paymentToken: SimulatedPaymentTokens.approve, idempotencyKey: 'o2' })).toEqual(first);
    expect(await again.findCharge('never')).toBeUndefined();
  });

  it('when the timeout token is used, then the charge is recorded at once and answered late', async () => {
    const provider = new SimulatedPaymentProvider({ stateStore: new InMemoryStateStore(), slowAnswerMs: 100 });
    const started = Date.now();
    let answered = false;
    const charging = provider.charge({ orderId: 'o3', amount, paymentToken: SimulatedPaymentTokens.timeout, idempotencyKey: 'o3' }).finally(() => {
      answered = true;
    });
    expect(await eventually(() => provider.findCharge('o3'), 1000, 5)).toMatchObject({ status: 'captured' });
    expect(answered).toBe(false);
    await charging;
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('when a refund is repeated with its key, then it is recorded once', async () => {
    const provider = new SimulatedPaymentProvider({ stateStore: new InMemoryStateStore(), slowAnswerMs: 0 });
    const first = await provider.refund({ paymentId: 'p', amount, idempotencyKey: 'r1' });
    expect(await provider.refund({ paymentId: 'p', amount, idempotencyKey: 'r1' })).toEqual(first);
    expect((await provider.listTransactions()).refunds).toHaveLength(1);
  });
});
