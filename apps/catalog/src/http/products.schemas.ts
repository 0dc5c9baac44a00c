import { z } from 'zod';
import { minorUnitsSchema } from '@shop/contracts';
import { hasNoControlCharacters, productStatuses } from '../domain/product';
import { productSorts } from '../domain/product-search';

/** Limits of a product page. */
export const PageLimits = { default: 20, max: 100 } as const;

const queryText = (max: number) => z.string().max(max).refine(hasNoControlCharacters, { error: 'must not contain control characters' });

const queryBoolean = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

const queryMinorUnits = z
  .string()
  .regex(/^\d{1,12}$/, { error: 'must be a non-negative integer number of minor units' })
  .transform(Number)
  .pipe(minorUnitsSchema);

/** The search text: control characters become spaces, blank means no search. */
const searchText = z
  .string()
  .max(200)
  .transform((value) => value.replace(/[\u0000-\u001f\u007f]/g, ' ').trim() || undefined);

/** Query of `GET /api/catalog/products`; unknown keys and repeated keys are refused. */
export const productListQuerySchema = z.strictObject({
  q: searchText.optional(),
  category: queryText(100).optional(),
  brand: queryText(100).optional(),
  minPrice: queryMinorUnits.optional(),
  maxPrice: queryMinorUnits.optional(),
  inStock: queryBoolean.optional(),
  sort: z.enum(productSorts, { error: `must be one of ${productSorts.join(', ')}` }).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, { error: `must be an integer from 1 to ${PageLimits.max}` })
    .transform(Number)
    .pipe(z.number().int().min(1).max(PageLimits.max))
    .optional(),
  cursor: z.string().max(1024).optional(),
});
/** A parsed public list query. */
export type ProductListQuery = z.infer<typeof productListQuerySchema>;

/** Query of `GET /api/catalog/admin/products`: the public filters plus the status. */
export const adminProductListQuerySchema = productListQuerySchema.extend({
  status: z.enum(productStatuses).optional(),
});

/** Body of `PUT /api/catalog/products/{id}/inventory`. */
export const inventoryBodySchema = z.strictObject({
  onHand: z.number().int().min(0).max(1_000_000_000),
});
