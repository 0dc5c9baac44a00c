import { crossedLowStock, holdsSameLines, inLockOrder, type Reservation } from './reservation';

describe('reservation rules', () => {
  it.each([
    [6, 1, 5, false],
    [5, 1, 5, true],
    [4, 1, 5, false],
    [2, 10, 5, true],
    [0, 1, 0, true],
    [0, 0, 0, false],
  ])('when availability ends at %d after taking %d with threshold %d, then crossing is %s', (after, quantity, threshold, crossed) => {
    expect(crossedLowStock(after, quantity, threshold)).toBe(crossed);
  });

  it('when lines are put in lock order, then they sort by productId without changing the input', () => {
    const lines = [{ productId: 'b' }, { productId: 'a' }, { productId: 'c' }];
    expect(inLockOrder(lines).map((line) => line.productId)).toEqual(['a', 'b', 'c']);
    expect(lines.map((line) => line.productId)).toEqual(['b', 'a', 'c']);
  });

  it('when a retry names the same products and quantities in another order, then it holds the same lines; otherwise not', () => {
    const line = (productId: string, quantity: number) => ({ productId, sku: productId, name: productId, unitPrice: { amount: 1, currency: 'EUR' }, quantity });
    const reservation: Reservation = { orderId: 'o', status: 'reserved', expiresAt: new Date(0), lines: [line('a', 1), line('b', 2)] };
    expect(holdsSameLines(reservation, [{ productId: 'b', quantity: 2 }, { productId: 'a', quantity: 1 }])).toBe(true);
    expect(holdsSameLines(reservation, [{ productId: 'a', quantity: 1 }])).toBe(false);
    expect(holdsSameLines(reservation, [{ productId: 'a', quantity: 1 }, { productId: 'b', quantity: 3 }])).toBe(false);
  });
});
