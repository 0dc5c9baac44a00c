import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvocationContext } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { CartInternalPaths, CatalogInternalPaths, OrderInternalPaths } from '@shop/contracts';
import { createJobHandlers, type JobHandlerDeps } from '../../src/jobs/job-handlers';
import { renderDailyReportCsv, dailyReportSchema } from '../../src/jobs/daily-sales-report';
import { BlobReportStore, type ReportStore } from '../../src/jobs/report-store';
import { ServiceClient } from '../../src/jobs/service-client';
import { hostTimer, startFakeService, type FakeService } from './fake-service';

const token = 'test-app-api-token';
const context = (functionName: string) => new InvocationContext({ functionName, invocationId: 'test', logHandler: () => undefined });
const client = (url: string) => new ServiceClient({ baseUrl: url, appApiToken: token, maxRetries: 1, initialRetryDelayMs: 1 });
const noReports: ReportStore = { put: () => Promise.reject(new Error('not expected')) };

/** A report as the order service returns it, with text that needs quoting and one formula-like search. */
const fixtureReport = {
  date: '2024-03-04',
  orders: 3,
  revenue: [
    { currency: 'EUR', amount: 12345 },
    { currency: 'USD', amount: 999 },
  ],
  byCategory: [{ category: 'Books, "rare"', orders: 2, revenue: [{ currency: 'EUR', amount: 12000 }] }],
  topProducts: [{ productId: 'p-1', sku: 'BK-1', name: 'Line\nbreak', quantity: 4, revenue: [{ currency: 'EUR', amount: 8000 }] }],
  mostViewed: [{ productId: 'p-2', sku: 'TS-2', views: 42 }],
  mostSearched: [{ query: '=HYPERLINK("x")', searches: 7 }],
};

const expectedCsv = [
  'section,date,category,product_id,sku,name,query,orders,quantity,views,searches,currency,amount_minor',
  'summary,2024-03-04,,,,,,3,,,,EUR,12345',
  'summary,2024-03-04,,,,,,3,,,,USD,999',
  'category,2024-03-04,"Books, ""rare""",,,,,2,,,,EUR,12000',
  'top_product,2024-03-04,,p-1,BK-1,"Line\nbreak",,,4,,,EUR,8000',
  'most_viewed,2024-03-04,,p-2,TS-2,,,,,42,,,',
  'most_searched,2024-03-04,,,,,"\'=HYPERLINK(""x"")",,,,7,,',
  '',
].join('\r\n');

