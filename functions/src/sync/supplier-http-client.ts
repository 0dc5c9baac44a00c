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
  /** Extra headers of every request (the API key). Never logged. */
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
  if (error instanceof SupplierHttpError) return error.retryable;
  if (error instanceof SyntaxError) return false; // a body that is not JSON will not become JSON on retry
  return true; // timeouts (TaskCancelledError) and network errors
}

/**
 * GETs JSON from one supplier through: a bulkhead (bounded concurrency) → retries with exponential backoff and
 * jitter on 5xx, 408, 429 (honouring Retry-After), timeouts and network errors → a circuit breaker shared by all
 * requests to the source → a per-attempt timeout. Once the breaker is open, requests fail at once with
 * BrokenCircuitError instead of hammering a supplier that is down.
 */
export class SupplierHttpClient {
  private readonly policy: IPolicy;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  /** Attempts that reached the network (tests and logs). */
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

  /** The parsed JSON body of a 2xx GET; throws SupplierHttpError, BrokenCircuitError or the last network/timeout error. */
  async getJson(url: string): Promise<SupplierResponse> {
    return this.policy.execute(async ({ signal }) => {
      this.attempts += 1;
      const response = await this.fetchImpl(url, { headers: { accept: 'application/json', ...this.options.headers }, signal });
      if (!response.ok) {
        await response.body?.cancel();
        throw new SupplierHttpError(response.status, redactQuery(url), parseRetryAfter(response.headers.get('retry-after'), this.now()));
      }
      return { body: (await response.json()), headers: response.headers };
    });
  }
}

/** A URL without its query string, so page cursors and any key passed in the query stay out of messages. */
function redactQuery(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : `${url.slice(0, index)}?…`;
}

/** A one-line description of a fetch failure for the run's `errors`. */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof SupplierHttpError) return error.message;
  if (error instanceof BrokenCircuitError) return 'circuit breaker open: the supplier failed repeatedly, not asked again';
  if (error instanceof TaskCancelledError) return `request timed out after ${timeoutMs} ms`;
  if (error instanceof Error) return error.message;
  return String(error);
}
