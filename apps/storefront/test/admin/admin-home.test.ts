import { homeChartRange, startOfUtcDay, summariseSales, usageByTier } from '../../src/admin/admin-home';

const order = (status: string, amount: number, currency = 'EUR') => ({ status, total: { amount, currency } }) as Parameters<typeof summariseSales>[0][number];

describe('summariseSales', () => {
  it('when today has sold, pending and declined orders, then only sold ones count, per currency, alphabetical', () => {
    const summary = summariseSales([order('confirmed', 1999), order('shipped', 1000, 'USD'), order('delivered', 1), order('pending', 5000), order('payment_failed', 700), order('cancelled', 300)]);
    expect(summary).toEqual({ orders: 3, notSold: 3, revenue: [{ amount: 2000, currency: 'EUR' }, { amount: 1000, currency: 'USD' }] });
  });

  it('when nothing was ordered, then the summary is empty', () => {
    expect(summariseSales([])).toEqual({ orders: 0, notSold: 0, revenue: [] });
  });
});

describe('homeChartRange and startOfUtcDay', () => {
  it('when the home opens, then the chart covers the 30 finished UTC days up to yesterday', () => {
    expect(homeChartRange(new Date('2026-03-31T08:00:00Z'))).toEqual({ from: '2026-03-01', to: '2026-03-30' });
    // Just after midnight in a time zone east of UTC it is still the previous UTC day.
    expect(homeChartRange(new Date('2026-03-31T00:30:00+02:00'))).toEqual({ from: '2026-02-28', to: '2026-03-29' });
  });

  it('when today starts, then it starts at 00:00 UTC', () => {
    expect(startOfUtcDay(new Date('2026-03-31T23:59:00Z'))).toBe('2026-03-31T00:00:00.000Z');
  });
});

describe('usageByTier', () => {
  it('when partners called on several days, then requests and rejections add up per tier in tier order and keys are the busiest day’s', () => {
    const tiers = usageByTier({
      days: [
        { day: '2026-03-01', tiers: [{ tier: 'premium', keys: 1, requests: 500, rejected: 0 }, { tier: 'free', keys: 2, requests: 60, rejected: 7 }] },
        { day: '2026-03-02', tiers: [{ tier: 'free', keys: 3, requests: 40, rejected: 1 }, { tier: 'standard', keys: 0, requests: 0, rejected: 0 }] },
      ],
    });
    expect(tiers).toEqual([
      { tier: 'free', requests: 100, rejected: 8, keys: 3 },
      { tier: 'premium', requests: 500, rejected: 0, keys: 1 },
    ]);
  });

  it('when nobody called, then there is no tier to show', () => {
    expect(usageByTier({ days: [] })).toEqual([]);
  });
});
