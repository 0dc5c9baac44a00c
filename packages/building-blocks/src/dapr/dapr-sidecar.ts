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
