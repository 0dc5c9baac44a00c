import path from 'node:path';
import type { EventBus } from '@shop/building-blocks';
import type { Logger } from '@shop/kernel';
import { OutboxRelay } from '@shop/outbox';
import { listen, type HttpApp, type RunningServer, type ServiceMetrics } from '@shop/platform';
import { openDatabase, type Database } from '@shop/postgres';
import { registerOutboxMetrics, registerReadPathMetrics } from './service-metrics';

/** Something a service opened while starting, and how to release it. */
export interface ServiceResource {
  name: string;
  close: () => Promise<void>;
}

/**
 * What a service has opened so far, in opening order. `listen` closes them last-first after the server drained, so a
 * loop stops before the bus and the database it uses; when start-up fails half-way, `closeAll` releases what was
 * opened, also last-first.
 */
export class ServiceResources {
  private readonly opened: ServiceResource[] = [];

  /** Records a resource to release when the service stops. */
  add(name: string, close: () => Promise<void>): void {
    this.opened.push({ name, close });
  }

  /** The resources in opening order (what `listen` takes as its closers). */
  get all(): ServiceResource[] {
    return [...this.opened];
  }

  /** Releases everything opened so far, last-first, ignoring failures: the start-up error is the one to report. */
  async closeAll(): Promise<void> {
    for (const resource of [...this.opened].reverse()) await resource.close().catch(() => undefined);
  }
}

/**
 * Runs a service's start-up with a fresh `ServiceResources`: whatever `start` opened is released again when it throws,
 * so a failed start leaves no pool, loop or subscription behind.
 */
export async function startService<T>(start: (resources: ServiceResources) => Promise<T>): Promise<T> {
  const resources = new ServiceResources();
  try {
    return await start(resources);
  } catch (error) {
    await resources.closeAll();
    throw error;
  }
}

/** The settings of a service that owns a database (the shape every such service's config has). */
export interface ServiceDatabaseSettings {
  DATABASE_URL?: string;
  DATABASE_READ_URL?: string;
  /** How PostgreSQL connections sign in: the URL's password, or Entra access tokens (Azure). */
  DATABASE_AUTH?: 'password' | 'entra';
  DATABASE_MAX_CONNECTIONS?: number;
  /** Longest wait for a pooled PostgreSQL connection, opening one included (ms). */
  DATABASE_ACQUIRE_TIMEOUT_MS?: number;
  /** PostgreSQL's statement_timeout (ms); the client gives up on a silent server shortly after it. */
  DATABASE_STATEMENT_TIMEOUT_MS?: number;
  /** The most the read replica may lag and still serve reads (s). */
  DATABASE_READ_MAX_LAG_SECONDS?: number;
  /** PGlite folder when DATABASE_URL is unset. */
  DATA_DIR: string;
  OUTBOX_POLL_INTERVAL_MS?: number;
}

/** What `openServiceDatabase` needs. */
export interface OpenServiceDatabaseOptions {
  appId: string;
  settings: ServiceDatabaseSettings;
  /** An already open database (the embedded launcher, tests): used as it is and not closed by the service. */
  db?: Database;
  /** Applies the service's migrations (and the outbox tables). */
  migrate: (db: Database) => Promise<void>;
  eventBus: EventBus;
  logger: Logger;
  /** When given, the outbox backlog is reported on these metrics. */
  metrics?: ServiceMetrics;
}

/** A service's own database, migrated, with the outbox relay that publishes what its transactions enqueue. */
export interface ServiceDatabase {
  db: Database;
  /** Not started yet: the service starts it once its subscriptions are in place. */
  relay: OutboxRelay;
}

/**
 * Opens the service's own database (PostgreSQL from DATABASE_URL, else PGlite in DATA_DIR) unless one is given,
 * migrates it and builds its outbox relay; the database it opened and the relay are registered in `resources`.
 */
export async function openServiceDatabase(options: OpenServiceDatabaseOptions, resources: ServiceResources): Promise<ServiceDatabase> {
  const { settings } = options;
  const db =
    options.db ??
    (await openDatabase({
      url: settings.DATABASE_URL,
      readUrl: settings.DATABASE_READ_URL,
      embeddedDataDir: settings.DATABASE_URL ? undefined : path.resolve(settings.DATA_DIR),
      applicationName: options.appId,
      maxConnections: settings.DATABASE_MAX_CONNECTIONS,
      acquireTimeoutMs: settings.DATABASE_ACQUIRE_TIMEOUT_MS,
      statementTimeoutMs: settings.DATABASE_STATEMENT_TIMEOUT_MS,
      maxReplicaLagSeconds: settings.DATABASE_READ_MAX_LAG_SECONDS,
      logger: options.logger,
      // On PostgreSQL each service keeps its tables in a schema named after it (Azure grants a service role only
      // ALL ON DATABASE, which does not include creating tables in public).
      schema: options.appId,
      auth: settings.DATABASE_AUTH,
    }));
  if (!options.db) resources.add('database', () => db.close());
  await options.migrate(db);
  if (options.metrics) {
    registerOutboxMetrics(options.metrics, db, options.logger);
    registerReadPathMetrics(options.metrics, db);
  }
  const relay = new OutboxRelay({ db, eventBus: options.eventBus, logger: options.logger, pollIntervalMs: settings.OUTBOX_POLL_INTERVAL_MS });
  resources.add('outbox relay', () => relay.stop());
  return { db, relay };
}

/** The listening settings every service's config has. */
export interface ServiceListenSettings {
  PORT: number;
  HOST?: string;
  SHUTDOWN_TIMEOUT_MS?: number;
  /** Serve /metrics on this port instead of PORT. */
  METRICS_PORT?: number;
}

/** Listens on the configured port; on stop the server drains, then `resources` are closed last-first. */
export function listenService(app: HttpApp, settings: ServiceListenSettings, logger: Logger, resources: ServiceResources): Promise<RunningServer> {
  return listen(app, {
    port: settings.PORT,
    host: settings.HOST,
    logger,
    shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
    closers: resources.all,
    metricsPort: settings.METRICS_PORT,
  });
}
