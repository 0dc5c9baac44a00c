import { Router, type Request, type Response } from 'express';
import type { TokenVerifier, UserAuthorizations } from '@shop/auth-tokens';
import {
  ProductPageLimits,
  adminProductListQuerySchema,
  productInputSchema,
  productInventoryBodySchema,
  productPatchSchema,
  productStatuses,
  type AdminProductPage,
} from '@shop/contracts';
import { parseOrThrow } from '@shop/platform';
import { productEntityTag } from '../domain/entity-tag';
import { toAdminProductView, type CatalogPresentation, type ProductWithAvailability } from '../domain/product';
import type { ProductAdminService } from '../domain/product-admin.service';
import type { ProductQueryService } from '../domain/product-query.service';
import { adminOnly, contextOf, currentAdminOnly } from './admin-auth';
import { CachePolicies } from './cache-policy';
import { expectedVersionsOf } from './preconditions';

/** The product id of the route. */
function idOf(req: Request): string {
  return String(req.params.id);
}

/** Sends the admin representation with its ETag (whose version part is what `If-Match` compares). */
function sendAdminProduct(res: Response, product: ProductWithAvailability, catalog: CatalogPresentation, status = 200): void {
  const body = JSON.stringify(toAdminProductView(product, catalog));
  res.status(status);
  res.setHeader('ETag', productEntityTag(product.version, body));
  res.setHeader('Cache-Control', CachePolicies.private);
  res.type('application/json').send(body);
}

/**
 * Admin product management (admin token): create, replace, patch, archive, delete, stock, and reads of every status.
 * The delete alone also confirms the role in auth's database: it is the one write that cannot be undone (the product
 * and its stock are gone); the others leave the product for any admin to correct, and trust the token like the reads.
 */
export function createAdminProductsRouter(deps: {
  productAdmin: ProductAdminService;
  productQueries: ProductQueryService;
  verifier: TokenVerifier;
  authorizations: UserAuthorizations;
}): Router {
  const { productAdmin, productQueries } = deps;
  const admin = adminOnly(deps.verifier);
  const currentAdmin = currentAdminOnly(deps.verifier, deps.authorizations);
  const router = Router();
  const send = (res: Response, product: ProductWithAvailability, status?: number) => sendAdminProduct(res, product, productQueries.catalogPresentation, status);

  router.post('/products', ...admin, async (req, res) => {
    const input = parseOrThrow(productInputSchema, req.body, 'body');
    const product = await productAdmin.createProduct(contextOf(res), input);
    res.setHeader('Location', `${req.baseUrl}/products/${product.id}`);
    send(res, product, 201);
  });

  router.put('/products/:id', ...admin, async (req, res) => {
    const expected = expectedVersionsOf(req);
    const input = parseOrThrow(productInputSchema, req.body, 'body');
    send(res, await productAdmin.replaceProduct(contextOf(res), idOf(req), expected, input));
  });

  router.patch('/products/:id', ...admin, async (req, res) => {
    const expected = expectedVersionsOf(req);
    const patch = parseOrThrow(productPatchSchema, req.body, 'body');
    send(res, await productAdmin.patchProduct(contextOf(res), idOf(req), expected, patch));
  });

  router.post('/products/:id/archive', ...admin, async (req, res) => {
    const expected = expectedVersionsOf(req);
    send(res, await productAdmin.archiveProduct(contextOf(res), idOf(req), expected));
  });

  router.delete('/products/:id', ...currentAdmin, async (req, res) => {
    const expected = expectedVersionsOf(req);
    await productAdmin.deleteProduct(contextOf(res), idOf(req), expected);
    res.status(204).end();
  });

  router.put('/products/:id/inventory', ...admin, async (req, res) => {
    const expected = expectedVersionsOf(req);
    const { onHand } = parseOrThrow(productInventoryBodySchema, req.body, 'body');
    send(res, await productAdmin.setInventory(contextOf(res), idOf(req), expected, onHand));
  });

  router.get('/admin/products', ...admin, async (req, res) => {
    const { status, ...query } = parseOrThrow(adminProductListQuerySchema, req.query, 'query');
    const page = await productQueries.searchProducts({ ...query, limit: query.limit ?? ProductPageLimits.default }, status ? [status] : [...productStatuses]);
    res.setHeader('Cache-Control', CachePolicies.private);
    res.json({ items: page.items.map((item) => toAdminProductView(item, productQueries.catalogPresentation)), nextCursor: page.nextCursor } satisfies AdminProductPage);
  });

  router.get('/admin/products/:id', ...admin, async (req, res) => {
    send(res, await productQueries.getProduct(idOf(req)));
  });

  return router;
}
