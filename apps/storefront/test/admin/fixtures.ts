import type { AdminProductView } from '@shop/contracts';

export const fixtureProductId = '0b7e6c1e-5a8d-4c43-9d0c-2f7a7c1b9e11';

/** A product as the catalog's admin API answers it, version 3, with the given fields changed. */
export function adminProduct(overrides: Partial<AdminProductView> = {}): AdminProductView {
  return {
    id: fixtureProductId,
    sku: 'LAMP-1',
    name: 'Desk lamp',
    description: 'A lamp.',
    brand: 'Lumo',
    category: null,
    imageUrls: [],
    images: [],
    attributes: {},
    price: { amount: 4999, currency: 'EUR' },
    prices: [{ amount: 4999, currency: 'EUR', derived: false }],
    status: 'active',
    version: 3,
    availability: { available: 5, inStock: true },
    createdAt: '2030-01-01T00:00:00Z',
    updatedAt: '2030-01-02T00:00:00Z',
    inventory: { onHand: 7, reserved: 2 },
    translations: {},
    source: null,
    externalId: null,
    ...overrides,
  };
}
