import { SimulatedPaymentTokens } from '@shop/contracts';
import { describePaymentMethod, priceLines } from './order';
import { hashRequest } from './checkout.service';

const line = (amount: number, quantity: number, currency = 'EUR') => ({ productId: 'p', sku: 's', name: 'n', unitPrice: { amount, currency }, quantity });

describe('pricing lines', () => {
  it('when lines share a currency, then line totals and the subtotal are integer minor units', () => {
    expect(priceLines([line(1999, 2), line(1, 3)])).toMatchObject({ currency: 'EUR', subtotal: { amount: 4001, currency: 'EUR' }, lines: [{ lineTotal: { amount: 3998 } }, { lineTotal: { amount: 3 } }] });
  });

  it('when lines mix currencies, the list is empty or the total overflows, then there is no price', () => {
    expect(priceLines([line(100, 1), line(100, 1, 'USD')])).toBeUndefined();
    expect(priceLines([])).toBeUndefined();
    expect(priceLines([line(2_000_000_000, 2)])).toBeUndefined();
  });
});

describe('payment method description', () => {
  it('when the token is a simulated one, then only its outcome is kept; otherwise only its last four characters', () => {
    expect(describePaymentMethod(SimulatedPaymentTokens.decline, SimulatedPaymentTokens)).toEqual({ kind: 'simulated', outcome: 'decline' });
    expect(describePaymentMethod('tok_live_abcdef1234', SimulatedPaymentTokens)).toEqual({ kind: 'token', last4: '1234' });
  });
});

describe('request hash', () => {
  it('when two bodies differ only in key order, then they hash the same; any other difference changes the hash', () => {
    expect(hashRequest({ a: 1, b: { c: 2, d: 3 } })).toBe(hashRequest({ b: { d: 3, c: 2 }, a: 1 }));
    expect(hashRequest({ a: 1 })).not.toBe(hashRequest({ a: 2 }));
  });
});
