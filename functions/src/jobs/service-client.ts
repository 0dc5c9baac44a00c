import { ExponentialBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';

/** The header Dapr's app API token travels in; the services' `requireInternalCaller` checks it. */
export const appApiTokenHeader = 'dapr-api-token';

/** A failed call to a platform service. `transient` failures (5xx, 408, 429, network, timeout) are worth retrying. */
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
 * transient failures. Only for idempotent calls: a POST whose answer was lost is sent again.
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

  /** GET `path` → the parsed JSON body. */
  get<T>(path: string, options: { timeoutMs?: number } = {}): Promise<T> {
    return this.call<T>('GET', path, undefined, options.timeoutMs);
  }

  /** POST `path` with a JSON body → the parsed JSON body. */
  post<T>(path: string, body: unknown = {}, options: { timeoutMs?: number } = {}): Promise<T> {
    return this.call<T>('POST', path, body, options.timeoutMs);
  }

  private call<T>(method: 'GET' | 'POST', path: string, body: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    return this.policy.execute(() => this.attempt<T>(method, url, body, timeoutMs));
  }

  private async attempt<T>(method: 'GET' | 'POST', url: string, body: unknown, timeoutMs: number): Promise<T> {
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
      return (text ? JSON.parse(text) : undefined) as T;
    } catch (error) {
      throw new ServiceCallError(`${method} ${url} answered a body that is not JSON`, { method, url, status: response.status, transient: false }, { cause: error });
    }
  }
}
