import request from 'supertest';
import { createHttpApp, createLogger, createServiceMetrics, requireInternalCaller } from '@shop/platform';

function app(appApiToken?: string) {
  return createHttpApp({
    service: 'test',
    logger: createLogger({ service: 'test', level: 'silent' }),
    metrics: createServiceMetrics('test', { collectProcessMetrics: false }),
    mountRoutes: (a) => {
      a.post('/internal/thing', requireInternalCaller({ appApiToken }), (_req, res) => void res.json({ ok: true }));
    },
  }).app;
}

describe('requireInternalCaller', () => {
  it('when a token is configured and the caller presents it, then the route answers', async () => {
    await request(app('t0ken-abc')).post('/internal/thing').set('dapr-api-token', 't0ken-abc').expect(200);
  });

  it('when a token is configured and the caller presents none or another, then 401', async () => {
    await request(app('t0ken-abc')).post('/internal/thing').expect(401);
    await request(app('t0ken-abc')).post('/internal/thing').set('dapr-api-token', 't0ken-abd').expect(401);
    await request(app('t0ken-abc')).post('/internal/thing').set('dapr-api-token', 't0ken-abc-longer').expect(401);
  });

  it('when no token is configured (embedded, loopback), then the route is open', async () => {
    await request(app()).post('/internal/thing').expect(200);
  });
});
