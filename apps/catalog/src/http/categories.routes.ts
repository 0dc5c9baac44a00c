import { Router } from 'express';
import type { CatalogService } from '../domain/catalog.service';
import { CachePolicies } from './cache-policy';

/** The public category tree. */
export function createCategoriesRouter(deps: { service: CatalogService }): Router {
  const router = Router();
  router.get('/categories', async (_req, res) => {
    res.setHeader('Cache-Control', CachePolicies.categories);
    res.json({ items: await deps.service.categoryTree({}) });
  });
  return router;
}
