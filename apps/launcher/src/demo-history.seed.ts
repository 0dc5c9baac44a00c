import { randomBytes } from 'node:crypto';
import type { EventBus } from '@shop/building-blocks';
import type { CatalogApp } from '@shop/catalog';
import { EventTypes, SimulatedPaymentTokens, Topics, type Money, type ShippingAddress } from '@shop/contracts';
import type { Logger } from '@shop/kernel';
import { systemClock, type Clock, type OrderApp } from '@shop/order';
import { planDemoHistory, shelfPrice, type PlannedDay, type PlannedOrder } from './demo-history.plan';

/** Days of history the demo seeds before the day it starts on. */
export const DEMO_HISTORY_DAYS = 30;

/** Who the demo's past orders belong to (accounts of their own, so order e-mails find an address). */
const demoShoppers = [
  { name: 'Ada Demo', email: 'ada.demo@example.com', city: 'Berlin', postalCode: '10115', country: 'DE' },
  { name: 'Grace Demo', email: 'grace.demo@example.com', city: 'Amsterdam', postalCode: '1012 AB', country: 'NL' },
  { name: 'Linus Demo', email: 'linus.demo@example.com', city: 'Helsinki', postalCode: '00100', country: 'FI' },
  { name: 'Margaret Demo', email: 'margaret.demo@example.com', city: 'Vienna', postalCode: '1010', country: 'AT' },
  { name: 'Alan Demo', email: 'alan.demo@example.com', city: 'Paris', postalCode: '75001', country: 'FR' },
  { name: 'Edsger Demo', email: 'edsger.demo@example.com', city: 'Utrecht', postalCode: '3511 AA', country: 'NL' },
];

/** What the seed writes through: the public API (accounts, carts) and the services' own code with a past clock. */
export interface DemoHistoryDeps {
  /** The gateway: demo shoppers register, log in and fill their carts through it, like any shopper. */
  gatewayUrl: string;
  catalog: Pick<CatalogApp, 'productQueries' | 'productAdminAt'>;
  order: Pick<OrderApp, 'checkoutAt' | 'reports' | 'orders'>;
  /** A bus that publishes as catalog on the platform's broker: the views and searches of the past. */
  analytics: EventBus;
  /** Resolves once the published events are delivered (the broker is idle), or gives up; the reports count them. */
  settle: () => Promise<void>;
  logger: Logger;
  now?: Date;
  days?: number;
}

/** What a seed run wrote. */
export interface DemoHistoryReport {
  orders: number;
  confirmed: number;
  priceChanges: number;
  restocks: number;
  reports: string[];
}

/** A product as the seed keeps track of it while the past unfolds. */
interface TrackedProduct {
  id: string;
  sku: string;
  price: Money;
  available: number;
}

/** Availability at or below which a product the history sold down is restocked the next morning. */
const RESTOCK_AT = 2;
const actor = { actor: { kind: 'system' as const, name: 'demo-history' } };

/**
 * Seeds the last `days` days (and today up to now) of the demo shop through the real code paths: demo shoppers fill
 * carts through the gateway and check out through the order service's saga on a clock set in the past (stock
 * reserved and committed by catalog, paid with the simulated provider); admin price changes and restocks go through
 * catalog's admin service on a past clock; views and searches are analytics events with past times; then the daily
 * report of every past day is computed by the report code. Runs once: a platform that has any order is left alone.
 */
