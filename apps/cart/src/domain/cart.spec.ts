import {
  addItem,
  cartVersionOf,
  CHECKOUT_HOLD_MAX_AGE_MS,
  completeCheckout,
  confirmOrder,
  emptyCart,
  mergeGuestLines,
  releaseCheckout,
  takeForCheckout,
  withoutStaleCheckouts,
  type StoredCart,
  type StoredCartLine,
} from './cart';
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

  it('when adding beyond the cap or the line limit, then an unprocessable error names the limit', () => {
    const cart = addItem(addItem(emptyCart(now), { id: 'a', price: eur(1) }, 5, limits, now), { id: 'b', price: eur(1) }, 1, limits, now);
    expect(() => addItem(cart, { id: 'a', price: eur(1) }, 1, limits, now)).toThrow(expect.objectContaining({ type: 'unprocessable', extensions: expect.objectContaining({ reason: 'line_quantity_limit' }) }) as AppError);
    expect(() => addItem(cart, { id: 'c', price: eur(1) }, 1, limits, now)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ reason: 'too_many_lines' }) }) as AppError);
  });
});

describe('a checkout takes the cart', () => {
  const later = new Date(now.getTime() + 60_000);
  const cartOf = (lines: StoredCartLine[]): StoredCart => ({ ...emptyCart(now), lines });
  const quantitiesOf = (cart: StoredCart) => cart.lines.map((l) => [l.productId, l.quantity]);

  it('when the lines are at the version the order read, then they move into its hold and the cart shows none; a second take by the order changes nothing', () => {
    const cart = cartOf([line('a', 2), line('b', 1)]);
    const taken = takeForCheckout(cart, 'order-1', cartVersionOf(cart.lines), later);
    expect(taken.taking).toEqual({ kind: 'held', hold: { orderId: 'order-1', lines: cart.lines, heldAt: later.toISOString() } });
    expect(taken.cart.lines).toEqual([]);
    expect(takeForCheckout(taken.cart, 'order-1', 'whatever', later)).toEqual({ cart: taken.cart, taking: taken.taking });
  });

  it('when the lines moved on, or another order took them, then the take is refused and the cart is the same object', () => {
    const cart = cartOf([line('a', 2)]);
    const version = cartVersionOf(cart.lines);
    const changed = addItem(cart, { id: 'a', price: eur(100) }, 1, limits, later);
    expect(takeForCheckout(changed, 'order-1', version, later)).toEqual({ cart: changed, taking: { kind: 'refused', reason: 'cart_changed' } });
    const first = takeForCheckout(cart, 'order-1', version, later).cart;
    expect(takeForCheckout(first, 'order-2', version, later)).toEqual({ cart: first, taking: { kind: 'refused', reason: 'cart_changed' } });
  });

  it('when only the lines count, then dropping a hold or claiming a reminder keeps the version; removing and re-adding a line moves it', () => {
    const cart = cartOf([line('a', 2)]);
    expect(cartVersionOf({ ...cart, remindedForUpdatedAt: cart.updatedAt }.lines)).toBe(cartVersionOf(cart.lines));
    expect(cartVersionOf([{ ...line('a', 2), addedAt: later.toISOString() }])).not.toBe(cartVersionOf(cart.lines));
    expect(cartVersionOf([line('a', 3)])).not.toBe(cartVersionOf(cart.lines));
  });

  it('when the order gives the cart back, then the held lines come first, merged with what was added since, capped by the limits; again, nothing changes', () => {
    const cart = cartOf([line('a', 4), line('b', 1)]);
    const taken = takeForCheckout(cart, 'order-1', cartVersionOf(cart.lines), later).cart;
    const refilled = { ...taken, lines: [line('a', 3), line('c', 1)] };
    const released = releaseCheckout(refilled, 'order-1', limits, later);
    expect(released.outcome).toBe('released');
    expect(quantitiesOf(released.cart)).toEqual([
      ['a', 5],
      ['b', 1],
    ]);
    expect(released.cart.checkouts).toEqual([]);
    expect(releaseCheckout(released.cart, 'order-1', limits, later)).toEqual({ cart: released.cart, outcome: 'released' });
    // Released untouched: exactly the lines as they were, so the version the shopper had is back.
    const untouched = releaseCheckout(taken, 'order-1', limits, later).cart;
    expect(untouched.lines).toEqual(cart.lines);
    expect(cartVersionOf(untouched.lines)).toBe(cartVersionOf(cart.lines));
  });

  it('when an order that took nothing releases, then that is remembered and its late take is refused', () => {
    const cart = cartOf([line('a', 1)]);
    const released = releaseCheckout(cart, 'order-1', limits, later);
    expect(released.outcome).toBe('nothing_held');
    expect(released.cart.lines).toEqual(cart.lines);
    expect(takeForCheckout(released.cart, 'order-1', cartVersionOf(cart.lines), later).taking).toEqual({ kind: 'refused', reason: 'checkout_released' });
  });

  it('when the order is confirmed, then its hold goes and the lines added since stay; a release afterwards brings nothing back', () => {
    const cart = cartOf([line('a', 1)]);
    const taken = takeForCheckout(cart, 'order-1', cartVersionOf(cart.lines), later).cart;
    const refilled = { ...taken, lines: [line('b', 2)] };
    const completed = completeCheckout(refilled, 'order-1', later);
    expect(completed.lines).toEqual(refilled.lines);
    expect(completed.updatedAt).toBe(refilled.updatedAt);
    expect(completed.checkouts).toEqual([]);
    expect(completeCheckout(completed, 'order-1', later)).toBe(completed);
    expect(releaseCheckout(completed, 'order-1', limits, later)).toEqual({ cart: completed, outcome: 'completed' });
    expect(takeForCheckout(completed, 'order-1', 'v', later).taking).toEqual({ kind: 'completed' });
  });

  it('when an order the cart holds or remembers is confirmed, then only its hold goes; one it does not know (it never took the cart) has its quantities subtracted once per event', () => {
    const cart = cartOf([line('a', 2)]);
    const taken = { ...takeForCheckout(cart, 'order-1', cartVersionOf(cart.lines), later).cart, lines: [line('a', 3), line('b', 1)] };
    const ordered = [{ productId: 'a', quantity: 2 }];
    const held = confirmOrder(taken, 'event-1', { orderId: 'order-1', lines: ordered }, later);
    expect(held).toEqual(completeCheckout(taken, 'order-1', later));
    expect(held.lines).toEqual(taken.lines);
    // Settled already: the record is enough, another event of the order changes nothing.
    expect(confirmOrder(held, 'event-2', { orderId: 'order-1', lines: ordered }, later)).toBe(held);

    const subtracted = confirmOrder(held, 'event-3', { orderId: 'order-2', lines: [...ordered, { productId: 'b', quantity: 1 }, { productId: 'z', quantity: 1 }] }, later);
    expect(quantitiesOf(subtracted)).toEqual([['a', 1]]);
    expect(subtracted.appliedOrderEvents).toEqual(['event-3']);
    expect(confirmOrder(subtracted, 'event-3', { orderId: 'order-2', lines: ordered }, later)).toBe(subtracted);
    // Nothing of the order in the cart: nothing to write.
    expect(confirmOrder(subtracted, 'event-4', { orderId: 'order-3', lines: [{ productId: 'z', quantity: 1 }] }, later)).toBe(subtracted);
  });

  it('when an order the cart does not know says it took a cart (another region\'s, this release), then the cart keeps every line', () => {
    const cart = cartOf([line('a', 2), line('b', 1)]);
    expect(confirmOrder(cart, 'event-1', { orderId: 'order-elsewhere', lines: [{ productId: 'a', quantity: 2 }], cartTaken: true }, later)).toBe(cart);
    // The same order without the marker (a previous release's) takes its quantities out.
    expect(quantitiesOf(confirmOrder(cart, 'event-1', { orderId: 'order-elsewhere', lines: [{ productId: 'a', quantity: 2 }] }, later))).toEqual([['b', 1]]);
  });

  it('when a hold is older than the age bound, then the next write drops it', () => {
    const cart = cartOf([line('a', 1)]);
    const taken = takeForCheckout(cart, 'order-1', cartVersionOf(cart.lines), now).cart;
    expect(withoutStaleCheckouts(taken, new Date(now.getTime() + CHECKOUT_HOLD_MAX_AGE_MS))).toBe(taken);
    const aged = withoutStaleCheckouts(taken, new Date(now.getTime() + CHECKOUT_HOLD_MAX_AGE_MS + 1));
    expect(aged.checkouts).toEqual([]);
  });
});
