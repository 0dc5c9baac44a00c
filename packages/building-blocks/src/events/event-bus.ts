/** A CloudEvents 1.0 envelope (JSON structured mode). */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  /** Unique per event; consumers deduplicate on it. */
  id: string;
  /** The producing app, as a URI reference (e.g. `catalog`). */
  source: string;
  /** What happened, e.g. `product.updated`. */
  type: string;
  /** The aggregate the event is about (e.g. the product id); ordering is per subject. */
  subject?: string;
  /** UTC timestamp, RFC 3339. */
  time: string;
  datacontenttype: 'application/json';
  data: T;
  /** W3C trace context of the producing request, when there was one. */
  traceparent?: string;
  /** The topic it was published to (set by the bus on delivery). */
  topic?: string;
}

/** What a publisher supplies; the bus fills in the rest of the envelope. */
export interface OutgoingEvent<T = unknown> {
  type: string;
  data: T;
  /** Defaults to a fresh random UUID. Supply one to make a republish deduplicate downstream (outbox relay). */
  id?: string;
  subject?: string;
  time?: string;
  traceparent?: string;
}

/**
 * A subscriber's explicit verdict. SUCCESS acknowledges; RETRY redelivers later with backoff (a transient failure);
 * DROP sends the event to the dead-letter topic (it can never be processed). A handler that throws counts as RETRY.
 */
export type DeliveryOutcome = 'SUCCESS' | 'RETRY' | 'DROP';

/** Handles one delivery; may be called more than once for the same event id (at-least-once). */
export type EventHandler<T = unknown> = (event: CloudEvent<T>) => Promise<DeliveryOutcome>;

/** How a subscription is delivered. */
export interface SubscriptionOptions {
  /** Competing-consumer group: replicas of one app share it and each event reaches one of them. Usually the app id. */
  group: string;
  /** Deliveries before an event goes to the dead-letter topic. Default 12 (about 4 minutes of retries). */
  maxAttempts?: number;
  /** First retry delay in ms, doubled per attempt (capped). Default 200. */
  initialBackoffMs?: number;
  /**
   * The group belongs to this process alone (see `broadcastSubscription`): it receives only events published after it
   * was created (no replay of what the stream retains), and it is removed when the bus closes, so the groups of
   * replicas that are gone do not pile up. Ignored by the Dapr bus, whose component names the consumer (consumerID).
   */
  perInstance?: boolean;
}

/** Port: publish/subscribe with at-least-once delivery (the Dapr pub/sub building block). */
export interface EventBus {
  /** Publishes one event to a topic; resolves once the broker has accepted it. Returns the event as sent. */
  publish<T>(topic: string, event: OutgoingEvent<T>): Promise<CloudEvent<T>>;
  /** Registers a handler for a topic. Register before `start()`. */
  subscribe<T>(topic: string, handler: EventHandler<T>, options: SubscriptionOptions): void;
  /** Starts delivering to the registered handlers. */
  start(): Promise<void>;
  /** Stops delivering (in-flight handlers finish) and releases connections. */
  close(): Promise<void>;
}
