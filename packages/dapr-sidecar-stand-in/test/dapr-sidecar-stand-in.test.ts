import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '@shop/testing';
import express from 'express';
import { DaprSidecarStandIn } from '../src';

/** An app whose delivery routes answer what each test tells them to, recording what they were sent. */
async function startApp(answer: (route: string, attempt: number) => { status: number; body?: string }) {
  const received: Array<{ route: string; contentType?: string; event: Record<string, unknown> }> = [];
  const app = express();
  app.get('/dapr/subscribe', (_req, res) => {
    res.json([
      { pubsubname: 'shop-pubsub', topic: 'orders', route: '/events/orders', deadLetterTopic: 'orders.deadletter' },
      { pubsubname: 'shop-pubsub', topic: 'no-dlq', routes: { default: 'events/no-dlq' } },
      { pubsubname: 'unknown-pubsub', topic: 'ignored', route: '/events/ignored' },
    ]);
  });
  app.post('/events/:topic', express.json({ type: 'application/cloudevents+json' }), (req, res) => {
    const route = `/events/${req.params.topic}`;
    received.push({ route, contentType: req.headers['content-type'], event: req.body as Record<string, unknown> });
    const { status, body } = answer(route, received.filter((r) => r.route === route && r.event.id === (req.body as { id: string }).id).length);
    res.status(status).type('application/json').send(body ?? '');
  });
  app.all('/echo/*rest', express.text({ type: '*/*' }), (req, res) => {
    res.status(req.method === 'PUT' ? 202 : 200).setHeader('x-target', 'yes');
    res.json({ method: req.method, url: req.originalUrl, body: req.body, caller: req.headers['dapr-caller-app-id'] });
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function stopApp(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('DaprSidecarStandIn', () => {
  describe('sidecar API without an app', () => {
    let sidecar: DaprSidecarStandIn;

    beforeEach(async () => {
      sidecar = new DaprSidecarStandIn({ appId: 'cart' });
      await sidecar.start();
    });

    afterEach(async () => {
      await sidecar.stop();
    });

    it('when the metadata and health endpoints are called, then metadata is a non-empty JSON and health answers 204', async () => {
      const metadata = await fetch(`${sidecar.url}/v1.0/metadata`);
      expect(metadata.status).toBe(200);
      expect(await metadata.json()).toMatchObject({ id: 'cart', components: expect.arrayContaining([expect.objectContaining({ name: 'shop-state' })]) });
      expect((await fetch(`${sidecar.url}/v1.0/healthz`)).status).toBe(204);
      expect((await fetch(`${sidecar.url}/v1.0/healthz/outbound`)).status).toBe(204);
    });

    it('when state is saved and read, then GET answers the value with an ETag header, 204 when missing, and bulk answers data and etag', async () => {
      expect((await fetch(`${sidecar.url}/v1.0/state/shop-state/k1`)).status).toBe(204);
      const save = await fetch(`${sidecar.url}/v1.0/state/shop-state`, { method: 'POST', body: JSON.stringify([{ key: 'k1', value: { n: 1 } }]) });
      expect(save.status).toBe(204);
      const read = await fetch(`${sidecar.url}/v1.0/state/shop-state/k1`);
      expect(read.status).toBe(200);
      expect(await read.json()).toEqual({ n: 1 });
      const etag = read.headers.get('etag');
      expect(etag).toMatch(/^[0-9]+$/);
      const bulk = await fetch(`${sidecar.url}/v1.0/state/shop-state/bulk`, { method: 'POST', body: JSON.stringify({ keys: ['k1', 'nope'] }) });
      expect(await bulk.json()).toEqual([{ key: 'k1', data: { n: 1 }, etag }, { key: 'nope' }]);
    });

    it('when a save carries a stale or malformed ETag, then it answers 409 or 400 with a Dapr error body', async () => {
      await fetch(`${sidecar.url}/v1.0/state/shop-state`, { method: 'POST', body: JSON.stringify([{ key: 'k', value: 1 }]) });
      const stale = await fetch(`${sidecar.url}/v1.0/state/shop-state`, { method: 'POST', body: JSON.stringify([{ key: 'k', value: 2, etag: '999', options: { concurrency: 'first-write' } }]) });
      expect(stale.status).toBe(409);
      expect(await stale.json()).toMatchObject({ errorCode: 'ERR_STATE_SAVE' });
      const malformed = await fetch(`${sidecar.url}/v1.0/state/shop-state`, { method: 'POST', body: JSON.stringify([{ key: 'k', value: 2, etag: 'abc' }]) });
      expect(malformed.status).toBe(400);
      // last-write ignores the ETag, as Dapr does.
      const lastWrite = await fetch(`${sidecar.url}/v1.0/state/shop-state`, { method: 'POST', body: JSON.stringify([{ key: 'k', value: 3, etag: '999', options: { concurrency: 'last-write' } }]) });
      expect(lastWrite.status).toBe(204);
    });

    it('when deleting with a stale If-Match, then it answers 409 and the key stays', async () => {
      await fetch(`${sidecar.url}/v1.0/state/shop-state`, { method: 'POST', body: JSON.stringify([{ key: 'd', value: 1 }]) });
      expect((await fetch(`${sidecar.url}/v1.0/state/shop-state/d`, { method: 'DELETE', headers: { 'if-match': '12345' } })).status).toBe(409);
      expect((await fetch(`${sidecar.url}/v1.0/state/shop-state/d`)).status).toBe(200);
    });

    it('when the store is unknown, then it answers 400', async () => {
      expect((await fetch(`${sidecar.url}/v1.0/state/nope/k`)).status).toBe(400);
    });

    it('when a plain JSON payload is published, then it is wrapped in a CloudEvent; a CloudEvent body keeps its id', async () => {
      const plain = await fetch(`${sidecar.url}/v1.0/publish/shop-pubsub/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: 'o-1' }) });
      expect(plain.status).toBe(204);
      const own = { specversion: '1.0', id: 'evt-1', source: 'order', type: 'order.placed', datacontenttype: 'application/json', data: { orderId: 'o-2' } };
      await fetch(`${sidecar.url}/v1.0/publish/shop-pubsub/orders`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(own) });
      const [wrapped, kept] = sidecar.publishedEvents.map((p) => p.event);
      expect(wrapped).toMatchObject({ specversion: '1.0', type: 'com.dapr.event.sent', source: 'cart', datacontenttype: 'application/json', data: { orderId: 'o-1' }, topic: 'orders', pubsubname: 'shop-pubsub' });
      expect(kept).toMatchObject({ ...own, topic: 'orders', pubsubname: 'shop-pubsub' });
      expect((await fetch(`${sidecar.url}/v1.0/publish/nope/orders`, { method: 'POST', body: '{}' })).status).toBe(404);
    });

    it('when an API token is configured, then calls without it are refused with 401', async () => {
      const guarded = new DaprSidecarStandIn({ appId: 'cart', apiToken: 'secret' });
      await guarded.start();
      expect((await fetch(`${guarded.url}/v1.0/metadata`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/v1.0/metadata`, { headers: { 'dapr-api-token': 'secret' } })).status).toBe(200);
      await guarded.stop();
    });
  });

  describe('delivery to the app', () => {
    let sidecar: DaprSidecarStandIn;
    let app: Awaited<ReturnType<typeof startApp>>;
    let answer: (route: string, attempt: number) => { status: number; body?: string };

    beforeEach(async () => {
      answer = () => ({ status: 200, body: '{"status":"SUCCESS"}' });
      app = await startApp((route, attempt) => answer(route, attempt));
      sidecar = new DaprSidecarStandIn({ appId: 'order', appUrl: app.url, delivery: { maxAttempts: 3, initialBackoffMs: 20 }, apps: { order: app.url } });
      await sidecar.start();
    });

    afterEach(async () => {
      await sidecar.stop();
      await stopApp(app.server);
    });

    const publish = (topic: string, data: unknown) =>
      fetch(`${sidecar.url}/v1.0/publish/shop-pubsub/${topic}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(data) });

    it('when started, then it reads the app subscriptions and skips those of unknown components', () => {
      expect(sidecar.subscriptions.map((s) => [s.topic, s.route, s.deadLetterTopic])).toEqual([
        ['orders', '/events/orders', 'orders.deadletter'],
        ['no-dlq', '/events/no-dlq', undefined],
      ]);
    });

    it('when an event is published, then it is POSTed to the route as application/cloudevents+json', async () => {
      await publish('orders', { n: 1 });
      await sidecar.whenIdle();
      expect(app.received).toHaveLength(1);
      expect(app.received[0].contentType).toBe('application/cloudevents+json');
      expect(app.received[0].event).toMatchObject({ data: { n: 1 }, topic: 'orders', pubsubname: 'shop-pubsub' });
    });

    it('when the app answers RETRY, 500 or an unknown status, then the event is retried until the maximum and then dead-lettered', async () => {
      const answers = [{ status: 200, body: '{"status":"RETRY"}' }, { status: 500 }, { status: 200, body: '{"status":"LATER"}' }];
      answer = (_route, attempt) => answers[attempt - 1];
      await publish('orders', { n: 2 });
      await eventually(() => sidecar.deadLetters('orders').length === 1);
      await sidecar.whenIdle();
      expect(app.received.filter((r) => r.route === '/events/orders')).toHaveLength(3);
      expect(sidecar.broker.deadLettered[0]).toMatchObject({ reason: 'RETRIES_EXHAUSTED', attempts: 3, deadLetterTopic: 'orders.deadletter' });
      expect(sidecar.publishedEvents.map((p) => p.topic)).toEqual(['orders', 'orders.deadletter']);
    });

    it('when the app answers DROP, then the event is not retried and goes to the dead-letter topic', async () => {
      answer = () => ({ status: 200, body: '{"status":"DROP"}' });
      await publish('orders', { n: 3 });
      await eventually(() => sidecar.deadLetters('orders').length === 1);
      await sidecar.whenIdle();
      expect(app.received).toHaveLength(1);
      expect(sidecar.broker.deadLettered[0]).toMatchObject({ reason: 'DROP', attempts: 1 });
    });

    it('when the app answers 404, then the event is dropped like DROP; without a dead-letter topic it is only recorded', async () => {
      answer = () => ({ status: 404 });
      await publish('no-dlq', { n: 4 });
      await eventually(() => sidecar.deadLetters('no-dlq').length === 1);
      await sidecar.whenIdle();
      expect(app.received).toHaveLength(1);
      expect(sidecar.publishedEvents.map((p) => p.topic)).toEqual(['no-dlq']);
    });

    it('when the app answers 200 with an empty body, then the delivery counts as SUCCESS', async () => {
      answer = () => ({ status: 200 });
      await publish('orders', { n: 5 });
      await sidecar.whenIdle();
      expect(app.received).toHaveLength(1);
      expect(sidecar.deadLetters('orders')).toEqual([]);
    });

    it('when a method is invoked, then method, path, query, body and the answer status and headers pass through', async () => {
      const response = await fetch(`${sidecar.url}/v1.0/invoke/order/method/echo/a/b?x=1`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' });
      expect(response.status).toBe(202);
      expect(response.headers.get('x-target')).toBe('yes');
      expect(await response.json()).toEqual({ method: 'PUT', url: '/echo/a/b?x=1', body: 'hello', caller: 'order' });
      const byHeader = await fetch(`${sidecar.url}/echo/c`, { headers: { 'dapr-app-id': 'order' } });
      expect(await byHeader.json()).toMatchObject({ method: 'GET', url: '/echo/c' });
    });

    it('when the app id is unknown, then invocation answers 500 ERR_DIRECT_INVOKE', async () => {
      const response = await fetch(`${sidecar.url}/v1.0/invoke/nobody/method/x`);
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ errorCode: 'ERR_DIRECT_INVOKE' });
    });
  });
});
