// Registers the sync functions with the Functions host.
import { app } from '@azure/functions';
import { createCatalogSyncHandlers } from './sync-handlers';
import { createAzureSyncRuntime, type SyncRuntime } from './sync-runtime';
import { loadSyncSettings } from './sync-settings';

let runtime: SyncRuntime | undefined;

/** Built on first invocation, so bad sync settings fail the sync functions with a clear error, not the whole host. */
function azureRuntime(): SyncRuntime {
  runtime ??= createAzureSyncRuntime(loadSyncSettings(process.env), process.env);
  return runtime;
}

/** The handlers as registered (tests build their own with `createCatalogSyncHandlers`). */
export const catalogSyncHandlers = createCatalogSyncHandlers(azureRuntime);

// Outside the host (npm start, tests) importing this registers nothing, like the other modules.
if (process.env.FUNCTIONS_WORKER_RUNTIME) {
  app.timer('catalogSyncTimer', { schedule: '%SYNC_SCHEDULE%', handler: catalogSyncHandlers.catalogSyncTimer });
  app.http('catalogSyncManual', {
    methods: ['POST'],
    authLevel: 'function',
    route: 'sync/{source?}',
    handler: catalogSyncHandlers.catalogSyncManual,
  });
}
