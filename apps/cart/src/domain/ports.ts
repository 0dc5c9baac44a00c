import type { CartAbandonedData, Money } from '@shop/contracts';
import type { StoredCart } from './cart';

/** Whose cart a request works on: a signed-in user's, or a guest's (by the id the API handed out, if any). */
export type CartOwner = { kind: 'user'; userId: string } | { kind: 'guest'; cartId?: string };

/** A cart owner whose storage key is known (a guest with an id). */
export type KeyedCartOwner = { kind: 'user'; userId: string } | { kind: 'guest'; cartId: string };

/** A stored cart and the version (ETag) it was read at. */
export interface VersionedCart {
  cart: StoredCart;
  version: string;
}

/** Thrown by a repository write whose guard (version or create-only) no longer holds: someone else wrote first. */
export class StaleCartError extends Error {
  constructor() {
    super('the cart was changed by a concurrent write');
    this.name = 'StaleCartError';
  }
}

/** Port: where carts live. Writes are guarded (first-write-wins); the repository sets the owner kind's expiry. */
export interface CartRepository {
  load(owner: KeyedCartOwner): Promise<VersionedCart | undefined>;
  /** Saves if the stored version is still `expected` (`'absent'`: only if there is no cart yet) and answers the new version; else StaleCartError. */
  save(owner: KeyedCartOwner, cart: StoredCart, expected: { version: string } | 'absent'): Promise<string>;
  /** Deletes the cart; with `expectedVersion` only if unchanged (else StaleCartError). A missing cart is not an error. */
  delete(owner: KeyedCartOwner, expectedVersion?: string): Promise<void>;
}

/** A product as the cart shows it: catalog's current public data. */
export interface ProductDetails {
  id: string;
  sku: string;
  name: string;
  imageUrl: string | null;
  price: Money;
  available: number;
  inStock: boolean;
}

/** Port: catalog's public product reads. */
export interface ProductCatalog {
  /**
   * The active product priced in `market` (its price list's entry in the market's currency, else its own price), or
   * undefined when catalog does not sell it (unknown, draft or archived). Throws an `unavailable` AppError when
   * catalog cannot answer. Its name is in `language` where catalog has a translation in it, else catalog's base name.
   */
  findProduct(productId: string, market: string, language?: string): Promise<ProductDetails | undefined>;
}

/** Port: ids of events already processed by a consumer, remembered for a while. */
export interface ProcessedEvents {
  has(eventId: string): Promise<boolean>;
  /** Records the id; recording one that is already there is fine. */
  record(eventId: string): Promise<void>;
}

/**
 * Port: how a read-modify-write that lost to a concurrent writer is run again: a pause with jitter between attempts
 * and a bounded number of them. The pauses (timers) live in the adapter, not in the domain.
 */
export interface WriteConflictRetry {
  /**
   * Runs `attempt`, and runs it again after a pause each time it fails with a write conflict (StaleCartError, or the
   * storage's own conflict error inside an adapter), until the bound; then the last conflict is thrown. Any other
   * error is thrown at once.
   */
  execute<T>(attempt: () => Promise<T>): Promise<T>;
}

/** The users noted in one shard of one activity hour, at the version they were read. */
export interface ActivityBucket {
  /** UTC hour, `YYYYMMDDHH`. */
  hour: string;
  shard: number;
  /** Sorted, unique. */
  userIds: string[];
  version: string;
}

/**
 * Port: which signed-in users' carts were written in which UTC hour, so the abandoned-cart job finds idle carts
 * without scanning the store. An entry may be stale (the cart changed or went since): readers re-check the cart.
 */
export interface CartActivityIndex {
  /** Notes that the user's cart was written during `hour` (`YYYYMMDDHH`); noting a user twice is fine. */
  recordActivity(userId: string, hour: string): Promise<void>;
  /** The non-empty buckets (one per shard) of an hour. */
  readBuckets(hour: string): Promise<ActivityBucket[]>;
  /** Removes a processed bucket unless it changed since it was read (then it stays for the next run); true when removed. */
  removeBucket(bucket: ActivityBucket): Promise<boolean>;
}

/** Port: publishes abandoned-cart reminders (`cart.abandoned` on the `carts` topic; its data is the notice). */
export interface AbandonedCartNotices {
  /** Resolves once the broker accepted the event; the same notice always gets the same event id. */
  publish(notice: CartAbandonedData): Promise<void>;
}
