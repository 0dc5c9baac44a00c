import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { DaprClient, LoggerService } from '@dapr/dapr';
import { loadDaprSdk } from '../drivers';
import { type Logger } from '@shop/kernel';

/** Where the app's Dapr sidecar listens (its HTTP API). */
export interface DaprSidecarOptions {
  /** Default `127.0.0.1`. */
  daprHost?: string;
  /** The sidecar's HTTP port (`DAPR_HTTP_PORT`). Default 3500. */
  daprHttpPort?: number;
  /** Sent as `dapr-api-token` when the sidecar requires one (`DAPR_API_TOKEN`). */
  daprApiToken?: string;
}

/** The sidecar's HTTP API base URL, e.g. `http://127.0.0.1:3500`. */
export function sidecarUrl(options: DaprSidecarOptions): string {
  return `http://${options.daprHost ?? '127.0.0.1'}:${options.daprHttpPort ?? 3500}`;
}

/** Headers every call to the sidecar carries. */
export function sidecarHeaders(options: DaprSidecarOptions): Record<string, string> {
  return options.daprApiToken ? { 'dapr-api-token': options.daprApiToken } : {};
}

/**
 * A DaprClient over HTTP whose own logging goes to our logger at debug level: the SDK logs every failed save (an
 * ETag conflict is routine for us) as an error on the console. Its first call waits until `GET /v1.0/metadata`
 * answers a non-empty 2xx body (up to a minute).
 */
export function createDaprClient(options: DaprSidecarOptions, logger: Logger): DaprClient {
  const service: LoggerService = {
    error: (message: unknown) => logger.warn({ sdk: '@dapr/dapr', detail: String(message) }, 'dapr sdk reported an error'),
    warn: () => undefined,
    info: () => undefined,
    verbose: () => undefined,
    debug: () => undefined,
  };
  const { DaprClient, CommunicationProtocolEnum, LogLevel } = loadDaprSdk();
  return new DaprClient({
    daprHost: options.daprHost ?? '127.0.0.1',
    daprPort: String(options.daprHttpPort ?? 3500),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    daprApiToken: options.daprApiToken,
    logger: { level: LogLevel.Error, service },
  });
}

/** What the sidecar answered to a failed call, recovered from the SDK's error. */
export interface SidecarFailure {
  /** HTTP status; undefined when the sidecar was not reached at all. */
  status?: number;
  errorCode?: string;
  message: string;
}

/**
 * The SDK's HTTP client throws `Error(JSON.stringify({error, error_msg, status}))` for non-2xx answers (and plain
 * errors when the connection fails); this recovers the status and Dapr's `{errorCode, message}` body.
 */
export function sidecarFailureOf(error: unknown): SidecarFailure {
  const text = error instanceof Error ? error.message : String(error);
  try {
    const wrapped = JSON.parse(text) as { status?: number; error_msg?: string };
    let body: { errorCode?: string; message?: string } = {};
    try {
      body = JSON.parse(wrapped.error_msg ?? '{}') as typeof body;
    } catch {
      body = { message: wrapped.error_msg };
    }
    return { status: wrapped.status, errorCode: body.errorCode, message: body.message ?? text };
  } catch {
    return { message: text };
  }
}

/** The sidecar's answer to a call made with `callSidecar`. */
export interface SidecarAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** The sidecar could not be reached (refused, reset) or did not answer within the call's timeout. */
export class SidecarUnreachableError extends Error {
  constructor(what: string, cause: unknown) {
    super(`dapr ${what}: the sidecar did not answer (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    this.name = 'SidecarUnreachableError';
  }
}

/** Keeps connections to the sidecar open between calls; idle ones do not hold the process open (the agent unrefs them). */
const sidecarAgent = new Agent({ keepAlive: true });

/**
 * One call to the sidecar's HTTP API, bounded by `timeoutMs` from sending to the last byte of the answer. The SDK's
 * client has no timeout and waits up to a minute for the sidecar before its first call, which a request must not.
 * node:http with a keep-alive agent rather than fetch: under many parallel calls it reuses connections far better.
 */
export function callSidecar(
  options: DaprSidecarOptions,
  what: string,
  request: { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: string; headers?: Record<string, string>; timeoutMs: number },
): Promise<SidecarAnswer> {
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const call = httpRequest(
      {
        host: options.daprHost ?? '127.0.0.1',
        port: options.daprHttpPort ?? 3500,
        method: request.method,
        path: request.path,
        agent: sidecarAgent,
        headers: { ...sidecarHeaders(options), ...request.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', (error) => call.destroy(error));
      },
    );
    const timer = setTimeout(() => call.destroy(new Error(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
    call.on('error', (error) => {
      clearTimeout(timer);
      reject(new SidecarUnreachableError(what, error));
    });
    call.end(body);
  });
}

/** The sidecar's `{errorCode, message}` body of a failed call. */
export function sidecarFailureOfAnswer(answer: SidecarAnswer): SidecarFailure {
  try {
    const body = JSON.parse(answer.text) as { errorCode?: string; message?: string };
    return { status: answer.status, errorCode: body.errorCode, message: body.message ?? answer.text };
  } catch {
    return { status: answer.status, message: answer.text || `HTTP ${answer.status}` };
  }
}

/** An error from the sidecar that is not one the port defines (store missing, component down, sidecar unreachable). */
export class DaprSidecarError extends Error {
  constructor(
    operation: string,
    public readonly failure: SidecarFailure,
    cause?: unknown,
  ) {
    super(`dapr ${operation} failed${failure.status ? ` (HTTP ${failure.status}${failure.errorCode ? ` ${failure.errorCode}` : ''})` : ''}: ${failure.message}`, { cause });
    this.name = 'DaprSidecarError';
  }
}
