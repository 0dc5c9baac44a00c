import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ServiceUnavailableError, type ServiceInvoker } from '../src';

/** The apps an invoker under test must reach: `target` answers, `down` is a URL where nothing listens. */
export interface InvokerTargets {
  target: string;
  down: string;
}

/** An invoker that knows the apps `target` and `down` by those ids, and how to tear it down. */
export interface ServiceInvokerUnderTest {
  invoker: ServiceInvoker;
  cleanup(): Promise<void>;
}

/** The app the contract calls: it echoes what it received and has routes for each kind of answer. */
function targetApp(): express.Express {
  const app = express();
  app.use(express.json({ type: ['application/json', 'application/*+json'] }));
  app.use(express.text({ type: 'text/*' }));
  app.use('/echo', (req, res) => {
    res.setHeader('x-echoed-by', 'target');
    res.status(req.method === 'POST' ? 201 : 200).json({
      method: req.method,
      url: req.originalUrl,
      body: req.body ?? null,
      headers: { 'x-correlation-id': req.headers['x-correlation-id'], 'content-type': req.headers['content-type'] },
    });
  });
  app.get('/missing', (_req, res) => {
    res.status(404).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no product p-404' }));
  });
  app.post('/conflict', (_req, res) => {
    res.status(409).setHeader('retry-after', '3');
    res.type('application/problem+json').send(JSON.stringify({ title: 'Conflict', status: 409 }));
  });
  app.get('/text', (_req, res) => {
    res.type('text/plain').send('plain words');
  });
  app.delete('/things/:id', (_req, res) => {
    res.status(204).end();
  });
  app.get('/slow', (_req, res) => {
    const timer = setTimeout(() => res.json({ late: true }), 3000);
    res.on('close', () => clearTimeout(timer));
  });
  return app;
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A URL on which nothing listens: a port that was free a moment ago. */
async function deadUrl(): Promise<string> {
  const { server, url } = await listen(express());
  await new Promise((resolve) => server.close(resolve));
  return url;
}

/** Runs the ServiceInvoker contract against one adapter; every adapter must pass it unchanged. */
export function describeServiceInvokerContract(name: string, makeInvoker: (targets: InvokerTargets) => Promise<ServiceInvokerUnderTest>): void {
  describe(`ServiceInvoker contract: ${name}`, () => {
    let server: Server;
    let subject: ServiceInvokerUnderTest;
    let invoker: ServiceInvoker;

    beforeAll(async () => {
      const target = await listen(targetApp());
      server = target.server;
      subject = await makeInvoker({ target: target.url, down: await deadUrl() });
      invoker = subject.invoker;
    });

    afterAll(async () => {
      await subject?.cleanup();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('when a POST carries a JSON body and headers, then the target gets them and its status, headers and JSON body come back', async () => {
      const response = await invoker.invoke<{ method: string; url: string; body: unknown; headers: Record<string, string> }>('target', {
        method: 'POST',
        path: '/echo/orders?include=lines',
        body: { sku: 'A-1', quantity: 2 },
        headers: { 'X-Correlation-Id': 'corr-1' },
      });
      expect(response.status).toBe(201);
      expect(response.headers['x-echoed-by']).toBe('target');
      expect(response.body).toEqual({
        method: 'POST',
        url: '/echo/orders?include=lines',
        body: { sku: 'A-1', quantity: 2 },
        headers: { 'x-correlation-id': 'corr-1', 'content-type': expect.stringContaining('application/json') },
      });
    });

    it.each(['GET', 'PUT', 'PATCH', 'DELETE'] as const)('when the method is %s, then the target sees that method', async (method) => {
      const response = await invoker.invoke<{ method: string }>('target', { method, path: '/echo/x', body: method === 'GET' || method === 'DELETE' ? undefined : { a: 1 } });
      expect(response.status).toBe(200);
      expect(response.body.method).toBe(method);
    });

    it('when the target answers 404 with a problem body, then the status and the parsed problem are returned, not thrown', async () => {
      const response = await invoker.invoke('target', { method: 'GET', path: '/missing' });
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no product p-404' });
    });

    it('when the target answers 409 with headers, then they are preserved', async () => {
      const response = await invoker.invoke('target', { method: 'POST', path: '/conflict', body: {} });
      expect(response.status).toBe(409);
      expect(response.headers['retry-after']).toBe('3');
      expect(response.body).toEqual({ title: 'Conflict', status: 409 });
    });

    it('when the target answers text, then the body is the text', async () => {
      const response = await invoker.invoke('target', { method: 'GET', path: '/text' });
      expect(response).toMatchObject({ status: 200, body: 'plain words' });
    });

    it('when the target answers 204, then the body is undefined', async () => {
      const response = await invoker.invoke('target', { method: 'DELETE', path: '/things/1' });
      expect(response.status).toBe(204);
      expect(response.body).toBeUndefined();
    });

    it('when the target does not answer within the timeout, then it throws ServiceUnavailableError', async () => {
      const started = Date.now();
      const error = await invoker.invoke('target', { method: 'GET', path: '/slow', timeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect((error as ServiceUnavailableError).appId).toBe('target');
      expect(Date.now() - started).toBeLessThan(2500);
    });

    it('when the app id is unknown, then it throws ServiceUnavailableError', async () => {
      const error = await invoker.invoke('no-such-app', { method: 'GET', path: '/echo' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect((error as ServiceUnavailableError).appId).toBe('no-such-app');
    });

    it('when nothing listens where the app should be, then it throws ServiceUnavailableError', async () => {
      await expect(invoker.invoke('down', { method: 'GET', path: '/echo' })).rejects.toBeInstanceOf(ServiceUnavailableError);
    });
  });
}
