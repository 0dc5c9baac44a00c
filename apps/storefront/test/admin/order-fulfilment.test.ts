import { describePaymentMethod, nextFulfilmentStep, shortId } from '../../src/admin/order-fulfilment';
import { itemCount } from '../../src/lib/order-status';
import { daysInRange, isCalendarDate } from '@shop/contracts';
import { addUtcDays, formatUtcDateTime, utcDaysOfRange } from '../../src/admin/utc-days';

describe('order fulfilment', () => {
  it('when an order is confirmed or shipped, then the next step is offered; in any other status none is', () => {
    expect(nextFulfilmentStep('confirmed')).toEqual({ action: 'ship', label: 'Mark shipped' });
    expect(nextFulfilmentStep('shipped')).toEqual({ action: 'deliver', label: 'Mark delivered' });
    for (const status of ['pending', 'reserved', 'paid', 'delivered', 'payment_failed', 'cancelled'] as const) expect(nextFulfilmentStep(status)).toBeUndefined();
  });

  it('when an order is listed, then its units, short id and payment method read as the admin expects', () => {
    const line = { productId: 'p', sku: 'S', name: 'N', unitPrice: { amount: 1, currency: 'EUR' }, lineTotal: { amount: 2, currency: 'EUR' } };
    expect(itemCount({ lines: [{ ...line, quantity: 2 }, { ...line, quantity: 3 }] })).toBe(5);
    expect(shortId('0b7e6c1e-5a8d-4c43-9d0c-2f7a7c1b9e11')).toBe('0b7e6c1e');
    expect(describePaymentMethod({ kind: 'token', last4: '4242' })).toBe('Card ending 4242');
    expect(describePaymentMethod({ kind: 'simulated', outcome: 'approve' })).toBe('Simulated payment (approve)');
  });
});

describe('UTC days', () => {
  it('when days are counted and listed, then both ends are included and to-before-from is empty', () => {
    expect(daysInRange('2026-01-01', '2026-01-01')).toBe(1);
    expect(daysInRange('2026-03-28', '2026-03-30')).toBe(3);
    expect(utcDaysOfRange('2026-12-31', '2027-01-01')).toEqual(['2026-12-31', '2027-01-01']);
    expect(utcDaysOfRange('2026-01-02', '2026-01-01')).toEqual([]);
    expect(addUtcDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('when text is checked as a day, then only real YYYY-MM-DD dates pass', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-3-1')).toBe(false);
  });

  it('when an instant is shown, then it is in UTC and says so', () => {
    expect(formatUtcDateTime('2026-03-01T23:30:00-02:00', 'en-GB')).toBe('2 Mar 2026, 01:30 UTC');
  });
});
