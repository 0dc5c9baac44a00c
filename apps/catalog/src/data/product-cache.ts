import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { EtagMismatchError, type StateStore } from '@shop/building-blocks';
import type { Logger } from '@shop/kernel';

/** How the L2 cache stops calling a failing state store, and when it tries again. */
export interface ProductCacheBreakerSettings {
  /** Failed state-store calls in a row that open the breaker. Default 3. */
  consecutiveFailures?: number;
  /** How long the breaker stays open before one trial call may go through (half-open). Default 5000 ms. */
  halfOpenAfterMs?: number;
}

/** Options of the state-store cache layer. */
export interface StateStoreCacheLayerOptions {
  logger: Logger;
  breaker?: ProductCacheBreakerSettings;
  /** Most invalidation writes kept for a retry while the store fails (the oldest go first beyond it). Default 50 000. */
  maxPendingWrites?: number;
}

/** One write of an invalidation: a key set to a value (with a TTL), or deleted. */
export type CacheWrite = { key: string; value: unknown; ttlSeconds?: number } | { key: string; delete: true };

/**
 * L2 of the catalog's read cache: the state store (Redis in Azure), shared by every replica.
 *
 * The cache is an optimisation, so a failing state store must not cost the read path more than one bounded failure
 * (the store's own command timeout): calls go through a circuit breaker, and while the store fails or the breaker is
 * open a read is a miss (the caller goes to L1's source, the database) and a fill is skipped. Only the opening and
 * the closing of the breaker are logged, not every request that bypassed the cache.
 *
 * An invalidation that could not be written is kept and written again before this layer answers its next read, so
 * what Redis still holds from before an outage is not served by this replica once Redis is back.
 */
export class StateStoreCacheLayer {
  private readonly breaker: CircuitBreakerPolicy;
  private readonly pending = new Map<string, CacheWrite>();
  private readonly maxPending: number;
  private flushing?: Promise<void>;

  constructor(
    private readonly store: StateStore,
    private readonly options: StateStoreCacheLayerOptions,
  ) {
    this.maxPending = options.maxPendingWrites ?? 50_000;
    // A create-only fill that finds the key taken (a tombstone, or another replica's fill) is an answer, not a failure.
    this.breaker = circuitBreaker(
      handleWhen((error) => !(error instanceof EtagMismatchError)),
      { halfOpenAfter: options.breaker?.halfOpenAfterMs ?? 5000, breaker: new ConsecutiveBreaker(options.breaker?.consecutiveFailures ?? 3) },
    );
    this.breaker.onBreak((reason) =>
      options.logger.warn({ err: 'error' in reason ? reason.error : undefined }, 'product cache unavailable; reading products from the database until it recovers'),
    );
    this.breaker.onReset(() => options.logger.info({}, 'product cache recovered'));
  }

  /** True while the breaker keeps calls away from the state store (open, or half-open with its trial call out). */
  get bypassed(): boolean {
    return this.breaker.state !== CircuitState.Closed;
  }

  /** The value under `key`; undefined when absent, and when the store fails (a miss). */
  async get<T>(key: string): Promise<T | undefined> {
    try {
      if (this.pending.size > 0) await this.flushPending();
      return (await this.breaker.execute(() => this.store.get<T>(key)))?.value;
    } catch {
      // A miss: the breaker has counted the failure and logs when it opens.
      return undefined;
    }
  }

  /** Fills `key`; `onlyIfAbsent` leaves a key that exists (a tombstone) as it is. Never throws: a failed fill is skipped. */
  async fill(key: string, value: unknown, ttlSeconds: number, options: { onlyIfAbsent?: boolean } = {}): Promise<void> {
    try {
      await this.breaker.execute(() => this.store.save(key, value, { ttlSeconds, onlyIfAbsent: options.onlyIfAbsent }));
    } catch {
      // Skipped: taken by someone else, or the store fails; the next read fills it.
    }
  }

  /**
   * Writes an invalidation, every key at once (one pipelined round trip on Redis). A failure is thrown (also while the
   * breaker is open, without calling the store) so the caller can log it; the writes are kept and retried first thing
   * on the next read.
   */
  async write(writes: readonly CacheWrite[]): Promise<void> {
    try {
      await this.breaker.execute(() => Promise.all(writes.map((write) => this.apply(write))));
    } catch (error) {
      this.keepForRetry(writes);
      throw error;
    }
  }

  private apply(write: CacheWrite): Promise<unknown> {
    if ('delete' in write) return this.store.delete(write.key);
    return this.store.save(write.key, write.value, write.ttlSeconds === undefined ? undefined : { ttlSeconds: write.ttlSeconds });
  }

  private keepForRetry(writes: readonly CacheWrite[]): void {
    for (const write of writes) {
      // Re-inserted at the end: a later write of a key replaces an earlier one, and the oldest keys go first.
      this.pending.delete(write.key);
      this.pending.set(write.key, write);
    }
    let excess = this.pending.size - this.maxPending;
    for (const key of this.pending.keys()) {
      if (excess-- <= 0) break;
      this.pending.delete(key);
    }
  }

  private flushPending(): Promise<void> {
    this.flushing ??= (async () => {
      const writes = [...this.pending.values()];
      await this.breaker.execute(() => Promise.all(writes.map((write) => this.apply(write))));
      // Only what was written: a write kept meanwhile (a newer invalidation) waits for the next flush.
      for (const write of writes) if (this.pending.get(write.key) === write) this.pending.delete(write.key);
      this.options.logger.info({ writes: writes.length }, 'product cache: invalidations kept during the outage are written');
    })().finally(() => (this.flushing = undefined));
    return this.flushing;
  }
}
