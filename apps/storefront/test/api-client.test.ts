import { ApiError, describeApiError } from '../src/api/api-error';
import { createTranslator } from '../src/i18n/translator';
import { ApiClient, type ApiClientOptions } from '../src/api/client';
import { browserLock, browserSessionChannel, tabLocalLock, type LockRunner, type Session, type SessionChannel, type SessionMessage } from '../src/api/session';
import { FakeBackend } from './fake-backend';
import { FakeSessionAuth, sessionUser } from './fake-session-auth';

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

/** The URL fetch was called with, whichever form it took (the client passes a string). */
const urlOf = (input: RequestInfo | URL): string => (typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);

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

describe('ApiClient', () => {
  it('when the API answers a problem, then it throws an ApiError with the status, the problem and its field errors', async () => {
    const { fetchImpl } = fakeFetch(() =>
      json(400, { type: 'https://shop/problems/validation', title: 'Invalid request', status: 400, detail: 'quantity is invalid', errors: [{ field: 'body.quantity', message: 'must be ≥ 1' }] }),
    );
    const client = new ApiClient({ fetch: fetchImpl, channel: null });
    const error = await client.request('/api/cart/items', { method: 'POST', body: { productId: 'p', quantity: 0 } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).fieldMessage('quantity')).toBe('must be ≥ 1');
    expect(describeApiError(error)).toBe('Please correct the highlighted fields.');
  });

  it('when a proxy answers an HTML error page, then the error still carries the status and reads as a server problem', async () => {
    const { fetchImpl } = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }));
    const client = new ApiClient({ fetch: fetchImpl, channel: null });
    const error = (await client.request('/api/catalog/products').catch((caught: unknown) => caught)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.problem.title).toBe('Bad Gateway');
    expect(describeApiError(error)).toMatch(/having trouble/);
  });

  it('when the network fails, then the error has status 0 and says to check the connection', async () => {
    const { fetchImpl } = fakeFetch(() => {
      throw new TypeError('fetch failed');
    });
    const client = new ApiClient({ fetch: fetchImpl, channel: null });
    const error = (await client.request('/api/cart').catch((caught: unknown) => caught)) as ApiError;
    expect(error.isNetworkError).toBe(true);
    expect(describeApiError(error)).toMatch(/could not reach/);
  });

  it('when a login is throttled, then the wait from Retry-After is in the message', async () => {
    const { fetchImpl } = fakeFetch(() => json(429, { status: 429, title: 'Too many requests' }, { 'retry-after': '120' }));
    const client = new ApiClient({ fetch: fetchImpl, channel: null });
    const error = await client.signIn('a@example.com', 'x').catch((caught: unknown) => caught);
    expect(describeApiError(error)).toBe('Too many attempts. Please wait 2 minutes and try again.');
  });

  it('when the language is de or ja, then the words around a problem are translated and the service\'s detail is shown as sent', () => {
    const de = createTranslator('de');
    const ja = createTranslator('ja');
    expect(describeApiError(new ApiError(0, { status: 0 }), de)).toBe('Wir konnten den Shop nicht erreichen. Prüfen Sie Ihre Verbindung und versuchen Sie es noch einmal.');
    expect(describeApiError(new ApiError(404, { status: 404, title: 'Not Found' }), de)).toBe('Wir konnten nicht finden, wonach Sie gesucht haben.');
    expect(describeApiError(new ApiError(503, { status: 503, title: 'Unavailable' }), ja)).toBe('現在ショップで問題が発生しています。しばらくしてから、もう一度お試しください。');
    expect(describeApiError(new ApiError(429, { status: 429, retryAfterSeconds: 60 }), de)).toBe('Zu viele Versuche. Bitte warten Sie 1 Minute und versuchen Sie es dann noch einmal.');
    // The service's own sentence is not guessed at: it stays as the service wrote it.
    expect(describeApiError(new ApiError(409, { status: 409, detail: 'A product with SKU LAMP-7 already exists' }), de)).toBe('A product with SKU LAMP-7 already exists');
    expect(describeApiError(new ApiError(409, { status: 409 }), de)).toBe('Das wurde inzwischen geändert. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.');
  });

  it('when a route needs a user and nobody is signed in, then it fails with 401 without calling the API', async () => {
    const { fetchImpl, calls } = fakeFetch(() => json(200, {}));
    const client = new ApiClient({ fetch: fetchImpl, channel: null });
    await expect(client.request('/api/orders', { auth: 'required' })).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(0);
  });

  it('when a request carries a body, then it is JSON with the given content type and headers', async () => {
    const { fetchImpl, calls } = fakeFetch(() => json(200, {}));
    const client = new ApiClient({ fetch: fetchImpl, channel: null });
    await client.request('/api/catalog/products/p1', { method: 'PATCH', body: { name: 'x' }, contentType: 'application/merge-patch+json', headers: { 'if-match': '"v3"' } });
    const headers = calls[0].init.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/merge-patch+json');
    expect(headers['if-match']).toBe('"v3"');
    expect(calls[0].init.body).toBe('{"name":"x"}');
  });

  it('when a request carries FormData (an upload), then it is sent as it is, and fetch writes the multipart content type with its boundary', async () => {
    const { fetchImpl, calls } = fakeFetch(() => json(201, {}));
    const client = new ApiClient({ fetch: fetchImpl, channel: null });
    const form = new FormData();
    form.set('file', new Blob(['x'], { type: 'image/png' }), 'x.png');
    await client.request('/api/catalog/products/p1/images', { method: 'POST', body: form });
    expect(calls[0].init.body).toBe(form);
    expect(calls[0].init.headers as Record<string, string>).not.toHaveProperty('content-type');
  });
});

