import { randomUUID } from 'node:crypto';
import type { EventBus } from '@shop/building-blocks';
import { EventTypes, Topics, type AuditAction, type AuditEntriesRecordedData, type AuditEntry } from '@shop/contracts';
import type { AuditRecord, AuditRecorder, Logger } from '@shop/kernel';
import type { ServiceMetrics } from '@shop/platform';
import type { ServiceResources } from './service-startup';

/** What a `BufferedAuditRecorder` is built from. */
export interface BufferedAuditRecorderDeps {
  /** The app id of the recording service: the entries' `service`. */
  service: string;
  /** The bus the batches are published on (`Topics.audit`); auth stores them. */
  eventBus: EventBus;
  logger: Logger;
  /** How often the buffer is published. Default 1000 ms (the issue: flushed at least every second). */
  flushIntervalMs?: number;
  /**
   * Entries per published event; a full batch is published at once. Default 500 (the event schema allows 1000): about
   * 160 KB, within Service Bus Premium's message size. Smaller batches measured dearer (more statements in auth).
   */
  maxBatch?: number;
  /** Entries kept while the bus refuses them; beyond it the oldest are dropped (and counted). Default 50 000. */
  maxBuffered?: number;
  /** Clock of the entries' `at`; tests pin it. */
  now?: () => Date;
  /** When given, `audit_entries_published_total` and `audit_entries_dropped_total` are counted on it. */
  metrics?: ServiceMetrics;
}

/**
 * The AuditRecorder of every service: `record` only pushes to an in-process buffer, so an audited request never
 * waits on the bus; the buffer goes out as `audit.entries_recorded` batches on `Topics.audit` every second, whenever
 * a batch is full, and on `close()` (graceful shutdown, before the bus closes). A publish that fails keeps its
 * entries for the next tick; the buffer is bounded, so a bus down for long loses the oldest entries, counted and
 * logged, rather than the process's memory.
 */
export class BufferedAuditRecorder implements AuditRecorder {
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;
  private readonly now: () => Date;
  private buffer: AuditEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The flush under way: flushes never overlap, so a batch is never published twice or out of order. */
  private flushing: Promise<void> | undefined;
  private closed = false;
  private droppedSinceLog = 0;
  private readonly published?: { inc(value?: number): void };
  private readonly dropped?: { inc(value?: number): void };

  constructor(private readonly deps: BufferedAuditRecorderDeps) {
    this.flushIntervalMs = deps.flushIntervalMs ?? 1000;
    this.maxBatch = deps.maxBatch ?? 500;
    this.maxBuffered = deps.maxBuffered ?? 50_000;
    this.now = deps.now ?? (() => new Date());
    if (deps.metrics) {
      this.published = deps.metrics.counter({ name: 'audit_entries_published_total', help: 'Audit entries published to the audit topic' });
      this.dropped = deps.metrics.counter({ name: 'audit_entries_dropped_total', help: 'Audit entries dropped because the buffer was full while the bus refused them' });
    }
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    // The recorder must never keep a process alive on its own: close() is what flushes at shutdown.
    this.timer.unref();
  }

  /** Queues one entry (id, time and service filled in); never throws and never waits. */
  record(entry: AuditRecord): void {
    try {
      const at = entry.at ?? this.now();
      this.buffer.push({
        id: randomUUID(),
        at: at.toISOString(),
        service: this.deps.service,
        actor: { type: entry.actor.type, id: entry.actor.id },
        action: entry.action as AuditAction,
        subject: entry.subject ?? null,
        details: entry.details ?? {},
      });
      this.trimToBound();
      if (this.buffer.length >= this.maxBatch) void this.flush();
    } catch (error) {
      // Auditing must never fail the action it audits (an invalid date, a getter that throws...).
      this.deps.logger.error({ err: error, action: entry?.action }, 'audit entry could not be recorded');
    }
  }

  /** Entries waiting to be published. */
  get pending(): number {
    return this.buffer.length;
  }

  /**
   * Publishes what is buffered, batch by batch; stops at the first failure (the entries stay for the next try).
   * Resolves when done; never rejects.
   */
  flush(): Promise<void> {
    this.flushing ??= this.publishBuffered().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Stops the timer and publishes everything left (one more try per batch); call before the event bus closes. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.closed = true;
    // A flush may be in flight with entries recorded after it started: wait for it, then take the rest.
    await this.flush();
    if (this.buffer.length > 0) await this.flush();
    if (this.buffer.length > 0) this.deps.logger.error({ lost: this.buffer.length }, 'audit entries could not be published before shutdown');
  }

  private async publishBuffered(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, this.maxBatch);
      const data: AuditEntriesRecordedData = { entries: batch };
      try {
        await this.deps.eventBus.publish(Topics.audit, { type: EventTypes.auditEntriesRecorded, data });
      } catch (error) {
        this.deps.logger.warn({ err: error, pending: this.buffer.length, closing: this.closed }, 'publishing audit entries failed; retrying at the next flush');
        return;
      }
      // Entries recorded during the publish were appended behind the batch; a trim during it may have dropped some of
      // the batch's own entries, so remove by identity, not by count.
      const sent = new Set(batch);
      this.buffer = this.buffer.filter((entry) => !sent.has(entry));
      this.published?.inc(batch.length);
    }
  }

  private trimToBound(): void {
    const excess = this.buffer.length - this.maxBuffered;
    if (excess <= 0) return;
    this.buffer.splice(0, excess);
    this.dropped?.inc(excess);
    // One line per thousand drops, not one per entry: the bus is down and the log must stay readable.
    const before = this.droppedSinceLog;
    this.droppedSinceLog += excess;
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.droppedSinceLog / 1000)) {
      this.deps.logger.error({ droppedSoFar: this.droppedSinceLog, maxBuffered: this.maxBuffered }, 'audit buffer full: dropping the oldest entries');
    }
  }
}

/**
 * The audit recorder of a service process, registered in `resources` so that it is closed (and flushed) before
 * anything registered earlier, such as the building blocks whose bus it publishes on. Register it after the blocks.
 */
export function auditRecorderFor(
  appId: string,
  blocks: { eventBus: EventBus },
  logger: Logger,
  resources: ServiceResources,
  options: Omit<BufferedAuditRecorderDeps, 'service' | 'eventBus' | 'logger'> = {},
): BufferedAuditRecorder {
  const recorder = new BufferedAuditRecorder({ service: appId, eventBus: blocks.eventBus, logger, ...options });
  resources.add('audit recorder', () => recorder.close());
  return recorder;
}
