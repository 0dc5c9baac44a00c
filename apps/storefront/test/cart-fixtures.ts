import type { CartLine, CartView } from '@shop/contracts';

/** A cart line as the cart service answers it: 2 × Desk Lamp at €24.99, in stock. */
export const cartLine = (overrides: Partial<CartLine> = {}): CartLine => ({
  productId: 'p1',
  sku: 'SKU-1',
  name: 'Desk Lamp',
  imageUrl: null,
  quantity: 2,
  unitPrice: { amount: 2499, currency: 'EUR' },
  priceAtAdd: { amount: 2499, currency: 'EUR' },
  priceChanged: false,
  repricedFrom: null,
  lineTotal: { amount: 4998, currency: 'EUR' },
  availability: { available: 10, inStock: true },
  availabilityIssue: null,
  addedAt: '2030-01-01T00:00:00.000Z',
  ...overrides,
});

/** A user's cart of these lines with the given subtotal (minor units, EUR), as the cart service answers it. */
export const cartOf = (lines: CartLine[], subtotal: number): CartView => ({
  cartId: null,
  owner: 'user',
  lines,
  itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
  subtotal: { amount: subtotal, currency: 'EUR' },
  hasAvailabilityIssues: lines.some((line) => line.availabilityIssue),
  createdAt: null,
  updatedAt: null,
});
