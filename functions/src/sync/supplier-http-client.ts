import {
  BrokenCircuitError,
  BulkheadRejectedError,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleAll,
  handleWhen,
  retry,
  timeout,
  wrap,
  type IBackoff,
  type IBackoffFactory,
  type IPolicy,
  type IRetryBackoffContext,
} from 'cockatiel';

/** How hard the client tries before a request counts as failed. */
export interface SupplierHttpClientOptions {
  /** Names the source in errors. */
  sourceName: string;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Requests in flight at once; more wait in line. */
  concurrency: number;
  /** Consecutive failed attempts that open the breaker. */
  breakerThreshold: number;
  /** How long an open breaker refuses before letting one attempt through. */
  breakerHalfOpenMs: number;
  /**
   * The origin (scheme, host, port) of the configured base URL: the only one the client requests and so the only
   * one that ever sees `headers`. A link or redirect elsewhere fails with SupplierRefusedError before it is fetched.
   */
  trustedOrigin: string;
  /** Largest body of one answer in bytes, counted while it streams in. */
  maxResponseBytes: number;
  /** Same-origin redirects followed per request. Default 5. */
  maxRedirects?: number;
  /** Extra headers of every request (the API key). Never logged, never sent to another origin. */
  headers?: Record<string, string>;
  /** First backoff delay; doubled with decorrelated jitter per retry. Default 200 ms. */
  initialBackoffMs?: number;
  /** Longest backoff, and the cap on a supplier's Retry-After. Default 30 s. */
  maxBackoffMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** A supplier answer that is not a success. `retryable` for 5xx, 408 and 429. */
export class SupplierHttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    /** From `Retry-After` (429/503), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`supplier answered ${status} for ${url}`);
    this.name = 'SupplierHttpError';
  }
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

/** Why the client refused to go on: each means the supplier (or something posing as it) cannot be read safely. */
export type SupplierRefusal = 'foreign_origin' | 'foreign_redirect' | 'too_many_redirects' | 'bad_redirect' | 'too_large';

/**
 * The client refused a link, a redirect or a body. Not retried: asking again gets the same answer. The listing
 * stops at the first one, so the run is partial and catalog archives nothing.
 */
export class SupplierRefusedError extends Error {
  constructor(
    readonly refusal: SupplierRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'SupplierRefusedError';
  }
}

/** Redirect statuses a GET follows (300 and 304 are answers, not redirects). */
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** A successful JSON answer with the headers pagination needs. */
export interface SupplierResponse {
  body: unknown;
  headers: Headers;
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits what the supplier asked for after a 429/503 with Retry-After, otherwise the exponential backoff's next step. */
function honourRetryAfter(inner: IBackoff<unknown>, context: IRetryBackoffContext<unknown>, maxMs: number): IBackoff<IRetryBackoffContext<unknown>> {
  const error = 'error' in context.result ? context.result.error : undefined;
  const asked = error instanceof SupplierHttpError ? error.retryAfterMs : undefined;
  return {
    duration: asked !== undefined ? Math.min(asked, maxMs) : inner.duration,
    next: (next) => honourRetryAfter(inner.next(next), next, maxMs),
  };
}

function retryAfterAwareBackoff(initialDelay: number, maxDelay: number): IBackoffFactory<IRetryBackoffContext<unknown>> {
  const exponential = new ExponentialBackoff({ initialDelay, maxDelay });
  return { next: (context) => honourRetryAfter(exponential.next(), context, maxDelay) };
}

function isTransient(error: Error): boolean {
  if (error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError) return false;
  if (error instanceof SupplierRefusedError) return false;
  if (error instanceof SupplierHttpError) return error.retryable;
  if (error instanceof SyntaxError) return false; // a body that is not JSON will not become JSON on retry
  return true; // timeouts (TaskCancelledError) and network errors
}

/**
 * GETs JSON from one supplier through: a bulkhead (bounded concurrency) → retries with exponential backoff and
 * jitter on 5xx, 408, 429 (honouring Retry-After), timeouts and network errors → a circuit breaker shared by all
 * requests to the source → a per-attempt timeout. Once the breaker is open, requests fail at once with
 * BrokenCircuitError instead of hammering a supplier that is down. Each attempt requests only the trusted origin,
 * follows at most `maxRedirects` redirects itself (fetch's own following would carry the API key to any host) and
 * stops reading a body at `maxResponseBytes`.
 */
export class SupplierHttpClient {
  private readonly policy: IPolicy;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  /** Requests that reached the network, redirect hops included (tests and logs). */
  attempts = 0;

