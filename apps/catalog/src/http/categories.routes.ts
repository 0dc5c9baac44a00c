import { Router } from 'express';
import type { CategoryTree } from '@shop/contracts';
import type { ProductQueryService } from '../domain/product-query.service';
import { CachePolicies } from './cache-policy';

/** The public category tree. */
export function createCategoriesRouter(deps: { productQueries: ProductQueryService }): Router {
  const router = Router();
  router.get('/categories', async (_req, res) => {
    res.setHeader('Cache-Control', CachePolicies.categories);
    res.json({ items: await deps.productQueries.categoryTree() } satisfies CategoryTree);
  });
  return router;
}
