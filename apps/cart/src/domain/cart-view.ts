import type { CartAvailabilityIssue, CartLine, CartView } from '@shop/contracts';
import { currencyOf, type StoredCart, type StoredCartLine } from './cart';
import type { ProductDetails } from './ports';

// The view is the contract's type (`Cart` in the API document): a field the API promises and the view lacks fails tsc.

/**
 * Builds the API view of a cart in its `market` from its stored lines and catalog's current data in that market
 * (`details` has an entry per product; undefined when catalog no longer sells it). Pure: the caller fetches the details.
 */
export function toCartView(
  cart: StoredCart | undefined,
  details: ReadonlyMap<string, ProductDetails | undefined>,
  identity: { owner: 'guest' | 'user'; cartId: string | null },
  market: string,
): CartView {
  const currency = cart ? (currencyOf(cart) ?? null) : null;
  const lines = (cart?.lines ?? []).map((line) => toLineView(line, details.get(line.productId), currency));
  const subtotal = lines.reduce((sum, line) => sum + (line.lineTotal?.amount ?? 0), 0);
  return {
    cartId: identity.cartId,
    owner: identity.owner,
    market,
    lines,
    itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
    subtotal: { amount: subtotal, currency },
    hasAvailabilityIssues: lines.some((line) => line.availabilityIssue !== null),
    createdAt: cart?.createdAt ?? null,
    updatedAt: cart?.updatedAt ?? null,
  };
}

function toLineView(line: StoredCartLine, product: ProductDetails | undefined, cartCurrency: string | null): CartLine {
  // A product priced in another currency than the cart (re-priced, or outside the cart's market currency) cannot be
  // summed with the cart's other lines: not buyable in this cart.
  const repricedFrom = line.repricedFrom ?? null;
  if (!product || product.price.currency !== line.priceAtAdd.currency || product.price.currency !== cartCurrency) {
    return {
      productId: line.productId,
      sku: product?.sku ?? null,
      name: product?.name ?? null,
      imageUrl: product?.imageUrl ?? null,
      quantity: line.quantity,
      unitPrice: null,
      priceAtAdd: line.priceAtAdd,
      priceChanged: product !== undefined,
      repricedFrom,
      lineTotal: null,
      availability: product ? { available: product.available, inStock: product.inStock } : null,
      availabilityIssue: 'unavailable',
      addedAt: line.addedAt,
    };
  }
  return {
    productId: line.productId,
    sku: product.sku,
    name: product.name,
    imageUrl: product.imageUrl,
    quantity: line.quantity,
    unitPrice: product.price,
    priceAtAdd: line.priceAtAdd,
    priceChanged: product.price.amount !== line.priceAtAdd.amount || product.price.currency !== line.priceAtAdd.currency,
    repricedFrom,
    lineTotal: { amount: product.price.amount * line.quantity, currency: product.price.currency },
    availability: { available: product.available, inStock: product.inStock },
    availabilityIssue: stockIssueOf(product, line.quantity),
    addedAt: line.addedAt,
  };
}

function stockIssueOf(product: ProductDetails, quantity: number): CartAvailabilityIssue | null {
  if (!product.inStock || product.available <= 0) return 'out_of_stock';
  if (product.available < quantity) return 'insufficient_stock';
  return null;
}
