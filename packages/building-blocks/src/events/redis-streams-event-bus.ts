import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { deadLetterTopicOf } from '@shop/contracts';
import { silentLogger, type Logger } from '@shop/kernel';
import { OutageBreaker, type OutageBreakerSettings } from '../outage-breaker';
import { DEFAULT_REDIS_COMMAND_TIMEOUT_MS, isRedisOutage, RedisCommandTimeoutError, RedisConnection, withCommandTimeout, type RedisClient, type RedisConnectionOptions } from '../redis-connection';
import { deliveryPolicyOf, retryDelayMs, runHandler, toCloudEvent, type DeliveryPolicy } from './cloud-events';
import { deliverInTraceOf, publishInTraceOf } from '../trace-context';
import type { CloudEvent, EventBus, EventHandler, OutgoingEvent, SubscriptionOptions } from './event-bus';

/** Options of the Redis Streams event bus. */
export type RedisStreamsEventBusOptions = RedisConnectionOptions & {
  /** The publishing app's id; becomes the CloudEvent `source`. */
  source: string;
  /** Prepended to the topic to name its stream (e.g. `shop:events:`), so environments and test runs share one Redis. */
  streamPrefix: string;
  /** Streams are trimmed to about this many entries on every publish (`MAXLEN ~`). Default 10 000. */
  maxStreamLength?: number;
  /** Longest a blocking read waits, and so about the longest `close()` waits for it. Default 1000 ms. */
  blockMs?: number;
  /** Entries read per call. Default 10. */
  batchSize?: number;
  /**
   * A delivery not acknowledged for this long is presumed lost with its consumer (a crash) and redelivered to any
   * consumer of the group. Handlers must finish within it, or they may run twice at once. Default 30 000 ms.
   */
  processingTimeoutMs?: number;
  /**
   * Where a consumer group starts when this bus creates it. `beginning` (default): everything still in the stream,
   * so events published before the subscriber ever ran are not lost. `end`: only events published afterwards.
   */
  newGroupStartsAt?: 'beginning' | 'end';
  /**
   * How long a command other than the blocking read may take (a publish, an acknowledgement, a scan), so a publish to
   * a dead or stalled Redis fails in this time and the outbox keeps the event. Default 500 ms (DEFAULT_REDIS_COMMAND_TIMEOUT_MS).
   */
  commandTimeoutMs?: number;
  /** How long `start()` waits for the first connection to Redis before it fails. Default 5000 ms. */
  startTimeoutMs?: number;
  /** When publishing stops calling a Redis that keeps failing. Default: 3 failures in a row, a trial call after 2 s. */
  publishBreaker?: OutageBreakerSettings;
  logger?: Logger;
};

/**
 * Failed deliveries waiting out their backoff are parked with this pseudo-consumer: its entries are redelivered
 * after their backoff, while entries of real consumers are only taken over after `processingTimeoutMs` (they may
 * still be in a running handler).
 */
const RETRY_PARKING_CONSUMER = 'retry-backoff';

/** Entries fetched per scan of the pending list. */
const PENDING_SCAN_COUNT = 100;

/** A read loop that failed waits this long before trying again, doubling per failure in a row up to the cap. */
const LOOP_RETRY_INITIAL_MS = 100;
const LOOP_RETRY_MAX_MS = 2000;

interface Subscription {
  topic: string;
  stream: string;
  group: string;
  handler: EventHandler;
  policy: DeliveryPolicy;
  /** Unique per subscription and process, so replicas (and two subscriptions of one group here) compete. */
  consumer: string;
  /** The group is this process's own (`SubscriptionOptions.perInstance`): it starts at `$` and is destroyed on close. */
  perInstance: boolean;
  /** Blocking reads hold a connection, so each subscription reads on its own. */
  reader?: RedisConnection;
  loop?: Promise<void>;
}

interface StreamEntry {
  id: string;
  message: Record<string, string>;
}

