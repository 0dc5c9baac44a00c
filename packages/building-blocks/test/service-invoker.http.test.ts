import { createServer, type Server } from 'node:http';
import { HttpServiceInvoker, ServiceUnavailableError } from '../src';
import { describeServiceInvokerContract } from './service-invoker.contract';

describeServiceInvokerContract('HttpServiceInvoker', async ({ target, down }) => ({
  invoker: new HttpServiceInvoker({ services: { target: `${target}/`, down } }),
  cleanup: async () => undefined,
}));

describe('HttpServiceInvoker caller identity', () => {
  it('when a caller app id is configured, then the target sees it in dapr-caller-app-id, as behind a sidecar', async () => {
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

describe('HttpServiceInvoker with replicas', () => {
  /** A replica that answers its name and counts what it served. */
  async function replica(name: string): Promise<{ server: Server; url: string; served: string[] }> {
    const served: string[] = [];
    const server = createServer((req, res) => {
      served.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ servedBy: name }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, served };
  }

  /** Closes a replica with the keep-alive sockets fetch still holds to it. */
  async function stop(server: Server): Promise<void> {
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  }

  /** A URL on which nothing listens: the port of a server just closed. */
  async function downUrl(): Promise<string> {
    const closed = await replica('closed');
    await stop(closed.server);
    return closed.url;
  }

  it('when an app lists two URLs, then consecutive calls go to each in turn', async () => {
    const [a, b] = await Promise.all([replica('a'), replica('b')]);
    try {
      const invoker = new HttpServiceInvoker({ services: { target: [a.url, `${b.url}/`] } });
      const servedBy: string[] = [];
      for (let i = 0; i < 4; i++) servedBy.push(((await invoker.invoke<{ servedBy: string }>('target', { method: 'GET', path: `/call/${i}` })).body).servedBy);
      expect(servedBy).toEqual(['a', 'b', 'a', 'b']);
      expect(a.served).toEqual(['GET /call/0', 'GET /call/2']);
      expect(b.served).toEqual(['GET /call/1', 'GET /call/3']);
    } finally {
      await Promise.all([stop(a.server), stop(b.server)]);
    }
  });

  it('when the replica whose turn it is cannot be reached, then the call fails and is not sent again to the other', async () => {
    const alive = await replica('alive');
    try {
      const invoker = new HttpServiceInvoker({ services: { target: [alive.url, await downUrl()] } });
      expect((await invoker.invoke('target', { method: 'POST', path: '/orders', body: { n: 1 } })).status).toBe(200);
      await expect(invoker.invoke('target', { method: 'POST', path: '/orders', body: { n: 2 } })).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect(alive.served).toEqual(['POST /orders']);
      expect((await invoker.invoke('target', { method: 'POST', path: '/orders', body: { n: 3 } })).status).toBe(200);
      expect(alive.served).toEqual(['POST /orders', 'POST /orders']);
    } finally {
      await stop(alive.server);
    }
  });

  it('when an app is listed with no URL, then it is unavailable', async () => {
    const invoker = new HttpServiceInvoker({ services: { target: [] } });
    await expect(invoker.invoke('target', { method: 'GET', path: '/' })).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
