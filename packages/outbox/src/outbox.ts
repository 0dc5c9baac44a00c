import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EventBus } from '@shop/building-blocks';
import { currentTraceparent } from '@shop/platform';
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
    currentTraceparent() ?? null,
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
  /**
   * Longest pause between rounds while the database or the bus fails: the pause doubles from `pollIntervalMs` per
   * failed round up to this. Default 2000 ms.
   */
  maxRetryDelayMs?: number;
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

/** One round of the relay: what went out, and the bus's refusal that stopped it early. */
interface RelayRound {
  published: number;
  publishFailure?: unknown;
}

/**
 * Publishes outbox events to the bus, oldest first, and deletes each one the bus accepted. Delivery is at least
 * once: a crash between publish and delete republishes with the same event id, which consumers deduplicate.
 * Only one relay works on a database at a time (an advisory lock), which keeps events in commit order across
 * replicas; a publish failure stops the round so later events never overtake the failed one.
 *
 * While the database or the bus fails, the relay pauses and retries by itself, waiting longer after each failed
 * round (up to `maxRetryDelayMs`; nudges do not shorten the wait), and logs one warning when the outage starts and
 * one line when it resumes, not one per round. Rounds never overlap; its timers never keep the process alive.
 */
export class OutboxRelay {
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly maxRetryDelayMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<RelayRound>;
  private stopped = true;
  private nudgedWhileRunning = false;
  private failedRoundsInARow = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.batchSize = options.batchSize ?? 100;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 2000;
  }

  /** Starts polling: a round now, then one every poll interval. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a round soon (call after a commit that enqueued events). While the relay waits out a failure, the wait stands. */
  nudge(): void {
    if (this.stopped || this.failedRoundsInARow > 0) return;
    if (this.running) this.nudgedWhileRunning = true;
    else this.schedule(0);
  }

  /** Stops polling and waits for the round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Runs one round now (or joins the one in progress); returns how many events were published. */
  async relayOnce(): Promise<number> {
    return (await this.round()).published;
  }

  /** Whether the last round failed and the relay is waiting to retry. */
  get retrying(): boolean {
    return this.failedRoundsInARow > 0;
  }

  private round(): Promise<RelayRound> {
    this.running ??= this.publishBatch().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let failure: unknown;
    let published = 0;
    try {
      const round = await this.round();
      published = round.published;
      failure = round.publishFailure;
    } catch (error) {
      failure = error ?? new Error('outbox round failed');
    }
    if (this.stopped) return;
    const { logger } = this.options;
    if (failure !== undefined) {
      this.failedRoundsInARow += 1;
      if (this.failedRoundsInARow === 1) logger.warn({ err: failure }, 'outbox relay paused: the database or the event bus is unavailable; retrying until it answers');
      this.nudgedWhileRunning = false;
      this.schedule(Math.min(this.maxRetryDelayMs, this.pollIntervalMs * 2 ** (this.failedRoundsInARow - 1)));
      return;
    }
    if (this.failedRoundsInARow > 0) logger.info({ failedRounds: this.failedRoundsInARow, published }, 'outbox relay resumed');
    this.failedRoundsInARow = 0;
    // A full batch means more events are waiting.
    const again = published >= this.batchSize || this.nudgedWhileRunning;
    this.nudgedWhileRunning = false;
    this.schedule(again ? 0 : this.pollIntervalMs);
  }

  private async publishBatch(): Promise<RelayRound> {
    const { db, eventBus } = this.options;
    return db.transaction(async (tx) => {
      const { rows: lock } = await tx.query<{ locked: boolean }>("SELECT pg_try_advisory_xact_lock(hashtext('outbox_relay')) AS locked");
      if (!lock[0]?.locked) return { published: 0 };
      const { rows } = await tx.query<OutboxRow>('SELECT seq, id, topic, type, subject, data, traceparent, occurred_at FROM outbox_events ORDER BY seq LIMIT $1', [this.batchSize]);
      const publishedSeqs: number[] = [];
      let publishFailure: unknown;
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
          publishFailure = error ?? new Error('publish failed');
          await tx.query('UPDATE outbox_events SET attempts = attempts + 1, last_error = $2 WHERE seq = $1', [row.seq, String(error).slice(0, 500)]);
          break;
        }
      }
      if (publishedSeqs.length > 0) await tx.query('DELETE FROM outbox_events WHERE seq = ANY($1::bigint[])', [publishedSeqs]);
      return { published: publishedSeqs.length, publishFailure };
    });
  }
}
