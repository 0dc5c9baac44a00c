import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { deadLetterTopicOf } from '@shop/contracts';
import { connectRedis, type OwnedRedisClient, type RedisClient, type RedisConnectionOptions } from '../redis-connection';
import { deliveryPolicyOf, retryDelayMs, runHandler, toCloudEvent, type DeliveryPolicy } from './cloud-events';
import type { CloudEvent, EventBus, EventHandler, OutgoingEvent, SubscriptionOptions } from './event-bus';
import { silentLogger, type Logger } from '@shop/kernel';

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

interface Subscription {
  topic: string;
  stream: string;
  group: string;
  handler: EventHandler;
  policy: DeliveryPolicy;
  /** Unique per subscription and process, so replicas (and two subscriptions of one group here) compete. */
  consumer: string;
  /** Blocking reads hold a connection, so each subscription reads on its own. */
  reader?: RedisClient;
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
  private connection?: Promise<OwnedRedisClient>;
  private starting?: Promise<void>;
  private stopping = false;

  constructor(options: RedisStreamsEventBusOptions) {
    this.options = options;
    this.logger = options.logger ?? silentLogger;
    this.maxStreamLength = options.maxStreamLength ?? 10_000;
    this.blockMs = options.blockMs ?? 1000;
    this.batchSize = options.batchSize ?? 10;
    this.processingTimeoutMs = options.processingTimeoutMs ?? 30_000;
  }

