import { ConfigError, createLogger, startTelemetry, stopOnSignals, type RunningServer } from '@shop/platform';
import { type Logger } from '@shop/kernel';

/** What a service's main.ts hands to `runServiceMain`. */
export interface ServiceMain<C extends { LOG_LEVEL: string; APPLICATIONINSIGHTS_CONNECTION_STRING?: string }> {
  appId: string;
  /** Reads and validates the environment (throws ConfigError). */
  loadConfig: () => C;
  /** Builds adapters, migrates, listens. */
  start: (config: C, logger: Logger) => Promise<RunningServer>;
}

/**
 * The body of every service's main.ts: validate config (a bad variable stops the process with one line naming
 * it), start telemetry, start the service, and stop gracefully on SIGTERM/SIGINT.
 */
export async function runServiceMain<C extends { LOG_LEVEL: string; APPLICATIONINSIGHTS_CONNECTION_STRING?: string }>(main: ServiceMain<C>): Promise<void> {
  let config: C;
  try {
    config = main.loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${main.appId}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ service: main.appId, level: config.LOG_LEVEL });
  const telemetry = startTelemetry({ connectionString: config.APPLICATIONINSIGHTS_CONNECTION_STRING, serviceName: main.appId, logger });
  try {
    const running = await main.start(config, logger);
    logger.info({ url: running.url }, `${main.appId} listening`);
    stopOnSignals(async () => {
      await running.stop();
      await telemetry.shutdown();
    }, logger);
  } catch (error) {
    logger.fatal({ err: error }, `${main.appId} failed to start`);
    await telemetry.shutdown();
    process.exit(1);
  }
}
