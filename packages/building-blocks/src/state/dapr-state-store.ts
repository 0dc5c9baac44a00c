import type { DaprClient } from '@dapr/dapr';
import { Components } from '@shop/contracts';
import { loadDaprSdk } from '../drivers';
import { createDaprClient, DaprSidecarError, sidecarFailureOf, type DaprSidecarOptions, type SidecarFailure } from '../dapr/dapr-sidecar';
import { assertValidSaveOptions, toStateJson } from './save-options';
import { EtagMismatchError, type SaveOptions, type StateEntry, type StateStore } from './state-store';
import { silentLogger, type Logger } from '@shop/kernel';

/** Options of the Dapr state store. */
export interface DaprStateStoreOptions extends DaprSidecarOptions {
  /** The state store component's name. Default: the platform's state store (`Components.stateStore`). */
  storeName?: string;
  logger?: Logger;
}

/** Returned when our write was already replaced before we could read its ETag: never a valid ETag, so it never matches. */
const SUPERSEDED_ETAG = 'superseded';

/** One item of the sidecar's bulk-get answer: `data` and `etag` are absent for a missing key. */
interface BulkStateItem {
  key: string;
  data?: unknown;
  etag?: string;
  error?: string;
}

/**
 * StateStore through the Dapr sidecar's state API (Azure Cache for Redis behind it in Azure). Works around the
 * JavaScript SDK: `state.save`/`state.delete` return their error instead of throwing, and `state.get` drops the
 * ETag, so reads use the bulk API, which returns ETags.
 */
export class DaprStateStore implements StateStore {
  private readonly client: DaprClient;
  private readonly storeName: string;

  constructor(options: DaprStateStoreOptions = {}) {
    this.storeName = options.storeName ?? Components.stateStore;
    this.client = createDaprClient(options, options.logger ?? silentLogger);
  }

  async get<T>(key: string): Promise<StateEntry<T> | undefined> {
    let items: BulkStateItem[];
    try {
      items = (await this.client.state.getBulk(this.storeName, [key])) as unknown as BulkStateItem[];
    } catch (error) {
      throw new DaprSidecarError(`state get of "${key}"`, sidecarFailureOf(error), error);
    }
    const item = items.find((candidate) => candidate.key === key);
    if (item?.error) throw new DaprSidecarError(`state get of "${key}"`, { message: item.error });
    if (!item || item.etag === undefined || item.data === undefined) return undefined;
    return { key, value: item.data as T, etag: item.etag };
  }

  async save<T>(key: string, value: T, options: SaveOptions = {}): Promise<string> {
    assertValidSaveOptions(options);
    // Round-tripped through JSON so the value stored is exactly what every other adapter would store.
    const wireValue: unknown = JSON.parse(toStateJson(key, value));
    const guarded = options.etag !== undefined || options.onlyIfAbsent === true;
    const { StateConcurrencyEnum, StateConsistencyEnum } = loadDaprSdk();
    const result = await this.client.state.save(this.storeName, [
      {
        key,
        value: wireValue,
        // First-write with an ETag: only if it still matches. First-write without one: only if the key does not exist.
        ...(options.etag !== undefined ? { etag: options.etag } : {}),
        options: {
          concurrency: guarded ? StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE : StateConcurrencyEnum.CONCURRENCY_LAST_WRITE,
          consistency: StateConsistencyEnum.CONSISTENCY_UNSPECIFIED,
        },
        // Dapr TTLs are whole seconds; -1 removes an expiry an earlier save set (a save without the key keeps it).
        metadata: { ttlInSeconds: options.ttlSeconds === undefined ? '-1' : String(Math.max(1, Math.ceil(options.ttlSeconds))) },
      },
    ]);
    if (result.error) throw this.failureOf('save', key, sidecarFailureOf(result.error), result.error);
    // Dapr's save answers no ETag, so it is read back. When another writer got in between, the ETag read belongs to
    // their value, and handing it out would let the caller overwrite a write it never saw: it gets an ETag that
    // matches nothing instead, so its next guarded save fails and its retry loop reads the current value.
    const saved = await this.get(key);
    if (!saved || JSON.stringify(saved.value) !== JSON.stringify(wireValue)) return SUPERSEDED_ETAG;
    return saved.etag;
  }

  async delete(key: string, options: { etag?: string } = {}): Promise<void> {
    const { StateConcurrencyEnum } = loadDaprSdk();
    // The SDK puts the key into the URL as is.
    const result = await this.client.state.delete(this.storeName, encodeURIComponent(key), {
      ...(options.etag !== undefined ? { etag: options.etag, concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE } : {}),
    });
    if (result.error) throw this.failureOf('delete', key, sidecarFailureOf(result.error), result.error);
  }

  /** Nothing to release: the SDK's HTTP agent is shared process-wide and its idle sockets do not hold the process open. */
  async close(): Promise<void> {}

  /** 409 is an ETag (or first-write) conflict; 400 is one too when it is about the ETag (a malformed one can never match). */
  private failureOf(operation: string, key: string, failure: SidecarFailure, cause: unknown): Error {
    if (failure.status === 409) return new EtagMismatchError(key);
    if (failure.status === 400 && /etag/i.test(failure.message)) return new EtagMismatchError(key);
    return new DaprSidecarError(`state ${operation} of "${key}"`, failure, cause);
  }
}
