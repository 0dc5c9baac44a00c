import { createHash } from 'node:crypto';
import type { CartMergeSkippedLine, Money } from '@shop/contracts';
import { AppError } from '@shop/kernel';

/** One line as stored: the price is the one the shopper saw when adding, to flag later price changes. */
export interface StoredCartLine {
  productId: string;
  quantity: number;
  priceAtAdd: Money;
  /** UTC ISO 8601. */
  addedAt: string;
  /** The price the line had before a market change re-priced it; dropped when the line changes again. */
  repricedFrom?: Money;
  /**
   * Set by a market change that could not price the line in the cart's new currency (no price list entry): the line
   * keeps its old price, shows as unavailable and does not decide the cart's currency, until a later change prices it.
   */
  outsideMarketCurrency?: true;
}


/** A cart as stored in the state store (`cart:user:<userId>` or `cart:guest:<cartId>`). */
export interface StoredCart {
  /** The market (id) catalog prices the cart in; absent in carts stored before markets (those are in the default market). */
  market?: string;
  lines: StoredCartLine[];
  createdAt: string;
  updatedAt: string;
  /**
   * Ids of the last order.confirmed events whose quantities were subtracted from the lines (orders that never took
   * the cart: `confirmOrder`). Written in the same ETag-guarded save as the subtraction, so a redelivery racing the
   * first delivery cannot subtract twice; replicas of the previous release read it the same way.
   */
  appliedOrderEvents: string[];
  /** Lines taken by checkouts whose orders have not settled yet (absent in carts written before holds existed). */
  checkouts?: CheckoutHold[];
  /** The last checkouts that settled, by order id. */
  settledCheckouts?: SettledCheckout[];
  /**
   * The `updatedAt` a `cart.abandoned` reminder was sent for (user carts only). Claimed in an ETag-guarded save
   * before publishing, so concurrent reminder runs send one; any later change moves `updatedAt` past it.
   */
  remindedForUpdatedAt?: string;
}

/** The limits a cart enforces (configured by CART_MAX_LINE_QUANTITY and CART_MAX_LINES). */
export interface CartLimits {
  maxLineQuantity: number;
  maxLines: number;
}

/** What the cart needs to know about a product to add it: its current price. */
export interface PricedProduct {
  id: string;
  price: Money;
}

/** A cart with no lines in `market`, created at `now`. */
export function emptyCart(now: Date, market?: string): StoredCart {
  const at = now.toISOString();
  return { ...(market ? { market } : {}), lines: [], createdAt: at, updatedAt: at, appliedOrderEvents: [] };
}

/**
 * The currency every line of the cart is priced in, or undefined for an empty cart. Usually the market's, but catalog
 * prices a product in its own currency where its price list has none in the market's (no rate configured), and such
 * a cart holds that currency instead.
 */
export function currencyOf(cart: { lines: readonly StoredCartLine[] }): string | undefined {
  return (cart.lines.find((line) => !line.outsideMarketCurrency) ?? cart.lines[0])?.priceAtAdd.currency;
}

/**
 * Moves the cart into `market`: each line takes catalog's price in that market (`prices`, by product id) and, where
 * the price differs, remembers the one it had (`repricedFrom`), so the shopper sees what the change did. The cart's
 * currency becomes the market's (or, where catalog prices no line in it, the first sold line's new currency): a line
 * priced in another one keeps its old price and is marked `outsideMarketCurrency` (unavailable: one order is paid in
 * one currency); a line catalog no longer sells keeps its price too. The same market: the cart unchanged.
 */
export function changeMarket(cart: StoredCart, market: { id: string; currency: string }, prices: ReadonlyMap<string, Money | undefined>, now: Date): StoredCart {
  if (cart.market === market.id) return cart;
  const sold = cart.lines.map((line) => prices.get(line.productId)).filter((price): price is Money => price !== undefined);
  const currency = sold.some((price) => price.currency === market.currency) ? market.currency : sold[0]?.currency;
  const lines = cart.lines.map((line): StoredCartLine => {
    const { outsideMarketCurrency: _before, ...rest } = line;
    const price = prices.get(line.productId);
    if (!price) return rest;
    if (price.currency !== currency) return { ...rest, outsideMarketCurrency: true };
    if (price.amount === line.priceAtAdd.amount && price.currency === line.priceAtAdd.currency) return rest;
    return { ...rest, priceAtAdd: price, repricedFrom: line.repricedFrom ?? line.priceAtAdd };
  });
  return touch({ ...cart, market: market.id, lines }, now);
}

