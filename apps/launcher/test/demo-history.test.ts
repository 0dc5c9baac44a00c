import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@shop/platform';
import { jsonClient } from '@shop/testing';
import { loadLauncherConfig } from '../src/config';
import { startEmbeddedPlatform, type EmbeddedPlatform } from '../src/embedded-platform';

/** The demo's first start seeds its past through the services; the next start on the same data seeds nothing. */
describe('demo history on first start', () => {
  let dataDir: string;
  let platform: EmbeddedPlatform | undefined;
  const environment = () => ({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', PASSWORD_HASH_COST: '1024', DEMO_HISTORY_DAYS: '5' });
  const start = () => startEmbeddedPlatform(loadLauncherConfig(environment()), environment(), (service) => createLogger({ service, level: 'silent' }));
  const call = jsonClient(() => platform!.url);
  // Days counted from the start, when the seed plans its past, not from each check: a run across midnight UTC would
  // otherwise expect a day the seed never had.
  let startedAt = Date.now();
  const dayBefore = (days: number) => new Date(startedAt - days * 86_400_000).toISOString().slice(0, 10);

  async function adminToken(): Promise<string> {
    const login = await call('POST', '/api/auth/login', { body: { email: platform!.admin.email, password: platform!.admin.password } });
    expect(login.status).toBe(200);
    return login.body.accessToken as string;
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shop-demo-history-'));
    startedAt = Date.now();
    platform = await start();
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('when the platform has started, then the daily reports of the past days count paid orders, views and searches', async () => {
    const token = await adminToken();
    const reports = await call('GET', `/api/orders/reports/daily?from=${dayBefore(5)}&to=${dayBefore(1)}`, { token });
    expect(reports.status).toBe(200);
    expect(reports.body.items.map((report: { date: string }) => report.date)).toEqual([5, 4, 3, 2, 1].map(dayBefore));
    for (const report of reports.body.items) {
      expect(report.orders).toBeGreaterThan(0);
      expect(report.revenue[0]).toEqual({ amount: expect.any(Number), currency: 'EUR' });
      expect(report.revenue[0].amount).toBeGreaterThan(0);
      expect(report.topViewed.length).toBeGreaterThan(0);
      expect(report.topSearches.length).toBeGreaterThan(0);
    }
  });

  it('when an admin lists the orders, then they were placed on past days, confirmed through the checkout and paid', async () => {
    const token = await adminToken();
    const page = await call('GET', `/api/orders/admin/orders?limit=100&to=${encodeURIComponent(new Date(`${dayBefore(0)}T00:00:00Z`).toISOString())}`, { token });
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(20);
    const confirmed = page.body.items.filter((order: { status: string }) => order.status === 'confirmed');
    expect(confirmed.length).toBeGreaterThan(0);
    for (const order of page.body.items) expect(order.createdAt < `${dayBefore(0)}T00:00:00`).toBe(true);
    const detail = await call('GET', `/api/orders/${confirmed[0].id}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.body.history.map((change: { to: string }) => change.to)).toEqual(['pending', 'reserved', 'paid', 'confirmed']);
    expect(detail.body.history[3].at.slice(0, 10)).toBe(confirmed[0].createdAt.slice(0, 10));
  });

  it('when the platform starts again on the same data, then no order is added', async () => {
    const token = await adminToken();
    const countOrders = async (bearer: string) => {
      let count = 0;
      let cursor: string | null = null;
      do {
        const page = await call('GET', `/api/orders/admin/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: bearer });
        expect(page.status).toBe(200);
        count += page.body.items.length;
        cursor = page.body.nextCursor;
      } while (cursor);
      return count;
    };
    const before = await countOrders(token);
    await platform!.stop();
    platform = undefined;
    platform = await start();
    expect(await countOrders(await adminToken())).toBe(before);
  }, 180_000);
});
