import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { z } from 'zod';

/** The header Dapr's app API token travels in; the services' `requireInternalCaller` checks it. */
export const appApiTokenHeader = 'dapr-api-token';

/**
 * A failed call to a platform service. `transient` failures (5xx, 408, 429, network, timeout) are worth retrying; a
 * reply that is not JSON or not the shape the service's contract promises is not.
 */
export class ServiceCallError extends Error {
  constructor(
    message: string,
    readonly details: { method: string; url: string; status?: number; transient: boolean },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ServiceCallError';
  }

  /** True when a later attempt may succeed. */
  get transient(): boolean {
    return this.details.transient;
  }

  /** The HTTP status the service answered with, if it answered. */
  get status(): number | undefined {
    return this.details.status;
  }
}

/** Options of a `ServiceClient`. */
export interface ServiceClientOptions {
  /** The service's base URL, e.g. `http://127.0.0.1:3002` (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `dapr-api-token` when set. */
  appApiToken?: string;
  /** Per attempt. Default 10 000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt, on transient failures only. Default 2. */
  maxRetries?: number;
  /** First retry delay, doubled per retry (capped at 5 s). Default 200 ms. */
  initialRetryDelayMs?: number;
}

const transientStatuses = new Set([408, 429, 500, 502, 503, 504]);

/**
 * JSON over HTTP to one platform service's internal routes, with a timeout per attempt and retries (cockatiel) on
 * transient failures. Only for idempotent calls: a POST whose answer was lost is sent again. Every reply is checked
 * with the contract schema of the route (from `@shop/contracts`) before anyone reads it.
 */
export class ServiceClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;

  constructor(private readonly options: ServiceClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.policy = retry(
      handleWhen((error) => error instanceof ServiceCallError && error.transient),
      {
        maxAttempts: options.maxRetries ?? 2,
        backoff: new ExponentialBackoff({ initialDelay: options.initialRetryDelayMs ?? 200, maxDelay: 5_000 }),
      },
    );
  }

  /** GET `path` → the JSON reply, checked with `replySchema`. */
  get<Reply extends z.ZodType>(path: string, replySchema: Reply, options: { timeoutMs?: number } = {}): Promise<z.output<Reply>> {
    return this.call('GET', path, undefined, replySchema, options.timeoutMs);
  }

  /** POST `path` with a JSON body → the JSON reply, checked with `replySchema`. */
  post<Reply extends z.ZodType>(path: string, body: unknown, replySchema: Reply, options: { timeoutMs?: number } = {}): Promise<z.output<Reply>> {
    return this.call('POST', path, body, replySchema, options.timeoutMs);
  }

  private async call<Reply extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, replySchema: Reply, timeoutMs = this.timeoutMs): Promise<z.output<Reply>> {
    const url = `${this.baseUrl}${path}`;
    const reply = await this.policy.execute(() => this.attempt(method, url, body, timeoutMs));
    const parsed = replySchema.safeParse(reply);
    if (!parsed.success) {
      // Not retried: the service answered, and answering again will not change what it answers.
      const expected = replySchema.meta()?.id ?? 'its contract';
      throw new ServiceCallError(`${method} ${url} answered a reply that does not match ${expected}: ${z.prettifyError(parsed.error)}`, { method, url, transient: false });
    }
    return parsed.data;
  }

  private async attempt(method: 'GET' | 'POST', url: string, body: unknown, timeoutMs: number): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.appApiToken) headers[appApiTokenHeader] = this.options.appApiToken;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ServiceCallError(`${method} ${url} failed: ${(error as Error).message}`, { method, url, transient: true }, { cause: error });
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      // The problem+json detail helps the log; it never carries our token (that is a request header).
      throw new ServiceCallError(`${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`, {
        method,
        url,
        status: response.status,
        transient: transientStatuses.has(response.status),
      });
    }
    try {
      return text ? (JSON.parse(text) as unknown) : undefined;
    } catch (error) {
      throw new ServiceCallError(`${method} ${url} answered a body that is not JSON`, { method, url, status: response.status, transient: false }, { cause: error });
    }
  }
}
