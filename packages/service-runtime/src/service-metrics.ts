import type { CloudEvent, DeliveryOutcome, EventBus, EventHandler, OutgoingEvent, SubscriptionOptions } from '@shop/building-blocks';
import type { Logger } from '@shop/kernel';
import type { ServiceMetrics } from '@shop/platform';
import type { Database, ReadPathStatus } from '@shop/postgres';

/** Outcome label of `event_deliveries_total`: the verdict the consumer gave the sidecar or the broker. */
const deliveryOutcomeLabel: Record<DeliveryOutcome, string> = { SUCCESS: 'success', RETRY: 'retry', DROP: 'dead_letter' };

/**
 * The consumer's side of the event flow, as a decorator of the bus it subscribes on: every delivery's verdict
 * (`event_deliveries_total{topic, outcome}`; `dead_letter` is a DROP, which sends the event to the topic's dead-letter
 * topic) and the event's age when it reached the handler (`event_delivery_lag_seconds{topic}`: time since the
 * producer wrote it, outbox wait and broker queueing included), which is the consumer lag a service can observe.
 * Retries that the sidecar or Service Bus give up on after their own limit are not seen here: the Dapr sidecar's
 * `dapr_component_pubsub_ingress_count` and the dead-letter subscription count those.
 */
export function withDeliveryMetrics(eventBus: EventBus, metrics: ServiceMetrics, now: () => number = Date.now): EventBus {
  const deliveries = metrics.counter({
    name: 'event_deliveries_total',
    help: "Event deliveries by topic and the consumer's verdict (success, retry, dead_letter)",
    labelNames: ['topic', 'outcome'] as const,
  });
  const lag = metrics.histogram({
    name: 'event_delivery_lag_seconds',
    help: 'Age of an event when it was delivered to its handler (since the producer wrote it), by topic',
    labelNames: ['topic'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
  });
  return {
    publish: <T>(topic: string, event: OutgoingEvent<T>): Promise<CloudEvent<T>> => eventBus.publish(topic, event),
    subscribe: <T>(topic: string, handler: EventHandler<T>, options: SubscriptionOptions): void => {
      for (const outcome of Object.values(deliveryOutcomeLabel)) deliveries.inc({ topic, outcome }, 0);
      eventBus.subscribe<T>(
        topic,
        async (event) => {
          const writtenAt = Date.parse(event.time);
          if (Number.isFinite(writtenAt)) lag.observe({ topic }, Math.max(0, now() - writtenAt) / 1000);
          let outcome: DeliveryOutcome = 'RETRY';
          try {
            outcome = await handler(event);
            return outcome;
          } finally {
            // A throw or a value that is no verdict counts as RETRY, as the bus itself treats it.
            deliveries.inc({ topic, outcome: deliveryOutcomeLabel[outcome] ?? 'retry' });
          }
        },
        options,
      );
    },
    start: () => eventBus.start(),
    close: () => eventBus.close(),
  };
}

/**
 * The read path of a PostgreSQL database: where reads went (the replica, or the primary and why) and, with a read
 * replica configured, its lag and whether it serves reads. Nothing is registered for PGlite; no replica gauges for a
 * service without a replica (a 0 there would read as a replica out of the read path).
 */
export function registerReadPathMetrics(metrics: ServiceMetrics, db: Database): void {
  const status = db.readPathStatus?.bind(db);
  if (!status) return;
  if (status().replicaConfigured) registerReplicaGauges(metrics, status);
  registerReadsByPool(metrics, status);
}

function registerReplicaGauges(metrics: ServiceMetrics, status: () => ReadPathStatus): void {
  metrics.gauge({
    name: 'db_replica_lag_seconds',
    help: "How far the read replica's replay is behind the primary, as last measured (every second)",
    collect() {
      const lag = status().replicaLagSeconds;
      if (lag !== undefined) this.set(lag);
    },
  });
  metrics.gauge({
    name: 'db_replica_in_read_path',
    help: 'Whether the read replica serves reads (1), or lags beyond DATABASE_READ_MAX_LAG_SECONDS or is absent and the primary serves them (0)',
    collect() {
      this.set(status().replicaInReadPath ? 1 : 0);
    },
  });
}

function registerReadsByPool(metrics: ServiceMetrics, status: () => ReadPathStatus): void {
  const servedBy = (key: string): { pool: string; reason: string } => {
    const [pool, reason = 'in_read_path'] = key.split(':');
    return { pool, reason };
  };
  const counted: Record<string, number> = {};
  metrics.counter({
    name: 'db_reads_total',
    help: 'Read-only queries by the pool that served them (replica, primary) and why the primary did (no_replica, replica_unavailable, replica_lagging)',
    labelNames: ['pool', 'reason'],
    collect() {
      for (const [key, total] of Object.entries(status().reads)) {
        const delta = total - (counted[key] ?? 0);
        if (delta > 0) this.inc(servedBy(key), delta);
        counted[key] = total;
      }
    },
  });
}

/**
 * `outbox_pending_events` and `outbox_oldest_pending_event_age_seconds` of the service's outbox, read at every scrape.
 * The relay deletes what the bus accepted, so every row is pending. Every replica reports the same table: rules
 * take the max per service. A scrape while the database is unavailable keeps the last values (the readiness and the
 * availability alerts tell of the outage) instead of failing the whole scrape.
 */
export function registerOutboxMetrics(metrics: ServiceMetrics, db: Database, logger: Logger): void {
  const read = async (): Promise<{ pending: number; oldestAgeSeconds: number } | undefined> => {
    try {
      const { rows } = await db.query<{ pending: string | number; oldest_age_seconds: string | number | null }>(
        'SELECT count(*) AS pending, EXTRACT(EPOCH FROM now() - min(occurred_at)) AS oldest_age_seconds FROM outbox_events',
      );
      const row = rows[0];
      return { pending: Number(row?.pending ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.oldest_age_seconds ?? 0)) };
    } catch (error) {
      logger.debug({ err: error }, 'outbox metrics: the database did not answer');
      return undefined;
    }
  };
  // One query per scrape for both gauges: the first collect reads, the second takes what it read.
  let reading: Promise<{ pending: number; oldestAgeSeconds: number } | undefined> | undefined;
  const readOnce = () => {
    reading ??= read().finally(() => setImmediate(() => (reading = undefined)));
    return reading;
  };
  metrics.gauge({
    name: 'outbox_pending_events',
    help: 'Events in the outbox that the bus has not accepted yet',
    async collect() {
      const value = await readOnce();
      if (value) this.set(value.pending);
    },
  });
  metrics.gauge({
    name: 'outbox_oldest_pending_event_age_seconds',
    help: 'Age of the oldest event in the outbox (0 when it is empty): how long publishing lags behind the commits',
    async collect() {
      const value = await readOnce();
      if (value) this.set(value.oldestAgeSeconds);
    },
  });
}
