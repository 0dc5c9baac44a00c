import { Router, type Request, type Response } from 'express';
import { parseOrThrow } from '@shop/platform';
import type { TokenVerifier } from '@shop/auth-tokens';
import type { CatalogService } from '../domain/catalog.service';
import { productEntityTag } from '../domain/entity-tag';
import { productInputSchema, productStatuses, toAdminProductView, type ProductWithAvailability } from '../domain/product';
import { adminOnly, contextOf } from './admin-auth';
import { CachePolicies } from './cache-policy';
import { expectedVersionsOf } from './preconditions';
import { PageLimits, adminProductListQuerySchema, inventoryBodySchema } from './products.schemas';

/** The product id of the route. */
function idOf(req: Request): string {
  return String(req.params.id);
}

/** Sends the admin representation with its ETag (whose version part is what `If-Match` compares). */
function sendAdminProduct(res: Response, product: ProductWithAvailability, status = 200): void {
  const body = JSON.stringify(toAdminProductView(product));
  res.status(status);
  res.setHeader('ETag', productEntityTag(product.version, body));
  res.setHeader('Cache-Control', CachePolicies.private);
  res.type('application/json').send(body);
}

/** Admin product management: create, replace, patch, archive, delete, stock, and reads of every status. */
export function createAdminProductsRouter(deps: { service: CatalogService; verifier: TokenVerifier }): Router {
  const { service } = deps;
  const admin = adminOnly(deps.verifier);
  const router = Router();

  router.post('/products', ...admin, async (req, res) => {
    const input = parseOrThrow(productInputSchema, req.body, 'body');
    const product = await service.createProduct(contextOf(res), input);
    res.setHeader('Location', `${req.baseUrl}/products/${product.id}`);
    sendAdminProduct(res, product, 201);
  });

  router.put('/products/:id', ...admin, async (req, res) => {
    const expected = expectedVersionsOf(req);
    const input = parseOrThrow(productInputSchema, req.body, 'body');
    sendAdminProduct(res, await service.replaceProduct(contextOf(res), idOf(req), expected, input));
  });

  router.patch('/products/:id', ...admin, async (req, res) => {
    const expected = expectedVersionsOf(req);
    sendAdminProduct(res, await service.patchProduct(contextOf(res), idOf(req), expected, req.body));
  });

  router.post('/products/:id/archive', ...admin, async (req, res) => {
    const expected = expectedVersionsOf(req);
    sendAdminProduct(res, await service.archiveProduct(contextOf(res), idOf(req), expected));
  });

  router.delete('/products/:id', ...admin, async (req, res) => {
    const expected = expectedVersionsOf(req);
    await service.deleteProduct(contextOf(res), idOf(req), expected);
    res.status(204).end();
  });

  router.put('/products/:id/inventory', ...admin, async (req, res) => {
    const expected = expectedVersionsOf(req);
    const { onHand } = parseOrThrow(inventoryBodySchema, req.body, 'body');
    sendAdminProduct(res, await service.setInventory(contextOf(res), idOf(req), expected, onHand));
  });

  router.get('/admin/products', ...admin, async (req, res) => {
    const { status, ...query } = parseOrThrow(adminProductListQuerySchema, req.query, 'query');
    const page = await service.searchProducts(contextOf(res), { ...query, limit: query.limit ?? PageLimits.default }, status ? [status] : [...productStatuses]);
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json({ items: page.items.map(toAdminProductView), nextCursor: page.nextCursor });
  });

  router.get('/admin/products/:id', ...admin, async (req, res) => {
    sendAdminProduct(res, await service.getProduct(contextOf(res), idOf(req)));
  });

  return router;
}
