// The catalog service as it runs alone (embedded PGlite, in-memory building blocks), seeded with the demo catalog.
// Prints READY <url> and the paths to load: one product (cache hit after the first read) and one search.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadCatalogConfig, startCatalogService } = require('@shop/catalog');
const { createLogger } = require('@shop/platform');
const { createThrowawayDatabase } = require('@shop/postgres');
const { reportReady } = require('../lib');
const { createEmbeddedBuildingBlocks } = require('@shop/service-runtime');

async function main() {
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
  // With DATABASE_URL: a throwaway database on that server (dropped at the end); without: embedded PGlite.
  const throwaway = process.env.DATABASE_URL ? await createThrowawayDatabase(process.env.DATABASE_URL, 'bench') : undefined;
  const config = loadCatalogConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: logLevel,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-catalog-')),
    SEED_DEMO_CATALOG: 'true',
    // The demo rate table of `npm start`: every product has a derived price in each market currency.
    PRICE_CONVERSION_RATES: process.env.PRICE_CONVERSION_RATES ?? JSON.stringify({ EUR: '1', USD: '1.08', GBP: '0.85', JPY: '162' }),
    ...(throwaway ? { DATABASE_URL: throwaway.url, DATABASE_MAX_CONNECTIONS: '20' } : {}),
  });
  // Request logs go to stdout as in production; the harness drains them.
  const logger = createLogger({ service: 'catalog', level: logLevel });
  const running = await startCatalogService({ config, logger, blocks: createEmbeddedBuildingBlocks({ appId: 'catalog', serviceUrls: {} }) });
  const list = await (await fetch(`${running.url}/api/catalog/products?limit=1`)).json();
  const product = list.items[0];
  const word = product.name.split(/\s+/)[1].toLowerCase();
  const profiler = await startProfilerIfAsked();
  reportReady(`${running.url} /api/catalog/products/${product.id} /api/catalog/products?q=${encodeURIComponent(word)}&limit=20`);
  process.on('SIGTERM', async () => {
    await profiler?.stop();
    await running.stop();
    await throwaway?.drop();
    process.exit(0);
  });
}

/** With BENCH_PROFILE_DIR set, records a CPU profile of the serving phase only (not start-up and seeding). */
async function startProfilerIfAsked() {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return undefined;
  const { Session } = require('node:inspector/promises');
  const { writeFileSync } = require('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(dir, `catalog-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    },
  };
}
main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
