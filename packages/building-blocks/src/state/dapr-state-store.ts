import { Components } from '@shop/contracts';
import { silentLogger, type Logger } from '@shop/kernel';
import { callSidecar, DaprSidecarError, sidecarFailureOfAnswer, SidecarUnreachableError, type DaprSidecarOptions, type SidecarAnswer } from '../dapr/dapr-sidecar';
import { OutageBreaker, type OutageBreakerSettings } from '../outage-breaker';
import { assertValidSaveOptions, toStateJson } from './save-options';
import { EtagMismatchError, type SaveOptions, type StateEntry, type StateStore } from './state-store';

/** Options of the Dapr state store. */
export interface DaprStateStoreOptions extends DaprSidecarOptions {
  /** The state store component's name. Default: the platform's state store (`Components.stateStore`). */
  storeName?: string;
  logger?: Logger;
  /**
   * How long one call to the sidecar may take, so a sidecar (or the Redis behind it) that does not answer costs a
   * caller this long, not the seconds of the sidecar's own Redis timeouts. Default 500 ms (the sidecar is local).
   */
  requestTimeoutMs?: number;
  /** When the store stops calling a sidecar that keeps failing. Default: 3 failures in a row, a trial call after 2 s. */
  breaker?: OutageBreakerSettings;
  /** What the store is called in its `unavailable` errors and logs. Default `The state store`. */
  name?: string;
}

/** Returned when our write was already replaced before we could read its ETag: never a valid ETag, so it never matches. */
const SUPERSEDED_ETAG = 'superseded';

/** The default of `requestTimeoutMs`. */
const DEFAULT_REQUEST_TIMEOUT_MS = 500;

/** Failures that mean the sidecar or its store cannot serve now: unreachable, too slow, or a 5xx (429 too). */
function isSidecarOutage(error: unknown): boolean {
  if (error instanceof SidecarUnreachableError) return true;
  if (!(error instanceof DaprSidecarError)) return false;
  const status = error.failure.status;
  return status === undefined || status >= 500 || status === 429;
}

/**
 * StateStore through the Dapr sidecar's state API (Azure Cache for Redis behind it in Azure), called with fetch:
 * every call has a timeout, and a circuit breaker stops calling a sidecar that keeps failing, so an unreachable
 * sidecar or a 5xx (its Redis down) surfaces at once as AppError `unavailable` (503, Retry-After: 1). ETag conflicts
 * are EtagMismatchError; other refusals (an unknown store) are DaprSidecarError.
 */
export class DaprStateStore implements StateStore {
  private readonly sidecar: DaprSidecarOptions;
  private readonly statePath: string;
  private readonly timeoutMs: number;
  private readonly breaker: OutageBreaker;

  constructor(options: DaprStateStoreOptions = {}) {
    this.sidecar = { daprHost: options.daprHost, daprHttpPort: options.daprHttpPort, daprApiToken: options.daprApiToken };
    this.statePath = `/v1.0/state/${encodeURIComponent(options.storeName ?? Components.stateStore)}`;
    this.timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.breaker = new OutageBreaker({ what: options.name ?? 'The state store', isOutage: isSidecarOutage, logger: options.logger ?? silentLogger, ...options.breaker });
  }

  async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    const what = `state get of "${key}"`;
    const answer = await this.call(what, { method: 'GET', path: `${this.statePath}/${encodeURIComponent(key)}` });
    // 204: no such key. Dapr answers the stored JSON as the body and its ETag in the header.
    if (answer.status === 204 || answer.text === '') return undefined;
    const etag = answer.headers.etag;
    if (etag === undefined) throw new DaprSidecarError(what, { status: answer.status, message: 'the answer has no ETag' });
    return { key, value: JSON.parse(answer.text) as T, etag };
  }

  async save<T>(key: string, value: T, options: SaveOptions = {}): Promise<string> {
    assertValidSaveOptions(options);
    // Round-tripped through JSON so the value stored is exactly what every other adapter would store.
    const wireValue: unknown = JSON.parse(toStateJson(key, value));
    const guarded = options.etag !== undefined || options.onlyIfAbsent === true;
    const item = {
      key,
      value: wireValue,
      // First-write with an ETag: only if it still matches. First-write without one: only if the key does not exist.
      ...(options.etag !== undefined ? { etag: options.etag } : {}),
      options: { concurrency: guarded ? 'first-write' : 'last-write' },
      // Dapr TTLs are whole seconds; -1 removes an expiry an earlier save set (a save without the key keeps it).
      metadata: { ttlInSeconds: options.ttlSeconds === undefined ? '-1' : String(Math.max(1, Math.ceil(options.ttlSeconds))) },
    };
    await this.call(`state save of "${key}"`, { method: 'POST', path: this.statePath, body: JSON.stringify([item]), headers: { 'content-type': 'application/json' } }, key);
    // Dapr's save answers no ETag, so it is read back. When another writer got in between, the ETag read belongs to
    // their value, and handing it out would let the caller overwrite a write it never saw: it gets an ETag that
    // matches nothing instead, so its next guarded save fails and its retry loop reads the current value.
    const saved = await this.get(key);
    if (!saved || JSON.stringify(saved.value) !== JSON.stringify(wireValue)) return SUPERSEDED_ETAG;
    return saved.etag;
  }

  async delete(key: string, options: { etag?: string } = {}): Promise<void> {
    const guarded = options.etag !== undefined;
    await this.call(
      `state delete of "${key}"`,
      { method: 'DELETE', path: `${this.statePath}/${encodeURIComponent(key)}${guarded ? '?concurrency=first-write' : ''}`, headers: guarded ? { 'if-match': options.etag! } : {} },
      key,
    );
  }

  /** Nothing to release: fetch's connection pool is shared process-wide and its idle sockets do not hold the process open. */
  async close(): Promise<void> {}

  /** One call through the breaker; a non-2xx answer becomes the port's error, `conflictKey` naming the key of a write. */
  private async call(what: string, request: { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: string; headers?: Record<string, string> }, conflictKey?: string): Promise<SidecarAnswer> {
    const answer = await this.breaker.run(async () => {
      const reply = await callSidecar(this.sidecar, what, { ...request, timeoutMs: this.timeoutMs });
      if (reply.status >= 500 || reply.status === 429) throw new DaprSidecarError(what, sidecarFailureOfAnswer(reply));
      return reply;
    });
    if (answer.status >= 200 && answer.status <= 299) return answer;
    const failure = sidecarFailureOfAnswer(answer);
    // 409 is an ETag (or first-write) conflict; 400 is one too when it is about the ETag (a malformed one can never match).
    if (conflictKey !== undefined && (failure.status === 409 || (failure.status === 400 && /etag/i.test(failure.message)))) throw new EtagMismatchError(conflictKey);
    throw new DaprSidecarError(what, failure);
  }
}
