import { randomBytes } from 'node:crypto';
import { describeNeedingBackend, type BackendAvailability } from './backend-requirement';

/** The real servers a suite can need, and the variable that points at each. */
export const Backends = {
  postgres: { variable: 'DATABASE_URL', what: 'PostgreSQL' },
  redis: { variable: 'REDIS_URL', what: 'Redis' },
} as const;
export type Backend = keyof typeof Backends;

/** The connection URL of a backend, or undefined when the environment does not name one. */
export function backendUrl(backend: Backend): string | undefined {
  const value = process.env[Backends[backend].variable];
  return value && value.trim() !== '' ? value : undefined;
}

/** The URLs of `backends` when every one is set, else why not (the variables that are not set). */
export function backendAvailability<B extends Backend>(backends: readonly B[]): BackendAvailability<Record<B, string>> {
  const urls = {} as Record<B, string>;
  const missing: Array<(typeof Backends)[Backend]> = [];
  for (const backend of backends) {
    const url = backendUrl(backend);
    if (url) urls[backend] = url;
    else missing.push(Backends[backend]);
  }
  if (missing.length === 0) return { found: urls };
  const variables = missing.map((entry) => entry.variable).join(' and ');
  const servers = missing.map((entry) => entry.what).join(' and ');
  return {
    missing: missing.length === 1 ? `${variables} is not set, so no ${servers} server to test against` : `${variables} are not set, so no ${servers} servers to test against`,
  };
}

/**
 * `describe` for a suite that needs several real servers (their URLs reach `body`). When one is not set the suite
 * is skipped and its title says why, or under REQUIRE_BACKENDS=1 it fails (see `describeNeedingBackend`).
 */
export function describeWithBackends<B extends Backend>(backends: readonly B[], title: string, body: (urls: Record<B, string>) => void): void {
  describeNeedingBackend(title, backendAvailability(backends), body, backends.length === 1 ? 'a server' : 'its servers');
}

/**
 * `describe` for a suite that needs a real server: when the server's URL is not set the suite is skipped and its
 * title says why, so the run's summary (and the skip reporter) names it; under REQUIRE_BACKENDS=1 it fails instead.
 */
export function describeWithBackend(backend: Backend, title: string, body: (url: string) => void): void {
  describeWithBackends([backend], title, (urls) => body(urls[backend]));
}

/** A short random tag for names a test creates on a shared server (keys, streams, databases). */
export function uniqueTestTag(prefix = 't'): string {
  return `${prefix}${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 5000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${lastError instanceof Error ? String(lastError) : JSON.stringify(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A database a suite runs against, and how to release it. */
export interface TestDatabase<D> {
  db: D;
  close(): Promise<void>;
}

/**
 * Runs the same suite on every database adapter: embedded PGlite always, and real PostgreSQL (a throwaway
 * database) when DATABASE_URL is set, else that variant is skipped with the reason (or fails under REQUIRE_BACKENDS=1).
 */
export function describeEachDatabase<D>(
  title: string,
  open: { pglite: () => Promise<TestDatabase<D>>; postgres: (serverUrl: string) => Promise<TestDatabase<D>> },
  body: (getDb: () => D, kind: 'pglite' | 'postgres') => void,
): void {
  const variant = (kind: 'pglite' | 'postgres', openDb: () => Promise<TestDatabase<D>>) => () => {
    let current: TestDatabase<D> | undefined;
    beforeAll(async () => {
      current = await openDb();
    }, 60_000);
    afterAll(async () => {
      await current?.close();
    });
    body(() => {
      if (!current) throw new Error('database not open');
      return current.db;
    }, kind);
  };
  describe(`${title} (PGlite)`, variant('pglite', open.pglite));
  describeWithBackend('postgres', `${title} (PostgreSQL)`, (url) => variant('postgres', () => open.postgres(url))());
}

/** One JSON answer of `callJson`. */
export interface JsonAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read an answer's fields freely and assert on them
  body: any;
}

/**
 * A small JSON client of a running platform (the gateway's URL), as a shopper or an admin calls it: bearer token,
 * JSON body, extra headers; the answer's body parsed when there is one.
 */
export function jsonClient(baseUrl: () => string) {
  return async (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<JsonAnswer> => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
}
