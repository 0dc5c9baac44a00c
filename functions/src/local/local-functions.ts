import { randomUUID } from 'node:crypto';
import type { Logger } from '@shop/kernel';
import { InvocationContext, type Timer } from '@azure/functions';
import type { DeliveryOutcome, EventBus } from '@shop/building-blocks';
import { AppIds, type Topic } from '@shop/contracts';
import { Cron } from 'croner';
import { createJobHandlers, type JobHandlers, type TimerHandler } from '../jobs/job-handlers';
import { FolderReportStore, type ReportStore } from '../jobs/report-store';
import { ServiceClient } from '../jobs/service-client';
import { developmentShopPublicUrl } from '../notifications/config';
import { notifiedTopics } from '../notifications/functions';
import { OutboxFolderEmailSender } from '../notifications/email-sender';
import type { NotificationClaims } from '../notifications/notification-claims';
import { Notifier, toIncomingEvent } from '../notifications/notifier';
import { inMemoryNotificationClaims } from '../notifications/state-store-notification-claims';
import { HttpCatalogSyncRuns } from '../sync/catalog-sync-runs';
import { runCatalogSync } from '../sync/run-catalog-sync';
import { EventBusBatchPublisher } from '../sync/sync-batch-publisher';
import { createProductSource } from '../sync/sync-runtime';
import { loadSyncSettings } from '../sync/sync-settings';

/** Cron patterns (6 fields, seconds first, UTC) of the local timers; the defaults match the Azure ones. */
export interface LocalSchedules {
  releaseExpiredReservations?: string;
  remindAbandonedCarts?: string;
  dailySalesReport?: string;
}

/** What `startLocalFunctions` needs. */
export interface LocalFunctionsOptions {
  /** A bus of its own on the shared broker (source `functions`); started here and closed by `stop()`. */
  eventBus: EventBus;
  serviceUrls: { catalog: string; cart: string; order: string; auth: string };
  logger: Logger;
  appApiToken?: string;
  /** Where emails go as .eml files. */
  emailOutboxDir: string;
  /** Where daily report CSVs go. Default `.data/reports`. */
  reportsDir?: string;
  schedules?: LocalSchedules;
  /** Sender address of the emails. Default `no-reply@shop.local`. */
  emailSenderAddress?: string;
  /** Public URL of the shop, which the account e-mails link to. Default the gateway's local URL, http://localhost:8080. */
  shopPublicUrl?: string;
  /** Idle hours before a cart reminder; the cart's default when unset. */
  abandonedCartIdleHours?: number;
  /**
   * Where e-mails are claimed before sending (closed by `stop()`). Default: in this process's memory, right for the
   * one-process `npm start`; pass claims on a shared store when several processes consume the same events.
   */
  notificationClaims?: NotificationClaims;
  /**
   * The catalog sync's settings (SYNC_SOURCES, SYNC_SCHEDULE, ...: see functions/README.md). With sources configured,
   * every source is synced on SYNC_SCHEDULE, its batches published on this bus; without, no sync is scheduled.
   */
  syncEnvironment?: Record<string, string | undefined>;
}

/** The running local functions. */
export interface LocalFunctions {
  /** Stops the timers, waits for running jobs and closes the event bus and the notification claims. Idempotent. */
  stop(): Promise<void>;
}

const defaultSchedules: Required<LocalSchedules> = {
  releaseExpiredReservations: '0 */1 * * * *',
  remindAbandonedCarts: '0 0 * * * *',
  dailySalesReport: '0 0 1 * * *',
};

/**
 * `npm start`'s stand-in for the Functions host: runs the same timer handlers in-process on croner schedules and
 * feeds the notification handlers from the platform's event bus (group `functions`) instead of Service Bus.
 */