  constructor(private readonly options: SupplierHttpClientOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
    const maxBackoff = options.maxBackoffMs ?? 30_000;
    const retryPolicy = retry(handleWhen(isTransient), {
      maxAttempts: options.maxRetries,
      backoff: retryAfterAwareBackoff(options.initialBackoffMs ?? 200, maxBackoff),
    });
    const breaker = circuitBreaker(handleAll, { halfOpenAfter: options.breakerHalfOpenMs, breaker: new ConsecutiveBreaker(options.breakerThreshold) });
    const perAttemptTimeout = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
    this.policy = wrap(bulkhead(options.concurrency, Number.MAX_SAFE_INTEGER), retryPolicy, breaker, perAttemptTimeout);
  }

  /**
   * The parsed JSON body of a 2xx GET; throws SupplierRefusedError, SupplierHttpError, BrokenCircuitError or the last
   * network/timeout error. `signal` cancels the request (and its retries) when the listing no longer needs it.
   */
  async getJson(url: string, signal?: AbortSignal): Promise<SupplierResponse> {
    // Checked before any attempt, so a foreign link costs no request and cannot count towards the breaker.
    this.requireTrustedOrigin(url, 'foreign_origin');
    return this.policy.execute(async ({ signal: attemptSignal }) => {
      const response = await this.fetchFollowingSameOriginRedirects(url, attemptSignal);
      if (!response.ok) {
        await response.body?.cancel();
        throw new SupplierHttpError(response.status, redactQuery(response.url || url), parseRetryAfter(response.headers.get('retry-after'), this.now()));
      }
      const text = await readBodyWithin(response, this.options.maxResponseBytes, url);
      return { body: JSON.parse(text) as unknown, headers: response.headers };
    }, signal);
  }

  private async fetchFollowingSameOriginRedirects(url: string, signal: AbortSignal): Promise<Response> {
    const maxRedirects = this.options.maxRedirects ?? 5;
    let current = url;
    for (let redirects = 0; ; redirects++) {
      this.attempts += 1;
      const response = await this.fetchImpl(current, { headers: { accept: 'application/json', ...this.options.headers }, redirect: 'manual', signal });
      if (!redirectStatuses.has(response.status)) return response;
      await response.body?.cancel();
      const location = response.headers.get('location');
      const target = location === null ? undefined : URL.parse(location, current);
      if (!target) throw new SupplierRefusedError('bad_redirect', `supplier answered ${response.status} without a usable Location for ${redactQuery(current)}`);
      if (redirects >= maxRedirects) {
        throw new SupplierRefusedError('too_many_redirects', `more than ${maxRedirects} redirects from ${redactQuery(url)} (a redirect loop?); not followed further`);
      }
      current = target.toString();
      this.requireTrustedOrigin(current, 'foreign_redirect');
    }
  }

  private requireTrustedOrigin(url: string, refusal: 'foreign_origin' | 'foreign_redirect'): void {
    const origin = URL.parse(url)?.origin;
    if (origin === this.options.trustedOrigin) return;
    const what = refusal === 'foreign_redirect' ? 'a redirect' : 'a link';
    throw new SupplierRefusedError(
      refusal,
      `refused to follow ${what} to another origin (${origin ?? 'an unreadable URL'}): only the supplier's ${this.options.trustedOrigin} is requested, and gets the API key`,
    );
  }
}

/**
 * The body as text, refused as soon as it passes `maxBytes`: a declared Content-Length over the limit is refused
 * unread, and an undeclared or lying one is counted chunk by chunk, so a hostile supplier cannot fill the memory.
 */
async function readBodyWithin(response: Response, maxBytes: number, url: string): Promise<string> {
  const tooLarge = () => new SupplierRefusedError('too_large', `answer to ${redactQuery(url)} is larger than the limit of ${maxBytes} bytes (SYNC_MAX_PAGE_BYTES); not read further`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  // A fetch body is a byte stream; Node's typings leave its chunks untyped.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    text += decoder.decode(value, { stream: true });
  }
}

/** A URL without its query string, so page cursors and any key passed in the query stay out of messages. */
function redactQuery(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : `${url.slice(0, index)}?…`;
}

/** A one-line description of a fetch failure for the run's `errors`. */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof SupplierHttpError || error instanceof SupplierRefusedError) return error.message;
  if (error instanceof BrokenCircuitError) return 'circuit breaker open: the supplier failed repeatedly, not asked again';
  if (error instanceof TaskCancelledError) return `request timed out after ${timeoutMs} ms`;
  if (error instanceof Error) return error.message;
  return String(error);
}
