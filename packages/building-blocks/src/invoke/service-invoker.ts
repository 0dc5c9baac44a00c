/** A request to another service's HTTP API. */
export interface InvokeRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path on the target app, starting with `/`, with any query string. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Default 5000 ms. */
  timeoutMs?: number;
}

/** The target's answer; non-2xx statuses are returned, not thrown (the caller decides). */
export interface InvokeResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the response was JSON, else the text (undefined when empty). */
  body: T;
}

/** Port: call another service by app id (the Dapr service invocation building block). */
export interface ServiceInvoker {
  /** Throws `ServiceUnavailableError` when the target cannot be reached or times out. */
  invoke<T = unknown>(appId: string, request: InvokeRequest): Promise<InvokeResponse<T>>;
}

/** The target app could not be reached, or did not answer in time. */
export class ServiceUnavailableError extends Error {
  constructor(
    public readonly appId: string,
    cause?: unknown,
  ) {
    super(`service "${appId}" is unavailable`, { cause });
    this.name = 'ServiceUnavailableError';
  }
}
