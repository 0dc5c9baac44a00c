import { addItem, emptyCart, mergeGuestLines, removeOrderedQuantities, type StoredCartLine } from './cart';
import { AppError } from '@shop/kernel';

const now = new Date('2030-01-01T00:00:00Z');
const limits = { maxLineQuantity: 5, maxLines: 2 };
const eur = (amount: number) => ({ amount, currency: 'EUR' });
const line = (productId: string, quantity: number, currency = 'EUR'): StoredCartLine => ({ productId, quantity, priceAtAdd: { amount: 100, currency }, addedAt: now.toISOString() });

describe('cart rules', () => {
  it('when guest lines merge into a user cart, then quantities add up to the cap and lines that do not fit or mix currencies are reported', () => {
    const user = { ...emptyCart(now), lines: [line('a', 4)] };
    const { cart, skipped } = mergeGuestLines(user, [line('a', 3), line('b', 9), line('c', 1, 'USD'), line('d', 1)], limits, now);
    expect(cart.lines.map((l) => [l.productId, l.quantity])).toEqual([
      ['a', 5],
      ['b', 5],
    ]);
    expect(skipped).toEqual([
      { productId: 'c', reason: 'currency_mismatch' },
      { productId: 'd', reason: 'too_many_lines' },
    ]);
  });

  it('when an order event is applied twice to the same cart, then the second time changes nothing', () => {
    const cart = { ...emptyCart(now), lines: [line('a', 3), line('b', 1)] };
    const once = removeOrderedQuantities(cart, 'event-1', [{ productId: 'a', quantity: 1 }, { productId: 'a', quantity: 1 }, { productId: 'b', quantity: 4 }], now);
    expect(once.lines.map((l) => [l.productId, l.quantity])).toEqual([['a', 1]]);
    expect(removeOrderedQuantities(once, 'event-1', [{ productId: 'a', quantity: 1 }], now)).toBe(once);
  });

  it('when adding beyond the cap or the line limit, then an unprocessable error names the limit', () => {
    const cart = addItem(addItem(emptyCart(now), { id: 'a', price: eur(1) }, 5, limits, now), { id: 'b', price: eur(1) }, 1, limits, now);
    expect(() => addItem(cart, { id: 'a', price: eur(1) }, 1, limits, now)).toThrow(expect.objectContaining({ type: 'unprocessable', extensions: expect.objectContaining({ reason: 'line_quantity_limit' }) }) as AppError);
    expect(() => addItem(cart, { id: 'c', price: eur(1) }, 1, limits, now)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ reason: 'too_many_lines' }) }) as AppError);
  });
});
