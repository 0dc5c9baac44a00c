import { ApiError, describeApiError } from '../src/api/api-error';
import { ApiClient } from '../src/api/client';
import { memorySessionStorage, type SessionTokens } from '../src/api/session';
import type { AuthUser } from '@shop/contracts';

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

/** The URL fetch was called with, whichever form it took (the client passes a string). */
const urlOf = (input: RequestInfo | URL): string => (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);

/** The JSON body of a request the client sent (always a string of JSON). */
function jsonBodyOf(init: RequestInit): unknown {
  if (typeof init.body !== 'string') throw new Error(`expected a JSON text body, got ${typeof init.body}`);
  return JSON.parse(init.body);
}

function fakeFetch(handler: Handler) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: urlOf(input), init: init ?? {} });
    return handler(urlOf(input), init ?? {});
  }) as typeof fetch;
  return { fetchImpl, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers } });

const user: AuthUser = { id: 'u1', email: 'a@example.com', name: 'A', roles: ['customer'], createdAt: '2030-01-01T00:00:00Z' };
const session = (accessToken: string, expiresAt: number): SessionTokens => ({ accessToken, refreshToken: 'r1', accessTokenExpiresAt: expiresAt, user });
const authorization = (init: RequestInit) => (init.headers as Record<string, string>).authorization;

describe('ApiClient', () => {
  it('when the API answers a problem, then it throws an ApiError with the status, the problem and its field errors', async () => {
    const { fetchImpl } = fakeFetch(() =>
      json(400, { type: 'https://shop/problems/validation', title: 'Invalid request', status: 400, detail: 'quantity is invalid', errors: [{ field: 'body.quantity', message: 'must be ≥ 1' }] }),
    );
    const client = new ApiClient({ storage: memorySessionStorage(), fetch: fetchImpl });
    const error = await client.request('/api/cart/items', { method: 'POST', body: { productId: 'p', quantity: 0 } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).fieldMessage('quantity')).toBe('must be ≥ 1');
    expect(describeApiError(error)).toBe('Please correct the highlighted fields.');
  });

  it('when a proxy answers an HTML error page, then the error still carries the status and reads as a server problem', async () => {
    const { fetchImpl } = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }));
    const client = new ApiClient({ storage: memorySessionStorage(), fetch: fetchImpl });
    const error = (await client.request('/api/catalog/products').catch((caught: unknown) => caught)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.problem.title).toBe('Bad Gateway');
    expect(describeApiError(error)).toMatch(/having trouble/);
  });

  it('when the network fails, then the error has status 0 and says to check the connection', async () => {
    const { fetchImpl } = fakeFetch(() => {
      throw new TypeError('fetch failed');
    });
    const client = new ApiClient({ storage: memorySessionStorage(), fetch: fetchImpl });
    const error = (await client.request('/api/cart').catch((caught: unknown) => caught)) as ApiError;
    expect(error.isNetworkError).toBe(true);
    expect(describeApiError(error)).toMatch(/could not reach/);
  });

  it('when a login is throttled, then the wait from Retry-After is in the message', async () => {
    const { fetchImpl } = fakeFetch(() => json(429, { status: 429, title: 'Too many requests' }, { 'retry-after': '120' }));
    const client = new ApiClient({ storage: memorySessionStorage(), fetch: fetchImpl });
    const error = await client.signIn('a@example.com', 'x').catch((caught: unknown) => caught);
    expect(describeApiError(error)).toBe('Too many attempts. Please wait 2 minute(s) and try again.');
  });

  it('when a route needs a user and nobody is signed in, then it fails with 401 without calling the API', async () => {
    const { fetchImpl, calls } = fakeFetch(() => json(200, {}));
    const client = new ApiClient({ storage: memorySessionStorage(), fetch: fetchImpl });
    await expect(client.request('/api/orders', { auth: 'required' })).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(0);
  });

  it('when the access token is refused, then the client refreshes once, retries, and keeps the rotated tokens', async () => {
    const storage = memorySessionStorage(session('old', Date.now() + 600_000));
    const { fetchImpl, calls } = fakeFetch((url, init) => {
      if (url.endsWith('/api/auth/refresh')) {
        expect(jsonBodyOf(init)).toEqual({ refreshToken: 'r1' });
        return json(200, { accessToken: 'new', refreshToken: 'r2', expiresIn: 900, tokenType: 'Bearer', user });
      }
      return authorization(init) === 'Bearer new' ? json(200, { items: [], nextCursor: null }) : json(401, { status: 401 });
    });
    const client = new ApiClient({ storage, fetch: fetchImpl });
    await expect(client.request('/api/orders', { auth: 'required' })).resolves.toMatchObject({ status: 200 });
    expect(calls.map((call) => call.url)).toEqual(['/api/orders', '/api/auth/refresh', '/api/orders']);
    expect(storage.read()).toMatchObject({ accessToken: 'new', refreshToken: 'r2' });
  });

  it('when several requests find the access token expired, then exactly one refresh runs (auth revokes a reused refresh token)', async () => {
    const { fetchImpl, calls } = fakeFetch(async (url) => {
      if (url.endsWith('/api/auth/refresh')) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return json(200, { accessToken: 'new', refreshToken: 'r2', expiresIn: 900, tokenType: 'Bearer', user });
      }
      return json(200, {});
    });
    const client = new ApiClient({ storage: memorySessionStorage(session('old', Date.now() - 1)), fetch: fetchImpl });
    await Promise.all([client.request('/api/cart'), client.request('/api/orders'), client.request('/api/auth/me')]);
    expect(calls.filter((call) => call.url.endsWith('/refresh'))).toHaveLength(1);
    expect(calls.filter((call) => !call.url.endsWith('/refresh')).map((call) => authorization(call.init))).toEqual(['Bearer new', 'Bearer new', 'Bearer new']);
  });

  it('when the refresh token is no longer valid, then the session ends and listeners hear the user is gone', async () => {
    const storage = memorySessionStorage(session('old', Date.now() - 1));
    const { fetchImpl } = fakeFetch((url) => (url.endsWith('/refresh') ? json(401, { status: 401 }) : json(200, {})));
    const client = new ApiClient({ storage, fetch: fetchImpl });
    const seen: unknown[] = [];
    client.onUserChange((current) => seen.push(current));
    await expect(client.request('/api/orders', { auth: 'required' })).rejects.toMatchObject({ status: 401 });
    expect(storage.read()).toBeUndefined();
    expect(client.user).toBeUndefined();
    expect(seen).toEqual([undefined]);
  });

  it('when a request carries a body, then it is JSON with the given content type and headers', async () => {
    const { fetchImpl, calls } = fakeFetch(() => json(200, {}));
    const client = new ApiClient({ storage: memorySessionStorage(), fetch: fetchImpl });
    await client.request('/api/catalog/products/p1', { method: 'PATCH', body: { name: 'x' }, contentType: 'application/merge-patch+json', headers: { 'if-match': '"v3"' } });
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/merge-patch+json');
    expect(headers['if-match']).toBe('"v3"');
    expect(calls[0].init.body).toBe('{"name":"x"}');
  });
});

