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
  /** Whether two replicas of a group can run side by side in this harness (they split the events). */
  supportsCompetingConsumers: boolean;
  /** Closes every bus made by `connect` and removes what the harness created on shared servers. */
  cleanup(): Promise<void>;
}

interface Received {
  event: CloudEvent<{ n: number }>;
  by: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the EventBus contract against one adapter; every adapter must pass it unchanged. */
export function describeEventBusContract(name: string, makeHarness: () => Promise<EventBusUnderTest>): void {
  describe(`EventBus contract: ${name}`, () => {
    let harness: EventBusUnderTest;
    let topic: string;
    let received: Received[];

    const options = (group: string, overrides: Partial<SubscriptionOptions> = {}): SubscriptionOptions => ({ group, ...ContractDeliveryPolicy, ...overrides });

    /** A bus of app `group` subscribed to `onTopic`, recording every delivery and answering what `decide` says. */
    const consumer = async (group: string, decide: (event: CloudEvent<{ n: number }>, attempt: number) => DeliveryOutcome | Promise<DeliveryOutcome> = () => 'SUCCESS', onTopic = topic, label = group) => {
      const bus = await harness.connect(group);
      const attempts = new Map<string, number>();
      bus.subscribe<{ n: number }>(
        onTopic,
        async (event) => {
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

    beforeEach(async () => {
      harness = await makeHarness();
      topic = `contract-${uniqueTestTag()}`;
      received = [];
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
      await sleep(200);
      for (const event of sent) {
        expect(deliveriesOf(event.id, 'app-a')).toHaveLength(1);
        expect(deliveriesOf(event.id, 'app-b')).toHaveLength(1);
      }
      expect(received).toHaveLength(10);
    });

    it('when two consumers share a group, then they split the events between them without duplicates', async () => {
      if (!harness.supportsCompetingConsumers) return;
      const slowly = async () => {
        await sleep(10);
        return 'SUCCESS' as const;
      };
      const first = await consumer('app-a', slowly, topic, 'replica-1');
      const second = await consumer('app-a', slowly, topic, 'replica-2');
      await Promise.all([first.start(), second.start()]);
      const publisher = await harness.connect('publisher');
      const sent = await publishN(publisher, 20);
      await eventually(() => received.length >= 20);
      await sleep(200);
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
      await sleep(300);
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
      await sleep(300);
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
      await sleep(300);
      expect(deliveriesOf(sent.id, 'app-a')).toHaveLength(1);
    });

    it('when the handler keeps failing, then after maxAttempts deliveries the event lands on the dead-letter topic', async () => {
      const subscriber = await consumer('app-a', () => 'RETRY');
      const deadLetters = await consumer('ops', () => 'SUCCESS', deadLetterTopicOf(topic), 'dead-letter-reader');
      await Promise.all([subscriber.start(), deadLetters.start()]);
      const publisher = await harness.connect('publisher');
      const [sent] = await publishN(publisher, 1);
      await eventually(() => deliveriesOf(sent.id, 'dead-letter-reader').length > 0, 10_000);
      await sleep(400);
      expect(deliveriesOf(sent.id, 'app-a')).toHaveLength(ContractDeliveryPolicy.maxAttempts);
      expect(deliveriesOf(sent.id, 'dead-letter-reader')).toHaveLength(1);
    });

    it('when events are published before the subscriber starts, then they are delivered once it starts', async () => {
      const subscriber = await consumer('app-a');
      const publisher = await harness.connect('publisher');
      const sent = await publishN(publisher, 3);
      await sleep(100);
      expect(received).toHaveLength(0);
      await subscriber.start();
      await eventually(() => received.length >= 3);
      expect(received.map((r) => r.event.data.n).sort()).toEqual([0, 1, 2]);
      expect(new Set(received.map((r) => r.event.id))).toEqual(new Set(sent.map((e) => e.id)));
    });

    it('when closed while a handler runs, then close waits for it and nothing is delivered afterwards', async () => {
      let finished = 0;
      const subscriber = await consumer('app-a', async () => {
        await sleep(300);
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
      await publishN(publisher, 1);
      await sleep(300);
      expect(received).toHaveLength(1);
    });
  });
}