/** Adds `quantity` units of `product`, to its existing line if there is one. Refuses (422) what breaks a limit or mixes currencies. */
export function addItem(cart: StoredCart, product: PricedProduct, quantity: number, limits: CartLimits, now: Date): StoredCart {
  const currency = currencyOf(cart);
  if (currency !== undefined && currency !== product.price.currency) {
    throw new AppError('unprocessable', `The cart is priced in ${currency}; product ${product.id} is priced in ${product.price.currency}. One cart holds one currency.`, {
      extensions: { reason: 'currency_mismatch', cartCurrency: currency, productCurrency: product.price.currency },
    });
  }
  const existing = cart.lines.find((line) => line.productId === product.id);
  if (existing) {
    const total = existing.quantity + quantity;
    assertLineQuantity(total, limits, existing.quantity);
    return touch({ ...cart, lines: cart.lines.map((line) => (line === existing ? { ...withoutRepricing(line), quantity: total } : line)) }, now);
  }
  assertLineQuantity(quantity, limits, 0);
  if (cart.lines.length >= limits.maxLines) {
    throw new AppError('unprocessable', `A cart holds at most ${limits.maxLines} different products`, {
      extensions: { reason: 'too_many_lines', maxLines: limits.maxLines },
    });
  }
  const line: StoredCartLine = { productId: product.id, quantity, priceAtAdd: product.price, addedAt: now.toISOString() };
  return touch({ ...cart, lines: [...cart.lines, line] }, now);
}

/** Sets the quantity of a line already in the cart; 0 removes it. A product not in the cart → 404. */
export function setLineQuantity(cart: StoredCart, productId: string, quantity: number, limits: CartLimits, now: Date): StoredCart {
  const existing = cart.lines.find((line) => line.productId === productId);
  if (!existing) throw new AppError('not_found', `Product ${productId} is not in the cart`);
  if (quantity === 0) return removeLine(cart, productId, now);
  assertLineQuantity(quantity, limits, 0);
  return touch({ ...cart, lines: cart.lines.map((line) => (line === existing ? { ...withoutRepricing(line), quantity } : line)) }, now);
}

/** Removes a product's line; removing a product that is not in the cart changes nothing (idempotent). */
export function removeLine(cart: StoredCart, productId: string, now: Date): StoredCart {
  if (!cart.lines.some((line) => line.productId === productId)) return cart;
  return touch({ ...cart, lines: cart.lines.filter((line) => line.productId !== productId) }, now);
}

/**
 * Merges a guest cart's lines into a user's cart at sign-in: quantities of the same product add up, capped at
 * the per-line limit; new products are appended while there is room. Guest lines in another currency than the
 * user's cart, or beyond the line limit, are skipped (and reported).
 */
export function mergeGuestLines(userCart: StoredCart, guestLines: StoredCartLine[], limits: CartLimits, now: Date): { cart: StoredCart; skipped: CartMergeSkippedLine[] } {
  const lines = userCart.lines.map((line) => ({ ...line }));
  const skipped: CartMergeSkippedLine[] = [];
  for (const guestLine of guestLines) {
    const currency = currencyOf({ lines });
    const existing = lines.find((line) => line.productId === guestLine.productId);
    if (existing) {
      existing.quantity = Math.min(limits.maxLineQuantity, existing.quantity + guestLine.quantity);
    } else if (currency !== undefined && currency !== guestLine.priceAtAdd.currency) {
      skipped.push({ productId: guestLine.productId, reason: 'currency_mismatch' });
    } else if (lines.length >= limits.maxLines) {
      skipped.push({ productId: guestLine.productId, reason: 'too_many_lines' });
    } else {
      lines.push({ ...guestLine, quantity: Math.min(limits.maxLineQuantity, guestLine.quantity) });
    }
  }
  return { cart: touch({ ...userCart, lines }, now), skipped };
}

/** The lines a checkout took out of the cart for its order, kept until the order is confirmed or gives them back. */
export interface CheckoutHold {
  orderId: string;
  lines: StoredCartLine[];
  /** UTC ISO 8601. A hold older than CHECKOUT_HOLD_MAX_AGE_MS is dropped on the cart's next write. */
  heldAt: string;
}

/** How a checkout of the cart ended, remembered by order id so that a late or repeated call changes nothing. */
export interface SettledCheckout {
  orderId: string;
  /**
   * released: the held lines went back into the cart; nothing_held: the order gave the cart back before it took
   * anything (and can take nothing now); completed: the order was confirmed and keeps its lines.
   */
  outcome: 'released' | 'nothing_held' | 'completed';
  /** UTC ISO 8601. */
  at: string;
}

/**
 * How long a hold waits for its order to settle. Orders settle within minutes (the order service's recovery cancels
 * an interrupted checkout and gives the cart back); a hold this old belongs to an order that never will, and is
 * dropped on the next write so that holds cannot pile up in a cart.
 */
export const CHECKOUT_HOLD_MAX_AGE_MS = 7 * 24 * 3600_000;

