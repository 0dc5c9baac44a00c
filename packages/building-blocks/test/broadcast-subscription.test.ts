import { describeWithBackend, eventually, uniqueTestTag } from '@shop/testing';
import { createClient } from 'redis';
import { broadcastSubscription, InMemoryBroker, InMemoryEventBus, RedisStreamsEventBus, type CloudEvent, type EventBus } from '../src';
import { deleteRedisKeysWithPrefix } from './redis-cleanup';

/** Subscribes a recorder of the events of `topic` under `broadcastSubscription(app, instance)`. */
function recordBroadcasts(bus: EventBus, topic: string, instanceId: string): CloudEvent[] {
  const received: CloudEvent[] = [];
  bus.subscribe(
    topic,
    async (event) => {
      received.push(event);
      return 'SUCCESS';
    },
    broadcastSubscription('catalog', instanceId),
  );
  return received;
}

describe('broadcastSubscription', () => {
  it('when asked for an instance, then the group is the app and the instance, and of that process alone', () => {
    expect(broadcastSubscription('catalog', 'pod-7')).toMatchObject({ group: 'catalog.pod-7', perInstance: true });
    expect(() => broadcastSubscription('catalog', '')).toThrow(TypeError);
  });
});

describe('broadcast on the in-memory bus', () => {
  it('when two replicas of one app subscribe with their own instance ids, then both get every event, and a replica that subscribes later gets no replay', async () => {
    const broker = new InMemoryBroker();
    const a = new InMemoryEventBus({ source: 'catalog', broker });
    const b = new InMemoryEventBus({ source: 'catalog', broker });
    try {
      await a.publish('cache', { type: 'before', data: {} });
      const atA = recordBroadcasts(a, 'cache', 'a');
      const atB = recordBroadcasts(b, 'cache', 'b');
      await Promise.all([a.start(), b.start()]);
      await a.publish('cache', { type: 'invalidated', data: { n: 1 } });
      await b.publish('cache', { type: 'invalidated', data: { n: 2 } });
      await broker.whenIdle();
      expect(atA.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
      expect(atB.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      await a.close();
      await b.close();
      await broker.close();
    }
  });

  it('when a replica closes, then its group is gone: events published afterwards are not kept for it', async () => {
    const broker = new InMemoryBroker();
    const a = new InMemoryEventBus({ source: 'catalog', broker });
    const b = new InMemoryEventBus({ source: 'catalog', broker });
    const atA = recordBroadcasts(a, 'cache', 'a');
    recordBroadcasts(b, 'cache', 'b');
    await Promise.all([a.start(), b.start()]);
    await b.close();
    await a.publish('cache', { type: 'invalidated', data: { n: 1 } });
    await broker.whenIdle();
    expect(atA).toHaveLength(1);
    // A new subscriber under the closed replica's group starts afresh: nothing was queued for it.
    const c = new InMemoryEventBus({ source: 'catalog', broker });
    const atC = recordBroadcasts(c, 'cache', 'b');
    await c.start();
    await broker.whenIdle();
    expect(atC).toEqual([]);
    await a.close();
    await c.close();
    await broker.close();
  });
});

describeWithBackend('redis', 'broadcast on Redis Streams', (url) => {
  let streamPrefix: string;
  let buses: EventBus[];

  beforeEach(() => {
    streamPrefix = `${uniqueTestTag('broadcast')}:`;
    buses = [];
  });

  afterEach(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await deleteRedisKeysWithPrefix(url, streamPrefix);
  });

  const makeBus = () => {
    const bus = new RedisStreamsEventBus({ url, source: 'catalog', streamPrefix, blockMs: 100 });
    buses.push(bus);
    return bus;
  };

  async function groupsOf(stream: string): Promise<string[]> {
    const client = createClient({ url });
    await client.connect();
    try {
      const groups = (await client.xInfoGroups(stream)) as Array<{ name: string }>;
      return groups.map((group) => String(group.name)).sort();
    } finally {
      await client.close();
    }
  }

  it('when two replicas subscribe with different instance ids, then both get every event, and neither gets what was published before it started', async () => {
    const publisher = makeBus();
    await publisher.start();
    await publisher.publish('cache', { type: 'before', data: { n: 0 } });
    const a = makeBus();
    const b = makeBus();
    const atA = recordBroadcasts(a, 'cache', 'a');
    const atB = recordBroadcasts(b, 'cache', 'b');
    await Promise.all([a.start(), b.start()]);
    await publisher.publish('cache', { type: 'invalidated', data: { n: 1 } });
    await publisher.publish('cache', { type: 'invalidated', data: { n: 2 } });
    await eventually(() => atA.length === 2 && atB.length === 2);
    expect(atA.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(atB.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(await groupsOf(`${streamPrefix}cache`)).toEqual(['catalog.a', 'catalog.b']);
  });

  it('when a replica closes, then its consumer group is deleted, and one that restarts under the same id starts at the newest event', async () => {
    const stream = `${streamPrefix}cache`;
    const publisher = makeBus();
    await publisher.start();
    const a = makeBus();
    const b = makeBus();
    recordBroadcasts(a, 'cache', 'a');
    recordBroadcasts(b, 'cache', 'b');
    await Promise.all([a.start(), b.start()]);
    await b.close();
    expect(await groupsOf(stream)).toEqual(['catalog.a']);

    // A crashed process leaves its group behind (here: a group created by hand, far behind the stream's end).
    await publisher.publish('cache', { type: 'missed', data: { n: 1 } });
    const client = createClient({ url });
    await client.connect();
    await client.xGroupCreate(stream, 'catalog.c', '0');
    await client.close();
    const restarted = makeBus();
    const atRestarted = recordBroadcasts(restarted, 'cache', 'c');
    await restarted.start();
    await publisher.publish('cache', { type: 'invalidated', data: { n: 2 } });
    await eventually(() => atRestarted.length > 0);
    // In stream order: had the group kept its old position, the missed event would have come first.
    expect(atRestarted[0].data).toEqual({ n: 2 });
  });
});