/** Polls `condition` every few milliseconds until it holds (no fixed sleeps), failing after `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A browser's session endpoints and one API route that checks the bearer token like every service does. */
function platform() {
  const backend = new FakeBackend();
  const auth = new FakeSessionAuth().install(backend);
  backend.on('GET', '/api/orders', (request) => (auth.accepts(request.headers.authorization) ? { status: 200, body: { items: [], nextCursor: null } } : { status: 401, body: { status: 401 } }));
  backend.on('GET', '/api/cart', (request) => ({ status: 200, body: { owner: request.headers.authorization ? 'user' : 'guest' } }));
  const refreshRequests = () => backend.requests.filter((request) => request.path === '/api/auth/session/refresh');
  return { backend, auth, refreshRequests };
}

const expiredSession = (accessToken = 'access-old'): Session => ({ accessToken, accessTokenExpiresAt: Date.now() - 1, user: sessionUser });

describe('ApiClient session (the refresh token is auth\'s HttpOnly cookie)', () => {
  const clients: ApiClient[] = [];
  const tab = (backend: FakeBackend, options: ApiClientOptions = {}) => {
    const client = new ApiClient({ fetch: backend.fetch, channel: null, ...options });
    clients.push(client);
    return client;
  };
  afterEach(() => clients.splice(0).forEach((client) => client.close()));

  it('when the page loads with a session cookie, then one refresh restores the user, sent with the cookie, no token in the body', async () => {
    const { backend, auth, refreshRequests } = platform();
    auth.signIn();
    const client = tab(backend);
    expect(client.user).toBeUndefined();
    expect(client.isRestored).toBe(false);
    await client.restore();
    expect(client.user).toEqual(sessionUser);
    expect(client.isRestored).toBe(true);
    expect(refreshRequests()).toEqual([expect.objectContaining({ method: 'POST', body: undefined, credentials: 'same-origin' })]);
    expect(auth.presented).toEqual(['refresh-1']);
    // Restoring twice (React's double effect in development) refreshes once.
    await client.restore();
    expect(refreshRequests()).toHaveLength(1);
  });

  it('when there is no session cookie, then the restore ends signed out and requests go as a guest\'s', async () => {
    const { backend } = platform();
    const client = tab(backend);
    await client.restore();
    expect(client.user).toBeUndefined();
    expect(client.isRestored).toBe(true);
    await expect(client.request<{ owner: string }>('/api/cart')).resolves.toMatchObject({ data: { owner: 'guest' } });
  });

  it('when requests leave during the restore, then they wait for it and carry the restored token', async () => {
    const { backend, auth } = platform();
    auth.signIn();
    const client = tab(backend);
    const restoring = client.restore();
    const cart = await client.request<{ owner: string }>('/api/cart');
    await restoring;
    expect(cart.data.owner).toBe('user');
    const cartRead = backend.requests.find((request) => request.path === '/api/cart');
    expect(cartRead?.headers.authorization).toMatch(/^Bearer access-/);
  });

  it('when auth cannot be reached on load, then the tab is signed out for now and a later restore tries again', async () => {
    const { backend, auth } = platform();
    auth.signIn();
    backend.once('POST', '/api/auth/session/refresh', { status: 503, body: { status: 503, title: 'Service unavailable' } });
    const client = tab(backend);
    await client.restore();
    expect(client.user).toBeUndefined();
    await client.restore();
    expect(client.user).toEqual(sessionUser);
  });

  it('when the shopper signs in, then the reply\'s access token is used and the session cookie is what a reload restores', async () => {
    const { backend, auth } = platform();
    const client = tab(backend);
    await expect(client.signIn('a@example.com', 'a long walk in the park')).resolves.toEqual(sessionUser);
    await expect(client.request('/api/orders', { auth: 'required' })).resolves.toMatchObject({ status: 200 });
    expect(backend.requests.filter((request) => request.path.startsWith('/api/auth/session'))).toHaveLength(0);
    const afterReload = tab(backend);
    await afterReload.restore();
    expect(afterReload.user).toEqual(sessionUser);
    expect(auth.reuseDetected).toBe(0);
  });

  it('when the access token is refused, then the client refreshes once with the cookie, retries, and keeps the new token', async () => {
    const { backend, auth, refreshRequests } = platform();
    const first = auth.signIn();
    const client = tab(backend, { initialSession: { accessToken: first, accessTokenExpiresAt: Date.now() + 600_000, user: sessionUser } });
    auth.refuseAccessToken(first);
    await expect(client.request('/api/orders', { auth: 'required' })).resolves.toMatchObject({ status: 200 });
    expect(backend.requests.map((request) => request.path)).toEqual(['/api/orders', '/api/auth/session/refresh', '/api/orders']);
    expect(refreshRequests()).toHaveLength(1);
    await client.request('/api/orders', { auth: 'required' });
    expect(refreshRequests()).toHaveLength(1);
  });

  it('when several requests find the access token expired, then exactly one refresh runs (auth revokes a reused refresh token)', async () => {
    const { backend, auth, refreshRequests } = platform();
    auth.signIn();
    const client = tab(backend, { initialSession: expiredSession() });
    await Promise.all([client.request('/api/orders'), client.request('/api/orders'), client.request('/api/cart')]);
    expect(refreshRequests()).toHaveLength(1);
    const authorizations = backend.requests.filter((request) => request.method === 'GET').map((request) => request.headers.authorization);
    expect(new Set(authorizations).size).toBe(1);
    expect(auth.reuseDetected).toBe(0);
  });

  it('when the session cookie is no longer valid, then the session ends and listeners hear the user is gone', async () => {
    const { backend, auth } = platform();
    auth.signIn();
    auth.revokeAll();
    const client = tab(backend, { initialSession: expiredSession() });
    const seen: unknown[] = [];
    client.onUserChange((current) => seen.push(current));
    await expect(client.request('/api/orders', { auth: 'required' })).rejects.toMatchObject({ status: 401 });
    expect(client.user).toBeUndefined();
    expect(client.sessionEnd).toBe('expired');
    expect(seen).toEqual([undefined]);
  });

  it('when a refresh answers the account with other roles (a demotion), then listeners hear the account as it is now', async () => {
    const { backend, auth } = platform();
    auth.signIn();
    const client = tab(backend, { initialSession: { ...expiredSession(), user: { ...sessionUser, roles: ['customer', 'admin'] } } });
    expect(client.isAdmin).toBe(true);
    const seen: unknown[] = [];
    client.onUserChange((current) => seen.push(current));
    await client.request('/api/orders', { auth: 'required' });
    expect(client.isAdmin).toBe(false);
    expect(seen).toEqual([sessionUser]);
  });

  it('when the shopper signs out, then the session ends here and logout is posted with the cookie, which auth revokes', async () => {
    const { backend, auth } = platform();
    const token = auth.signIn();
    const client = tab(backend, { initialSession: { accessToken: token, accessTokenExpiresAt: Date.now() + 600_000, user: sessionUser } });
    await client.signOut();
    expect(client.user).toBeUndefined();
    expect(client.sessionEnd).toBe('signed-out');
    expect(backend.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/auth/session/logout', body: undefined, credentials: 'same-origin' });
    expect(auth.cookie).toBeUndefined();
  });

  it('when auth cannot be reached at sign-out, then the shopper is signed out here all the same', async () => {
    const { backend, auth } = platform();
    const token = auth.signIn();
    backend.on('POST', '/api/auth/session/logout', () => {
      throw new TypeError('network down');
    });
    const client = tab(backend, { initialSession: { accessToken: token, accessTokenExpiresAt: Date.now() + 600_000, user: sessionUser } });
    await expect(client.signOut()).resolves.toBeUndefined();
    expect(client.user).toBeUndefined();
  });

  it('when the shopper signs out everywhere, then revoke-all goes with the bearer token, every session ends and this tab is signed out', async () => {
    const { backend, auth } = platform();
    const token = auth.signIn();
    const client = tab(backend, { initialSession: { accessToken: token, accessTokenExpiresAt: Date.now() + 600_000, user: sessionUser } });
    await client.signOutEverywhere();
    expect(backend.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/auth/sessions/revoke-all', headers: expect.objectContaining({ authorization: `Bearer ${token}` }) });
    expect(client.user).toBeUndefined();
    // Another browser of the same account finds out at its next refresh.
    const otherBrowser = tab(backend);
    await otherBrowser.restore();
    expect(otherBrowser.user).toBeUndefined();
  });

  it('when revoke-all fails, then the shopper stays signed in and the error says why', async () => {
    const { backend, auth } = platform();
    const token = auth.signIn();
    backend.on('POST', '/api/auth/sessions/revoke-all', { status: 503, body: { status: 503, title: 'Service unavailable' } });
    const client = tab(backend, { initialSession: { accessToken: token, accessTokenExpiresAt: Date.now() + 600_000, user: sessionUser } });
    await expect(client.signOutEverywhere()).rejects.toMatchObject({ status: 503 });
    expect(client.user).toEqual(sessionUser);
  });
});

describe('ApiClient in several tabs of one browser', () => {
  const clients: ApiClient[] = [];
  const channels: SessionChannel[] = [];
  afterEach(() => {
    clients.splice(0).forEach((client) => client.close());
    channels.splice(0).forEach((channel) => channel.close());
  });
  let channelName = 0;

  /** Tabs sharing the browser's cookie jar (one fake auth), one lock and, like a browser, one BroadcastChannel name (Node's). */
  function browser(options: { sharedLock?: boolean } = {}) {
    const { backend, auth, refreshRequests } = platform();
    const name = `shop-session-test-${process.pid}-${++channelName}`;
    const lock = tabLocalLock();
    const openTab = (initialSession?: Session) => {
      const client = new ApiClient({ fetch: backend.fetch, channel: browserSessionChannel(name), withLock: options.sharedLock === false ? tabLocalLock() : lock, initialSession });
      clients.push(client);
      return client;
    };
    /** Listens on the channel as one more tab would, to know when a message went round. */
    const listen = () => {
      const channel = browserSessionChannel(name)!;
      channels.push(channel);
      const messages: SessionMessage[] = [];
      channel.subscribe((message) => messages.push(message));
      return messages;
    };
    return { backend, auth, refreshRequests, openTab, listen };
  }

  it('when two tabs load at once, then they refresh one after the other: no spent cookie is presented and both are signed in', async () => {
    const { auth, openTab } = browser();
    auth.signIn();
    const [first, second] = [openTab(), openTab()];
    await Promise.all([first.restore(), second.restore()]);
    expect(first.user).toEqual(sessionUser);
    expect(second.user).toEqual(sessionUser);
    expect(auth.reuseDetected).toBe(0);
    expect(new Set(auth.presented).size).toBe(auth.presented.length);
  });

  it('(control) when two tabs refresh at once without the shared lock, then they present the same cookie and auth revokes the session', async () => {
    const { auth, openTab } = browser({ sharedLock: false });
    auth.signIn();
    const [first, second] = [openTab(), openTab()];
    await Promise.all([first.restore(), second.restore()]);
    expect(auth.reuseDetected).toBe(1);
  });

  it('when two tabs find the access token expired at once, then neither presents a spent cookie and both keep working', async () => {
    const { auth, openTab, backend } = browser();
    auth.signIn();
    const [first, second] = [openTab(expiredSession()), openTab(expiredSession())];
    await Promise.all([first.request('/api/orders', { auth: 'required' }), second.request('/api/orders', { auth: 'required' })]);
    expect(auth.reuseDetected).toBe(0);
    expect(backend.requests.filter((request) => request.path === '/api/orders').every((request) => auth.accepts(request.headers.authorization))).toBe(true);
  });

  it('when a tab refreshed, then it shares the access token and the other tabs use it without refreshing', async () => {
    const { auth, openTab, backend, refreshRequests, listen } = browser();
    auth.signIn();
    const messages = listen();
    const [first, second] = [openTab(expiredSession()), openTab(expiredSession())];
    await first.request('/api/orders', { auth: 'required' });
    await until(() => messages.some((message) => message.kind === 'session'));
    await second.request('/api/orders', { auth: 'required' });
    expect(refreshRequests()).toHaveLength(1);
    const [byFirst, bySecond] = backend.requests.filter((request) => request.path === '/api/orders').map((request) => request.headers.authorization);
    expect(bySecond).toBe(byFirst);
  });

  it('when a tab signs in, then the other tabs are signed in too', async () => {
    const { openTab } = browser();
    const [first, second] = [openTab(), openTab()];
    await Promise.all([first.restore(), second.restore()]);
    const seen: unknown[] = [];
    second.onUserChange((current) => seen.push(current));
    await first.signIn('a@example.com', 'a long walk in the park');
    await until(() => second.user !== undefined);
    expect(seen).toEqual([sessionUser]);
  });

  it('when a tab signs out, then the other tabs are signed out at once', async () => {
    const { auth, openTab } = browser();
    auth.signIn();
    const [first, second] = [openTab(), openTab()];
    await first.restore();
    await second.restore();
    await first.signOut();
    await until(() => second.user === undefined);
    expect(auth.cookie).toBeUndefined();
  });

  it('when a tab signs out everywhere, then the other tabs of this browser are signed out at once', async () => {
    const { auth, openTab } = browser();
    auth.signIn();
    const [first, second] = [openTab(), openTab()];
    await first.restore();
    await second.restore();
    await first.signOutEverywhere();
    await until(() => second.user === undefined);
    expect([first.sessionEnd, second.sessionEnd]).toEqual(['signed-out-everywhere', 'signed-out-everywhere']);
    // Signing in again starts afresh.
    await second.signIn('a@example.com', 'a long walk in the park');
    expect(second.sessionEnd).toBeUndefined();
  });
});

describe('the lock and the channel between tabs', () => {
  /** Tabs whose messages arrive at once (while the receiver still waits for the lock): the check after the lock is deterministic. */
  function instantChannels() {
    const members = new Set<(message: SessionMessage) => void>();
    return (): SessionChannel => {
      let own: ((message: SessionMessage) => void) | undefined;
      return {
        post: (message) => members.forEach((member) => member !== own && member(structuredClone(message))),
        subscribe(listener) {
          own = listener;
          members.add(listener);
          return () => members.delete(listener);
        },
        close: () => own && members.delete(own),
      };
    };
  }

  it('when a tab takes the lock after another tab refreshed and shared its session, then it uses that session instead of refreshing', async () => {
    const { backend, auth, refreshRequests } = platform();
    auth.signIn();
    const join = instantChannels();
    const lock = tabLocalLock();
    const tabs = [0, 1, 2].map(() => new ApiClient({ fetch: backend.fetch, channel: join(), withLock: lock }));
    await Promise.all(tabs.map((client) => client.restore()));
    expect(refreshRequests()).toHaveLength(1);
    for (const client of tabs) expect(client.user).toEqual(sessionUser);
    tabs.forEach((client) => client.close());
  });

  it('when another tab shares an older session than this tab holds, then this tab keeps its own; another account\'s it takes', async () => {
    const join = instantChannels();
    const other = join();
    const backend = new FakeBackend().on('GET', '/api/orders', { status: 200, body: {} });
    const fresh = { accessToken: 'fresh', accessTokenExpiresAt: Date.now() + 900_000, user: sessionUser };
    const client = new ApiClient({ fetch: backend.fetch, channel: join(), withLock: tabLocalLock(), initialSession: fresh });
    other.post({ kind: 'session', session: { ...fresh, accessToken: 'older', accessTokenExpiresAt: Date.now() + 60_000 } });
    await client.request('/api/orders');
    expect(backend.requests.at(-1)?.headers.authorization).toBe('Bearer fresh');
    other.post({ kind: 'session', session: { ...fresh, accessToken: 'other-account', accessTokenExpiresAt: Date.now() + 60_000, user: { ...sessionUser, id: 'u2' } } });
    expect(client.user?.id).toBe('u2');
    client.close();
  });

  it('when the browser has no Web Locks API, then the fallback lock still runs the tasks of one name one at a time', async () => {
    expect((globalThis as { navigator?: unknown }).navigator === undefined || !(globalThis.navigator as Navigator & { locks?: unknown }).locks).toBe(true);
    const lock: LockRunner = browserLock();
    const events: string[] = [];
    const task = (id: string) => async () => {
      events.push(`start ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`end ${id}`);
      if (id === 'b') throw new Error('b failed');
      return id;
    };
    const results = await Promise.allSettled([lock('x', task('a')), lock('x', task('b')), lock('x', task('c'))]);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('when the browser has the Web Locks API, then session requests run under the lock named shop-session-refresh', async () => {
    const names: string[] = [];
    const locks = { request: (name: string, task: () => Promise<unknown>) => (names.push(name), task()) };
    Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true, writable: true });
    try {
      const { backend, auth } = platform();
      auth.signIn();
      const client = new ApiClient({ fetch: backend.fetch, channel: null });
      await client.restore();
      await client.signOut();
      expect(names).toEqual(['shop-session-refresh', 'shop-session-refresh']);
    } finally {
      Reflect.deleteProperty(globalThis, 'navigator');
    }
  });

  it('when a message on the channel is not one of the shop\'s, then it is ignored', async () => {
    const name = `shop-session-junk-${process.pid}`;
    const sender = new BroadcastChannel(name);
    const channel = browserSessionChannel(name)!;
    const received: SessionMessage[] = [];
    channel.subscribe((message) => received.push(message));
    sender.postMessage({ kind: 'session', session: { accessToken: 1 } });
    sender.postMessage('hello');
    sender.postMessage({ kind: 'signed-out' });
    await until(() => received.length > 0);
    expect(received).toEqual([{ kind: 'signed-out', reason: 'signed-out' }]);
    sender.close();
    channel.close();
  });
});
