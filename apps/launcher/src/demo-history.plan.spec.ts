import { planDemoHistory, shelfPrice, utcMidnightOf } from './demo-history.plan';

const now = new Date('2026-12-02T15:20:00Z');
const plan = (overrides: Partial<Parameters<typeof planDemoHistory>[0]> = {}) => planDemoHistory({ now, days: 30, productCount: 250, shoppers: 6, ...overrides });

describe('planDemoHistory', () => {
  it('when planned for 30 days, then it covers the 30 days before today and today, oldest first, every moment before now', () => {
    const days = plan();
    expect(days).toHaveLength(31);
    expect(days[0].date).toBe('2026-11-02');
    expect(days.at(-1)).toMatchObject({ date: '2026-12-02', today: true });
    expect(days.filter((day) => day.today)).toHaveLength(1);
    for (const day of days) {
      for (const item of [...day.orders, ...day.priceChanges, ...day.views, ...day.searches]) {
        expect(item.at.getTime()).toBeLessThan(now.getTime());
        expect(item.at.toISOString().slice(0, 10)).toBe(day.date);
      }
    }
  });

  it('when planned twice, then the plans are the same (a seeded PRNG, no wall clock)', () => {
    expect(plan()).toEqual(plan());
  });

  it('when planned, then each past day has a plausible number of orders, lines of known products, views and searches', () => {
    for (const day of plan().filter((planned) => !planned.today)) {
      expect(day.orders.length).toBeGreaterThanOrEqual(5);
      expect(day.orders.length).toBeLessThanOrEqual(20);
      expect(day.views.length).toBeGreaterThan(0);
      expect(day.searches.length).toBeGreaterThanOrEqual(20);
      for (const order of day.orders) {
        expect(order.shopper).toBeGreaterThanOrEqual(0);
        expect(order.shopper).toBeLessThan(6);
        expect(new Set(order.lines.map((line) => line.product)).size).toBe(order.lines.length);
        for (const line of order.lines) {
          expect(line.product).toBeGreaterThanOrEqual(0);
          expect(line.product).toBeLessThan(250);
          expect([1, 2]).toContain(line.quantity);
        }
      }
      const times = day.orders.map((order) => order.at.getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });

  it('when some orders are planned as declined, then most are not (the simulator approves the rest)', () => {
    const orders = plan().flatMap((day) => day.orders);
    const declined = orders.filter((order) => order.declined).length;
    expect(declined).toBeLessThan(orders.length * 0.15);
    expect(orders.length - declined).toBeGreaterThan(200);
  });

  it('when today has barely begun, then today plans nothing yet', () => {
    const today = planDemoHistory({ now: new Date('2026-12-02T00:01:00Z'), days: 1, productCount: 10, shoppers: 2 }).at(-1)!;
    expect([today.orders, today.priceChanges, today.views, today.searches]).toEqual([[], [], [], []]);
  });
});

describe('shelfPrice and utcMidnightOf', () => {
  it('when a price is computed, then it ends in 99 and is never below 99', () => {
    expect(shelfPrice(12345)).toBe(12399);
    expect(shelfPrice(12300)).toBe(12399);
    expect(shelfPrice(10)).toBe(99);
  });

  it('when an instant is late in a UTC day, then its midnight is that day’s 00:00 UTC', () => {
    expect(utcMidnightOf(new Date('2026-03-01T23:59:59Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });
});
