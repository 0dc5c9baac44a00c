import { EventTypes, orderCancelledEventDataSchema, orderConfirmedEventDataSchema, orderPlacedEventDataSchema, orderShippedEventDataSchema, type EventType } from '@shop/contracts';
import type { z } from 'zod';
import type { Order } from './order';
import { orderEventData } from './order-events';
import type { OrderStatus } from './order-status';

const money = (amount: number) => ({ amount, currency: 'EUR' });

function orderIn(status: OrderStatus): Order {
  return {
    id: '0b9c1b8e-4f7a-4c1e-9d7e-2a6f1c3b5d80',
    userId: 'u1',
    status,
    currency: 'EUR',
    subtotal: money(3000),
    total: money(3000),
    lines: [{ productId: 'p1', sku: 'SKU-1', name: 'Lamp', unitPrice: money(1500), quantity: 2, lineTotal: money(3000) }],
    shippingAddress: { name: 'Ada', line1: 'Hauptstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
    paymentMethod: { kind: 'simulated', outcome: 'approve' },
    paymentId: null,
    failureReason: null,
    version: 1,
    createdAt: '2025-05-04T10:00:00.000Z',
    updatedAt: '2025-05-04T10:00:00.000Z',
  };
}

describe('order event data', () => {
  it.each<[EventType, OrderStatus, z.ZodType, string | undefined]>([
    [EventTypes.orderPlaced, 'reserved', orderPlacedEventDataSchema, undefined],
    [EventTypes.orderConfirmed, 'confirmed', orderConfirmedEventDataSchema, undefined],
    [EventTypes.orderShipped, 'shipped', orderShippedEventDataSchema, undefined],
    [EventTypes.orderCancelled, 'cancelled', orderCancelledEventDataSchema, 'customer_cancelled'],
    [EventTypes.orderCancelled, 'payment_failed', orderCancelledEventDataSchema, 'payment_declined'],
  ])('when %s is published for a %s order, then its data is what the contract promises', (type, status, schema, reason) => {
    const data = orderEventData(type, orderIn(status), reason);
    expect(schema.parse(data)).toEqual(data);
    expect(data).toEqual({ orderId: orderIn(status).id, userId: 'u1', status, lines: [{ productId: 'p1', quantity: 2 }], total: money(3000), ...(reason ? { reason } : {}), cartTaken: true });
  });
});
