import { deadLetterTopicOf } from '@shop/contracts';
import { eventually, uniqueTestTag } from '@shop/testing';
import type { CloudEvent, DeliveryOutcome, EventBus, SubscriptionOptions } from '../src';

/**
 * The delivery policy every contract case uses. Adapters whose retries are configured outside the code (Dapr:
 * the sidecar's resiliency policy) configure their broker with the same numbers.
 */
export const ContractDeliveryPolicy = { maxAttempts: 3, initialBackoffMs: 50 } as const;

/** A broker under test. Buses from one harness share the broker (like several processes on one Redis). */
export interface EventBusUnderTest {
  /**
   * A bus as one replica of app `group` sees it: its subscriptions use `group` as their consumer group.
   * Two buses of the same group compete for events; buses of different groups each get every event.
   */
  connect(group: string): Promise<EventBus>;
  /** Closes every bus made by `connect` and removes what the harness created on shared servers. */
  cleanup(): Promise<void>;
}

interface Received {
  event: CloudEvent<{ n: number }>;
  by: string;
}

/**
 * Marker events let a case check that something did NOT happen without sleeping. Published after the events under
 * test, a marker is delivered after whatever the bus was still going to deliver of them; and the topic's subscribers
 * answer RETRY to it until the bus gives up, so it also waits out every backoff that a redelivery of an earlier
 * event would have had to wait (the same policy, started later). Once it has gone the whole way, an absence is an
 * absence, not "not yet".
 */
const MarkerType = 'contract.marker';