/** How many settled checkouts a cart remembers (also only for CHECKOUT_HOLD_MAX_AGE_MS). */
const REMEMBERED_SETTLED_CHECKOUTS = 20;

/**
 * The version of a cart's lines: a hash of what a checkout would buy (product, quantity, price when added, when
 * added). Writes that leave the lines alone (a hold dropped, a reminder claimed) keep it, so they never make a
 * checkout in progress fail; any change of the lines, a line removed and added again included, moves it on.
 */
export function cartVersionOf(lines: readonly StoredCartLine[]): string {
  const canonical = JSON.stringify(lines.map((line) => [line.productId, line.quantity, line.priceAtAdd.amount, line.priceAtAdd.currency, line.addedAt]));
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 27);
}

/** What an order's take of the cart came to. */
export type CheckoutTaking =
  /** The lines are held for the order (taken now, or by an earlier call with the same order id). */
  | { kind: 'held'; hold: CheckoutHold }
  /** The order took the cart earlier and was confirmed since. */
  | { kind: 'completed' }
  /** Nothing taken: the lines are not at the version the order was priced from, or the order gave the cart back already. */
  | { kind: 'refused'; reason: 'cart_changed' | 'checkout_released' };

/**
 * Moves the cart's lines into a hold for `orderId` when they are still at `cartVersion`: the cart shows no lines from
 * then on, and the next add starts afresh. Idempotent per order id; the cart is returned unchanged when nothing moves.
 */
export function takeForCheckout(cart: StoredCart, orderId: string, cartVersion: string, now: Date): { cart: StoredCart; taking: CheckoutTaking } {
  const hold = cart.checkouts?.find((candidate) => candidate.orderId === orderId);
  if (hold) return { cart, taking: { kind: 'held', hold } };
  const settled = cart.settledCheckouts?.find((candidate) => candidate.orderId === orderId);
  if (settled) return { cart, taking: settled.outcome === 'completed' ? { kind: 'completed' } : { kind: 'refused', reason: 'checkout_released' } };
  if (cart.lines.length === 0 || cartVersionOf(cart.lines) !== cartVersion) return { cart, taking: { kind: 'refused', reason: 'cart_changed' } };
  const taken: CheckoutHold = { orderId, lines: cart.lines, heldAt: now.toISOString() };
  return { cart: touch({ ...cart, lines: [], checkouts: [...(cart.checkouts ?? []), taken] }, now), taking: { kind: 'held', hold: taken } };
}

/**
 * Gives an order's hold back: the held lines return in front of anything added since (quantities of one product add
 * up to the per-line cap; lines past the line limit, or added since in another currency than the held ones, are
 * dropped), so a failed checkout leaves the cart as it was. An order that took nothing is remembered as such, so a
 * take of it still under way is refused when it arrives. Idempotent; a confirmed order's lines stay with it.
 */
export function releaseCheckout(cart: StoredCart, orderId: string, limits: CartLimits, now: Date): { cart: StoredCart; outcome: SettledCheckout['outcome'] } {
  const settled = cart.settledCheckouts?.find((candidate) => candidate.orderId === orderId);
  if (settled) return { cart, outcome: settled.outcome };
  const hold = cart.checkouts?.find((candidate) => candidate.orderId === orderId);
  if (!hold) return { cart: settle(cart, orderId, 'nothing_held', now), outcome: 'nothing_held' };
  const withoutHold = { ...cart, checkouts: cart.checkouts?.filter((candidate) => candidate !== hold) };
  const restored = touch({ ...withoutHold, lines: heldLinesFirst(hold.lines, cart.lines, limits) }, now);
  return { cart: settle(restored, orderId, 'released', now), outcome: 'released' };
}

/**
 * Drops the hold of a confirmed order: its lines are the order's now. The lines in the cart are not touched (nor
 * `updatedAt`: this is not the shopper's doing), so a late confirmation never empties a cart filled again since.
 * Unchanged when the order holds nothing here (settled already, or it took no lines).
 */
export function completeCheckout(cart: StoredCart, orderId: string, now: Date): StoredCart {
  const hold = cart.checkouts?.find((candidate) => candidate.orderId === orderId);
  if (!hold) return cart;
  return settle({ ...cart, checkouts: cart.checkouts?.filter((candidate) => candidate !== hold) }, orderId, 'completed', now);
}

/** One line of a confirmed order. */
export interface OrderedLine {
  productId: string;
  quantity: number;
}

/** How many subtracted order events a cart remembers; the inbox keys cover older redeliveries. */
const REMEMBERED_ORDER_EVENTS = 20;

