import { describeWithBackend, eventually, uniqueTestTag } from '@shop/testing';
import { createClient } from 'redis';
import { RedisStreamsEventBus, type CloudEvent, type EventBus } from '../src';
import { ContractDeliveryPolicy, describeEventBusContract } from './event-bus.contract';
import { deleteRedisKeysWithPrefix } from './redis-cleanup';

describeWithBackend('redis', 'RedisStreamsEventBus', (url) => {
  describeEventBusContract('RedisStreamsEventBus', async () => {
    const streamPrefix = `${uniqueTestTag('events')}:`;
    const buses: EventBus[] = [];
    return {
      async connect(group) {
        // Short blocking reads keep close() quick in tests; the default (1 s) suits production.
        const bus = new RedisStreamsEventBus({ url, source: group, streamPrefix, blockMs: 100 });
        buses.push(bus);
        return bus;
      },
      async cleanup() {
        await Promise.all(buses.map((bus) => bus.close()));
        await deleteRedisKeysWithPrefix(url, streamPrefix);
      },
    };
  });

  describe('RedisStreamsEventBus specifics', () => {
    let streamPrefix: string;
    let buses: EventBus[];

    beforeEach(() => {
      streamPrefix = `${uniqueTestTag('events')}:`;
      buses = [];
    });

    afterEach(async () => {
      await Promise.all(buses.map((bus) => bus.close()));
      await deleteRedisKeysWithPrefix(url, streamPrefix);
    });

    const makeBus = (processingTimeoutMs = 30_000, maxStreamLength = 10_000) => {
      const bus = new RedisStreamsEventBus({ url, source: 'test', streamPrefix, blockMs: 100, processingTimeoutMs, maxStreamLength });
      buses.push(bus);
      return bus;
    };

    it('when a consumer crashed holding an event, then another consumer of the group gets it after processingTimeoutMs', async () => {
      const publisher = makeBus();
      await publisher.publish('orders', { type: 'order.placed', data: { n: 1 } });
      // A consumer that reads the event and dies before acknowledging it.
      const raw = createClient({ url });
      await raw.connect();
      await raw.xGroupCreate(`${streamPrefix}orders`, 'order', '0', { MKSTREAM: true });
      await raw.xReadGroup('order', 'crashed-consumer', { key: `${streamPrefix}orders`, id: '>' }, { COUNT: 10 });
      await raw.close();

      const received: CloudEvent[] = [];
      const survivor = makeBus(300);
      survivor.subscribe('orders', async (event) => {
        received.push(event);
        return 'SUCCESS';
      }, { group: 'order', ...ContractDeliveryPolicy });
      await survivor.start();
      await eventually(() => received.length === 1, 5000);
      expect(received[0].data).toEqual({ n: 1 });
    });

    it('when many events are published, then the stream is trimmed to about maxStreamLength', async () => {
      const bus = makeBus(30_000, 10);
      for (let n = 0; n < 300; n += 1) await bus.publish('analytics', { type: 'product.viewed', data: { n } });
      const raw = createClient({ url });
      await raw.connect();
      const length = await raw.xLen(`${streamPrefix}analytics`);
      await raw.close();
      // MAXLEN ~ trims whole radix-tree nodes (100 entries by default), so "about" means well under 300.
      expect(length).toBeLessThan(300);
    });

    it('when close is called with nothing to read, then it returns within about one blocking read', async () => {
      const bus = makeBus();
      bus.subscribe('users', async () => 'SUCCESS', { group: 'auth' });
      await bus.start();
      const started = Date.now();
      await bus.close();
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });
});
