import type { Money } from '@shop/contracts';
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
  /** Saves if the stored version is still `expected` (`'absent'`: only if there is no cart yet); else StaleCartError. */
  save(owner: KeyedCartOwner, cart: StoredCart, expected: { version: string } | 'absent'): Promise<void>;
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
  /** The active product, or undefined when catalog does not sell it (unknown, draft or archived). Throws an `unavailable` AppError when catalog cannot answer. */
  findProduct(productId: string): Promise<ProductDetails | undefined>;
}

/** Port: ids of events already processed by a consumer, remembered for a while. */
export interface ProcessedEvents {
  has(eventId: string): Promise<boolean>;
  /** Records the id; recording one that is already there is fine. */
  record(eventId: string): Promise<void>;
}

/** The guest cart ids the service hands out. */
export interface CartIdGenerator {
  newGuestCartId(): string;
}