export async function seedDemoHistory(deps: DemoHistoryDeps): Promise<DemoHistoryReport | 'skipped'> {
  if ((await deps.order.orders.searchOrders({}, { limit: 1 })).items.length > 0) return 'skipped';
  const now = deps.now ?? new Date();
  const products = await activeProductsInStock(deps.catalog);
  if (products.length === 0) return 'skipped';
  const shoppers = await Promise.all(demoShoppers.map((shopper) => signUp(deps.gatewayUrl, shopper)));
  const plan = planDemoHistory({ now, days: deps.days ?? DEMO_HISTORY_DAYS, productCount: products.length, shoppers: shoppers.length });
  const report: DemoHistoryReport = { orders: 0, confirmed: 0, priceChanges: 0, restocks: 0, reports: [] };
  const soldDown = new Set<TrackedProduct>();
  for (const day of plan) {
    report.restocks += await restock(deps, soldDown, new Date(`${day.date}T05:30:00Z`));
    report.priceChanges += await changePrices(deps, day, products);
    const outcomes = await placeOrdersOfDay(deps, day, products, shoppers);
    report.orders += outcomes.length;
    report.confirmed += outcomes.filter(Boolean).length;
    for (const product of products) if (product.available <= RESTOCK_AT) soldDown.add(product);
    await publishAnalytics(deps.analytics, day, products);
  }
  await deps.settle();
  for (const day of plan.filter((planned) => !planned.today)) {
    await deps.order.reports.generate(day.date);
    report.reports.push(day.date);
  }
  return report;
}