/** Runs the EventBus contract against one adapter; every adapter must pass it unchanged. */
export function describeEventBusContract(name: string, makeHarness: () => Promise<EventBusUnderTest>): void {
  describe(`EventBus contract: ${name}`, () => {
    let harness: EventBusUnderTest;
    let topic: string;
    let received: Received[];
    /** Deliveries of marker events, kept apart so the cases count only the events under test. */
    let markers: Received[];

    const options = (group: string, overrides: Partial<SubscriptionOptions> = {}): SubscriptionOptions => ({ group, ...ContractDeliveryPolicy, ...overrides });

    /** A bus of app `group` subscribed to `onTopic`, recording every delivery and answering what `decide` says. */
    const consumer = async (group: string, decide: (event: CloudEvent<{ n: number }>, attempt: number) => DeliveryOutcome | Promise<DeliveryOutcome> = () => 'SUCCESS', onTopic = topic, label = group) => {
      const bus = await harness.connect(group);
      const attempts = new Map<string, number>();
      bus.subscribe<{ n: number }>(
        onTopic,
        async (event) => {
          if (event.type === MarkerType) {
            markers.push({ event, by: label });
            // The topic's own subscribers make the marker go the whole way; a dead-letter reader takes it.
            return onTopic === topic ? 'RETRY' : 'SUCCESS';
          }
          const attempt = (attempts.get(event.id) ?? 0) + 1;
          attempts.set(event.id, attempt);
          received.push({ event, by: label });
          return decide(event, attempt);
        },
        options(group),
      );
      return bus;
    };

    const publishN = async (bus: EventBus, count: number, onTopic = topic) => {
      const sent: CloudEvent[] = [];
      for (let n = 0; n < count; n += 1) sent.push(await bus.publish(onTopic, { type: 'test.happened', data: { n } }));
      return sent;
    };

    const deliveriesOf = (id: string, by?: string) => received.filter((r) => r.event.id === id && (by === undefined || r.by === by));

    /** Publishes a marker on the topic under test (see `MarkerType`); wait for it with `markerDeliveries`. */
    const publishMarker = (publisher: EventBus) => publisher.publish(topic, { type: MarkerType, data: { n: -1 } });
    const markerDeliveries = (marker: CloudEvent, by: string) => markers.filter((m) => m.event.id === marker.id && m.by === by).length;

    beforeEach(async () => {
      harness = await makeHarness();
      topic = `contract-${uniqueTestTag()}`;
      received = [];
      markers = [];
    });

    afterEach(async () => {
      await harness.cleanup();
    });

    it('when an event is published, then the subscriber receives a well-formed CloudEvent carrying the data', async () => {
      const subscriber = await consumer('app-a');
      await subscriber.start();
      const publisher = await harness.connect('publisher');
      const sent = await publisher.publish(topic, { type: 'order.placed', subject: 'order-1', data: { n: 7 }, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });

      expect(sent).toMatchObject({ specversion: '1.0', type: 'order.placed', subject: 'order-1', datacontenttype: 'application/json', data: { n: 7 } });
      expect(sent.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof sent.source).toBe('string');
      expect(sent.source).not.toBe('');
      expect(new Date(sent.time).toISOString()).toBe(sent.time);

      const [delivery] = await eventually(() => deliveriesOf(sent.id).length > 0 && deliveriesOf(sent.id));
      expect(delivery.event).toMatchObject({
        specversion: '1.0',
        id: sent.id,
        source: sent.source,
        type: 'order.placed',
        subject: 'order-1',
        time: sent.time,
        datacontenttype: 'application/json',
        data: { n: 7 },
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      expect(delivery.event.topic).toBe(topic);
    });

    it('when an event is published with an id, then that id is kept end to end', async () => {
      const subscriber = await consumer('app-a');
      await subscriber.start();
      const publisher = await harness.connect('publisher');
      const id = `outbox-${uniqueTestTag()}`;
      const sent = await publisher.publish(topic, { id, type: 'test.happened', data: { n: 1 }, time: '2030-01-02T03:04:05.000Z' });
      expect(sent.id).toBe(id);
      expect(sent.time).toBe('2030-01-02T03:04:05.000Z');
      await eventually(() => deliveriesOf(id).length === 1);
    });

    it('when two groups subscribe to a topic, then each group receives every event exactly once', async () => {
      const a = await consumer('app-a');
      const b = await consumer('app-b');
      await Promise.all([a.start(), b.start()]);
      const publisher = await harness.connect('publisher');
      const sent = await publishN(publisher, 5);
      await eventually(() => received.length >= 10);
      // Retried to the end, the marker outlasts even a late redelivery that would make a duplicate.
      const marker = await publishMarker(publisher);
      const { maxAttempts } = ContractDeliveryPolicy;
      await eventually(() => markerDeliveries(marker, 'app-a') === maxAttempts && markerDeliveries(marker, 'app-b') === maxAttempts);
      for (const event of sent) {
        expect(deliveriesOf(event.id, 'app-a')).toHaveLength(1);
        expect(deliveriesOf(event.id, 'app-b')).toHaveLength(1);
      }
      expect(received).toHaveLength(10);
    });

    it('when two consumers share a group, then they split the events between them without duplicates', async () => {
      // Each replica holds its first event until the other has one too, so the split does not hang on how fast
      // handlers happen to run: a bus that feeds one replica only leaves the other empty and the case fails.
      let bothReplicasServed!: () => void;
      const replicasServed = new Promise<void>((resolve) => (bothReplicasServed = resolve));
      const giveUpWaiting = new Promise<void>((resolve) => setTimeout(resolve, 5000).unref());
      const onceBothReplicasHaveOne = async () => {
        if (new Set(received.map((r) => r.by)).size === 2) bothReplicasServed();
        await Promise.race([replicasServed, giveUpWaiting]);
        return 'SUCCESS' as const;
      };
      const first = await consumer('app-a', onceBothReplicasHaveOne, topic, 'replica-1');
      const second = await consumer('app-a', onceBothReplicasHaveOne, topic, 'replica-2');
      await Promise.all([first.start(), second.start()]);
      const publisher = await harness.connect('publisher');
      const sent = await publishN(publisher, 20);
      await eventually(() => received.length >= 20, 10_000);
      const marker = await publishMarker(publisher);
      await eventually(() => markerDeliveries(marker, 'replica-1') + markerDeliveries(marker, 'replica-2') === ContractDeliveryPolicy.maxAttempts);
      expect(received).toHaveLength(20);
      expect(new Set(received.map((r) => r.event.id))).toEqual(new Set(sent.map((e) => e.id)));
      expect(received.filter((r) => r.by === 'replica-1').length).toBeGreaterThan(0);
      expect(received.filter((r) => r.by === 'replica-2').length).toBeGreaterThan(0);
    });

    it('when the handler answers RETRY, then the event is redelivered (same id) until it answers SUCCESS', async () => {
      const subscriber = await consumer('app-a', (_event, attempt) => (attempt < 2 ? 'RETRY' : 'SUCCESS'));
      await subscriber.start();
      const publisher = await harness.connect('publisher');
      const [sent] = await publishN(publisher, 1);
      await eventually(() => deliveriesOf(sent.id).length === 2);
      const marker = await publishMarker(publisher);
      await eventually(() => markerDeliveries(marker, 'app-a') === ContractDeliveryPolicy.maxAttempts);
      expect(deliveriesOf(sent.id)).toHaveLength(2);
    });

    it('when the handler throws, then the event is redelivered, never lost', async () => {
      const subscriber = await consumer('app-a', (_event, attempt) => {
        if (attempt === 1) throw new Error('database is down');
        return 'SUCCESS';
      });
      await subscriber.start();
      const publisher = await harness.connect('publisher');
      const [sent] = await publishN(publisher, 1);
      await eventually(() => deliveriesOf(sent.id).length === 2);
      const marker = await publishMarker(publisher);
      await eventually(() => markerDeliveries(marker, 'app-a') === ContractDeliveryPolicy.maxAttempts);
      expect(deliveriesOf(sent.id)).toHaveLength(2);
    });

    it('when the handler answers DROP, then the event is not redelivered and lands on the dead-letter topic', async () => {
      const subscriber = await consumer('app-a', () => 'DROP');
      const deadLetters = await consumer('ops', () => 'SUCCESS', deadLetterTopicOf(topic), 'dead-letter-reader');
      await Promise.all([subscriber.start(), deadLetters.start()]);
      const publisher = await harness.connect('publisher');
      const [sent] = await publishN(publisher, 1);
      const [dead] = await eventually(() => deliveriesOf(sent.id, 'dead-letter-reader').length > 0 && deliveriesOf(sent.id, 'dead-letter-reader'));
      expect(dead.event).toMatchObject({ id: sent.id, type: sent.type, data: sent.data });
      // The marker is dead-lettered after its last retry: by then any redelivery of the dropped event would have come.
      const marker = await publishMarker(publisher);
      await eventually(() => markerDeliveries(marker, 'dead-letter-reader') === 1);
      expect(deliveriesOf(sent.id, 'app-a')).toHaveLength(1);
      expect(deliveriesOf(sent.id, 'dead-letter-reader')).toHaveLength(1);
    });

    it('when the handler keeps failing, then after maxAttempts deliveries the event lands on the dead-letter topic', async () => {
      const subscriber = await consumer('app-a', () => 'RETRY');
      const deadLetters = await consumer('ops', () => 'SUCCESS', deadLetterTopicOf(topic), 'dead-letter-reader');
      await Promise.all([subscriber.start(), deadLetters.start()]);
      const publisher = await harness.connect('publisher');
      const [sent] = await publishN(publisher, 1);
      await eventually(() => deliveriesOf(sent.id, 'dead-letter-reader').length > 0, 10_000);
      const marker = await publishMarker(publisher);
      await eventually(() => markerDeliveries(marker, 'dead-letter-reader') === 1, 10_000);
      expect(deliveriesOf(sent.id, 'app-a')).toHaveLength(ContractDeliveryPolicy.maxAttempts);
      expect(deliveriesOf(sent.id, 'dead-letter-reader')).toHaveLength(1);
    });

    it('when events are published before the subscriber starts, then they are delivered once it starts', async () => {
      const subscriber = await consumer('app-a');
      // Another app, already running, is the marker: once it has all three, app-a would have had them too.
      const running = await consumer('app-b');
      await running.start();
      const publisher = await harness.connect('publisher');
      const sent = await publishN(publisher, 3);
      await eventually(() => received.filter((r) => r.by === 'app-b').length === 3);
      expect(received.filter((r) => r.by === 'app-a')).toHaveLength(0);
      await subscriber.start();
      await eventually(() => received.filter((r) => r.by === 'app-a').length >= 3);
      const deliveredToA = received.filter((r) => r.by === 'app-a');
      expect(deliveredToA.map((r) => r.event.data.n).sort()).toEqual([0, 1, 2]);
      expect(new Set(deliveredToA.map((r) => r.event.id))).toEqual(new Set(sent.map((e) => e.id)));
    });

    it('when closed while a handler runs, then close waits for it and nothing is delivered afterwards', async () => {
      let finished = 0;
      const subscriber = await consumer('app-a', async () => {
        // A handler that is slow on purpose: the case is about close() waiting for it, so the wait is the subject.
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished += 1;
        return 'SUCCESS' as const;
      });
      await subscriber.start();
      const publisher = await harness.connect('publisher');
      await publishN(publisher, 1);
      await eventually(() => received.length === 1);
      const closing = Date.now();
      await subscriber.close();
      expect(finished).toBe(1);
      expect(Date.now() - closing).toBeLessThan(2500);
      // A new replica of the same app competes for the next event: it receives it only if the closed one did not.
      const successor = await consumer('app-a', () => 'SUCCESS', topic, 'successor');
      await successor.start();
      const [afterClose] = await publishN(publisher, 1);
      await eventually(() => deliveriesOf(afterClose.id, 'successor').length === 1);
      expect(deliveriesOf(afterClose.id, 'app-a')).toHaveLength(0);
      expect(received).toHaveLength(2);
    });
  });
}
