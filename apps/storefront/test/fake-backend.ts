/** A request the page sent, as the fake backend saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/api/catalog/products/p1`. */
  path: string;
  headers: Record<string, string>;
  /** The JSON body parsed, or the FormData of an upload. */
  body: unknown;
  /** Whether the browser would attach cookies (`same-origin` for every request of the app). */
  credentials: RequestCredentials | undefined;
}

/** An answer of the fake backend: JSON (problem+json from 400 up) with optional headers. */
export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Responder = FakeAnswer | ((request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>);

/**
 * The platform's HTTP API as the web app sees it, in memory: answers by method and path (the latest `on` for a
 * route wins; `once` answers are used up first), and records every request. Unknown routes are 404; a responder that
 * throws is a lost connection (fetch rejects); one that returns a promise answers when it settles.
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
      // JSON as parsed; a multipart body (FormData) as sent.
      body: typeof init.body === 'string' ? JSON.parse(init.body) : (init.body ?? undefined),
      credentials: init.credentials,
    };
    this.requests.push(request);
    const key = `${request.method} ${request.path}`;
    const responder = this.onceRoutes.get(key)?.shift() ?? this.routes.get(key) ?? { status: 404, body: { status: 404, title: 'Not found' } };
    const answer = typeof responder === 'function' ? await responder(request) : responder;
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