/** Every active product with stock, most recent first (the plan's popular indexes point at the front). */
async function activeProductsInStock(catalog: DemoHistoryDeps['catalog']): Promise<TrackedProduct[]> {
  const found: TrackedProduct[] = [];
  let cursor: string | undefined;
  do {
    const page = await catalog.productQueries.searchProducts({ limit: 100, sort: 'newest', inStock: true, cursor }, ['active']);
    found.push(...page.items.map((item) => ({ id: item.id, sku: item.sku, price: item.price, available: item.onHand - item.reserved })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return found;
}

/** A demo shopper's account and a session of it, through the gateway. */
interface DemoShopper {
  userId: string;
  authorization: string;
  address: ShippingAddress;
}

async function signUp(gatewayUrl: string, shopper: (typeof demoShoppers)[number]): Promise<DemoShopper> {
  // Nobody logs in as a demo shopper later: a password of this start alone, never shown or kept.
  const password = randomBytes(18).toString('base64url');
  await call(gatewayUrl, 'POST', '/api/auth/register', { body: { email: shopper.email, password, name: shopper.name }, expect: [202] });
  const login = (await call(gatewayUrl, 'POST', '/api/auth/login', { body: { email: shopper.email, password }, expect: [200] })) as { accessToken: string; user: { id: string } };
  return {
    userId: login.user.id,
    authorization: `Bearer ${login.accessToken}`,
    address: { name: shopper.name, line1: 'Demo Street 1', city: shopper.city, postalCode: shopper.postalCode, country: shopper.country },
  };
}

/** Restocks what the history sold down, as an admin setting the stock on hand early in the morning. */
async function restock(deps: DemoHistoryDeps, soldDown: Set<TrackedProduct>, at: Date): Promise<number> {
  const admin = deps.catalog.productAdminAt(() => at);
  let restocked = 0;
  for (const product of soldDown) {
    const current = await deps.catalog.productQueries.getProduct(product.id);
    const onHand = current.onHand + 40;
    const updated = await admin.setInventory(actor, product.id, [current.version], onHand);
    product.available = updated.onHand - updated.reserved;
    restocked += 1;
  }
  soldDown.clear();
  return restocked;
}

async function changePrices(deps: DemoHistoryDeps, day: PlannedDay, products: TrackedProduct[]): Promise<number> {
  for (const change of day.priceChanges) {
    const product = products[change.product];
    const current = await deps.catalog.productQueries.getProduct(product.id);
    const amount = shelfPrice(Math.round(current.price.amount * change.factor));
    const updated = await deps.catalog.productAdminAt(() => change.at).patchProduct(actor, product.id, [current.version], { price: { amount, currency: current.price.currency } });
    product.price = updated.price;
  }
  return day.priceChanges.length;
}

/** The day's orders: each shopper's in order of time, the shoppers side by side. True for each confirmed order. */
async function placeOrdersOfDay(deps: DemoHistoryDeps, day: PlannedDay, products: TrackedProduct[], shoppers: DemoShopper[]): Promise<boolean[]> {
  const byShopper = shoppers.map((_, index) => day.orders.filter((order) => order.shopper === index));
  const outcomes = await Promise.all(
    byShopper.map(async (orders, index) => {
      const results: boolean[] = [];
      for (const [number, order] of orders.entries()) results.push(await placeOrder(deps, shoppers[index], order, products, `demo-history-${day.date}-${index}-${number}`));
      return results;
    }),
  );
  return outcomes.flat();
}

async function placeOrder(deps: DemoHistoryDeps, shopper: DemoShopper, order: PlannedOrder, products: TrackedProduct[], idempotencyKey: string): Promise<boolean> {
  // A line whose product the history has sold out moves on to the next product that has the units.
  const lines = order.lines
    .map((line) => ({ product: products.slice(line.product).find((candidate) => candidate.available >= line.quantity), quantity: line.quantity }))
    .filter((line): line is { product: TrackedProduct; quantity: number } => line.product !== undefined);
  const distinct = [...new Map(lines.map((line) => [line.product.id, line])).values()];
  if (distinct.length === 0) return false;
  const headers = { authorization: shopper.authorization };
  for (const line of distinct) await call(deps.gatewayUrl, 'POST', '/api/cart/items', { headers, body: { productId: line.product.id, quantity: line.quantity }, expect: [200, 201] });
  const outcome = await deps.order
    .checkoutAt(pastClock(order.at))
    .placeOrder({ userId: shopper.userId, authorization: shopper.authorization }, idempotencyKey, {
      shippingAddress: shopper.address,
      paymentToken: order.declined ? SimulatedPaymentTokens.decline : SimulatedPaymentTokens.approve,
    });
  if (outcome.kind === 'confirmed') {
    for (const line of distinct) line.product.available -= line.quantity;
    return true;
  }
  // What did not go through went back to the cart; the next order starts from an empty one.
  await call(deps.gatewayUrl, 'DELETE', '/api/cart', { headers, expect: [200, 204] });
  return false;
}

/** A clock that starts at `at` and runs on from there at the real pace (the saga's steps keep their order); waits are real. */
function pastClock(at: Date): Clock {
  const startedAt = Date.now();
  return { now: () => at.getTime() + (Date.now() - startedAt), wait: (ms, signal) => systemClock.wait(ms, signal) };
}

/** The day's views (as catalog aggregates them: a count per product and window) and searches, at their past times. */
async function publishAnalytics(bus: EventBus, day: PlannedDay, products: TrackedProduct[]): Promise<void> {
  await Promise.all([
    ...day.views.map((view) => {
      const product = products[view.product];
      const to = view.at.toISOString();
      return bus.publish(Topics.analytics, {
        type: EventTypes.productViewed,
        subject: product.id,
        time: to,
        data: { productId: product.id, sku: product.sku, views: view.views, from: new Date(view.at.getTime() - 1000).toISOString(), to },
      });
    }),
    ...day.searches.map((search) =>
      bus.publish(Topics.analytics, {
        type: EventTypes.catalogSearched,
        time: search.at.toISOString(),
        data: { q: search.query, sort: 'relevance', resultCount: 10, page: 'first' },
      }),
    ),
  ]);
}

/** One JSON call through the gateway; an answer other than `expect` fails the seed with its status and title. */
async function call(baseUrl: string, method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; expect: number[] }): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { accept: 'application/json', ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  if (!options.expect.includes(response.status)) {
    let title = text.slice(0, 200);
    try {
      title = String((JSON.parse(text) as { title?: string; detail?: string }).detail ?? title);
    } catch {
      // not JSON: the start of the text says enough
    }
    throw new Error(`demo history: ${method} ${path} answered ${response.status}: ${title}`);
  }
  return text ? JSON.parse(text) : undefined;
}
