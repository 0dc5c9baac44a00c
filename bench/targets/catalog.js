// The catalog service as it runs alone (embedded PGlite, in-memory building blocks), seeded with the demo catalog.
// Prints READY <url> and the paths to load: one product (cache hit after the first read) and one search.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadCatalogConfig, startCatalogService } = require('@shop/catalog');
const { createLogger } = require('@shop/platform');
const { createEmbeddedBuildingBlocks } = require('@shop/service-runtime');

async function main() {
  const logLevel = process.env.BENCH_LOG_LEVEL ?? 'info';
  const config = loadCatalogConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: logLevel,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-catalog-')),
    SEED_DEMO_CATALOG: 'true',
  });
  // Request logs go to stdout as in production; the harness drains them.
  const logger = createLogger({ service: 'catalog', level: logLevel });
  const running = await startCatalogService({ config, logger, blocks: createEmbeddedBuildingBlocks({ appId: 'catalog', serviceUrls: {} }) });
  const list = await (await fetch(`${running.url}/api/catalog/products?limit=1`)).json();
  const product = list.items[0];
  const word = product.name.split(/\s+/)[1].toLowerCase();
  process.stdout.write(`READY ${running.url} /api/catalog/products/${product.id} /api/catalog/products?q=${encodeURIComponent(word)}&limit=20\n`);
  process.on('SIGTERM', () => running.stop().then(() => process.exit(0)));
}
main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
