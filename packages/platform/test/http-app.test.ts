import express from 'express';
import expressPackage from 'express/package.json';
import request from 'supertest';
import { z } from 'zod';
import { createHttpApp, createLogger, createServiceMetrics, currentRequestContext, listen, parseOrThrow, type ReadinessCheck } from '@shop/platform';
import { AppError, silentLogger } from '@shop/kernel';

const logger = createLogger({ service: 'test', level: 'silent' });

/**
 * A request that stays in flight until the test lets it answer: `arrived` once the handler runs, `answer()` to let
 * it finish; `onAnswered` hears the status once the response has left the server.
 */
function heldRequest(onAnswered: (status: number) => void) {
  let arrive!: () => void;
  let answer!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const answered = new Promise<void>((resolve) => (answer = resolve));
  return {
    arrived,
    answer,
    hold: () => {
      arrive();
      return answered;
    },
    onAnswered,
  };
}

function buildApp(readinessChecks: ReadinessCheck[] = [], options: { readinessTimeoutMs?: number; slow?: ReturnType<typeof heldRequest> } = {}) {
  return createHttpApp({
    service: 'test',
    logger,
    metrics: createServiceMetrics('test', { collectProcessMetrics: false }),
    readinessChecks,
    readinessTimeoutMs: options.readinessTimeoutMs,
    mountRoutes: (app) => {
      const widget = z.object({ name: z.string().min(1), price: z.object({ amount: z.number().int().nonnegative(), currency: z.string().length(3) }) }).strict();
      app.post('/widgets', (req, res) => {
        const body = parseOrThrow(widget, req.body, 'body');
        res.status(201).json(body);
      });
      app.get('/widgets/:id', (req, res) => {
        if (req.params.id !== '1') throw new AppError('not_found', `No widget ${req.params.id}`);
        res.json({ id: '1', requestId: currentRequestContext()?.requestId });
      });
      app.get('/boom', async () => {
        throw new Error('database password is hunter2');
      });
      app.get('/busy', () => {
        throw new AppError('too_many_requests', 'Slow down', { retryAfterSeconds: 7 });
      });
      app.get('/slow', async (_req, res) => {
        await options.slow?.hold();
        res.on('finish', () => options.slow?.onAnswered(res.statusCode));
        res.json({ done: true });
      });
    },
  });
}

