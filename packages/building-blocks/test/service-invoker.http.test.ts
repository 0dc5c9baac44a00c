import { HttpServiceInvoker } from '../src';
import { describeServiceInvokerContract } from './service-invoker.contract';

describeServiceInvokerContract('HttpServiceInvoker', async ({ target, down }) => ({
  invoker: new HttpServiceInvoker({ services: { target: `${target}/`, down } }),
  cleanup: async () => undefined,
}));

describe('HttpServiceInvoker caller identity', () => {
  it('when a caller app id is configured, then the target sees it in dapr-caller-app-id, as behind a sidecar', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ caller: req.headers['dapr-caller-app-id'] ?? null }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const named = new HttpServiceInvoker({ services: { target: url }, callerAppId: 'cart' });
      const anonymous = new HttpServiceInvoker({ services: { target: url } });
      expect((await named.invoke('target', { method: 'GET', path: '/' })).body).toEqual({ caller: 'cart' });
      expect((await anonymous.invoke('target', { method: 'GET', path: '/' })).body).toEqual({ caller: null });
    } finally {
      server.close();
    }
  });
});