describe('ApiClient in several tabs', () => {
  /** One lock for the "tabs" of a test, like the browser's Web Locks: tasks under one name run one at a time. */
  function sharedLock() {
    let tail: Promise<unknown> = Promise.resolve();
    return <T>(_name: string, task: () => Promise<T>): Promise<T> => {
      const run = tail.then(task, task);
      tail = run.catch(() => undefined);
      return run;
    };
  }

  it('when two tabs find the access token expired at once, then one refreshes and the other takes its tokens (a reused refresh token would end the session)', async () => {
    const used = new Set<string>();
    let refreshes = 0;
    const { fetchImpl } = fakeFetch(async (url, init) => {
      if (url.endsWith('/api/auth/refresh')) {
        refreshes += 1;
        const { refreshToken } = jsonBodyOf(init) as { refreshToken: string };
        await new Promise((resolve) => setTimeout(resolve, 10));
        // Like auth: a refresh token works once; presenting it again is refused (and revokes the family).
        if (used.has(refreshToken)) return json(401, { status: 401 });
        used.add(refreshToken);
        return json(200, { accessToken: `access-${refreshes}`, refreshToken: `r${refreshes + 1}`, expiresIn: 900, tokenType: 'Bearer', user });
      }
      return authorization(init)?.startsWith('Bearer access-') ? json(200, {}) : json(401, { status: 401 });
    });
    // localStorage is shared by the tabs; each tab has its own client (and its own copy of the session in memory).
    const storage = memorySessionStorage(session('old', Date.now() - 1));
    const withLock = sharedLock();
    const firstTab = new ApiClient({ storage, fetch: fetchImpl, withLock });
    const secondTab = new ApiClient({ storage, fetch: fetchImpl, withLock });

    await Promise.all([firstTab.request('/api/cart', { auth: 'required' }), secondTab.request('/api/orders', { auth: 'required' })]);
    expect(refreshes).toBe(1);
    expect(firstTab.user).toEqual(user);
    expect(secondTab.user).toEqual(user);
    expect(storage.read()).toMatchObject({ accessToken: 'access-1', refreshToken: 'r2' });
  });

  it('when another tab signed out, then this tab ends its session instead of refreshing', async () => {
    const storage = memorySessionStorage(session('old', Date.now() - 1));
    const { fetchImpl, calls } = fakeFetch(() => json(200, {}));
    const tab = new ApiClient({ storage, fetch: fetchImpl, withLock: (_name, task) => task() });
    storage.write(undefined);
    await expect(tab.request('/api/orders', { auth: 'required' })).rejects.toMatchObject({ status: 401 });
    expect(calls.filter((call) => call.url.endsWith('/refresh'))).toHaveLength(0);
    expect(tab.user).toBeUndefined();
  });
});
