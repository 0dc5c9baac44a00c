import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryBroker, InMemoryEventBus, type CloudEvent } from '@shop/building-blocks';
import { AppIds, Topics } from '@shop/contracts';
import { eventually } from '@shop/testing';
import { startLocalFunctions } from '../../src/local';
import { FakeCatalog } from '../sync/fake-catalog';
import { SupplierStandIn, dummyProduct } from '../sync/supplier-stand-in';

import { silentLogger as silent } from '@shop/kernel';

describe('local functions: the catalog sync on its schedule', () => {
  it('when sync sources are configured, then `npm start` syncs them on the schedule, batches going out on the local bus', async () => {
    const supplier = await new SupplierStandIn().start();
    const catalog = await new FakeCatalog().start();
    const outbox = await mkdtemp(join(tmpdir(), 'local-sync-'));
    const broker = new InMemoryBroker();
    const received: CloudEvent[] = [];
    const catalogBus = new InMemoryEventBus({ source: AppIds.catalog, broker });
    catalogBus.subscribe(
      Topics.catalogSync,
      async (event) => {
        received.push(event);
        return 'SUCCESS';
      },
      { group: AppIds.catalog },
    );
    await catalogBus.start();
    supplier.products = Array.from({ length: 3 }, (_, i) => dummyProduct(i + 1));
    const functions = await startLocalFunctions({
      eventBus: new InMemoryEventBus({ source: AppIds.functions, broker }),
      serviceUrls: { catalog: catalog.url, cart: catalog.url, order: catalog.url, auth: catalog.url },
      logger: silent,
      emailOutboxDir: outbox,
      reportsDir: outbox,
      // Far-off schedules for the other jobs, so only the sync runs during the test.
      schedules: { releaseExpiredReservations: '0 0 0 1 1 *', remindAbandonedCarts: '0 0 0 1 1 *', dailySalesReport: '0 0 0 1 1 *' },
      syncEnvironment: { SYNC_SOURCES: JSON.stringify([{ name: 'acme', kind: 'dummyjson', baseUrl: supplier.url, currency: 'EUR' }]), SYNC_SCHEDULE: '* * * * * *' },
    });
    try {
      const batch = await eventually(() => received.find((event) => event.type === 'catalog.sync.batch'), 10_000);
      expect(batch.data).toMatchObject({ source: 'acme', products: expect.arrayContaining([expect.objectContaining({ externalId: '1' })]) });
      await eventually(() => catalog.calls.some((call) => /\/finish$/.test(call.path)), 10_000);
    } finally {
      await functions.stop();
      await catalogBus.close();
      await broker.close();
      await supplier.stop();
      await catalog.stop();
      await rm(outbox, { recursive: true, force: true });
    }
  });
});
