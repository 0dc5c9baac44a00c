import type { AddCartItemBody, CartMergeSkippedLine, CartView, Market, MarketId } from '@shop/contracts';
import { AppError, type Logger } from '@shop/kernel';
import {
  addItem,
  cartVersionOf,
  changeMarket,
  confirmOrder,
  emptyCart,
  hasCheckoutState,
  mergeGuestLines,
  releaseCheckout,
  removeLine,
  setLineQuantity,
  takeForCheckout,
  withoutStaleCheckouts,
  type CartLimits,
  type CheckoutTaking,
  type OrderedLine,
  type SettledCheckout,
  type StoredCart,
} from './cart';
import { activityHourOf } from './abandoned-cart';
import { toCartView } from './cart-view';
import {
  StaleCartError,
  type CartActivityIndex,
  type CartOwner,
  type CartRepository,
  type KeyedCartOwner,
  type ProcessedEvents,
  type ProductCatalog,
  type ProductDetails,
  type WriteConflictRetry,
} from './ports';

/** What every cart operation is given first: whose cart it is, and the market the request chose. */
export interface CartContext {
  owner: CartOwner;
  /** The request's market (query, cookie, country, languages): a new cart is priced in it. Default: the default market. */
  market?: Market;
  /** The shopper's language (ISO 639, from Accept-Language): product names are shown in it where catalog has them. */
  language?: string;
}

/** The shop's markets (MARKETS, DEFAULT_MARKET): a cart is priced in one of them. */
export interface CartMarketSettings {
  markets: readonly Market[];
  defaultMarket: MarketId;
}

/** The answer of a cart operation. */
export interface CartOutcome {
  view: CartView;
  /** The version of the cart's lines (`cartVersionOf`): the API's ETag, which a checkout takes the cart at. */
  version: string;
  /** The guest cart this operation wrote (created or refreshed): the API hands its id out again, with a fresh cookie. */
  writtenGuestCartId?: string;
}

/** What the cart service is built from. */
export interface CartServiceDeps {
  repository: CartRepository;
  catalog: ProductCatalog;
  processedOrderEvents: ProcessedEvents;
  /** Where user cart writes are noted by hour, for the abandoned-cart reminders. */
  activity: CartActivityIndex;
  limits: CartLimits;
  markets: CartMarketSettings;
  /** Runs a read-modify-write again when another writer saved first; when it gives up, the answer is a 409. */
  writeRetry: WriteConflictRetry;
  newGuestCartId: () => string;
  logger: Logger;
  now?: () => Date;
}

/** What a confirmed order tells the cart: whose cart held its lines, and what it ordered. */
export interface ConfirmedOrder {
  orderId: string;
  userId: string;
  /** Subtracted from the cart's lines only for an order that never took the cart (see `confirmOrder`). */
  lines: OrderedLine[];
  /** The order says its checkout took a cart (this release): a cart that does not know it leaves its lines alone. */
  cartTaken?: boolean;
}

/**
 * The cart: lines and quantities in the state store, prices and names from catalog. Every change is a
 * read → modify → guarded save, run again (through the `writeRetry` port) when another writer got there first, so
 * concurrent changes to one cart all land.
 */
export class CartService {
  private readonly now: () => Date;

