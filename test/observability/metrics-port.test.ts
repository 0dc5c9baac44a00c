import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryBroker, InMemoryEventBus } from '@shop/building-blocks';
import { loadCatalogConfig, startCatalogService } from '@shop/catalog';
import { AppIds, Topics } from '@shop/contracts';
import { silentLogger } from '@shop/kernel';
import type { RunningServer } from '@shop/platform';
import { createEmbeddedBuildingBlocks } from '@shop/service-runtime';
import { freePort } from '../e2e/service-processes';
import { samplesOf } from './observability-support';

/** METRICS_PORT as the chart sets it: the service's metrics leave the app port for a port only the scrapers reach. */
describe('a service started with METRICS_PORT', () => {
  let dataDir: string;
  let service: RunningServer;
  let metricsPort: number;
  const broker = new InMemoryBroker({ logger: silentLogger });
  const scrape = async () => samplesOf(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'shop-metrics-port-'));
    metricsPort = await freePort();
    const config = loadCatalogConfig({ PORT: '0', METRICS_PORT: String(metricsPort), DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO_CATALOG: 'false' });
    service = await startCatalogService({ config, logger: silentLogger, blocks: createEmbeddedBuildingBlocks({ appId: AppIds.catalog, broker, serviceUrls: {} }) });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await broker.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('when /metrics is asked of the app port, then 404, while the metrics port serves them', async () => {
    await fetch(`${service.url}/api/catalog/categories`);
    expect((await fetch(`${service.url}/metrics`)).status).toBe(404);
    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
    const samples = samplesOf(await scrape.text());
    expect(samples.get('http_request_duration_seconds_count')?.some((sample) => sample.labels.includes('route="/api/catalog/categories"'))).toBe(true);
    expect(service.metricsUrl).toBe(`http://127.0.0.1:${metricsPort}/metrics`);
  });

  it('when anything but GET /metrics is asked of the metrics port, then 404: it serves nothing else', async () => {
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' })).status).toBe(404);
  });

  it("when an event reaches the catalog's sync subscription that it can never apply, then the dead letter and the event's lag are counted", async () => {
    const publisher = new InMemoryEventBus({ source: AppIds.functions, broker });
    // Written two seconds ago: the lag histogram puts it above its 1 s bucket.
    await publisher.publish(Topics.catalogSync, { type: 'not.a.sync.batch', data: {}, time: new Date(Date.now() - 2000).toISOString() });
    const deadLettered = (samples: Awaited<ReturnType<typeof scrape>>) =>
      samples.get('event_deliveries_total')?.find((sample) => sample.labels.includes('outcome="dead_letter"') && sample.labels.includes(`topic="${Topics.catalogSync}"`))?.value;
    const deadline = Date.now() + 5000;
    let samples = await scrape();
    while (deadLettered(samples) !== 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      samples = await scrape();
    }
    expect(deadLettered(samples)).toBe(1);
    const lag = samples.get('event_delivery_lag_seconds_bucket')!.filter((sample) => sample.labels.includes(`topic="${Topics.catalogSync}"`));
    expect(lag.find((sample) => sample.labels.includes('le="1"'))?.value).toBe(0);
    expect(lag.find((sample) => sample.labels.includes('le="2.5"'))?.value).toBe(1);
    await publisher.close();
  });

  it('when the service stops, then the metrics port closes with it', async () => {
    await service.stop();
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });
});

describe('a service started without METRICS_PORT', () => {
  it('when the configuration is read, then METRICS_PORT is absent and /metrics stays on the app port (npm start, tests)', () => {
    expect(loadCatalogConfig({}).METRICS_PORT).toBeUndefined();
    expect(() => loadCatalogConfig({ METRICS_PORT: 'ninety' })).toThrow(/METRICS_PORT/);
  });
});
