import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DaprSidecarStandIn, StandInBroker } from '@shop/dapr-sidecar-stand-in';
import express from 'express';
import request from 'supertest';
import { DaprEventBus, type EventBus } from '../src';
import { ContractDeliveryPolicy, describeEventBusContract } from './event-bus.contract';

describeEventBusContract('DaprEventBus (through the sidecar stand-in)', async () => {
  // One pub/sub component shared by every app's sidecar; its retry policy stands for the resiliency policy.
  const broker = new StandInBroker({ maxAttempts: ContractDeliveryPolicy.maxAttempts, initialBackoffMs: ContractDeliveryPolicy.initialBackoffMs });
  const replicas: Array<{ bus: DaprEventBus; sidecar: DaprSidecarStandIn; server: Server }> = [];
  return {
    /** One replica of app `group`: its own Express app mounting the bus's routes, and its own sidecar. */
    async connect(group) {
      const app = express();
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const sidecar = new DaprSidecarStandIn({
        appId: group,
        appUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        broker,
        subscriptionDiscovery: 'manual',
      });
      await sidecar.start();
      // The bus needs the sidecar's port and the sidecar the app's, so the routes are mounted once both exist (no
      // request reaches the app before the test calls start()).
      const daprBus = new DaprEventBus({ source: group, daprHttpPort: sidecar.port });
      let router: express.Router | undefined;
      app.use((req, res, next) => (router ??= daprBus.subscriptionRouter())(req, res, next));
      replicas.push({ bus: daprBus, sidecar, server });
      // The real sidecar reads /dapr/subscribe once the app is up, which a service does after starting its bus.
      const replica: EventBus = {
        publish: (topic, event) => daprBus.publish(topic, event),
        subscribe: (topic, handler, options) => daprBus.subscribe(topic, handler, options),
        start: async () => {
          await daprBus.start();
          await sidecar.loadSubscriptions();
        },
        close: () => daprBus.close(),
      };
      return replica;
    },
    async cleanup() {
      await Promise.all(replicas.map((r) => r.bus.close()));
      await broker.close();
      for (const { sidecar, server } of replicas) {
        await sidecar.stop();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
});

describe('DaprEventBus subscription routes', () => {
  let bus: DaprEventBus;
  let app: express.Express;
  const cloudEvent = { specversion: '1.0', id: 'e-1', source: 'catalog', type: 'product.updated', time: '2030-01-01T00:00:00.000Z', datacontenttype: 'application/json', data: { sku: 'A' } };

  beforeEach(() => {
    // Nothing listens on this port: these tests never publish, so no call reaches the sidecar.
    bus = new DaprEventBus({ source: 'cart', daprHttpPort: 1 });
    app = express();
    app.use(bus.subscriptionRouter());
  });

  const deliver = (topic: string, body: unknown, contentType = 'application/cloudevents+json') =>
    request(app).post(`/dapr/events/${encodeURIComponent(topic)}`).set('content-type', contentType).send(JSON.stringify(body));

  it('when the sidecar asks for subscriptions, then each topic is declared with its route and dead-letter topic', async () => {
    bus.subscribe('products', async () => 'SUCCESS', { group: 'cart' });
    bus.subscribe('catalog-sync', async () => 'SUCCESS', { group: 'cart' });
    const response = await request(app).get('/dapr/subscribe');
    expect(response.body).toEqual([
      { pubsubname: 'shop-pubsub', topic: 'products', route: '/dapr/events/products', deadLetterTopic: 'products.deadletter' },
      { pubsubname: 'shop-pubsub', topic: 'catalog-sync', route: '/dapr/events/catalog-sync', deadLetterTopic: 'catalog-sync.deadletter' },
    ]);
  });

  it('when a CloudEvent arrives as application/cloudevents+json, then the handler gets it and the answer is its verdict', async () => {
    const seen: unknown[] = [];
    bus.subscribe('products', async (event) => {
      seen.push(event);
      return 'DROP';
    }, { group: 'cart' });
    await bus.start();
    const response = await deliver('products', cloudEvent);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'DROP' });
    expect(seen).toEqual([{ ...cloudEvent, topic: 'products' }]);
  });

  it('when the handler throws, then the answer is RETRY, never SUCCESS', async () => {
    bus.subscribe('products', async () => {
      throw new Error('boom');
    }, { group: 'cart' });
    await bus.start();
    expect((await deliver('products', cloudEvent)).body).toEqual({ status: 'RETRY' });
  });

  it('when an event arrives before start or after close, then the answer is RETRY and the handler is not called', async () => {
    const handler = jest.fn(async () => 'SUCCESS' as const);
    bus.subscribe('products', handler, { group: 'cart' });
    expect((await deliver('products', cloudEvent)).body).toEqual({ status: 'RETRY' });
    await bus.start();
    await bus.close();
    expect((await deliver('products', cloudEvent)).body).toEqual({ status: 'RETRY' });
    expect(handler).not.toHaveBeenCalled();
  });

  it('when the body is not a CloudEvent, then the answer is DROP', async () => {
    bus.subscribe('products', async () => 'SUCCESS', { group: 'cart' });
    await bus.start();
    expect((await deliver('products', { hello: 'world' }, 'application/json')).body).toEqual({ status: 'DROP' });
  });

  it('when the topic has no subscription, then the answer is 404 (Dapr drops it)', async () => {
    await bus.start();
    expect((await deliver('unknown', cloudEvent)).status).toBe(404);
  });

  it('when a topic is subscribed twice in one app, then subscribe refuses it', () => {
    bus.subscribe('products', async () => 'SUCCESS', { group: 'cart' });
    expect(() => bus.subscribe('products', async () => 'SUCCESS', { group: 'cart' })).toThrow(/already has a subscription/);
  });
});

describe('DaprEventBus subscription modes', () => {
  it('when subscriptions are declarative, then /dapr/subscribe lists none but the delivery route still answers', async () => {
    const bus = new DaprEventBus({ source: 'cart', daprHttpPort: 1, subscriptionMode: 'declarative' });
    bus.subscribe('orders', async () => 'SUCCESS', { group: 'cart' });
    await bus.start();
    const app = express().use(bus.subscriptionRouter());
    expect((await request(app).get('/dapr/subscribe')).body).toEqual([]);
    const event = { specversion: '1.0', id: 'e-1', source: 'order', type: 'order.confirmed', time: new Date().toISOString(), datacontenttype: 'application/json', data: {} };
    const delivered = await request(app).post('/dapr/events/orders').set('content-type', 'application/cloudevents+json').send(JSON.stringify(event));
    expect(delivered.body).toEqual({ status: 'SUCCESS' });
    const programmatic = new DaprEventBus({ source: 'cart', daprHttpPort: 1 });
    programmatic.subscribe('orders', async () => 'SUCCESS', { group: 'cart' });
    expect((await request(express().use(programmatic.subscriptionRouter())).get('/dapr/subscribe')).body).toEqual([
      { pubsubname: 'shop-pubsub', topic: 'orders', route: '/dapr/events/orders', deadLetterTopic: 'orders.deadletter' },
    ]);
    await bus.close();
    await programmatic.close();
  });
});
