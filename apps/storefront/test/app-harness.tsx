import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { ApiClient } from '../src/api/client';
import { memorySessionStorage } from '../src/api/session';
import type { AuthRole } from '@shop/contracts';
import { AppProvider } from '../src/app/app-context';

/** A request the page sent, as the fake backend saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/api/catalog/products/p1`. */
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** An answer of the fake backend: JSON (problem+json from 400 up) with optional headers. */
export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Responder = FakeAnswer | ((request: RecordedRequest) => FakeAnswer);

/**
 * The platform's HTTP API as the web app sees it, in memory: answers by method and path (the latest `on` for a
 * route wins; `once` answers are used up first), and records every request. Unknown routes are 404; a responder that
 * throws is a lost connection (fetch rejects).
 */
export class FakeBackend {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Responder>();
  private readonly onceRoutes = new Map<string, Responder[]>();

  on(method: string, path: string, answer: Responder): this {
    this.routes.set(`${method} ${path}`, answer);
    return this;
  }

  once(method: string, path: string, answer: Responder): this {
    const key = `${method} ${path}`;
    this.onceRoutes.set(key, [...(this.onceRoutes.get(key) ?? []), answer]);
    return this;
  }

  has(method: string, path: string): boolean {
    return this.routes.has(`${method} ${path}`);
  }

  /** The requests other than the cart read the shell makes on its own. */
  adminRequests(method?: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path !== '/api/cart' && (!method || request.method === method));
  }

  readonly fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    // The client passes the path as a string; a URL or a Request would be read the same way.
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://shop.test');
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      path: url.pathname + url.search,
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    this.requests.push(request);
    const key = `${request.method} ${request.path}`;
    const responder = this.onceRoutes.get(key)?.shift() ?? this.routes.get(key) ?? { status: 404, body: { status: 404, title: 'Not found' } };
    const answer = typeof responder === 'function' ? responder(request) : responder;
    return fakeResponse(answer);
  }) as typeof fetch;
}

// jsdom has no fetch Response; the client reads only these members.
function fakeResponse(answer: FakeAnswer): Response {
  const headers = new Map(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
  return {
    status: answer.status,
    ok: answer.status >= 200 && answer.status < 300,
    statusText: '',
    headers: { get: (name: string) => headers.get(name.toLowerCase()) ?? null },
    text: async () => text,
    json: async () => JSON.parse(text),
  } as unknown as Response;
}

/** Renders `ui` inside the app's providers and a router at `path`, signed in with `roles` (an empty cart unless the backend answers the cart). */
export function renderWithApp(ui: ReactNode, options: { path: string; backend: FakeBackend; roles?: AuthRole[] }) {
  const user = { id: 'admin-1', email: 'admin@example.com', name: 'Admin', roles: options.roles ?? ['admin'], createdAt: '2030-01-01T00:00:00Z' };
  const client = new ApiClient({
    storage: memorySessionStorage({ accessToken: 'token', refreshToken: 'refresh', accessTokenExpiresAt: Date.now() + 3_600_000, user }),
    fetch: options.backend.fetch,
  });
  if (!options.backend.has('GET', '/api/cart')) options.backend.on('GET', '/api/cart', { status: 200, body: { cartId: null, owner: 'user', lines: [], itemCount: 0, subtotal: { amount: 0, currency: null }, hasAvailabilityIssues: false, createdAt: null, updatedAt: null } });
  return render(
    <MemoryRouter initialEntries={[options.path]}>
      <AppProvider client={client}>{ui}</AppProvider>
    </MemoryRouter>,
  );
}