/**
 * EventBus on Redis Streams: one stream per topic, one consumer group per subscription group, at-least-once with
 * exponential-backoff redelivery driven by the pending-entries list and its delivery counter, and dead-lettering to
 * the dead-letter topic's stream. Handlers of one subscription run one at a time, in stream order.
 *
 * While Redis is down or stalled, publishing fails at once (AppError `unavailable`; the outbox keeps the event and
 * retries) and the read loops pause, backing off up to 2 s between attempts, with one warning per outage. When Redis
 * is back they resume: what was published and not yet acknowledged is delivered then, and what this consumer had
 * read but could not finish is made due again at once.
 */
export class RedisStreamsEventBus implements EventBus {
  private readonly options: RedisStreamsEventBusOptions;
  private readonly logger: Logger;
  private readonly maxStreamLength: number;
  private readonly blockMs: number;
  private readonly batchSize: number;
  private readonly processingTimeoutMs: number;
  private readonly consumerBase = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly subscriptions: Subscription[] = [];
  /** Entry ids whose handler is running here, so the stale-delivery scan never takes over our own slow handler. */
  private readonly processing = new Set<string>();
  private readonly connection: RedisConnection;
  private readonly commandTimeoutMs: number;
  private readonly startTimeoutMs: number;
  private readonly publishBreaker: OutageBreaker;
  /** Ends the read loops' pauses when the bus closes. */
  private readonly stopped = new AbortController();
  private starting?: Promise<void>;
  private stopping = false;

  constructor(options: RedisStreamsEventBusOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    this.maxStreamLength = options.maxStreamLength ?? 10_000;
    this.blockMs = options.blockMs ?? 1000;
    this.batchSize = options.batchSize ?? 10;
    this.processingTimeoutMs = options.processingTimeoutMs ?? 30_000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS;
    this.startTimeoutMs = options.startTimeoutMs ?? 5000;
    this.connection = new RedisConnection(options, { name: 'redis event bus', logger: this.logger });
    this.publishBreaker = new OutageBreaker({ what: 'The event bus', isOutage: isRedisOutage, logger: this.logger, ...options.publishBreaker });
  }

  async publish<T>(topic: string, event: OutgoingEvent<T>): Promise<CloudEvent<T>> {
    if (this.stopping) throw new Error('RedisStreamsEventBus is closed');
    const envelope = toCloudEvent(this.options.source, event);
    const json = JSON.stringify(envelope);
    // A publish that timed out may still land later: the outbox then sends it again with the same id, and consumers
    // deduplicate on it.
    await publishInTraceOf(envelope.traceparent, () => this.publishBreaker.run(async () => this.append(await this.connection.ready(), topic, json)));
    return JSON.parse(json) as CloudEvent<T>;
  }

  subscribe<T>(topic: string, handler: EventHandler<T>, options: SubscriptionOptions): void {
    if (this.starting || this.stopping) throw new Error('RedisStreamsEventBus: subscribe before start()');
    this.subscriptions.push({
      topic,
      stream: this.streamOf(topic),
      group: options.group,
      handler: handler as EventHandler,
      policy: deliveryPolicyOf(options),
      consumer: `${this.consumerBase}-${this.subscriptions.length}`,
      perInstance: options.perInstance === true,
    });
  }

