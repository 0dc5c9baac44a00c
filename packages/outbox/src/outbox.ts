import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EventBus } from '@shop/building-blocks';
import { PeriodicTask, currentRequestContext } from '@shop/platform';
import { migrate, type Database, type SqlExecutor } from '@shop/postgres';
import { type Logger } from '@shop/kernel';

/** Creates the outbox and inbox tables (idempotent; call at start after the service's own migrations). */
export async function migrateOutbox(db: Database): Promise<void> {
  await migrate(db, join(__dirname, '..', 'migrations'), { namespace: 'outbox' });
}

/** An event to publish once the surrounding transaction commits. */
export interface OutboxEvent<T = unknown> {
  type: string;
  data: T;
  /** The aggregate (e.g. product id): events of one subject are published in the order they were written. */
  subject: string;
  /** Defaults to a fresh UUID; it stays the event's CloudEvent id however often the relay republishes it. */
  id?: string;
}

/**
 * Writes an event into the outbox inside the caller's transaction, so the event exists if and only if the
 * state change commits. Returns the event id.
 */
export async function enqueueEvent<T>(tx: SqlExecutor, topic: string, event: OutboxEvent<T>): Promise<string> {
  const id = event.id ?? randomUUID();
  await tx.query('INSERT INTO outbox_events (id, topic, type, subject, data, traceparent) VALUES ($1, $2, $3, $4, $5, $6)', [
    id,
    topic,
    event.type,
    event.subject,
    JSON.stringify(event.data),
    currentRequestContext()?.traceparent ?? null,
  ]);
  return id;
}

/**
 * Records that `consumer` processes `eventId`, inside the transaction that applies it. Returns false when the
 * event was processed before (a redelivery): the caller then changes nothing and acknowledges.
 */
export async function claimInboxEvent(tx: SqlExecutor, consumer: string, eventId: string): Promise<boolean> {
  const { rowCount } = await tx.query('INSERT INTO inbox_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [consumer, eventId]);
  return rowCount === 1;
}

/** Options of the relay. */
export interface OutboxRelayOptions {
  db: Database;
  eventBus: EventBus;
  logger: Logger;
  /** How often to look for events when nobody nudges. Default 500 ms. */
  pollIntervalMs?: number;
  /** Events per round. Default 100. */
  batchSize?: number;
}

interface OutboxRow {
  seq: number;
  id: string;
  topic: string;
  type: string;
  subject: string;
  data: unknown;
  traceparent: string | null;
  occurred_at: Date;
}

/**
 * Publishes outbox events to the bus, oldest first, and deletes each one the bus accepted. Delivery is at least
 * once: a crash between publish and delete republishes with the same event id, which consumers deduplicate.
 * Only one relay works on a database at a time (an advisory lock), which keeps events in commit order across
 * replicas; a publish failure stops the round so later events never overtake the failed one.
 */
export class OutboxRelay {
  private readonly loop: PeriodicTask<number>;

  constructor(private readonly options: OutboxRelayOptions) {
    const batchSize = options.batchSize ?? 100;
    this.loop = new PeriodicTask({
      name: 'outbox relay',
      run: () => this.publishBatch(),
      intervalMs: options.pollIntervalMs ?? 500,
      logger: options.logger,
      // A full batch means more events are waiting.
      runAgainAtOnce: (published) => published >= batchSize,
    });
  }

  /** Starts polling. */
  start(): void {
    this.loop.start();
  }

  /** Asks for a round soon (call after a commit that enqueued events). */
  nudge(): void {
    this.loop.nudge();
  }

  /** Stops polling and waits for the round in progress. */
  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Runs one round now; returns how many events were published. */
  relayOnce(): Promise<number> {
    return this.loop.runOnce();
  }

  private async publishBatch(): Promise<number> {
    const { db, eventBus, logger } = this.options;
    return db.transaction(async (tx) => {
      const { rows: lock } = await tx.query<{ locked: boolean }>("SELECT pg_try_advisory_xact_lock(hashtext('outbox_relay')) AS locked");
      if (!lock[0]?.locked) return 0;
      const { rows } = await tx.query<OutboxRow>(
        'SELECT seq, id, topic, type, subject, data, traceparent, occurred_at FROM outbox_events ORDER BY seq LIMIT $1',
        [this.options.batchSize ?? 100],
      );
      const publishedSeqs: number[] = [];
      for (const row of rows) {
        try {
          await eventBus.publish(row.topic, {
            id: row.id,
            type: row.type,
            subject: row.subject,
            data: row.data,
            time: new Date(row.occurred_at).toISOString(),
            traceparent: row.traceparent ?? undefined,
          });
          publishedSeqs.push(row.seq);
        } catch (error) {
          logger.warn({ err: error, eventId: row.id, topic: row.topic }, 'outbox publish failed; will retry');
          await tx.query('UPDATE outbox_events SET attempts = attempts + 1, last_error = $2 WHERE seq = $1', [row.seq, String(error).slice(0, 500)]);
          break;
        }
      }
      if (publishedSeqs.length > 0) await tx.query('DELETE FROM outbox_events WHERE seq = ANY($1::bigint[])', [publishedSeqs]);
      return publishedSeqs.length;
    });
  }
}
