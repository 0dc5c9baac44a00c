import { assertValidSaveOptions, toStateJson } from './save-options';
import { EtagMismatchError, type SaveOptions, type StateEntry, type StateStore } from './state-store';

interface StoredValue {
  /** The value as JSON text: every read parses a fresh copy, and values behave as they do on the wire (a Date reads back as a string). */
  json: string;
  version: number;
  /** Epoch ms after which the key no longer exists; undefined = never expires. */
  expiresAt?: number;
}

/** Options of the in-memory state store. */
export interface InMemoryStateStoreOptions {
  /** Clock in epoch ms; tests can move time forward instead of sleeping. Default `Date.now`. */
  now?: () => number;
}

/** Expired keys are swept on every N-th write so a store fed with TTL keys does not grow forever. */
const SWEEP_EVERY_WRITES = 256;

/**
 * StateStore held in process memory: for the embedded default and tests. Values are copied in and out through JSON
 * (not structuredClone) so callers cannot mutate stored state and see exactly what Redis or Dapr would give them.
 */
export class InMemoryStateStore implements StateStore {
  private readonly entries = new Map<string, StoredValue>();
  private readonly now: () => number;
  /** One counter for the whole store, so an ETag is never reused, not even after a delete and re-create. */
  private lastVersion = 0;
  private writesSinceSweep = 0;

  constructor(options: InMemoryStateStoreOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  // Each operation runs inside its promise's executor, so a conflict or an invalid value rejects, as with the Redis and
  // Dapr stores, instead of throwing at the call.
  get<T>(key: string): Promise<StateEntry<T> | undefined> {
    return new Promise((resolve) => {
      const stored = this.live(key);
      resolve(stored && { key, value: JSON.parse(stored.json) as T, etag: String(stored.version) });
    });
  }

  save<T>(key: string, value: T, options: SaveOptions = {}): Promise<string> {
    return new Promise((resolve) => {
      assertValidSaveOptions(options);
      const current = this.live(key);
      if (options.onlyIfAbsent && current) throw new EtagMismatchError(key);
      if (options.etag !== undefined && (!current || String(current.version) !== options.etag)) throw new EtagMismatchError(key);
      const json = toStateJson(key, value);
      this.lastVersion += 1;
      this.entries.set(key, {
        json,
        version: this.lastVersion,
        expiresAt: options.ttlSeconds === undefined ? undefined : this.now() + options.ttlSeconds * 1000,
      });
      this.sweepExpiredNowAndThen();
      resolve(String(this.lastVersion));
    });
  }

  delete(key: string, options: { etag?: string } = {}): Promise<void> {
    return new Promise((resolve) => {
      const current = this.live(key);
      // A key that is already gone counts as deleted whatever the ETag (as Dapr's Redis store does): the caller's goal holds.
      if (current) {
        if (options.etag !== undefined && String(current.version) !== options.etag) throw new EtagMismatchError(key);
        this.entries.delete(key);
      }
      resolve();
    });
  }

  close(): Promise<void> {
    this.entries.clear();
    return Promise.resolve();
  }

  /** The stored value when it exists and has not expired; an expired one is removed on the way. */
  private live(key: string): StoredValue | undefined {
    const stored = this.entries.get(key);
    if (stored?.expiresAt !== undefined && stored.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return stored;
  }

  private sweepExpiredNowAndThen(): void {
    this.writesSinceSweep += 1;
    if (this.writesSinceSweep < SWEEP_EVERY_WRITES) return;
    this.writesSinceSweep = 0;
    const now = this.now();
    for (const [key, stored] of this.entries) {
      if (stored.expiresAt !== undefined && stored.expiresAt <= now) this.entries.delete(key);
    }
  }
}
