// `node functions/dist/cli/sync.js --source <name>`: runs one catalog sync once against the local platform.
import { parseArgs } from 'node:util';
import { AppIds } from '@shop/contracts';
import { RedisStreamsEventBus } from '@shop/building-blocks';
import { HttpCatalogSyncRuns } from '../sync/catalog-sync-runs';
import { runCatalogSync } from '../sync/run-catalog-sync';
import { EventBusBatchPublisher, HttpBulkUpsertPublisher, type SyncBatchPublisher } from '../sync/sync-batch-publisher';
import { createProductSource } from '../sync/sync-runtime';
import { loadSyncSettings } from '../sync/sync-settings';

/** Picks how batches reach catalog: Redis Streams when REDIS_URL is set, else catalog's HTTP bulk upsert with SYNC_ADMIN_TOKEN. */
function createPublisher(env: NodeJS.ProcessEnv, catalogUrl: string, appApiToken: string | undefined): SyncBatchPublisher {
  if (env.REDIS_URL) {
    const bus = new RedisStreamsEventBus({ url: env.REDIS_URL, source: AppIds.functions, streamPrefix: env.EVENT_STREAM_PREFIX ?? 'shop:events:' });
    return new EventBusBatchPublisher(bus, { closeBus: true });
  }
  if (env.SYNC_ADMIN_TOKEN) return new HttpBulkUpsertPublisher({ catalogUrl, adminToken: env.SYNC_ADMIN_TOKEN, ...(appApiToken ? { appApiToken } : {}) });
  throw new Error(
    'No way to reach catalog: set REDIS_URL (the platform runs on Redis Streams) or SYNC_ADMIN_TOKEN (an admin access token for ' +
      "catalog's HTTP bulk upsert). The in-process bus of `npm start` is not reachable from another process.",
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { source: { type: 'string' } } });
  const settings = loadSyncSettings(process.env);
  const config = settings.SYNC_SOURCES.find((source) => source.name === values.source);
  if (!config) {
    const known = settings.SYNC_SOURCES.map((source) => source.name).join(', ') || '(none: set SYNC_SOURCES)';
    throw new Error(`usage: sync --source <name>; known sources: ${known}`);
  }
  const publisher = createPublisher(process.env, settings.CATALOG_INTERNAL_URL, settings.APP_API_TOKEN);
  try {
    const summary = await runCatalogSync(
      { source: createProductSource(config, settings, process.env), trigger: 'cli' },
      {
        catalog: new HttpCatalogSyncRuns({ catalogUrl: settings.CATALOG_INTERNAL_URL, ...(settings.APP_API_TOKEN ? { appApiToken: settings.APP_API_TOKEN } : {}) }),
        publisher,
        batchSize: settings.SYNC_BATCH_SIZE,
        onProgress: (p) => console.log(`page ${p.pageNumber}${p.pageFailed ? ' FAILED' : ''}: fetched ${p.fetched}, rejected ${p.rejected}, batches sent ${p.sentBatches}`),
      },
    );
    console.log(JSON.stringify(summary, null, 2));
    if (!summary.complete) process.exitCode = 2;
  } finally {
    await publisher.close();
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
