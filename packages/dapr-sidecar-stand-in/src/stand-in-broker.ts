/** A CloudEvent as the stand-in stores and delivers it (JSON object; only the fields it touches are typed). */
export type StandInCloudEvent = Record<string, unknown> & { id: string; topic?: string; pubsubname?: string };

/** What an app answered to one delivery, after Dapr's rules (see `deliverToApp`). */
export type AppVerdict = 'SUCCESS' | 'RETRY' | 'DROP';

/** How the stand-in retries deliveries: the part of a Dapr resiliency policy (inbound pub/sub retries) it models. */
export interface StandInDeliveryPolicy {
  /** Deliveries before the event goes to the subscription's dead-letter topic. Default 3. */
  maxAttempts: number;
  /** Delay before the second delivery, doubled for each further one. Default 100 ms. */
  initialBackoffMs: number;
  /** Cap of the delay. Default 5000 ms. */
  maxBackoffMs: number;
}

/** A subscription as an app declares it on `GET /dapr/subscribe` (programmatic subscription). */
export interface StandInSubscription {
  pubsubname: string;
  topic: string;
  route: string;
  deadLetterTopic?: string;
  metadata?: Record<string, string>;
}

/** One sidecar replica's way of reaching its app. */
export interface SubscriberReplica {
  appId: string;
  deliver(route: string, event: StandInCloudEvent): Promise<AppVerdict>;
}

/** An event accepted by `publish`. */
export interface PublishedEvent {
  pubsubname: string;
  topic: string;
  event: StandInCloudEvent;
}

/** An event the stand-in sent to a dead-letter topic (or would have, had the subscription named one). */
export interface DeadLetteredEvent extends PublishedEvent {
  /** The app whose subscription gave up on it. */
  appId: string;
  deadLetterTopic?: string;
  /** DROP also covers an app answering 404, which Dapr treats the same way. */
  reason: 'DROP' | 'RETRIES_EXHAUSTED';
  attempts: number;
}

/** One delivery attempt, for tests that check what the app was sent and answered. */
export interface DeliveryRecord {
  appId: string;
  topic: string;
  eventId: string;
  attempt: number;
  verdict: AppVerdict;
}

/** Subscribers of one app id to one topic: the consumer group (Dapr's default consumerID is the app id). */
interface Group {
  appId: string;
  subscription: StandInSubscription;
  replicas: Array<{ replica: SubscriberReplica; subscription: StandInSubscription }>;
  next: number;
}

/**
 * The pub/sub component behind one or more stand-in sidecars: topics, one consumer group per app id, round-robin
 * between replicas of an app, retries with backoff and dead-letter topics. It keeps the events of each topic (like
 * a Redis stream) and a group seen for the first time receives them, as the Redis Streams component creates its
 * consumer group at id 0.
 */
export class StandInBroker {
  /** Every accepted event, in order, including dead letters. */
  readonly published: PublishedEvent[] = [];
  readonly deadLettered: DeadLetteredEvent[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  readonly policy: StandInDeliveryPolicy;
  private readonly groups = new Map<string, Map<string, Group>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(policy: Partial<StandInDeliveryPolicy> = {}) {
    this.policy = { maxAttempts: 3, initialBackoffMs: 100, maxBackoffMs: 5000, ...policy };
  }

  /** Accepts an event on a topic and starts delivering it to every group subscribed to the topic. */
  publish(pubsubname: string, topic: string, event: StandInCloudEvent): void {
    const stored = { ...event, topic, pubsubname };
    this.published.push({ pubsubname, topic, event: stored });
    for (const group of this.groups.get(topicKey(pubsubname, topic))?.values() ?? []) this.startDelivery(group, stored);
  }

  /** Adds a replica to its app's group on the subscription's topic; a new group first catches up on the topic's events. */
  subscribe(replica: SubscriberReplica, subscription: StandInSubscription): void {
    const key = topicKey(subscription.pubsubname, subscription.topic);
    let byApp = this.groups.get(key);
    if (!byApp) this.groups.set(key, (byApp = new Map<string, Group>()));
    let group = byApp.get(replica.appId);
    const isNew = !group;
    if (!group) {
      group = { appId: replica.appId, subscription, replicas: [], next: 0 };
      byApp.set(replica.appId, group);
    }
    group.replicas.push({ replica, subscription });
    if (isNew) {
      for (const published of this.published) {
        if (published.pubsubname === subscription.pubsubname && published.topic === subscription.topic) this.startDelivery(group, published.event);
      }
    }
  }

  /** Removes a replica (its sidecar stopped); its group keeps its place in the topics for the other replicas. */
  unsubscribe(replica: SubscriberReplica): void {
    for (const byApp of this.groups.values()) for (const group of byApp.values()) group.replicas = group.replicas.filter((r) => r.replica !== replica);
  }

  /** Resolves once no delivery is running or waiting for a retry. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels pending retries and waits for running deliveries. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
    this.notifyIfIdle();
  }

  private startDelivery(group: Group, event: StandInCloudEvent): void {
    // Never inside the publisher's request: Dapr answers the publish before delivering.
    this.schedule(() => this.attempt(group, event, 1), 0);
  }

  private schedule(run: () => Promise<void>, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const running = run().finally(() => {
        this.inFlight.delete(running);
        this.notifyIfIdle();
      });
      this.inFlight.add(running);
    }, delayMs);
    this.timers.add(timer);
  }

  private async attempt(group: Group, event: StandInCloudEvent, attempt: number): Promise<void> {
    const target = group.replicas.length > 0 ? group.replicas[group.next++ % group.replicas.length] : undefined;
    // No replica running is like an app that cannot be reached: a retriable failure.
    const verdict: AppVerdict = target ? await target.replica.deliver(target.subscription.route, event) : 'RETRY';
    this.deliveries.push({ appId: group.appId, topic: group.subscription.topic, eventId: event.id, attempt, verdict: verdict });
    if (this.closed || verdict === 'SUCCESS') return;
    if (verdict === 'RETRY' && attempt < this.policy.maxAttempts) {
      const delay = Math.min(this.policy.initialBackoffMs * 2 ** (attempt - 1), this.policy.maxBackoffMs);
      this.schedule(() => this.attempt(group, event, attempt + 1), delay);
      return;
    }
    this.deadLetter(group, event, verdict === 'DROP' ? 'DROP' : 'RETRIES_EXHAUSTED', attempt);
  }

  /** What Dapr does after DROP or exhausted retries: republish the event unchanged to the dead-letter topic, if one is set. */
  private deadLetter(group: Group, event: StandInCloudEvent, reason: DeadLetteredEvent['reason'], attempts: number): void {
    const { pubsubname, topic, deadLetterTopic } = group.subscription;
    this.deadLettered.push({ pubsubname, topic, event, appId: group.appId, deadLetterTopic, reason, attempts });
    if (deadLetterTopic) this.publish(pubsubname, deadLetterTopic, event);
  }

  private isIdle(): boolean {
    return this.timers.size === 0 && this.inFlight.size === 0;
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function topicKey(pubsubname: string, topic: string): string {
  return `${pubsubname}\u0000${topic}`;
}
