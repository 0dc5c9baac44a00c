import { randomSequence } from '@shop/kernel';

/**
 * The demo's past, planned before anything is written: which shopper orders what at which minute of which of the
 * last days, which prices change, what is viewed and searched. Pure and deterministic (a seeded PRNG over the day
 * offsets, never over wall-clock values), so two platforms started on the same day get the same story; products and
 * shoppers are indexes the seed resolves against the live catalog.
 */

/** One line of a planned order: the `product`-th product by popularity, `quantity` units. */
export interface PlannedLine {
  product: number;
  quantity: number;
}

/** An order a demo shopper places at `at`; `declined` ones pay with the simulator's declining token. */
export interface PlannedOrder {
  at: Date;
  shopper: number;
  lines: PlannedLine[];
  declined: boolean;
}

/** A price change an admin makes at `at`: the price is multiplied by `factor` (then rounded to a shelf price). */
export interface PlannedPriceChange {
  at: Date;
  product: number;
  factor: number;
}

/** `views` anonymous views of a product counted in the window ending at `at` (catalog aggregates them so). */
export interface PlannedViews {
  at: Date;
  product: number;
  views: number;
}

/** One search of `query` at `at`. */
export interface PlannedSearch {
  at: Date;
  query: string;
}

/** What happens on one UTC day of the demo's past. */
export interface PlannedDay {
  /** YYYY-MM-DD (UTC). */
  date: string;
  /** True for the day the platform starts on: its plan stops before the start. */
  today: boolean;
  priceChanges: PlannedPriceChange[];
  orders: PlannedOrder[];
  views: PlannedViews[];
  searches: PlannedSearch[];
}

/** What the plan is made for. */
export interface DemoHistoryPlanOptions {
  /** The platform's start: every planned moment is before it. */
  now: Date;
  /** Full days before today (today, up to `now`, comes on top). */
  days: number;
  /** Products the seed can resolve indexes against. */
  productCount: number;
  shoppers: number;
  /** Orders of an ordinary day, at least and at most (weekends and the trend move them a little). */
  ordersPerDay?: [number, number];
  seed?: number;
}

/** Searches shoppers type in the demo (words of the demo catalog, some with typos people make). */
export const demoSearchQueries = [
  'headphones',
  'wireless earbuds',
  'lamp',
  'desk lamp',
  'coffee grinder',
  'espresso machine',
  'tent',
  'sleeping bag',
  'yoga mat',
  'backpack',
  'running shoes',
  'laptop',
  'speaker',
  'office chair',
  'bike light',
  'kettle',
  'wok',
  'helmet',
] as const;

const minuteMs = 60_000;
const dayMs = 24 * 60 * minuteMs;

/** A shelf price near `amount` (minor units) that ends in 99, like the demo catalog's prices; never below 99. */
export function shelfPrice(amount: number): number {
  return Math.max(99, Math.floor(amount / 100) * 100 + 99);
}

/** Midnight (UTC) of the day of `at`. */
export function utcMidnightOf(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
}

/**
 * Plans `days` full days before `now`'s day and today up to `now`. Popular products are chosen more often (a
 * squared uniform index), so the reports have a head and a tail; orders grow slowly towards today and dip at weekends.
 */
export function planDemoHistory(options: DemoHistoryPlanOptions): PlannedDay[] {
  const [fewest, most] = options.ordersPerDay ?? [7, 13];
  const today = utcMidnightOf(options.now);
  const plannedDays: PlannedDay[] = [];
  for (let offset = options.days; offset >= 0; offset -= 1) {
    const midnight = new Date(today.getTime() - offset * dayMs);
    // One stream per day offset: a day's plan does not depend on how many days came before it.
    const random = randomSequence((options.seed ?? 20240601) + offset * 7919);
    const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
    const popularProduct = () => Math.floor(random() * random() * options.productCount);
    const at = (fromHour: number, toHour: number) => new Date(midnight.getTime() + (fromHour * 60 + random() * (toHour - fromHour) * 60) * minuteMs);
    const weekend = [0, 6].includes(midnight.getUTCDay());
    const trend = 1 + (options.days - offset) / (options.days * 4 || 1);
    const orderCount = Math.round(between(fewest, most) * trend * (weekend ? 0.8 : 1));

    const priceChanges = Array.from({ length: between(1, 2) }, () => ({ at: at(6, 8), product: popularProduct(), factor: random() < 0.6 ? 0.85 + random() * 0.1 : 1.04 + random() * 0.1 }));
    const orders = Array.from({ length: orderCount }, () => {
      const lineCount = random() < 0.65 ? 1 : random() < 0.75 ? 2 : 3;
      const products = new Set<number>();
      while (products.size < lineCount) products.add(popularProduct());
      return {
        at: at(8, 23),
        shopper: Math.floor(random() * options.shoppers),
        lines: [...products].map((product) => ({ product, quantity: random() < 0.8 ? 1 : 2 })),
        declined: random() < 0.05,
      };
    });
    const viewed = new Map<number, number>();
    for (let view = between(150, 300); view > 0; view -= 1) {
      const product = popularProduct();
      viewed.set(product, (viewed.get(product) ?? 0) + 1);
    }
    const views = [...viewed].map(([product, count]) => ({ at: at(8, 23), product, views: count }));
    const searches = Array.from({ length: between(20, 40) }, () => ({ at: at(7, 23), query: demoSearchQueries[Math.floor(random() * random() * demoSearchQueries.length)] }));

    const isToday = offset === 0;
    const beforeNow = <T extends { at: Date }>(items: T[]) => items.filter((item) => !isToday || item.at.getTime() < options.now.getTime()).sort((a, b) => a.at.getTime() - b.at.getTime());
    plannedDays.push({
      date: midnight.toISOString().slice(0, 10),
      today: isToday,
      priceChanges: beforeNow(priceChanges),
      orders: beforeNow(orders),
      views: beforeNow(views),
      searches: beforeNow(searches),
    });
  }
  return plannedDays;
}
