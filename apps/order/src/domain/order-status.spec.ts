import { EventTypes } from '@shop/contracts';
import { assertTransition, canTransition, eventTypeOfTransition, OrderStatuses, type OrderStatus } from './order-status';
import { AppError } from '@shop/kernel';

const allowed: Array<[OrderStatus, OrderStatus, string]> = [
  ['pending', 'reserved', 'the stock is reserved'],
  ['pending', 'cancelled', 'out of stock, unavailable products, a failed reservation or the customer'],
  ['reserved', 'paid', 'the payment is captured'],
  ['reserved', 'payment_failed', 'the payment is declined'],
  ['reserved', 'cancelled', 'the checkout was interrupted before paying, or the customer cancels'],
  ['paid', 'confirmed', 'the reservation is committed'],
  ['paid', 'cancelled', 'the reservation expired before the commit (refund)'],
  ['confirmed', 'shipped', 'the admin ships'],
  ['confirmed', 'cancelled', 'the customer cancels before shipping (release + refund)'],
  ['shipped', 'delivered', 'the admin marks it delivered'],
];

describe('order state machine', () => {
  it.each(allowed)('when an order is %s, then it may become %s (%s)', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  const allowedKeys = new Set(allowed.map(([from, to]) => `${from}->${to}`));
  const forbidden = OrderStatuses.flatMap((from) => OrderStatuses.map((to) => [from, to] as [OrderStatus, OrderStatus])).filter(([from, to]) => !allowedKeys.has(`${from}->${to}`));

  it.each(forbidden)('when an order is %s, then becoming %s is a conflict', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    let error: unknown;
    try {
      assertTransition(from, to);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ type: 'conflict', extensions: { orderStatus: from } });
  });

  it('when the final statuses are left, then nothing may follow them', () => {
    for (const status of ['delivered', 'cancelled', 'payment_failed'] as const) {
      expect(OrderStatuses.filter((to) => canTransition(status, to))).toEqual([]);
    }
  });

  it.each([
    ['pending', 'reserved', EventTypes.orderPlaced],
    ['paid', 'confirmed', EventTypes.orderConfirmed],
    ['confirmed', 'shipped', EventTypes.orderShipped],
    ['reserved', 'cancelled', EventTypes.orderCancelled],
    ['paid', 'cancelled', EventTypes.orderCancelled],
    ['confirmed', 'cancelled', EventTypes.orderCancelled],
    ['reserved', 'payment_failed', EventTypes.orderCancelled],
    ['pending', 'cancelled', undefined],
    ['reserved', 'paid', undefined],
    ['shipped', 'delivered', undefined],
  ] as Array<[OrderStatus, OrderStatus, string | undefined]>)('when an order goes from %s to %s, then the event is %s', (from, to, type) => {
    expect(eventTypeOfTransition(from, to)).toBe(type);
  });
});