/**
 * Applies order.confirmed (event `eventId`) to the cart. An order the cart knows as a checkout (held, or settled)
 * took its lines when the checkout started: its hold is dropped (`completeCheckout`) and the cart's lines stay.
 *
 * An order the cart does not know that says it took a cart (`cartTaken`) took another one: the shopper's cart in
 * another region (each region keeps its carts, and every region hears of every order), or a hold this cart dropped
 * as too old. Its lines stay as they are: they were never the order's.
 *
 * An order the cart does not know and that does not say so never took the cart: it was placed by an order service of
 * the previous release (which reads the cart but never takes it), still confirming orders during a rolling deploy.
 * For it the cart does what that release did: the ordered quantities come out of the live lines (units added beyond
 * them stay), once per event id. A cart without any of the ordered products is left as it is.
 */
export function confirmOrder(cart: StoredCart, eventId: string, order: { orderId: string; lines: readonly OrderedLine[]; cartTaken?: boolean }, now: Date): StoredCart {
  const knownCheckout = cart.checkouts?.some((hold) => hold.orderId === order.orderId) || cart.settledCheckouts?.some((settled) => settled.orderId === order.orderId);
  if (knownCheckout) return completeCheckout(cart, order.orderId, now);
  if (order.cartTaken === true) return cart;
  if (cart.appliedOrderEvents.includes(eventId)) return cart;
  const ordered = new Map<string, number>();
  for (const line of order.lines) ordered.set(line.productId, (ordered.get(line.productId) ?? 0) + line.quantity);
  if (!cart.lines.some((line) => ordered.has(line.productId))) return cart;
  const lines = cart.lines.map((line) => ({ ...line, quantity: line.quantity - (ordered.get(line.productId) ?? 0) })).filter((line) => line.quantity > 0);
  const appliedOrderEvents = [...cart.appliedOrderEvents, eventId].slice(-REMEMBERED_ORDER_EVENTS);
  return touch({ ...cart, lines, appliedOrderEvents }, now);
}

/** Whether the cart keeps state of checkouts (holds, or settled ones it must remember) besides its lines. */
export function hasCheckoutState(cart: StoredCart): boolean {
  return (cart.checkouts?.length ?? 0) > 0 || (cart.settledCheckouts?.length ?? 0) > 0;
}

/** The cart without holds and settled checkouts older than CHECKOUT_HOLD_MAX_AGE_MS (the same cart when there are none). */
export function withoutStaleCheckouts(cart: StoredCart, now: Date): StoredCart {
  const oldest = now.getTime() - CHECKOUT_HOLD_MAX_AGE_MS;
  const checkouts = cart.checkouts?.filter((hold) => Date.parse(hold.heldAt) >= oldest);
  const settledCheckouts = cart.settledCheckouts?.filter((settled) => Date.parse(settled.at) >= oldest);
  if (checkouts?.length === cart.checkouts?.length && settledCheckouts?.length === cart.settledCheckouts?.length) return cart;
  return { ...cart, checkouts, settledCheckouts };
}

function settle(cart: StoredCart, orderId: string, outcome: SettledCheckout['outcome'], now: Date): StoredCart {
  const settledCheckouts = [...(cart.settledCheckouts ?? []), { orderId, outcome, at: now.toISOString() }].slice(-REMEMBERED_SETTLED_CHECKOUTS);
  return { ...cart, settledCheckouts };
}

function heldLinesFirst(held: readonly StoredCartLine[], addedSince: readonly StoredCartLine[], limits: CartLimits): StoredCartLine[] {
  const lines = held.map((line) => ({ ...line, quantity: Math.min(limits.maxLineQuantity, line.quantity) }));
  const currency = currencyOf({ lines });
  for (const line of addedSince) {
    const existing = lines.find((candidate) => candidate.productId === line.productId);
    if (existing) existing.quantity = Math.min(limits.maxLineQuantity, existing.quantity + line.quantity);
    else if ((currency === undefined || line.priceAtAdd.currency === currency) && lines.length < limits.maxLines) lines.push({ ...line });
  }
  return lines;
}

function assertLineQuantity(quantity: number, limits: CartLimits, alreadyInCart: number): void {
  if (quantity <= limits.maxLineQuantity) return;
  const already = alreadyInCart > 0 ? ` (${alreadyInCart} already in the cart)` : '';
  throw new AppError('unprocessable', `A cart holds at most ${limits.maxLineQuantity} units of one product${already}`, {
    extensions: { reason: 'line_quantity_limit', maxLineQuantity: limits.maxLineQuantity, quantityInCart: alreadyInCart },
  });
}

/** The line without the mark of a market change: the shopper changed the line since. */
function withoutRepricing(line: StoredCartLine): StoredCartLine {
  if (!line.repricedFrom) return line;
  const { repricedFrom: _seen, ...rest } = line;
  return rest;
}

function touch(cart: StoredCart, now: Date): StoredCart {
  return { ...cart, updatedAt: now.toISOString() };
}
