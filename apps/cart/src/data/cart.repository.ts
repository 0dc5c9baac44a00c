import { EtagMismatchError, type StateStore } from '@shop/building-blocks';
import type { StoredCart } from '../domain/cart';
import { StaleCartError, type CartRepository, type KeyedCartOwner, type VersionedCart } from '../domain/ports';

/** The state-store key of a cart. User and guest carts live under different prefixes, so a guest id can never name a user's cart. */
export function cartKeyOf(owner: KeyedCartOwner): string {
  return owner.kind === 'user' ? `cart:user:${owner.userId}` : `cart:guest:${owner.cartId}`;
}

/** How long carts live after their last write. */
export interface CartExpiry {
  guestSeconds: number;
  userSeconds: number;
}

/** Carts in the state store (Redis behind Dapr in Azure), ETag-guarded, expiring after their last write. */
export class StateStoreCartRepository implements CartRepository {
  constructor(
    private readonly store: StateStore,
    private readonly expiry: CartExpiry,
  ) {}

  async load(owner: KeyedCartOwner): Promise<VersionedCart | undefined> {
    const entry = await this.store.get<StoredCart>(cartKeyOf(owner));
    return entry ? { cart: entry.value, version: entry.etag } : undefined;
  }

  async save(owner: KeyedCartOwner, cart: StoredCart, expected: { version: string } | 'absent'): Promise<string> {
    const ttlSeconds = owner.kind === 'user' ? this.expiry.userSeconds : this.expiry.guestSeconds;
    const guard = expected === 'absent' ? { onlyIfAbsent: true } : { etag: expected.version };
    try {
      return await this.store.save(cartKeyOf(owner), cart, { ...guard, ttlSeconds });
    } catch (error) {
      if (error instanceof EtagMismatchError) throw new StaleCartError();
      throw error;
    }
  }

  async delete(owner: KeyedCartOwner, expectedVersion?: string): Promise<void> {
    try {
      await this.store.delete(cartKeyOf(owner), expectedVersion === undefined ? {} : { etag: expectedVersion });
    } catch (error) {
      if (error instanceof EtagMismatchError) throw new StaleCartError();
      throw error;
    }
  }
}
