import { deadLetterTopicOf } from '@shop/contracts';
import { copyAsOnTheWire, deliveryPolicyOf, retryDelayMs, runHandler, toCloudEvent, type DeliveryPolicy } from './cloud-events';
import { deliverInTraceOf } from '../trace-context';
import type { CloudEvent, EventBus, EventHandler, OutgoingEvent, SubscriptionOptions } from './event-bus';
import { silentLogger, type Logger } from '@shop/kernel';

/** Options of the in-memory broker. */
export interface InMemoryBrokerOptions {
  /**
   * Events kept per topic so a group that subscribes after they were published still receives them (like a Redis
   * stream read from `0`). Default 1000; 0 keeps nothing.
   */
  retainedEventsPerTopic?: number;
  /** Handler calls one consumer runs at once. Default 1. Ordering per subject holds at any value. */
  concurrencyPerConsumer?: number;
  logger?: Logger;
}

interface Delivery {
  event: CloudEvent;
  /** Deliveries made so far. */
  attempts: number;
}

/** One subscription of one bus: a competing consumer within its group. */
export interface InMemoryConsumer {
  handler: EventHandler;
  /** False until its bus starts, and again once it closes. */
  active: boolean;
  inFlight: Set<Promise<void>>;
}

/** One competing-consumer group on one topic: its queue, its consumers and the subjects it is busy with. */
interface Group {
  topic: string;
  name: string;
  policy: DeliveryPolicy;
  consumers: InMemoryConsumer[];
  queue: Delivery[];
  nextConsumer: number;
  /** Subjects with a delivery in flight or waiting for a retry: later events of the subject wait (per-subject order). */
  busySubjects: Set<string>;
  /** A group of one process (`SubscriptionOptions.perInstance`): removed with its last consumer. */
  perInstance: boolean;
}

/**
 * The in-process message broker behind `InMemoryEventBus`: topics, consumer groups, retries and dead letters.
 * Share one broker between the buses of services embedded in one process (each bus has its own `source`).
 */
export class InMemoryBroker {
  private readonly retainedPerTopic: number;
  private readonly concurrency: number;
  private readonly logger: Logger;
  /** topic -> group name -> group */
  private readonly groups = new Map<string, Map<string, Group>>();
  private readonly retained = new Map<string, CloudEvent[]>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly pumpsScheduled = new Set<Group>();
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(options: InMemoryBrokerOptions = {}) {
    this.retainedPerTopic = options.retainedEventsPerTopic ?? 1000;
    this.concurrency = options.concurrencyPerConsumer ?? 1;
    this.logger = options.logger ?? silentLogger;
  }

  /** Stores a complete envelope on a topic and queues it for every group subscribed to the topic. */
  accept(topic: string, envelope: CloudEvent): void {
    if (this.closed) throw new Error('InMemoryBroker is closed');
    const stored = { ...envelope, topic };
    if (this.retainedPerTopic > 0) {
      let log = this.retained.get(topic);
      if (!log) this.retained.set(topic, (log = []));
      log.push(stored);
      if (log.length > this.retainedPerTopic) log.splice(0, log.length - this.retainedPerTopic);
    }
    for (const group of this.groups.get(topic)?.values() ?? []) {
      group.queue.push({ event: stored, attempts: 0 });
      this.schedulePump(group);
    }
  }

  /** Declares a consumer in a group (creating the group, caught up on retained events); it receives nothing until activated. */
  addConsumer(topic: string, handler: EventHandler, options: SubscriptionOptions): InMemoryConsumer {
    if (this.closed) throw new Error('InMemoryBroker is closed');
    const policy = deliveryPolicyOf(options);
    let byName = this.groups.get(topic);
    if (!byName) this.groups.set(topic, (byName = new Map<string, Group>()));
    let group = byName.get(options.group);
    if (!group) {
      // The first subscription of a group fixes its policy.
      const perInstance = options.perInstance === true;
      group = { topic, name: options.group, policy, consumers: [], queue: [], nextConsumer: 0, busySubjects: new Set(), perInstance };
      // A group of one process starts at the newest event, as on Redis Streams (`$`).
      if (!perInstance) for (const event of this.retained.get(topic) ?? []) group.queue.push({ event, attempts: 0 });
      byName.set(options.group, group);
    }
    const consumer: InMemoryConsumer = { handler, active: false, inFlight: new Set() };
    group.consumers.push(consumer);
    return consumer;
  }

