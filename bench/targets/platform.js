// The whole embedded platform (as `npm start` runs it) in this process, on a fresh data folder.
// Reports READY <gateway url> <data dir>; the harness mints tokens with the signing key kept in the data dir.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadLauncherConfig } = require('@shop/launcher/dist/config');
const { startEmbeddedPlatform } = require('@shop/launcher/dist/embedded-platform');
const { createLogger } = require('@shop/platform');
const { reportReady } = require('../lib');

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-platform-'));
  const environment = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', SEED_DEMO_CATALOG: 'false' };
  const level = environment.LOG_LEVEL;
  const platform = await startEmbeddedPlatform(loadLauncherConfig(environment), environment, (service) => createLogger({ service, level }));
  reportReady(`${platform.url} ${dataDir} ${platform.admin.email} ${platform.admin.password}`);
  process.on('SIGTERM', () => platform.stop().then(() => process.exit(0)));
}
main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