  /** Creates the consumer groups (so nothing published from now on is missed) and starts one read loop per subscription. */
  start(): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('RedisStreamsEventBus is closed'));
    // A start that failed (Redis unreachable) can be tried again.
    this.starting ??= this.startReading().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /** A start fails when Redis cannot be reached within `startTimeoutMs`; once started, the loops ride out outages. */
  private async startReading(): Promise<void> {
    const client = await this.connection.ready(this.startTimeoutMs);
    for (const subscription of this.subscriptions) {
      await this.bounded(this.ensureGroup(client, subscription));
      // The reader of an earlier, failed start is still connecting: it is used, not replaced.
      subscription.reader ??= this.connection.duplicate(`redis event bus reader of ${subscription.stream}`);
      await subscription.reader.ready(this.startTimeoutMs);
    }
    for (const subscription of this.subscriptions) subscription.loop = this.readLoop(subscription);
  }

  /** Stops the loops (each within one blocking read), lets running handlers finish, and closes the connections. */
  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stopped.abort();
    await this.starting?.catch(() => undefined);
    await Promise.allSettled(this.subscriptions.flatMap((s) => s.loop ?? []));
    const client = await this.connection.ready(0).catch(() => undefined);
    if (client) {
      for (const subscription of this.subscriptions) {
        const forget = subscription.perInstance ? this.destroyGroup(client, subscription) : this.forgetConsumer(client, subscription);
        await this.bounded(forget).catch(() => undefined);
      }
    }
    for (const subscription of this.subscriptions) await subscription.reader?.close();
    await this.connection.close();
  }

  private streamOf(topic: string): string {
    return this.options.streamPrefix + topic;
  }

  private append(client: RedisClient, topic: string, json: string): Promise<string> {
    return this.bounded(client.xAdd(this.streamOf(topic), '*', { event: json }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.maxStreamLength } }));
  }

  /** Every command but the blocking read is bounded by the command timeout. */
  private bounded<R>(command: Promise<R>): Promise<R> {
    return withCommandTimeout(command, this.commandTimeoutMs);
  }

  private async ensureGroup(client: RedisClient, subscription: Subscription): Promise<void> {
    const startId = subscription.perInstance || this.options.newGroupStartsAt === 'end' ? '$' : '0';
    try {
      await client.xGroupCreate(subscription.stream, subscription.group, startId, { MKSTREAM: true });
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
      // The group of a process that crashed under the same instance id (a restarted pod): what it missed meanwhile is
      // no news to this new process, so it starts at the newest event too.
      if (subscription.perInstance) await client.xGroupSetId(subscription.stream, subscription.group, '$');
    }
  }

  /** Removes a group of this process alone: nobody else reads it, and left behind it would hold its pending entries forever. */
  private async destroyGroup(client: RedisClient, subscription: Subscription): Promise<void> {
    await client.xGroupDestroy(subscription.stream, subscription.group);
  }

  /**
   * Reads and delivers until the bus closes. A failure (Redis down or stalled) pauses the loop with a growing wait;
   * the first failure of an outage is logged as a warning, the recovery once. After a failure, what this consumer
   * had read but not acknowledged is handed to the redelivery scan at once, rather than after `processingTimeoutMs`.
   */
  private async readLoop(subscription: Subscription): Promise<void> {
    // Redelivery is checked about twice per initial backoff, so a retry is late by at most half of it.
    const scanEveryMs = Math.max(20, Math.min(subscription.policy.initialBackoffMs / 2, 1000));
    let nextScan = 0;
    let failures = 0;
    const where = { stream: subscription.stream, group: subscription.group };
    while (!this.stopping) {
      let client: RedisClient | undefined;
      try {
        client = await this.connection.ready();
        const reader = await subscription.reader!.ready();
        if (failures > 0) {
          await this.releaseOwnPending(client, subscription);
          nextScan = 0;
        }
        if (Date.now() >= nextScan) {
          await this.redeliverDue(client, subscription);
          nextScan = Date.now() + scanEveryMs;
        }
        const block = Math.max(1, Math.min(this.blockMs, nextScan - Date.now()));
        const entries = await this.readNew(reader, subscription, block);
        if (failures > 0) {
          this.logger.info({ ...where, failedAttempts: failures }, 'redis stream consumer resumed');
          failures = 0;
        }
        for (let i = 0; i < entries.length; i += 1) {
          if (this.stopping) {
            await this.bounded(this.parkForRedelivery(client, subscription, entries.slice(i).map((e) => e.id), true));
            break;
          }
          await this.deliver(client, subscription, entries[i], 1);
        }
      } catch (error) {
        if (this.stopping) break;
        if (String((error as Error).message).startsWith('NOGROUP') && client) {
          // The stream or group was deleted under us (an operator, a test cleanup): declare it again.
          await this.bounded(this.ensureGroup(client, subscription)).catch(() => undefined);
          continue;
        }
        failures += 1;
        if (failures === 1) this.logger.warn({ ...where, err: error }, 'redis stream consumer paused: Redis is not answering; retrying with backoff');
        else this.logger.debug({ ...where, err: error, failedAttempts: failures }, 'redis stream consumer still paused');
        await sleep(Math.min(LOOP_RETRY_INITIAL_MS * 2 ** (failures - 1), LOOP_RETRY_MAX_MS), undefined, { signal: this.stopped.signal }).catch(() => undefined);
      }
    }
  }

  /**
   * One blocking read of new entries. Its wait is bounded too (the block time plus the command timeout): a reader
   * whose server stopped answering is dropped, with the reads it still had queued, and a new one connects, so no
   * late reply hands entries to a read nobody waits for.
   */
  private async readNew(reader: RedisClient, subscription: Subscription, blockMs: number): Promise<StreamEntry[]> {
    const read = reader.xReadGroup(subscription.group, subscription.consumer, { key: subscription.stream, id: '>' }, { COUNT: this.batchSize, BLOCK: blockMs });
    try {
      const reply = await withCommandTimeout(read, blockMs + this.commandTimeoutMs);
      return (reply as Array<{ messages: StreamEntry[] }> | null)?.flatMap((stream) => stream.messages) ?? [];
    } catch (error) {
      if (error instanceof RedisCommandTimeoutError) {
        read.catch(() => undefined);
        subscription.reader!.destroy();
        subscription.reader = this.connection.duplicate(`redis event bus reader of ${subscription.stream}`);
      }
      throw error;
    }
  }

  /**
   * Makes every entry this consumer holds due for redelivery at once: after a failure it cannot tell which of them
   * were handled (an acknowledgement may have been lost), and none of them has a handler running.
   */
  private async releaseOwnPending(client: RedisClient, subscription: Subscription): Promise<void> {
    for (;;) {
      const held = await this.bounded(client.xPendingRange(subscription.stream, subscription.group, '-', '+', PENDING_SCAN_COUNT, { consumer: subscription.consumer }));
      if (held.length === 0) return;
      await this.bounded(this.parkForRedelivery(client, subscription, held.map((entry) => entry.id), true));
      if (held.length < PENDING_SCAN_COUNT) return;
    }
  }

  /** Hands failed deliveries whose backoff has passed, and deliveries of consumers that went silent, to this consumer. */
  private async redeliverDue(client: RedisClient, subscription: Subscription): Promise<void> {
    const { stream, group, policy } = subscription;
    const parked = await this.bounded(client.xPendingRange(stream, group, '-', '+', PENDING_SCAN_COUNT, { consumer: RETRY_PARKING_CONSUMER }));
    for (const entry of parked) {
      if (this.stopping) return;
      // The wait grows with the delivery counter: initial, 2x, 4x ...
      const wait = retryDelayMs(policy, entry.deliveriesCounter);
      if (entry.millisecondsSinceLastDelivery < wait) continue;
      await this.claimAndDeliver(client, subscription, entry.id, wait, entry.deliveriesCounter + 1);
    }
    const stale = await this.bounded(client.xPendingRange(stream, group, '-', '+', PENDING_SCAN_COUNT, { IDLE: this.processingTimeoutMs }));
    for (const entry of stale) {
      if (this.stopping) return;
      if (entry.consumer === RETRY_PARKING_CONSUMER || this.processing.has(entry.id)) continue;
      this.logger.warn({ stream, group, entryId: entry.id, consumer: entry.consumer, idleMs: entry.millisecondsSinceLastDelivery }, 'taking over a delivery its consumer never acknowledged');
      await this.claimAndDeliver(client, subscription, entry.id, this.processingTimeoutMs, entry.deliveriesCounter + 1);
    }
  }

  /** XCLAIM succeeds for one consumer only (it resets the idle time the others' claim requires). */
  private async claimAndDeliver(client: RedisClient, subscription: Subscription, id: string, minIdleMs: number, attempt: number): Promise<void> {
    const [entry] = (await this.bounded(client.xClaim(subscription.stream, subscription.group, subscription.consumer, minIdleMs, id))) as Array<StreamEntry | null>;
    if (entry === undefined) return; // another consumer was quicker
    if (entry === null) {
      // Trimmed away while pending: nothing left to deliver, only the pending-list entry to clear.
      await this.bounded(client.xAck(subscription.stream, subscription.group, id));
      return;
    }
    if (attempt > subscription.policy.maxAttempts) {
      // Its last allowed delivery was lost with a crashed consumer: no attempts left.
      await this.deadLetter(client, subscription, entry);
      return;
    }
    await this.deliver(client, subscription, entry, attempt);
  }

  private async deliver(client: RedisClient, subscription: Subscription, entry: StreamEntry, attempt: number): Promise<void> {
    const { stream, group, topic, policy } = subscription;
    const context = { topic, group, entryId: entry.id, attempt };
    let event: CloudEvent;
    try {
      event = { ...(JSON.parse(entry.message.event) as CloudEvent), topic };
    } catch (error) {
      this.logger.error({ ...context, err: error }, 'stream entry is not a CloudEvent; dead-lettering it');
      await this.deadLetter(client, subscription, entry);
      return;
    }
    this.processing.add(entry.id);
    let result: Awaited<ReturnType<typeof runHandler>>;
    try {
      result = await deliverInTraceOf(topic, event, () => runHandler(subscription.handler, event));
    } finally {
      this.processing.delete(entry.id);
    }
    const { outcome, error } = result;
    if (outcome === 'SUCCESS') {
      // Should Redis fail now, the entry stays pending and is delivered again after the outage (at least once).
      await this.bounded(client.xAck(stream, group, entry.id));
      return;
    }
    if (outcome === 'RETRY' && attempt < policy.maxAttempts) {
      if (error) this.logger.warn({ ...context, eventId: event.id, err: error }, 'event handler failed; will retry');
      await this.bounded(this.parkForRedelivery(client, subscription, [entry.id], false));
      return;
    }
    this.logger.warn({ ...context, eventId: event.id, outcome, err: error }, 'event dead-lettered');
    await this.deadLetter(client, subscription, entry);
  }

  /**
   * Moves deliveries to the parking consumer. JUSTID keeps the delivery counter as it is; the idle time restarts, so
   * the backoff counts from now. `immediately` (entries read but never handled) makes them due at once instead.
   */
  private async parkForRedelivery(client: RedisClient, subscription: Subscription, ids: string[], immediately: boolean): Promise<void> {
    if (ids.length === 0) return;
    await client.xClaimJustId(subscription.stream, subscription.group, RETRY_PARKING_CONSUMER, 0, ids, immediately ? { IDLE: 24 * 3600 * 1000 } : undefined);
  }

  /** The entry, unchanged, goes to the dead-letter topic's stream; only then is it acknowledged (at worst it lands there twice). */
  private async deadLetter(client: RedisClient, subscription: Subscription, entry: StreamEntry): Promise<void> {
    await this.append(client, deadLetterTopicOf(subscription.topic), entry.message.event ?? JSON.stringify(entry.message));
    await this.bounded(client.xAck(subscription.stream, subscription.group, entry.id));
  }

  /** Removes this process's consumer from the group when it holds nothing, so groups do not collect dead consumer names. */
  private async forgetConsumer(client: RedisClient, subscription: Subscription): Promise<void> {
    const pending = await client.xPendingRange(subscription.stream, subscription.group, '-', '+', 1, { consumer: subscription.consumer });
    if (pending.length === 0) await client.xGroupDelConsumer(subscription.stream, subscription.group, subscription.consumer);
  }

}
