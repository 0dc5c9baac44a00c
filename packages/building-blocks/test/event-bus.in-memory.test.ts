import { InMemoryBroker, InMemoryEventBus, type EventBus } from '../src';
import { describeEventBusContract } from './event-bus.contract';

describeEventBusContract('InMemoryEventBus', async () => {
  // One broker, one bus per "replica", as services embedded in one process share it.
  const broker = new InMemoryBroker();
  const buses: EventBus[] = [];
  return {
    async connect(group) {
      const bus = new InMemoryEventBus({ source: group, broker });
      buses.push(bus);
      return bus;
    },
    async cleanup() {
      await Promise.all(buses.map((bus) => bus.close()));
      await broker.close();
    },
  };
});

describe('InMemoryEventBus specifics', () => {
  let bus: InMemoryEventBus;

  beforeEach(() => {
    bus = new InMemoryEventBus({ source: 'catalog' });
  });

  afterEach(async () => {
    await bus.close();
  });

  it('when an event is published, then the handler does not run inside publish and whenIdle waits for it', async () => {
    const seen: string[] = [];
    bus.subscribe('products', async (event) => {
      seen.push(event.source);
      return 'SUCCESS';
    }, { group: 'cart' });
    await bus.start();
    const publishing = bus.publish('products', { type: 'product.updated', data: {} });
    expect(seen).toEqual([]);
    await publishing;
    await bus.whenIdle();
    expect(seen).toEqual(['catalog']);
  });

  it('when an event of a subject is being retried, then later events of that subject wait for it (per-subject order)', async () => {
    const order: string[] = [];
    let failedOnce = false;
    bus.subscribe<{ step: string }>('orders', async (event) => {
      if (event.data.step === 'placed' && !failedOnce) {
        failedOnce = true;
        return 'RETRY';
      }
      order.push(`${event.subject}:${event.data.step}`);
      return 'SUCCESS';
    }, { group: 'order', initialBackoffMs: 30 });
    await bus.start();
    await bus.publish('orders', { type: 'order.placed', subject: 'o-1', data: { step: 'placed' } });
    await bus.publish('orders', { type: 'order.confirmed', subject: 'o-1', data: { step: 'confirmed' } });
    await bus.publish('orders', { type: 'order.placed', subject: 'o-2', data: { step: 'placed' } });
    await bus.whenIdle();
    expect(order.filter((entry) => entry.startsWith('o-1'))).toEqual(['o-1:placed', 'o-1:confirmed']);
    // Another subject is not held up by o-1's retry.
    expect(order.indexOf('o-2:placed')).toBeLessThan(order.indexOf('o-1:placed'));
  });

  it('when a handler mutates its event, then other groups see the event as published', async () => {
    const seen: unknown[] = [];
    bus.subscribe<{ n: number }>('products', async (event) => {
      event.data.n = 99;
      return 'SUCCESS';
    }, { group: 'a' });
    bus.subscribe<{ n: number }>('products', async (event) => {
      seen.push(event.data);
      return 'SUCCESS';
    }, { group: 'b' });
    await bus.start();
    await bus.publish('products', { type: 'product.updated', data: { n: 1 } });
    await bus.whenIdle();
    expect(seen).toEqual([{ n: 1 }]);
  });
});