describe('createHttpApp', () => {
  const { app } = buildApp();

  it('when a request carries x-request-id, then the response echoes it and handlers see it in the context', async () => {
    const res = await request(app).get('/widgets/1').set('x-request-id', 'abc-123');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.body.requestId).toBe('abc-123');
  });

  it('when no or a malformed request id comes in, then a fresh one is issued', async () => {
    const res = await request(app).get('/widgets/1').set('x-request-id', 'has spaces and <script>');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when the body is valid, then the handler gets it', async () => {
    const res = await request(app).post('/widgets').send({ name: 'w', price: { amount: 100, currency: 'EUR' } });
    expect(res.status).toBe(201);
  });

  it('when fields are invalid, then 400 problem+json lists every failing field', async () => {
    const res = await request(app).post('/widgets').send({ name: '', price: { amount: 1.5, currency: 'EURO' }, extra: true });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'urn:shop:problem:invalid', status: 400, instance: '/widgets' });
    const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.price.amount', 'body.price.currency']));
    expect(fields.some((f) => f === 'body' || f.startsWith('body'))).toBe(true);
  });

  it('when the JSON is malformed, then 400 problem+json says so', async () => {
    const res = await request(app).post('/widgets').set('content-type', 'application/json').send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/not valid JSON/);
  });

  it('when the body is over 1 MiB, then 413', async () => {
    const res = await request(app).post('/widgets').send({ name: 'x'.repeat(1024 * 1024 + 10), price: { amount: 1, currency: 'EUR' } });
    expect(res.status).toBe(413);
    expect(res.body.type).toBe('urn:shop:problem:payload_too_large');
  });

  it('when the body is not JSON, then 415', async () => {
    const res = await request(app).post('/widgets').set('content-type', 'text/plain').send('name=w');
    expect(res.status).toBe(415);
    expect(res.body.type).toBe('urn:shop:problem:unsupported_media_type');
  });

  it('when a route streams its own body, then that body reaches it unread while every other non-JSON body is still a 415', async () => {
    const streaming = createHttpApp({
      service: 'test',
      logger,
      metrics: createServiceMetrics('test', { collectProcessMetrics: false }),
      streamedBodies: (req) => req.path === '/uploads',
      mountRoutes: (app) => {
        app.post('/uploads', async (req, res) => {
          const chunks: Buffer[] = [];
          for await (const chunk of req) chunks.push(chunk as Buffer);
          res.json({ parsed: req.body !== undefined, received: Buffer.concat(chunks).toString('utf8') });
        });
        app.post('/other', (_req, res) => res.json({ ok: true }));
      },
    });
    const upload = await request(streaming.app).post('/uploads').set('content-type', 'text/plain').send('raw bytes');
    expect(upload.body).toEqual({ parsed: false, received: 'raw bytes' });
    await request(streaming.app).post('/other').set('content-type', 'text/plain').send('raw bytes').expect(415);
  });

  it('when a route does not exist, then 404 problem+json', async () => {
    const res = await request(app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, type: 'urn:shop:problem:not_found' });
  });

  it('when a handler throws an unknown error, then 500 with a masked detail that leaks nothing', async () => {
    const res = await request(app).get('/boom');
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toMatch(/hunter2/);
  });

  it('when an error carries retryAfterSeconds, then Retry-After is sent', async () => {
    const res = await request(app).get('/busy');
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
  });

  it('when /metrics is scraped, then the request histogram has route templates', async () => {
    await request(app).get('/widgets/1');
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/widgets\/:id"[^}]*\}/);
  });

  it('when helmet is on, then security headers are set and x-powered-by is not', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('readiness', () => {
  it('when every check passes, then /readyz is 200', async () => {
    const { app } = buildApp([{ name: 'db', check: async () => undefined }]);
    expect((await request(app).get('/readyz')).status).toBe(200);
  });

  it('when a dependency fails or hangs, then /readyz is 503 and names it', async () => {
    // A check that never answers is cut off by the per-check timeout, shortened here from its 2 s default.
    const { app } = buildApp(
      [
        { name: 'db', check: async () => Promise.reject(new Error('connection refused')) },
        { name: 'cache', check: () => new Promise(() => undefined) },
      ],
      { readinessTimeoutMs: 100 },
    );
    const res = await request(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.checks).toEqual([
      { name: 'db', ok: false, error: 'connection refused' },
      { name: 'cache', ok: false, error: expect.stringMatching(/did not answer within 100 ms/) },
    ]);
  });
});

describe('readiness, degraded', () => {
  it('when a dependency is partly down but the service still serves, then /readyz is 200, says degraded and why, and a failing one still makes it 503', async () => {
    const degraded = { name: 'db', check: async () => ({ degraded: 'primary gone; reads from the replica' }) };
    const res = await request(buildApp([degraded, { name: 'cache', check: async () => undefined }]).app).get('/readyz');
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: { status: 'degraded', checks: [{ name: 'db', ok: true, degraded: 'primary gone; reads from the replica' }, { name: 'cache', ok: true }] },
    });
    const failing = await request(buildApp([degraded, { name: 'cache', check: async () => Promise.reject(new Error('refused')) }]).app).get('/readyz');
    expect(failing.status).toBe(503);
    expect(failing.body.status).toBe('not_ready');
  });
});

