import { ConfigError, createLogger, shutdownTelemetry, telemetryStatus, type RunningServer } from '@shop/platform';
import { type Logger } from '@shop/kernel';

/** The settings `runServiceMain` reads from every service's configuration. */
interface ServiceMainSettings {
  LOG_LEVEL: string;
  APPLICATIONINSIGHTS_CONNECTION_STRING?: string;
  SHUTDOWN_TIMEOUT_MS?: number;
}

/** What a service's main.ts hands to `runServiceMain`. */
export interface ServiceMain<C extends ServiceMainSettings> {
  appId: string;
  /** Reads and validates the environment (throws ConfigError). */
  loadConfig: () => C;
  /** Builds adapters, migrates, listens. */
  start: (config: C, logger: Logger) => Promise<RunningServer>;
}

/** Extra time past SHUTDOWN_TIMEOUT_MS for closing pools and flushing telemetry before the process gives up waiting. */
const closeGraceMs = 5_000;

/**
 * The body of every service's main.ts: validate config (a bad or missing variable stops the process with exit code 1
 * and one line per problem, never a secret's value), report telemetry (started by the preload, before this module
 * loaded), start the service, and stop gracefully on
 * SIGTERM/SIGINT (drain, close, exit 0) or after an unhandled rejection or an uncaught exception (log it, drain,
 * close, exit 1).
 */
export async function runServiceMain<C extends ServiceMainSettings>(main: ServiceMain<C>): Promise<void> {
  let config: C;
  try {
    config = main.loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${refusalReport(main.appId, error)}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ service: main.appId, level: config.LOG_LEVEL });
  const telemetry = telemetryStatus();
  if (telemetry.exporting) {
    logger.info({ serviceName: telemetry.serviceName, authentication: telemetry.authentication }, 'telemetry: exporting to Azure Monitor');
  } else if (config.APPLICATIONINSIGHTS_CONNECTION_STRING) {
    // Starting it now would be too late to patch Express and pg (already loaded): say what is missing instead.
    logger.warn('telemetry: APPLICATIONINSIGHTS_CONNECTION_STRING is set but the preload did not run (NODE_OPTIONS="--require @shop/platform/dist/telemetry-preload.js"): nothing is exported');
  }
  let running: RunningServer | undefined;
  let shuttingDown: Promise<never> | undefined;

  const shutDown = (exitCode: number): Promise<never> => {
    shuttingDown ??= (async () => {
      // Should a pool or an exporter hang, the process still ends (the chart's grace period is longer than this).
      setTimeout(() => process.exit(exitCode === 0 ? 1 : exitCode), (config.SHUTDOWN_TIMEOUT_MS ?? 10_000) + closeGraceMs).unref();
      try {
        await running?.stop();
      } catch (error) {
        logger.error({ err: error }, 'shutdown failed');
        exitCode = 1;
      }
      await shutdownTelemetry().catch(() => undefined);
      process.exit(exitCode);
    })();
    return shuttingDown;
  };

  // A fault nobody handled leaves the process in an unknown state: report it, finish what is in flight, and exit so
  // that the orchestrator starts a clean replica.
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, `${main.appId}: unhandled promise rejection, shutting down`);
    void shutDown(1);
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, `${main.appId}: uncaught exception, shutting down`);
    void shutDown(1);
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    void shutDown(0);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    running = await main.start(config, logger);
    logger.info({ url: running.url }, `${main.appId} listening`);
  } catch (error) {
    // The start-up (startService) has already released what it opened.
    logger.fatal({ err: error }, `${main.appId} failed to start`);
    await shutdownTelemetry().catch(() => undefined);
    process.exit(1);
  }
}

/** What a service refusing its configuration prints: every problem on its own line (values of secrets are redacted). */
export function refusalReport(appId: string, error: ConfigError): string {
  return [`${appId}: refusing to start: ${error.problems.length === 1 ? 'one setting is' : `${error.problems.length} settings are`} missing or invalid`, ...error.problems.map((problem) => `  - ${problem}`)].join('\n');
}
