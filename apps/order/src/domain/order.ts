import type { Money, OrderLine, StoredPaymentMethod } from '@shop/contracts';

// The order is what the order API shows: its types are the contract's, so a drift between them fails to compile.
export type { Order, OrderLine, OrderStatusChange, ShippingAddress, StoredPaymentMethod } from '@shop/contracts';

/** A line as priced somewhere (cart or reservation), before it becomes an order line. */
export interface PricedLine {
  productId: string;
  sku: string;
  name: string;
  unitPrice: Money;
  quantity: number;
}

/** Largest amount in minor units an order may total (PostgreSQL integer, and far above any real basket). */
export const MaxOrderAmount = 2_147_483_647;

/**
 * Prices lines in integer minor units: each line total, and the subtotal. Returns undefined when the lines mix
 * currencies or the sum leaves the integer range (the caller refuses the order).
 */
export function priceLines(lines: readonly PricedLine[]): { currency: string; lines: OrderLine[]; subtotal: Money } | undefined {
  const currency = lines[0]?.unitPrice.currency;
  if (!currency || lines.some((line) => line.unitPrice.currency !== currency)) return undefined;
  let subtotal = 0;
  const priced = lines.map((line) => {
    const amount = line.unitPrice.amount * line.quantity;
    subtotal += amount;
    return { ...line, lineTotal: { amount, currency } };
  });
  if (!Number.isSafeInteger(subtotal) || subtotal > MaxOrderAmount) return undefined;
  return { currency, lines: priced, subtotal: { amount: subtotal, currency } };
}

/**
 * True when two line lists say the same, line by line (product, SKU, name, unit price, quantity): a reservation
 * that priced the cart's lines exactly as the cart did leaves the order's lines as they are.
 */
export function sameLines(a: readonly OrderLine[], b: readonly OrderLine[]): boolean {
  return (
    a.length === b.length &&
    a.every((line, index) => {
      const other = b[index];
      return (
        line.productId === other.productId &&
        line.sku === other.sku &&
        line.name === other.name &&
        line.quantity === other.quantity &&
        line.unitPrice.amount === other.unitPrice.amount &&
        line.unitPrice.currency === other.unitPrice.currency
      );
    })
  );
}

/** What may be stored of a payment token: which simulated outcome it asks for, or its last four characters. */
export function describePaymentMethod(paymentToken: string, simulatedTokens: Readonly<Record<string, string>>): StoredPaymentMethod {
  const outcome = Object.entries(simulatedTokens).find(([, token]) => token === paymentToken)?.[0];
  return outcome ? { kind: 'simulated', outcome } : { kind: 'token', last4: paymentToken.slice(-4) };
}