  /** Lets consumers receive deliveries. */
  activate(consumers: InMemoryConsumer[]): void {
    for (const consumer of consumers) consumer.active = true;
    for (const group of this.allGroups()) if (group.consumers.some((c) => consumers.includes(c))) this.schedulePump(group);
  }

  /** Stops consumers receiving and waits for their running handlers; their groups keep queued events for other consumers. */
  async removeConsumers(consumers: InMemoryConsumer[]): Promise<void> {
    for (const consumer of consumers) consumer.active = false;
    for (const group of this.allGroups()) group.consumers = group.consumers.filter((c) => !consumers.includes(c));
    // Nobody else can ever join a group of one process: without this its queue would grow for as long as the broker lives.
    for (const byName of this.groups.values()) {
      for (const [name, group] of byName) if (group.perInstance && group.consumers.length === 0) byName.delete(name);
    }
    await Promise.allSettled(consumers.flatMap((c) => [...c.inFlight]));
    this.notifyIfIdle();
  }

  /** Resolves once no handler runs, no retry is scheduled and no started consumer has events waiting. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels scheduled retries and waits for running handlers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await Promise.allSettled([...this.inFlight]);
    this.notifyIfIdle();
  }

  private *allGroups(): Iterable<Group> {
    for (const byName of this.groups.values()) yield* byName.values();
  }

  /** Dispatch always happens on a later turn of the event loop, never inside `publish`'s call stack. */
  private schedulePump(group: Group): void {
    if (this.pumpsScheduled.has(group)) return;
    this.pumpsScheduled.add(group);
    setImmediate(() => {
      this.pumpsScheduled.delete(group);
      this.pump(group);
      this.notifyIfIdle();
    });
  }

  private pump(group: Group): void {
    if (this.closed) return;
    for (;;) {
      const consumer = this.freeConsumer(group);
      if (!consumer) return;
      const index = group.queue.findIndex((d) => d.event.subject === undefined || !group.busySubjects.has(d.event.subject));
      if (index < 0) return;
      const [delivery] = group.queue.splice(index, 1);
      if (delivery.event.subject !== undefined) group.busySubjects.add(delivery.event.subject);
      const running = this.deliver(group, consumer, delivery);
      this.inFlight.add(running);
      consumer.inFlight.add(running);
      void running.finally(() => {
        this.inFlight.delete(running);
        consumer.inFlight.delete(running);
        this.schedulePump(group);
      });
    }
  }

  /** Round-robin over the group's active consumers that have capacity left. */
  private freeConsumer(group: Group): InMemoryConsumer | undefined {
    for (let i = 0; i < group.consumers.length; i += 1) {
      const consumer = group.consumers[(group.nextConsumer + i) % group.consumers.length];
      if (consumer.active && consumer.inFlight.size < this.concurrency) {
        group.nextConsumer = (group.nextConsumer + i + 1) % group.consumers.length;
        return consumer;
      }
    }
    return undefined;
  }