  constructor(private readonly deps: CartServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** The cart with catalog's current data; a guest without a (live) cart gets an empty one, nothing is stored. */
  async getCart(ctx: CartContext): Promise<CartOutcome> {
    const keyed = keyedOwnerOf(ctx.owner);
    const stored = keyed ? await this.deps.repository.load(keyed) : undefined;
    return { view: await this.viewOf(ctx, stored ? keyed : undefined, stored?.cart), version: cartVersionOf(stored?.cart.lines ?? []) };
  }

  /** Adds units of an active product, priced by catalog now in the cart's market, to the cart. */
  async addItem(ctx: CartContext, input: AddCartItemBody): Promise<CartOutcome> {
    const keyed = keyedOwnerOf(ctx.owner);
    const stored = keyed ? await this.deps.repository.load(keyed) : undefined;
    const market = this.marketOf(stored?.cart, ctx);
    const product = await this.deps.catalog.findProduct(input.productId, market, ctx.language);
    if (!product) {
      throw new AppError('unprocessable', `Product ${input.productId} is not for sale (unknown, draft or archived)`, {
        extensions: { reason: 'product_unavailable', productId: input.productId },
      });
    }
    return this.change(
      ctx,
      (cart) => {
        // The cart moved to another market between the price lookup and the write: this price is not the cart's.
        if (this.marketOf(cart, ctx) !== market) throw new AppError('conflict', 'The cart changed market while the product was being added; add it again');
        return addItem(cart, product, input.quantity, this.deps.limits, this.now());
      },
      [product],
      market,
    );
  }

  /**
   * Prices the cart in another market from now on: every line is re-priced by catalog in the market's currency and
   * marked with its previous price (see `changeMarket`). A market no setting names is a 400. Without a stored cart
   * nothing is written: the next add starts a cart in the request's market.
   */
  async changeMarket(ctx: CartContext, marketId: string): Promise<CartOutcome> {
    const chosen = this.deps.markets.markets.find((market) => market.id === marketId);
    if (!chosen) {
      const ids = this.deps.markets.markets.map((market) => market.id).join(', ');
      throw new AppError('invalid', `There is no market ${JSON.stringify(marketId)}; markets: ${ids}`, { fields: [{ field: 'body.market', message: `must be one of ${ids}` }] });
    }
    const keyed = keyedOwnerOf(ctx.owner);
    const stored = keyed ? await this.deps.repository.load(keyed) : undefined;
    if (!stored) return { view: await this.viewOf({ ...ctx, market: chosen }, undefined, undefined), version: cartVersionOf([]) };
    const productIds = [...new Set(stored.cart.lines.map((line) => line.productId))];
    const products = await Promise.all(productIds.map((id) => this.deps.catalog.findProduct(id, chosen.id, ctx.language)));
    const prices = new Map(productIds.map((id, index) => [id, products[index]?.price]));
    const known = products.filter((product): product is ProductDetails => product !== undefined);
    return this.change({ ...ctx, market: chosen }, (cart) => changeMarket(cart, chosen, prices, this.now()), known, chosen.id);
  }

  /** Sets a line's quantity (0 removes it). */
  async setItemQuantity(ctx: CartContext, productId: string, quantity: number): Promise<CartOutcome> {
    return this.change(ctx, (cart) => setLineQuantity(cart, productId, quantity, this.deps.limits, this.now()));
  }

  /** Removes a product's line (idempotent). */
  async removeItem(ctx: CartContext, productId: string): Promise<CartOutcome> {
    return this.change(ctx, (cart) => removeLine(cart, productId, this.now()));
  }

  /**
   * Empties the cart: the stored cart is deleted, unless checkouts of it are under way or settled recently (their
   * holds must be able to come back, and a late take must still be refused), in which case only its lines go.
   */
  async clearCart(ctx: CartContext): Promise<CartOutcome> {
    const keyed = keyedOwnerOf(ctx.owner);
    if (keyed) {
      await this.retryOnConflict(async () => {
        const current = await this.deps.repository.load(keyed);
        if (!current) return;
        if (!hasCheckoutState(current.cart)) return this.deps.repository.delete(keyed, current.version);
        if (current.cart.lines.length > 0) await this.deps.repository.save(keyed, { ...current.cart, lines: [], updatedAt: this.now().toISOString() }, { version: current.version });
      });
    }
    return { view: await this.viewOf(ctx, undefined, undefined), version: cartVersionOf([]) };
  }

  /**
   * At sign-in: folds the guest cart into the user's cart and deletes it. The guest cart is claimed first by an
   * ETag-guarded save that empties it: of concurrent sign-in requests carrying the same guest cart (a browser reads
   * the cart from several places at once) exactly one wins the claim and merges; the others find it empty. A guarded
   * delete cannot be the claim, because deleting a key that is already gone succeeds whatever the ETag (Dapr's
   * semantics), so a second request would merge the same lines again. A guest write racing the sign-in is either
   * merged or refused as stale and retried into a new guest cart, never lost; should the merge fail, the guest cart is
   * put back. Undefined when there was nothing to merge.
   */
  async mergeGuestCart(userId: string, guestCartId: string): Promise<{ skipped: CartMergeSkippedLine[] } | undefined> {
    const guestOwner: KeyedCartOwner = { kind: 'guest', cartId: guestCartId };
    const claim = await this.retryOnConflict(async () => {
      const guest = await this.deps.repository.load(guestOwner);
      // No guest cart, or one claimed by a concurrent sign-in (or emptied by the guest): nothing to merge; the claimant deletes it.
      if (!guest || guest.cart.lines.length === 0) return undefined;
      const claimedVersion = await this.deps.repository.save(guestOwner, { ...guest.cart, lines: [] }, { version: guest.version });
      return { guest: guest.cart, claimedVersion };
    });
    if (!claim) return undefined;
    let skipped: CartMergeSkippedLine[] = [];
    try {
      await this.write(
        { kind: 'user', userId },
        (cart) => {
          // An empty user cart takes the guest's market: the shopper chose it while signed out.
          const base = cart.lines.length === 0 && claim.guest.market ? { ...cart, market: claim.guest.market } : cart;
          const merged = mergeGuestLines(base, claim.guest.lines, this.deps.limits, this.now());
          skipped = merged.skipped;
          return merged.cart;
        },
        claim.guest.market,
      );
    } catch (error) {
      await this.deps.repository.save(guestOwner, claim.guest, { version: claim.claimedVersion }).catch((restoreError: unknown) => {
        this.deps.logger.error({ err: restoreError, cause: error }, 'could not restore a guest cart after a failed merge');
      });
      throw error;
    }
    await this.deps.repository.delete(guestOwner, claim.claimedVersion).catch((deleteError: unknown) => {
      // The emptied cart expires with its TTL; nothing merges twice because it is empty.
      this.deps.logger.warn({ err: deleteError }, 'could not delete a merged guest cart');
    });
    return { skipped };
  }

  /**
   * A checkout takes the user's cart for its order: in one guarded write, the lines (still at `cartVersion`, the
   * version the order was priced from) move into a hold for the order, and the cart shows none from then on.
   * Idempotent per order id. Refused (nothing written) when the lines moved on or the order gave the cart back already.
   */
  async startCheckout(userId: string, input: { orderId: string; cartVersion: string }): Promise<CheckoutTaking> {
    let taking: CheckoutTaking = { kind: 'refused', reason: 'cart_changed' };
    await this.write({ kind: 'user', userId }, (cart) => {
      const taken = takeForCheckout(cart, input.orderId, input.cartVersion, this.now());
      taking = taken.taking;
      return taken.cart;
    });
    return taking;
  }

  /**
   * A checkout that did not go through gives the cart back: the order's held lines return (see `releaseCheckout`).
   * Idempotent; an order that took nothing can take nothing afterwards; a confirmed order keeps its lines.
   */
  async releaseCheckout(userId: string, orderId: string): Promise<SettledCheckout['outcome']> {
    let outcome: SettledCheckout['outcome'] = 'nothing_held';
    await this.write({ kind: 'user', userId }, (cart) => {
      const released = releaseCheckout(cart, orderId, this.deps.limits, this.now());
      outcome = released.outcome;
      return released.cart;
    });
    return outcome;
  }

  /**
   * On order.confirmed: the order's hold is dropped, its lines are the order's now; the cart's own lines stay as they
   * are. An order the cart holds nothing of and has no record of never took the cart (an order service of the
   * previous release confirmed it during a rolling deploy): its quantities come out of the lines, as that release
   * expected (`confirmOrder`). Once per event id (the inbox, plus the ids kept in the cart for deliveries that race);
   * dropping a hold by order id is idempotent of itself. `duplicate` when the event was seen before.
   */
  async applyConfirmedOrder(eventId: string, order: ConfirmedOrder): Promise<'applied' | 'duplicate'> {
    if (await this.deps.processedOrderEvents.has(eventId)) return 'duplicate';
    await this.write({ kind: 'user', userId: order.userId }, (cart) => confirmOrder(cart, eventId, order, this.now()));
    await this.deps.processedOrderEvents.record(eventId);
    return 'applied';
  }

  /**
   * Runs a change and answers the cart view; `known` are product details already fetched for this request, priced in
   * `knownMarket` (used only when the written cart is in that market).
   */
  private async change(ctx: CartContext, modify: (cart: StoredCart) => StoredCart, known: ProductDetails[] = [], knownMarket?: string): Promise<CartOutcome> {
    const written = await this.write(ctx.owner, modify, this.marketOf(undefined, ctx));
    const reusable = knownMarket !== undefined && this.marketOf(written.cart, ctx) === knownMarket ? known : [];
    const view = await this.viewOf(ctx, written.cart ? written.owner : undefined, written.cart, reusable);
    const writtenGuestCartId = written.saved && written.owner?.kind === 'guest' ? written.owner.cartId : undefined;
    return { view, version: cartVersionOf(written.cart?.lines ?? []), writtenGuestCartId };
  }

  /**
   * Read → modify → guarded save, retried on a concurrent write. A change that returns the cart unchanged writes
   * nothing; one that writes also drops holds too old to ever settle (`withoutStaleCheckouts`). A guest without a
   * live cart gets a new id: ids are only ever made here, never taken from a client.
   */
  private async write(
    owner: CartOwner,
    modify: (cart: StoredCart) => StoredCart,
    marketOfNewCart?: string,
  ): Promise<{ owner: KeyedCartOwner | undefined; cart: StoredCart | undefined; saved: boolean }> {
    // Kept across attempts: a guest's new id is issued once per change, an activity hour noted once.
    let keyed = keyedOwnerOf(owner);
    let issued = false;
    let notedHour: string | undefined;
    return this.retryOnConflict(async () => {
      const current = keyed ? await this.deps.repository.load(keyed) : undefined;
      const base = current?.cart ?? emptyCart(this.now(), marketOfNewCart);
      const modified = modify(base);
      if (modified === base) return { owner: current ? keyed : undefined, cart: current?.cart, saved: false };
      const next = withoutStaleCheckouts(modified, this.now());
      if (!current && owner.kind === 'guest' && !issued) {
        keyed = { kind: 'guest', cartId: this.deps.newGuestCartId() };
        issued = true;
      }
      const target = keyed!;
      if (target.kind === 'user') {
        // Noted before the save: a note without a save is harmless (the job re-checks the cart), a save without a note
        // would never be reminded. Only when the hour changes, so a busy cart touches the index once an hour.
        const hour = activityHourOf(next.updatedAt);
        if (hour !== notedHour && (!current || activityHourOf(current.cart.updatedAt) !== hour) && (await this.noteActivity(target.userId, hour))) {
          notedHour = hour;
        }
      }
      // A StaleCartError here (someone saved first) makes the retry run the whole read-modify-write again.
      await this.deps.repository.save(target, next, current ? { version: current.version } : 'absent');
      return { owner: target, cart: next, saved: true };
    });
  }

  /**
   * Runs a read-modify-write through the retry port; once it gives up on concurrent writers, a 409 that says how many
   * attempts were made.
   */
  private async retryOnConflict<T>(attempt: () => Promise<T>): Promise<T> {
    let attempts = 0;
    try {
      return await this.deps.writeRetry.execute(() => {
        attempts += 1;
        return attempt();
      });
    } catch (error) {
      if (!(error instanceof StaleCartError)) throw error;
      throw new AppError('conflict', `The cart kept changing under concurrent requests; gave up after ${attempts} attempts. Retry the request.`, { cause: error });
    }
  }

  /**
   * Notes a user cart's activity hour; false when the index could not be written. The shopper's change goes ahead
   * regardless: a missed note only costs that cart its abandoned-cart reminder.
   */
  private async noteActivity(userId: string, hour: string): Promise<boolean> {
    try {
      await this.deps.activity.recordActivity(userId, hour);
      return true;
    } catch (error) {
      this.deps.logger.warn({ err: error, userId, hour }, 'could not note cart activity; this change will not be reminded if abandoned');
      return false;
    }
  }

  /**
   * The market a cart is priced in: its own; a cart stored before markets that holds lines, the default market (its
   * lines were priced in catalog's own prices); no cart or an empty old one, the request's market.
   */
  private marketOf(cart: StoredCart | undefined, ctx: CartContext): MarketId {
    if (cart?.market) return cart.market;
    const { defaultMarket } = this.deps.markets;
    if (cart && cart.lines.length > 0) return defaultMarket;
    return ctx.market?.id ?? defaultMarket;
  }

  /** The API view in the cart's market: each distinct product read from catalog, in parallel (details already fetched are reused). */
  private async viewOf(ctx: CartContext, keyed: KeyedCartOwner | undefined, cart: StoredCart | undefined, known: ProductDetails[] = []): Promise<CartView> {
    const market = this.marketOf(cart, ctx);
    const details = new Map<string, ProductDetails | undefined>(known.map((product) => [product.id, product]));
    const missing = [...new Set((cart?.lines ?? []).map((line) => line.productId))].filter((id) => !details.has(id));
    const fetched = await Promise.all(missing.map((id) => this.deps.catalog.findProduct(id, market, ctx.language)));
    missing.forEach((id, index) => details.set(id, fetched[index]));
    const cartId = keyed?.kind === 'guest' ? keyed.cartId : null;
    return toCartView(cart, details, { owner: ctx.owner.kind, cartId }, market);
  }
}

function keyedOwnerOf(owner: CartOwner): KeyedCartOwner | undefined {
  if (owner.kind === 'user') return owner;
  return owner.cartId ? { kind: 'guest', cartId: owner.cartId } : undefined;
}
