import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, createLogger, stopOnSignals } from '@shop/platform';
import { loadLauncherConfig } from './config';
import { startEmbeddedPlatform } from './embedded-platform';

/** `npm start`: the whole platform in one process on embedded defaults. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadLauncherConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`launcher: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const launcherLogger = createLogger({ service: 'launcher', level: config.LOG_LEVEL });
  process.stdout.write(`Starting the shop platform on embedded defaults (PGlite under ${config.DATA_DIR}/, in-memory building blocks)...\n`);
  const startedAt = Date.now();
  const platform = await startEmbeddedPlatform(config, process.env, (service) => createLogger({ service, level: config.LOG_LEVEL }));
  // Prometheus file-based service discovery (scripts/local-prometheus.sh reads it): the ports are new at every start,
  // and Prometheus rereads the file when it changes.
  const metricsTargetsFile = join(config.DATA_DIR, 'prometheus-targets.json');
  await writeFile(metricsTargetsFile, `${JSON.stringify(metricsTargetsOf(platform.metricsUrls), null, 2)}\n`);
  const passwordNote = { configured: 'from ADMIN_PASSWORD', stored: `kept in ${config.DATA_DIR}/admin-password.txt`, generated: `generated, kept in ${config.DATA_DIR}/admin-password.txt` }[
    platform.admin.passwordSource
  ];
  process.stdout.write(
    [
      '',
      `Shop platform is up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
      `  Storefront   ${platform.webAppDir ? `${platform.url}/` : 'not built (npm run build builds it)'}`,
      `  Back office  ${platform.webAppDir ? `${platform.url}/admin` : '-'}`,
      `  Gateway      ${platform.url}`,
      `  Search       ${platform.url}/api/catalog/products?q=lamp`,
      `  Categories   ${platform.url}/api/catalog/categories`,
      `  Auth (OIDC)  ${platform.url}/api/auth/.well-known/openid-configuration`,
      `  Admin        ${platform.admin.email} / ${platform.admin.password}   (${passwordNote})`,
      `  Services     ${Object.entries(platform.serviceUrls).map(([id, url]) => `${id} ${url}`).join(', ')}`,
      `  Metrics      targets in ${metricsTargetsFile} (npm run prometheus:local scrapes them)`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  stopOnSignals(() => platform.stop(), launcherLogger);
}

/** The metrics endpoints as Prometheus `file_sd_configs` target groups, one per app. */
function metricsTargetsOf(metricsUrls: Record<string, string>): Array<{ targets: string[]; labels: Record<string, string> }> {
  return Object.entries(metricsUrls).map(([appId, url]) => {
    const { host, pathname } = new URL(url);
    return { targets: [host], labels: { job: appId, __metrics_path__: pathname } };
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`launcher: the platform failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