export async function startLocalFunctions(options: LocalFunctionsOptions): Promise<LocalFunctions> {
  const { logger, serviceUrls } = options;
  const client = (baseUrl: string) => new ServiceClient({ baseUrl, appApiToken: options.appApiToken });
  const reports: ReportStore = new FolderReportStore(options.reportsDir ?? '.data/reports');
  const jobs: JobHandlers = createJobHandlers({
    catalog: client(serviceUrls.catalog),
    cart: client(serviceUrls.cart),
    order: client(serviceUrls.order),
    reports,
    abandonedCartIdleHours: options.abandonedCartIdleHours,
  });
  const claims = options.notificationClaims ?? inMemoryNotificationClaims();
  const notifier = new Notifier({
    auth: client(serviceUrls.auth),
    email: new OutboxFolderEmailSender({ folder: options.emailOutboxDir, senderAddress: options.emailSenderAddress ?? 'no-reply@shop.local' }),
    claims,
    shopPublicUrl: (options.shopPublicUrl ?? developmentShopPublicUrl).replace(/\/+$/, ''),
  });

  for (const topic of notifiedTopics) subscribeNotifications(options.eventBus, topic, notifier, logger);

  const running = new Set<Promise<void>>();
  const schedules = { ...defaultSchedules, ...options.schedules };
  const timers = (Object.keys(defaultSchedules) as Array<keyof JobHandlers>).map((name) => {
    let last = new Date();
    return new Cron(schedules[name], { timezone: 'UTC', protect: true, name: `functions-${name}` }, async (self: Cron) => {
      const timer = timerInput(last, self.nextRun() ?? new Date());
      last = new Date();
      const run = runTimer(name, jobs[name], timer, logger);
      running.add(run);
      await run.finally(() => running.delete(run));
    });
  });

  const syncTimer = scheduleLocalSync(options, running);

  await options.eventBus.start();
  logger.info({ schedules, syncSources: syncTimer ? 'scheduled' : 'none configured' }, 'local functions started');

  let stopping: Promise<void> | undefined;
  return {
    stop: () =>
      (stopping ??= (async () => {
        for (const timer of timers) timer.stop();
        syncTimer?.stop();
        await Promise.allSettled([...running]);
        await options.eventBus.close();
        await claims.close();
      })()),
  };
}

/** Schedules the catalog sync of every configured source, the batches going out on the local bus. */
function scheduleLocalSync(options: LocalFunctionsOptions, running: Set<Promise<void>>): Cron | undefined {
  const environment = { CATALOG_INTERNAL_URL: options.serviceUrls.catalog, APP_API_TOKEN: options.appApiToken, ...options.syncEnvironment };
  const settings = loadSyncSettings(environment);
  if (settings.SYNC_SOURCES.length === 0) return undefined;
  const catalog = new HttpCatalogSyncRuns({ catalogUrl: settings.CATALOG_INTERNAL_URL, appApiToken: settings.APP_API_TOKEN });
  const publisher = new EventBusBatchPublisher(options.eventBus);
  return new Cron(settings.SYNC_SCHEDULE, { timezone: 'UTC', protect: true, name: 'functions-catalogSync' }, async () => {
    for (const sourceConfig of settings.SYNC_SOURCES) {
      const run = runCatalogSync({ source: createProductSource(sourceConfig, settings, environment), trigger: 'timer' }, { catalog, publisher, batchSize: settings.SYNC_BATCH_SIZE })
        .then((summary) => options.logger.info({ source: sourceConfig.name, runId: summary.runId, fetched: summary.fetched, complete: summary.complete }, 'local catalog sync finished'))
        .catch((error: unknown) => options.logger.error({ err: error, source: sourceConfig.name }, 'local catalog sync failed'));
      running.add(run);
      await run.finally(() => running.delete(run));
    }
  });
}

/** A timer input shaped as the Functions host shapes it. */
function timerInput(last: Date, next: Date): Timer {
  const now = new Date().toISOString();
  return { isPastDue: false, schedule: { adjustForDST: false }, scheduleStatus: { last: last.toISOString(), next: next.toISOString(), lastUpdated: now } };
}

async function runTimer(name: string, handler: TimerHandler, timer: Timer, logger: Logger): Promise<void> {
  try {
    await handler(timer, invocationContext(name, logger));
  } catch (error) {
    // Like the host: the invocation failed; the next occurrence is the retry.
    logger.error({ err: error, function: name }, 'local timer function failed');
  }
}

function subscribeNotifications(eventBus: EventBus, topic: Topic, notifier: Notifier, logger: Logger): void {
  const functionName = `notify-${topic}`;
  eventBus.subscribe(
    topic,
    async (delivery): Promise<DeliveryOutcome> => {
      const event = toIncomingEvent(delivery, topic, delivery.id);
      if (!event) return 'DROP';
      try {
        const outcome = await notifier.handle(event, invocationContext(functionName, logger));
        return outcome === 'invalid' ? 'DROP' : 'SUCCESS';
      } catch (error) {
        logger.warn({ err: error, eventId: event.id, type: event.type }, 'notification failed; will retry');
        return 'RETRY';
      }
    },
    { group: AppIds.functions },
  );
}

/** An InvocationContext whose log lines go to the platform's logger. */
function invocationContext(functionName: string, logger: Logger): InvocationContext {
  return new InvocationContext({
    invocationId: randomUUID(),
    functionName,
    logHandler: (level, ...args) => {
      const message = args.map((arg) => (typeof arg === 'string' ? arg : arg instanceof Error ? arg.message : JSON.stringify(arg))).join(' ');
      const details = { function: functionName };
      if (level === 'error' || level === 'critical') logger.error(details, message);
      else if (level === 'warning') logger.warn(details, message);
      else logger.info(details, message);
    },
  });
}
