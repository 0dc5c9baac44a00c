import type { DaprClient } from '@dapr/dapr';
import { Components, deadLetterTopicOf } from '@shop/contracts';
import express, { type Router } from 'express';
import { createDaprClient, DaprSidecarError, sidecarFailureOf, type DaprSidecarOptions } from '../dapr/dapr-sidecar';
import { deliveryPolicyOf, isCloudEvent, runHandler, toCloudEvent } from './cloud-events';
import { publishInTraceOf } from '../trace-context';
import type { CloudEvent, DeliveryOutcome, EventBus, EventHandler, OutgoingEvent, SubscriptionOptions } from './event-bus';
import { silentLogger, type Logger } from '@shop/kernel';

/** Options of the Dapr event bus. */
export interface DaprEventBusOptions extends DaprSidecarOptions {
  /** The publishing app's id; becomes the CloudEvent `source`. */
  source: string;
  /** The pub/sub component's name. Default: the platform's pub/sub (`Components.pubsub`). */
  pubsubName?: string;
  /** Path under which delivery routes are mounted, one per topic. Default `/dapr/events`. */
  routePrefix?: string;
  /**
   * `programmatic` (default): the app lists its subscriptions at `GET /dapr/subscribe`. `declarative`: the deployment
   * declares them as Subscription resources (the chart and dapr-components/ do), and the app lists none, so the
   * sidecar does not subscribe twice; the delivery routes are served either way.
   */
  subscriptionMode?: 'programmatic' | 'declarative';
  logger?: Logger;
}

/** A programmatic subscription as the sidecar reads it from `GET /dapr/subscribe`. */
export interface DaprProgrammaticSubscription {
  pubsubname: string;
  topic: string;
  route: string;
  deadLetterTopic: string;
  metadata?: Record<string, string>;
}

interface Subscription {
  topic: string;
  route: string;
  handler: EventHandler;
}

/**
 * EventBus through the Dapr sidecar's pub/sub API (Azure Service Bus in Azure, Redis Streams locally).
 *
 * Publishing sends our own CloudEvent (`application/cloudevents+json`) so Dapr keeps its id, source and type.
 * Receiving does not use the SDK's DaprServer, which answers SUCCESS for a handler that throws and so loses the
 * event: the service mounts `subscriptionRouter()` on its own app, whose routes answer SUCCESS, RETRY or DROP.
 *
 * What this adapter does not control: the consumer group is the app id (the component's `consumerID`), not
 * `SubscriptionOptions.group`; and `maxAttempts`/`initialBackoffMs` are the sidecar's resiliency policy (inbound
 * pub/sub retries on the component), not these options. After the retries, or on DROP, the sidecar sends the event to
 * the subscription's dead-letter topic, `deadLetterTopicOf(topic)`.
 */
export class DaprEventBus implements EventBus {
  private readonly options: DaprEventBusOptions;
  private readonly client: DaprClient;
  private readonly pubsubName: string;
  private readonly routePrefix: string;
  private readonly logger: Logger;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private started = false;
  private closed = false;

  constructor(options: DaprEventBusOptions) {
    this.options = options;
    this.pubsubName = options.pubsubName ?? Components.pubsub;
    this.routePrefix = (options.routePrefix ?? '/dapr/events').replace(/\/+$/, '');
    this.logger = options.logger ?? silentLogger;
    this.client = createDaprClient(options, this.logger);
  }

  async publish<T>(topic: string, event: OutgoingEvent<T>): Promise<CloudEvent<T>> {
    if (this.closed) throw new Error('DaprEventBus is closed');
    const envelope = JSON.parse(JSON.stringify(toCloudEvent(this.options.source, event))) as CloudEvent<T>;
    // The SDK reports a failed publish in its result instead of throwing. Its HTTP call (instrumented) carries the
    // event's trace to the sidecar, which continues it to the subscribers.
    const result = await publishInTraceOf(envelope.traceparent, () => this.client.pubsub.publish(this.pubsubName, topic, envelope, { contentType: 'application/cloudevents+json' }));
    if (result.error) throw new DaprSidecarError(`publish to "${topic}"`, sidecarFailureOf(result.error), result.error);
    return envelope;
  }

  /** One subscription per topic (Dapr routes a topic of a pub/sub to one path per app). `group` is the app id under Dapr. */
  subscribe<T>(topic: string, handler: EventHandler<T>, options: SubscriptionOptions): void {
    if (this.closed) throw new Error('DaprEventBus is closed');
    deliveryPolicyOf(options);
    if (this.subscriptions.has(topic)) throw new Error(`DaprEventBus: topic "${topic}" already has a subscription in this app`);
    this.subscriptions.set(topic, { topic, route: `${this.routePrefix}/${encodeURIComponent(topic)}`, handler: handler as EventHandler });
  }

  /** Until started, deliveries are answered RETRY, so the sidecar keeps them for later. */
  start(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('DaprEventBus is closed'));
    this.started = true;
    return Promise.resolve();
  }

  /** From now on deliveries are answered RETRY; resolves when the running handlers have finished. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }

  /** The subscriptions the sidecar reads at startup. */
  programmaticSubscriptions(): DaprProgrammaticSubscription[] {
    return [...this.subscriptions.values()].map((s) => ({ pubsubname: this.pubsubName, topic: s.topic, route: s.route, deadLetterTopic: deadLetterTopicOf(s.topic) }));
  }

  /**
   * The routes the sidecar talks to: `GET /dapr/subscribe` and one `POST` per subscription. Mount it on the service's
   * app at the root, before anything that could answer those paths.
   */
  subscriptionRouter(): Router {
    const router = express.Router();
    router.get('/dapr/subscribe', (_req, res) => {
      res.json(this.options.subscriptionMode === 'declarative' ? [] : this.programmaticSubscriptions());
    });
    // Dapr posts `application/cloudevents+json`, which express.json() alone does not parse.
    const parseEvent = express.json({ type: ['application/cloudevents+json', 'application/json', 'application/*+json'], limit: '4mb' });
    router.post(`${this.routePrefix}/:topic`, parseEvent, (req, res) => {
      const subscription = this.subscriptions.get(req.params.topic);
      // 404 tells Dapr the event can never be delivered here (it drops it, to the dead-letter topic if one is set).
      if (!subscription) return void res.status(404).json({ status: 'DROP' });
      const running = this.receive(subscription, req.body as unknown).then((status) => res.status(200).json({ status }));
      this.inFlight.add(running);
      void running.finally(() => this.inFlight.delete(running));
    });
    return router;
  }

  private async receive(subscription: Subscription, body: unknown): Promise<DeliveryOutcome> {
    if (!this.started || this.closed) return 'RETRY';
    if (!isCloudEvent(body)) {
      this.logger.error({ topic: subscription.topic }, 'delivery is not a CloudEvent; dropping it');
      return 'DROP';
    }
    const event = { ...body, topic: subscription.topic } as CloudEvent;
    const { outcome, error } = await runHandler(subscription.handler, event);
    if (outcome !== 'SUCCESS') this.logger.warn({ topic: subscription.topic, eventId: event.id, outcome, err: error }, 'event not handled');
    return outcome;
  }
}