  async publish<T>(topic: string, event: OutgoingEvent<T>): Promise<CloudEvent<T>> {
    if (this.stopping) throw new Error('RedisStreamsEventBus is closed');
    const envelope = toCloudEvent(this.options.source, event);
    const json = JSON.stringify(envelope);
    await this.append(topic, json);
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

  private async startReading(): Promise<void> {
    const { client } = await this.connect();
    for (const subscription of this.subscriptions) {
      await this.ensureGroup(client, subscription);
      if (subscription.reader?.isOpen) continue; // connected by an earlier, failed start
      const reader = client.duplicate();
      reader.on('error', (error: unknown) => this.logger.error({ err: error, stream: subscription.stream }, 'redis stream reader connection error'));
      try {
        await reader.connect();
      } catch (error) {
        reader.destroy();
        throw error;
      }
      subscription.reader = reader;
    }
    for (const subscription of this.subscriptions) subscription.loop = this.readLoop(subscription);
  }

  /** Stops the loops (each within one blocking read), lets running handlers finish, and closes the connections. */
  async close(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.starting?.catch(() => undefined);
    await Promise.allSettled(this.subscriptions.flatMap((s) => s.loop ?? []));
    const connection = await this.connection?.catch(() => undefined);
    if (connection?.client.isOpen) {
      for (const subscription of this.subscriptions) await this.forgetConsumer(connection.client, subscription).catch(() => undefined);
    }
    for (const subscription of this.subscriptions) if (subscription.reader?.isOpen) await subscription.reader.close();
    if (connection?.owned && connection.client.isOpen) await connection.client.close();
  }

  private streamOf(topic: string): string {
    return this.options.streamPrefix + topic;
  }

  private async append(topic: string, json: string): Promise<string> {
    const { client } = await this.connect();
    return client.xAdd(this.streamOf(topic), '*', { event: json }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.maxStreamLength } });
  }

  private async ensureGroup(client: RedisClient, subscription: Subscription): Promise<void> {
    const startId = this.options.newGroupStartsAt === 'end' ? '$' : '0';
    try {
      await client.xGroupCreate(subscription.stream, subscription.group, startId, { MKSTREAM: true });
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
  }

  private async readLoop(subscription: Subscription): Promise<void> {
    const { client } = await this.connect();
    // Redelivery is checked about twice per initial backoff, so a retry is late by at most half of it.
    const scanEveryMs = Math.max(20, Math.min(subscription.policy.initialBackoffMs / 2, 1000));
    let nextScan = 0;
    while (!this.stopping) {
      try {
        if (Date.now() >= nextScan) {
          await this.redeliverDue(client, subscription);
          nextScan = Date.now() + scanEveryMs;
        }
        const block = Math.max(1, Math.min(this.blockMs, nextScan - Date.now()));
        const reply = await subscription.reader!.xReadGroup(subscription.group, subscription.consumer, { key: subscription.stream, id: '>' }, { COUNT: this.batchSize, BLOCK: block });
        const entries = (reply as Array<{ messages: StreamEntry[] }> | null)?.flatMap((stream) => stream.messages) ?? [];
        for (let i = 0; i < entries.length; i += 1) {
          if (this.stopping) {
            await this.parkForRedelivery(client, subscription, entries.slice(i).map((e) => e.id), true);
            break;
          }
          await this.deliver(client, subscription, entries[i], 1);
        }
      } catch (error) {
        if (this.stopping) break;
        if (String((error as Error).message).startsWith('NOGROUP')) {
          // The stream or group was deleted under us (an operator, a test cleanup): declare it again.
          await this.ensureGroup(client, subscription).catch(() => undefined);
        } else {
          this.logger.error({ err: error, stream: subscription.stream, group: subscription.group }, 'redis stream read failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }
  }

  /** Hands failed deliveries whose backoff has passed, and deliveries of consumers that went silent, to this consumer. */
  private async redeliverDue(client: RedisClient, subscription: Subscription): Promise<void> {
    const { stream, group, policy } = subscription;
    const parked = await client.xPendingRange(stream, group, '-', '+', PENDING_SCAN_COUNT, { consumer: RETRY_PARKING_CONSUMER });
    for (const entry of parked) {
      if (this.stopping) return;
      // The wait grows with the delivery counter: initial, 2x, 4x ...
      const wait = retryDelayMs(policy, entry.deliveriesCounter);
      if (entry.millisecondsSinceLastDelivery < wait) continue;
      await this.claimAndDeliver(client, subscription, entry.id, wait, entry.deliveriesCounter + 1);
    }
    const stale = await client.xPendingRange(stream, group, '-', '+', PENDING_SCAN_COUNT, { IDLE: this.processingTimeoutMs });
    for (const entry of stale) {
      if (this.stopping) return;
      if (entry.consumer === RETRY_PARKING_CONSUMER || this.processing.has(entry.id)) continue;
      this.logger.warn({ stream, group, entryId: entry.id, consumer: entry.consumer, idleMs: entry.millisecondsSinceLastDelivery }, 'taking over a delivery its consumer never acknowledged');
      await this.claimAndDeliver(client, subscription, entry.id, this.processingTimeoutMs, entry.deliveriesCounter + 1);
    }
  }

  /** XCLAIM succeeds for one consumer only (it resets the idle time the others' claim requires). */
  private async claimAndDeliver(client: RedisClient, subscription: Subscription, id: string, minIdleMs: number, attempt: number): Promise<void> {
    const [entry] = (await client.xClaim(subscription.stream, subscription.group, subscription.consumer, minIdleMs, id)) as Array<StreamEntry | null>;
    if (entry === undefined) return; // another consumer was quicker
    if (entry === null) {
      // Trimmed away while pending: nothing left to deliver, only the pending-list entry to clear.
      await client.xAck(subscription.stream, subscription.group, id);
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
      result = await runHandler(subscription.handler, event);
    } finally {
      this.processing.delete(entry.id);
    }
    const { outcome, error } = result;
    if (outcome === 'SUCCESS') {
      await client.xAck(stream, group, entry.id);
      return;
    }
    if (outcome === 'RETRY' && attempt < policy.maxAttempts) {
      if (error) this.logger.warn({ ...context, eventId: event.id, err: error }, 'event handler failed; will retry');
      await this.parkForRedelivery(client, subscription, [entry.id], false);
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
    await this.append(deadLetterTopicOf(subscription.topic), entry.message.event ?? JSON.stringify(entry.message));
    await client.xAck(subscription.stream, subscription.group, entry.id);
  }

  /** Removes this process's consumer from the group when it holds nothing, so groups do not collect dead consumer names. */
  private async forgetConsumer(client: RedisClient, subscription: Subscription): Promise<void> {
    const pending = await client.xPendingRange(subscription.stream, subscription.group, '-', '+', 1, { consumer: subscription.consumer });
    if (pending.length === 0) await client.xGroupDelConsumer(subscription.stream, subscription.group, subscription.consumer);
  }

  private connect(): Promise<OwnedRedisClient> {
    if (!this.connection) {
      this.connection = connectRedis(this.options, (error) => this.logger.error({ err: error }, 'redis event bus connection error'));
      this.connection.catch(() => (this.connection = undefined));
    }
    return this.connection;
  }
}
