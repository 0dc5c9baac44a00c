import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpServiceInvoker } from '@shop/building-blocks';
import { AppIds } from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { AuthUserAuthorizations } from '../src/auth-user-authorizations.client';

/** Auth's internal route as catalog's and order's client meets it: a real HTTP server that answers what a test says. */
describe('the client of auth\'s current roles (catalog and order)', () => {
  const appApiToken = 'roles-client-test-token-0123456789';
  let answer: (path: string) => { status: number; body?: unknown } | 'never';
  const seen: Array<{ path: string; token: string | undefined }> = [];
  let server: Server;
  let client: AuthUserAuthorizations;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', token: req.headers['dapr-api-token'] as string | undefined });
      const reply = answer(req.url ?? '');
      if (reply === 'never') return;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = new AuthUserAuthorizations({ invoker: new HttpServiceInvoker({ services: { [AppIds.auth]: url } }), authAppId: AppIds.auth, appApiToken, timeoutMs: 300 });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('when auth answers the user\'s roles, then they are returned, asked for with the app API token', async () => {
    answer = () => ({ status: 200, body: { userId: 'u-1', roles: ['customer', 'admin'], disabled: false } });
    expect(await client.authorizationOf('u-1')).toEqual({ userId: 'u-1', roles: ['customer', 'admin'], disabled: false });
    expect(seen).toEqual([{ path: '/internal/auth/user-authorizations/u-1', token: appApiToken }]);
  });

  it('when auth knows no such account (404), then undefined', async () => {
    answer = () => ({ status: 404, body: { status: 404 } });
    expect(await client.authorizationOf('gone')).toBeUndefined();
  });

  it.each<[string, () => ReturnType<typeof answer>]>([
    ['answers 500', () => ({ status: 500, body: { status: 500 } })],
    ['refuses the app API token (401)', () => ({ status: 401, body: { status: 401 } })],
    ['answers 200 outside the contract', () => ({ status: 200, body: { userId: 'u-1', roles: ['root'] } })],
    ['does not answer in time', () => 'never'],
  ])('when auth %s, then unavailable with a Retry-After, never a permission', async (_case, reply) => {
    answer = reply;
    const failure = await client.authorizationOf('u-1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ type: 'unavailable', retryAfterSeconds: 1 });
  });

  it('when auth cannot be reached at all, then unavailable', async () => {
    const unreachable = new AuthUserAuthorizations({ invoker: new HttpServiceInvoker({ services: {} }), authAppId: AppIds.auth });
    await expect(unreachable.authorizationOf('u-1')).rejects.toMatchObject({ type: 'unavailable' });
  });
});
