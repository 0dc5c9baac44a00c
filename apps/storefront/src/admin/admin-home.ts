import { apiKeyTiers, type ApiKeyTier, type Money, type Order, type OrderStatus, type PartnerUsageByTier } from '@shop/contracts';
import type { DayRange } from './report-series';
import { addUtcDays, utcDayOf } from './utc-days';

/** Days the home page's chart covers: the finished days up to yesterday. */
export const homeChartDays = 30;

/** Availability at or below which the home lists a product as low on stock (catalog's LOW_STOCK_THRESHOLD default). */
export const LOW_STOCK_THRESHOLD = 5;

/** Orders that count as sales, as the daily report counts them: paid, committed and not undone. */
export const soldStatuses: readonly OrderStatus[] = ['confirmed', 'shipped', 'delivered'];

/** The last `homeChartDays` finished UTC days (today's report is written tomorrow). */
export function homeChartRange(now: Date): DayRange {
  const to = addUtcDays(utcDayOf(now), -1);
  return { from: addUtcDays(to, -(homeChartDays - 1)), to };
}

/** Midnight UTC of `now`'s day, ISO: where "today" starts for the orders' search. */
export function startOfUtcDay(now: Date): string {
  return `${utcDayOf(now)}T00:00:00.000Z`;
}

/** Today's sales so far: sold orders and their revenue per currency (alphabetical, never added across currencies). */
export interface SalesSummary {
  orders: number;
  /** Orders placed today that are not (or not yet) sales: still in the checkout, declined or cancelled. */
  notSold: number;
  revenue: Money[];
}

/** Sums orders the way the daily report does: only sold ones, totals per currency in minor units. */
export function summariseSales(orders: readonly Pick<Order, 'status' | 'total'>[]): SalesSummary {
  const revenue = new Map<string, number>();
  let sold = 0;
  for (const order of orders) {
    if (!soldStatuses.includes(order.status)) continue;
    sold += 1;
    revenue.set(order.total.currency, (revenue.get(order.total.currency) ?? 0) + order.total.amount);
  }
  return {
    orders: sold,
    notSold: orders.length - sold,
    revenue: [...revenue].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ amount, currency })),
  };
}

/** One tier's partner traffic over the period. */
export interface TierUsage {
  tier: ApiKeyTier;
  requests: number;
  rejected: number;
  /** The most keys of the tier that called on any one day. */
  keys: number;
}

/** Partner usage per tier over every day of the reply, in tier order; tiers nobody used are left out. */
export function usageByTier(usage: PartnerUsageByTier): TierUsage[] {
  const totals = new Map<ApiKeyTier, TierUsage>();
  for (const day of usage.days) {
    for (const entry of day.tiers) {
      const total = totals.get(entry.tier) ?? { tier: entry.tier, requests: 0, rejected: 0, keys: 0 };
      total.requests += entry.requests;
      total.rejected += entry.rejected;
      total.keys = Math.max(total.keys, entry.keys);
      totals.set(entry.tier, total);
    }
  }
  return apiKeyTiers.flatMap((tier) => {
    const total = totals.get(tier);
    return total && (total.requests > 0 || total.rejected > 0) ? [total] : [];
  });
}