describe('graceful shutdown', () => {
  it('when stopped during a request, then the request completes, readiness turns 503 first, and closers run after', async () => {
    const order: string[] = [];
    const slow = heldRequest((status) => order.push(`slow answered ${status}`));
    const httpApp = buildApp([], { slow });
    const running = await listen(httpApp, {
      port: 0,
      host: '127.0.0.1',
      logger,
      closers: [{ name: 'pool', close: async () => void order.push('pool closed') }],
    });
    // `connection: close`: the case is the drain of an in-flight request. An idle keep-alive socket would instead
    // hold stop() until shutdownTimeoutMs runs out (10 s by default) and test the forced close.
    const inFlight = fetch(`${running.url}/slow`, { headers: { connection: 'close' } }).then((res) => res.json());
    await slow.arrived;
    const stopping = running.stop();
    expect((await request(httpApp.app).get('/readyz')).status).toBe(503);
    expect(order).toEqual([]);
    slow.answer();
    await expect(inFlight).resolves.toEqual({ done: true });
    await stopping;
    expect(order).toEqual(['slow answered 200', 'pool closed']);
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
  });

  it('when a keep-alive request finishes during stop, then its idle connection is closed at once, not by the timeout, and the closers run', async () => {
    const order: string[] = [];
    const warnings: string[] = [];
    const slow = heldRequest((status) => order.push(`slow answered ${status}`));
    const running = await listen(buildApp([], { slow }), {
      port: 0,
      host: '127.0.0.1',
      logger: { ...silentLogger, warn: (_details, message) => void warnings.push(message) },
      // Far longer than the drain takes: reaching it would log the forced close below.
      shutdownTimeoutMs: 20_000,
      closers: [{ name: 'pool', close: async () => void order.push('pool closed') }],
    });
    const inFlight = fetch(`${running.url}/slow`).then((res) => res.json());
    await slow.arrived;
    const stopping = running.stop();
    slow.answer();
    await expect(inFlight).resolves.toEqual({ done: true });
    await stopping;
    expect(order).toEqual(['slow answered 200', 'pool closed']);
    expect(warnings).toEqual([]);
  });
});

describe('express integration', () => {
  it('when express is imported by services, then it is version 5', () => {
    // Async handler rejections reach the error handler only on Express 5; the app factory relies on it.
    expect(typeof express.Router).toBe('function');
    expect(expressPackage.version).toMatch(/^5\./);
  });
});

describe('client address', () => {
  function addressApp(trustedProxies?: string[]) {
    return createHttpApp({
      service: 'test',
      logger,
      metrics: createServiceMetrics('test', { collectProcessMetrics: false }),
      trustedProxies,
      mountRoutes: (app) => {
        app.get('/ip', (req, res) => void res.json({ ip: req.ip }));
      },
    }).app;
  }
  const ipOf = async (app: express.Express, forwardedFor?: string) => {
    const call = request(app).get('/ip');
    return ((await (forwardedFor === undefined ? call : call.set('X-Forwarded-For', forwardedFor))).body as { ip: string }).ip;
  };

  it('when no proxy is trusted (the default), then X-Forwarded-For is ignored and the address is the peer, whatever the client writes', async () => {
    const app = addressApp();
    const peer = await ipOf(app);
    expect(await ipOf(app, '203.0.113.1')).toBe(peer);
    expect(await ipOf(app, '203.0.113.2, 10.0.0.1')).toBe(peer);
  });

  it('when the peer is a trusted proxy, then the address is the nearest untrusted hop of X-Forwarded-For, not what the client prepended', async () => {
    const app = addressApp(['loopback', '10.20.16.0/24']);
    expect(await ipOf(app, '203.0.113.5')).toBe('203.0.113.5');
    // The client wrote 198.51.100.1; the trusted App Gateway (10.20.16.4) appended the address it saw, 203.0.113.5.
    expect(await ipOf(app, '198.51.100.1, 203.0.113.5, 10.20.16.4')).toBe('203.0.113.5');
  });

  it('when a trusted proxy writes addresses with ports (Application Gateway), then the address is the same for every connection of the client', async () => {
    const app = addressApp(['loopback']);
    expect(await ipOf(app, '203.0.113.5:51234')).toBe('203.0.113.5');
    expect(await ipOf(app, '203.0.113.5:60001')).toBe('203.0.113.5');
    expect(await ipOf(app, '[2001:db8::5]:60001')).toBe('2001:db8::5');
  });

  it('when a service serves metrics (the default), then /metrics answers; when told not to, then 404', async () => {
    const quiet = createHttpApp({ service: 'test', logger, metrics: createServiceMetrics('test', { collectProcessMetrics: false }), serveMetrics: false, mountRoutes: () => undefined }).app;
    expect((await request(addressApp()).get('/metrics')).status).toBe(200);
    expect((await request(quiet).get('/metrics')).status).toBe(404);
  });
});