describe('batch jobs', () => {
  let fake: FakeService;
  beforeEach(async () => (fake = await startFakeService()));
  afterEach(() => fake.close());
  const deps = (extra: Partial<JobHandlerDeps> = {}): JobHandlerDeps => ({
    catalog: client(fake.url),
    cart: client(fake.url),
    order: client(fake.url),
    reports: noReports,
    ...extra,
  });

  it('when release-expired fires, then it POSTs to catalog with the app API token, also when past due', async () => {
    fake.answer('POST', CatalogInternalPaths.releaseExpiredReservations, { released: 2 });
    const jobs = createJobHandlers(deps());
    await jobs.releaseExpiredReservations(hostTimer(), context('releaseExpiredReservations'));
    await jobs.releaseExpiredReservations(hostTimer(true), context('releaseExpiredReservations'));
    expect(fake.calls).toEqual([
      { method: 'POST', path: CatalogInternalPaths.releaseExpiredReservations, token, body: {} },
      { method: 'POST', path: CatalogInternalPaths.releaseExpiredReservations, token, body: {} },
    ]);
  });

  it('when catalog answers 503, then the call is retried once and the run fails; a 400 is not retried', async () => {
    const jobs = createJobHandlers(deps());
    fake.answer('POST', CatalogInternalPaths.releaseExpiredReservations, { title: 'down' }, 503);
    await expect(jobs.releaseExpiredReservations(hostTimer(), context('r'))).rejects.toThrow(/503/);
    expect(fake.calls).toHaveLength(2);
    fake.calls.length = 0;
    fake.answer('POST', CatalogInternalPaths.releaseExpiredReservations, { title: 'bad' }, 400);
    await expect(jobs.releaseExpiredReservations(hostTimer(), context('r'))).rejects.toThrow(/400/);
    expect(fake.calls).toHaveLength(1);
  });

  it('when remind-abandoned-carts fires, then it POSTs the configured idle hours to cart', async () => {
    fake.answer('POST', CartInternalPaths.remindAbandonedCarts, { reminded: 5 });
    await createJobHandlers(deps({ abandonedCartIdleHours: 24 })).remindAbandonedCarts(hostTimer(), context('remindAbandonedCarts'));
    await createJobHandlers(deps()).remindAbandonedCarts(hostTimer(), context('remindAbandonedCarts'));
    expect(fake.calls.map(({ path, token: sent, body }) => ({ path, token: sent, body }))).toEqual([
      { path: CartInternalPaths.remindAbandonedCarts, token, body: { idleHours: 24 } },
      { path: CartInternalPaths.remindAbandonedCarts, token, body: {} },
    ]);
  });

  it('when a report is rendered, then the CSV is exactly the RFC 4180 table with minor units and defused formulas', () => {
    expect(renderDailyReportCsv(dailyReportSchema.parse(fixtureReport))).toBe(expectedCsv);
  });

  it('when the report leaves out its arrays, then the CSV has one summary row without money', () => {
    const csv = renderDailyReportCsv(dailyReportSchema.parse({ date: '2024-03-04', orders: 0 }));
    expect(csv.split('\r\n')[1]).toBe('summary,2024-03-04,,,,,,0,,,,,');
  });

  it('when order answers a report of another day, then the run fails and nothing is written', async () => {
    fake.answer('POST', OrderInternalPaths.dailyReport, { ...fixtureReport, date: '2024-03-01' });
    const put = jest.fn();
    const jobs = createJobHandlers(deps({ reports: { put }, now: () => new Date('2024-03-05T01:00:00Z') }));
    await expect(jobs.dailySalesReport(hostTimer(), context('dailySalesReport'))).rejects.toThrow(/2024-03-04/);
    expect(put).not.toHaveBeenCalled();
  });

  const binary = path.resolve(__dirname, '../../../node_modules/.bin/azurite-blob');
  const available = existsSync(binary);
  (available ? describe : describe.skip)(available ? 'against a real Azurite blob endpoint' : `against a real Azurite blob endpoint [skipped: the azurite binary is missing at ${binary} (install devDependencies)]`, () => {
    let azurite: ChildProcess;
    let location: string;
    let connectionString: string;

    beforeAll(async () => {
      const port = await freePort();
      location = mkdtempSync(path.join(tmpdir(), 'azurite-'));
      azurite = spawn(binary, ['--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location, '--silent', '--skipApiVersionCheck', '--loose'], { stdio: 'ignore' });
      // Azurite's documented, public development account (not a secret).
      connectionString = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
      const service = BlobServiceClient.fromConnectionString(connectionString);
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          await service.getProperties();
          break;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    }, 20_000);

    afterAll(async () => {
      if (azurite && azurite.exitCode === null) {
        const exited = new Promise((resolve) => azurite.once('exit', resolve));
        azurite.kill('SIGTERM');
        await exited;
      }
      rmSync(location, { recursive: true, force: true });
    });

    it('when the daily report runs for 2024-03-05 01:00 UTC, then reports/daily/2024-03-04.csv holds the CSV, and a re-run overwrites it', async () => {
      fake.answer('POST', OrderInternalPaths.dailyReport, fixtureReport);
      const reports = new BlobReportStore({ connectionString, container: 'reports' });
      const jobs = createJobHandlers(deps({ reports, now: () => new Date('2024-03-05T01:00:00Z') }));
      await jobs.dailySalesReport(hostTimer(), context('dailySalesReport'));
      expect(fake.calls).toEqual([{ method: 'POST', path: OrderInternalPaths.dailyReport, token, body: { date: '2024-03-04' } }]);

      const blob = BlobServiceClient.fromConnectionString(connectionString).getContainerClient('reports').getBlobClient('daily/2024-03-04.csv');
      expect((await blob.downloadToBuffer()).toString('utf8')).toBe(expectedCsv);
      expect((await blob.getProperties()).contentType).toMatch(/^text\/csv/);

      fake.answer('POST', OrderInternalPaths.dailyReport, { ...fixtureReport, orders: 4 });
      await jobs.dailySalesReport(hostTimer(true), context('dailySalesReport'));
      expect((await blob.downloadToBuffer()).toString('utf8')).toBe(expectedCsv.replace(/,3,/g, ',4,'));
    });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
