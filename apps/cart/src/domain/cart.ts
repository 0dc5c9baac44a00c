import type { CartMergeSkippedLine, Money } from '@shop/contracts';
import { AppError } from '@shop/kernel';

/** One line as stored: the price is the one the shopper saw when adding, to flag later price changes. */
export interface StoredCartLine {
  productId: string;
  quantity: number;
  priceAtAdd: Money;
  /** UTC ISO 8601. */
  addedAt: string;
}

/** A cart as stored in the state store (`cart:user:<userId>` or `cart:guest:<cartId>`). */
export interface StoredCart {
  lines: StoredCartLine[];
  createdAt: string;
  updatedAt: string;
  /**
   * Ids of the last order.confirmed events applied to this cart. Written in the same ETag-guarded save as the
   * removal, so a redelivery racing the first delivery cannot remove the ordered quantities twice.
   */
  appliedOrderEvents: string[];
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

/** How many applied order events a cart remembers; the inbox keys cover older redeliveries. */
const REMEMBERED_ORDER_EVENTS = 20;

/** A cart with no lines, created at `now`. */
export function emptyCart(now: Date): StoredCart {
  const at = now.toISOString();
  return { lines: [], createdAt: at, updatedAt: at, appliedOrderEvents: [] };
}

/** The currency every line of the cart is priced in, or undefined for an empty cart. */
export function currencyOf(cart: StoredCart): string | undefined {
  return cart.lines[0]?.priceAtAdd.currency;
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
    return touch({ ...cart, lines: cart.lines.map((line) => (line === existing ? { ...line, quantity: total } : line)) }, now);
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
  return touch({ ...cart, lines: cart.lines.map((line) => (line === existing ? { ...line, quantity } : line)) }, now);
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
    const currency = lines[0]?.priceAtAdd.currency;
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

/** One line of a confirmed order. */
export interface OrderedLine {
  productId: string;
  quantity: number;
}

/**
 * Takes a confirmed order's quantities out of the cart: lines drop to what was added beyond the order (or go),
 * products the order did not contain stay. Applying the same event id twice changes nothing.
 */
export function removeOrderedQuantities(cart: StoredCart, eventId: string, orderedLines: OrderedLine[], now: Date): StoredCart {
  if (cart.appliedOrderEvents.includes(eventId)) return cart;
  const ordered = new Map<string, number>();
  for (const line of orderedLines) ordered.set(line.productId, (ordered.get(line.productId) ?? 0) + line.quantity);
  const lines = cart.lines
    .map((line) => ({ ...line, quantity: line.quantity - (ordered.get(line.productId) ?? 0) }))
    .filter((line) => line.quantity > 0);
  const appliedOrderEvents = [...cart.appliedOrderEvents, eventId].slice(-REMEMBERED_ORDER_EVENTS);
  return touch({ ...cart, lines, appliedOrderEvents }, now);
}

function assertLineQuantity(quantity: number, limits: CartLimits, alreadyInCart: number): void {
  if (quantity <= limits.maxLineQuantity) return;
  const already = alreadyInCart > 0 ? ` (${alreadyInCart} already in the cart)` : '';
  throw new AppError('unprocessable', `A cart holds at most ${limits.maxLineQuantity} units of one product${already}`, {
    extensions: { reason: 'line_quantity_limit', maxLineQuantity: limits.maxLineQuantity, quantityInCart: alreadyInCart },
  });
}

function touch(cart: StoredCart, now: Date): StoredCart {
  return { ...cart, updatedAt: now.toISOString() };
}