  private async deliver(group: Group, consumer: InMemoryConsumer, delivery: Delivery): Promise<void> {
    delivery.attempts += 1;
    const event = copyAsOnTheWire(delivery.event);
    const { outcome, error } = await deliverInTraceOf(group.topic, event, () => runHandler(consumer.handler, event));
    const subject = delivery.event.subject;
    const context = { topic: group.topic, group: group.name, eventId: delivery.event.id, attempts: delivery.attempts };
    if (this.closed) return;
    if (outcome === 'RETRY' && delivery.attempts < group.policy.maxAttempts) {
      if (error) this.logger.warn({ ...context, err: error }, 'event handler failed; will retry');
      // The subject stays busy until the retry, so later events about the same aggregate wait for it.
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        group.queue.unshift(delivery);
        if (subject !== undefined) group.busySubjects.delete(subject);
        this.schedulePump(group);
      }, retryDelayMs(group.policy, delivery.attempts));
      // A pending retry alone must not keep a finished process (or a test run) alive.
      timer.unref();
      this.retryTimers.add(timer);
      return;
    }
    if (subject !== undefined) group.busySubjects.delete(subject);
    if (outcome === 'SUCCESS') return;
    this.logger.warn({ ...context, err: error, outcome }, 'event dead-lettered');
    // The same envelope (same id) goes to the dead-letter topic, as Dapr does, so a re-drive deduplicates downstream.
    this.accept(deadLetterTopicOf(group.topic), delivery.event);
  }

  private isIdle(): boolean {
    if (this.inFlight.size > 0 || this.pumpsScheduled.size > 0) return false;
    if (this.closed) return true;
    if (this.retryTimers.size > 0) return false;
    for (const group of this.allGroups()) if (group.queue.length > 0 && group.consumers.some((c) => c.active)) return false;
    return true;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Options of the in-memory event bus. */
export interface InMemoryEventBusOptions extends InMemoryBrokerOptions {
  /** The publishing app's id; becomes the CloudEvent `source`. */
  source: string;
  /** The broker to share with other buses in this process. Default: a private broker, closed with the bus (broker options apply to it). */
  broker?: InMemoryBroker;
}

/**
 * EventBus in process memory, for the embedded default and tests. Delivery is asynchronous and at-least-once, per
 * group (competing consumers), in order per subject, with exponential-backoff retries and a dead-letter topic, like
 * the real brokers. Nothing survives a restart. Tests call `whenIdle()` to wait for deliveries to settle.
 */
export class InMemoryEventBus implements EventBus {
  /** The broker this bus publishes to; pass it to other buses to connect them. */
  readonly broker: InMemoryBroker;
  private readonly source: string;
  private readonly ownsBroker: boolean;
  private readonly consumers: InMemoryConsumer[] = [];
  private started = false;
  private closed = false;

  constructor(options: InMemoryEventBusOptions) {
    this.source = options.source;
    this.ownsBroker = options.broker === undefined;
    this.broker = options.broker ?? new InMemoryBroker(options);
  }

  publish<T>(topic: string, event: OutgoingEvent<T>): Promise<CloudEvent<T>> {
    // Run inside the promise's executor: a closed bus or an event that is not JSON rejects, as on a real broker.
    return new Promise((resolve) => {
      if (this.closed) throw new Error('InMemoryEventBus is closed');
      const envelope = copyAsOnTheWire(toCloudEvent(this.source, event));
      this.broker.accept(topic, envelope);
      resolve(envelope);
    });
  }

  /** Declares the group right away, so events published from now on wait for it even before `start()`. */
  subscribe<T>(topic: string, handler: EventHandler<T>, options: SubscriptionOptions): void {
    if (this.closed) throw new Error('InMemoryEventBus is closed');
    const consumer = this.broker.addConsumer(topic, handler as EventHandler, options);
    this.consumers.push(consumer);
    if (this.started) this.broker.activate([consumer]);
  }

  start(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) throw new Error('InMemoryEventBus is closed');
      this.started = true;
      this.broker.activate(this.consumers);
      resolve();
    });
  }

  /** Stops this bus's consumers and waits for their running handlers; a private broker is closed too (pending retries are lost). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.broker.removeConsumers(this.consumers);
    if (this.ownsBroker) await this.broker.close();
  }

  /**
   * Resolves once the broker has nothing left to do: no running handler, no scheduled retry, no queued event for a
   * started consumer. Tests await it after publishing instead of sleeping.
   */
  whenIdle(): Promise<void> {
    return this.broker.whenIdle();
  }
}
