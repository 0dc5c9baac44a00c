import type { Money } from '@shop/contracts';
import type { StoredCart, StoredCartLine } from './cart';
import type { ProductDetails } from './ports';

/** Why a line cannot be bought as it is. */
export type AvailabilityIssue = 'out_of_stock' | 'insufficient_stock' | 'unavailable';

/** One line as the API shows it: the stored line enriched with catalog's current data. */
export interface CartLineView {
  productId: string;
  /** Null when catalog no longer sells the product (`availabilityIssue: 'unavailable'`). */
  sku: string | null;
  name: string | null;
  imageUrl: string | null;
  quantity: number;
  /** Catalog's current price; null when the product is unavailable. */
  unitPrice: Money | null;
  /** The price when the line was added. */
  priceAtAdd: Money;
  /** The current price differs from the price when added (both are shown). */
  priceChanged: boolean;
  /** unitPrice × quantity in integer minor units; null when the product is unavailable. */
  lineTotal: Money | null;
  availability: { available: number; inStock: boolean } | null;
  availabilityIssue: AvailabilityIssue | null;
  addedAt: string;
}

/** The cart as the API shows it. */
export interface CartView {
  /** The guest cart id (also in `X-Cart-Id`); null for a user's cart and for a guest without a cart yet. */
  cartId: string | null;
  owner: 'guest' | 'user';
  lines: CartLineView[];
  /** Units over all lines. */
  itemCount: number;
  /** Sum of the priced lines' totals; currency null while the cart is empty. */
  subtotal: { amount: number; currency: string | null };
  /** Some line is out of stock, short of stock or no longer sold: checkout will refuse it. */
  hasAvailabilityIssues: boolean;
  createdAt: string | null;
  updatedAt: string | null;
  /** Present (true) on the one response whose request merged a guest cart into the user's cart. */
  mergedGuestCart?: true;
  /** With `mergedGuestCart`: guest lines that could not be carried over (another currency, no room left). */
  mergeSkippedLines?: Array<{ productId: string; reason: string }>;
}

/**
 * Builds the API view of a cart from its stored lines and catalog's current data (`details` has an entry per
 * product; undefined when catalog no longer sells it). Pure: the caller fetches the details.
 */
export function toCartView(
  cart: StoredCart | undefined,
  details: ReadonlyMap<string, ProductDetails | undefined>,
  identity: { owner: 'guest' | 'user'; cartId: string | null },
): CartView {
  const lines = (cart?.lines ?? []).map((line) => toLineView(line, details.get(line.productId)));
  const currency = cart?.lines[0]?.priceAtAdd.currency ?? null;
  const subtotal = lines.reduce((sum, line) => sum + (line.lineTotal?.amount ?? 0), 0);
  return {
    cartId: identity.cartId,
    owner: identity.owner,
    lines,
    itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
    subtotal: { amount: subtotal, currency },
    hasAvailabilityIssues: lines.some((line) => line.availabilityIssue !== null),
    createdAt: cart?.createdAt ?? null,
    updatedAt: cart?.updatedAt ?? null,
  };
}

function toLineView(line: StoredCartLine, product: ProductDetails | undefined): CartLineView {
  // A product re-priced into another currency cannot be summed with the cart's other lines: not buyable in this cart.
  if (!product || product.price.currency !== line.priceAtAdd.currency) {
    return {
      productId: line.productId,
      sku: product?.sku ?? null,
      name: product?.name ?? null,
      imageUrl: product?.imageUrl ?? null,
      quantity: line.quantity,
      unitPrice: null,
      priceAtAdd: line.priceAtAdd,
      priceChanged: product !== undefined,
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
    priceChanged: product.price.amount !== line.priceAtAdd.amount,
    lineTotal: { amount: product.price.amount * line.quantity, currency: product.price.currency },
    availability: { available: product.available, inStock: product.inStock },
    availabilityIssue: stockIssueOf(product, line.quantity),
    addedAt: line.addedAt,
  };
}

function stockIssueOf(product: ProductDetails, quantity: number): AvailabilityIssue | null {
  if (!product.inStock || product.available <= 0) return 'out_of_stock';
  if (product.available < quantity) return 'insufficient_stock';
  return null;
}
