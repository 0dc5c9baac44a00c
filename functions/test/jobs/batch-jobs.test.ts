import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvocationContext } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import { CartInternalPaths, CatalogInternalPaths, dailyReportSchema, OrderInternalPaths, type DailyReport } from '@shop/contracts';
import { describeNeedingBackend, eventually, freePort, type BackendAvailability } from '@shop/testing';
import { createJobHandlers, type JobHandlerDeps } from '../../src/jobs/job-handlers';
import { renderDailyReportCsv } from '../../src/jobs/daily-sales-report';
import { BlobReportStore, type ReportStore } from '../../src/jobs/report-store';
import { ServiceClient } from '../../src/jobs/service-client';
import { hostTimer, startFakeService, type FakeService } from './fake-service';

const token = 'test-app-api-token';
const context = (functionName: string) => new InvocationContext({ functionName, invocationId: 'test', logHandler: () => undefined });
const client = (url: string) => new ServiceClient({ baseUrl: url, appApiToken: token, maxRetries: 1, initialRetryDelayMs: 1 });
const noReports: ReportStore = { put: () => Promise.reject(new Error('not expected')) };

/** A report as the order service returns it (its contract's shape), with text that needs quoting and one formula-like search. */
const fixtureReport: DailyReport = {
  date: '2024-03-04',
  generatedAt: '2024-03-05T01:00:02.000Z',
  orders: 3,
  revenue: [
    { currency: 'EUR', amount: 12345 },
    { currency: 'USD', amount: 999 },
  ],
  byCategory: [{ category: 'Books, "rare"', path: 'Media > Books, "rare"', quantity: 2, revenue: [{ currency: 'EUR', amount: 12000 }] }],
  topProducts: [{ productId: 'p-1', sku: 'BK-1', name: 'Line\nbreak', quantity: 4, revenue: [{ currency: 'EUR', amount: 8000 }] }],
  topViewed: [{ productId: 'p-2', sku: 'TS-2', views: 42 }],
  topSearches: [{ query: '=HYPERLINK("x")', searches: 7 }],
};

const expectedCsv = [
  'section,date,category,product_id,sku,name,query,orders,quantity,views,searches,currency,amount_minor',
  'summary,2024-03-04,,,,,,3,,,,EUR,12345',
  'summary,2024-03-04,,,,,,3,,,,USD,999',
  'category,2024-03-04,"Books, ""rare""",,,,,,2,,,EUR,12000',
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

  it('when catalog answers something other than the release-expired reply, then the run fails saying so', async () => {
    fake.answer('POST', CatalogInternalPaths.releaseExpiredReservations, { releasedCount: 2 });
    await expect(createJobHandlers(deps()).releaseExpiredReservations(hostTimer(), context('releaseExpiredReservations'))).rejects.toThrow(
      /answered a reply that does not match ReleaseExpiredReservationsReply:[\s\S]*released/,
    );
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

  it('when cart answers something other than the reminder reply, then the run fails saying so', async () => {
    fake.answer('POST', CartInternalPaths.remindAbandonedCarts, { reminded: -1 });
    await expect(createJobHandlers(deps()).remindAbandonedCarts(hostTimer(), context('remindAbandonedCarts'))).rejects.toThrow(
      /answered a reply that does not match RemindAbandonedCartsReply:[\s\S]*reminded/,
    );
  });

  it('when a report is rendered, then the CSV is exactly the RFC 4180 table with minor units and defused formulas', () => {
    expect(renderDailyReportCsv(dailyReportSchema.parse(fixtureReport))).toBe(expectedCsv);
  });

  it('when the day had no sales, then the CSV has one summary row without money', () => {
    const csv = renderDailyReportCsv(dailyReportSchema.parse({ ...fixtureReport, orders: 0, revenue: [], byCategory: [], topProducts: [], topViewed: [], topSearches: [] }));
    expect(csv.split('\r\n')).toEqual([expectedCsv.split('\r\n')[0], 'summary,2024-03-04,,,,,,0,,,,,', '']);
  });

  it('when order answers something that is not a daily report, then the run fails saying what is wrong, and nothing is written', async () => {
    // The shape of an older draft of the report: mostViewed instead of topViewed, no generatedAt.
    const { topViewed, generatedAt: _generatedAt, ...rest } = fixtureReport;
    fake.answer('POST', OrderInternalPaths.dailyReport, { ...rest, mostViewed: topViewed });
    const put = jest.fn();
    const jobs = createJobHandlers(deps({ reports: { put }, now: () => new Date('2024-03-05T01:00:00Z') }));
    const failure = await jobs.dailySalesReport(hostTimer(), context('dailySalesReport')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/answered a reply that does not match DailyReport/);
    expect((failure as Error).message).toMatch(/generatedAt/);
    expect((failure as Error).message).toMatch(/mostViewed/);
    expect(put).not.toHaveBeenCalled();
    // A reply that does not fit is not retried: the service would answer the same again.
    expect(fake.calls).toHaveLength(1);
  });

  it('when order answers a report of another day, then the run fails and nothing is written', async () => {
    fake.answer('POST', OrderInternalPaths.dailyReport, { ...fixtureReport, date: '2024-03-01' });
    const put = jest.fn();
    const jobs = createJobHandlers(deps({ reports: { put }, now: () => new Date('2024-03-05T01:00:00Z') }));
    await expect(jobs.dailySalesReport(hostTimer(), context('dailySalesReport'))).rejects.toThrow(/2024-03-04/);
    expect(put).not.toHaveBeenCalled();
  });

  const binary = path.resolve(__dirname, '../../../node_modules/.bin/azurite-blob');
  const azuriteBinary: BackendAvailability<string> = existsSync(binary) ? { found: binary } : { missing: `the azurite binary is missing at ${binary} (install devDependencies)` };
  describeNeedingBackend('against a real Azurite blob endpoint', azuriteBinary, (executable) => {
    let azurite: ChildProcess;
    let location: string;
    let connectionString: string;

    beforeAll(async () => {
      const port = await freePort();
      location = mkdtempSync(path.join(tmpdir(), 'azurite-'));
      azurite = spawn(executable, ['--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location, '--silent', '--skipApiVersionCheck', '--loose'], { stdio: 'ignore' });
      // Azurite's documented, public development account (not a secret).
      connectionString = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`;
      const service = BlobServiceClient.fromConnectionString(connectionString);
      await eventually(() => service.getProperties().then(() => true), 15_000, 50);
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
