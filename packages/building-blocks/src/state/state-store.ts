/** A stored value with the ETag that identifies its current version. */
export interface StateEntry<T> {
  key: string;
  value: T;
  etag: string;
}

/** How a save is guarded. */
export interface SaveOptions {
  /**
   * Optimistic concurrency (first-write-wins): the save succeeds only if the stored ETag still equals this one.
   * Omitted: the save is unconditional (last-write-wins).
   */
  etag?: string;
  /** The save succeeds only if the key does not exist yet (create-only). Cannot be combined with `etag`. */
  onlyIfAbsent?: boolean;
  /** Expire the key after this many seconds. Omitted: no expiry. */
  ttlSeconds?: number;
}

/** Port: a key/value state store with ETags and TTLs (the Dapr state building block). */
export interface StateStore {
  /** Reads a key; undefined when it does not exist (or has expired). */
  get<T>(key: string): Promise<StateEntry<T> | undefined>;
  /** Writes a key and returns its new ETag. Throws `EtagMismatchError` when a guard fails. */
  save<T>(key: string, value: T, options?: SaveOptions): Promise<string>;
  /** Deletes a key; with `etag`, only if it still matches (else `EtagMismatchError`). Deleting a missing key is not an error. */
  delete(key: string, options?: { etag?: string }): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** Thrown when a save or delete guard (ETag or create-only) does not hold. */
export class EtagMismatchError extends Error {
  constructor(public readonly key: string) {
    super(`state for key "${key}" was changed by someone else (ETag mismatch)`);
    this.name = 'EtagMismatchError';
  }
}
