import { Router } from 'express';
import { z } from 'zod';
import type { RateLimiter } from '@shop/building-blocks';
import {
  ApiKeyScopes,
  PartnerPageLimits,
  partnerProductListQuerySchema,
  productHistoryQuerySchema,
  type ApiKeyTier,
  type PartnerUsage,
} from '@shop/contracts';
import { AppError } from '@shop/kernel';
import { parseOrThrow } from '@shop/platform';
import { ifNoneMatchHits } from '../domain/entity-tag';
import type { PartnerCatalogService } from '../domain/partner-catalog.service';
import type { ProductHistoryReader } from '../domain/partner-catalog.ports';
import type { ProductQueryService } from '../domain/product-query.service';
import type { PartnerAccess } from './partner-access';

/** Where the partner API is mounted (the gateway routes `/api/partner` to catalog). */
export const partnerApiBasePath = '/api/partner/v1';

/** Path parameters of the routes of one product: ids only (a SKU is not part of the partner API). */
const productIdParamsSchema = z.strictObject({ id: z.uuid() });

/** What the partner routes read. */
export interface PartnerRoutesDeps {
  access: PartnerAccess;
  partnerCatalog: PartnerCatalogService;
  /** One product, through the product cache. */
  productQueries: ProductQueryService;
  /** Without it the history route answers 503. */
  productHistory?: ProductHistoryReader;
  /** The key's counts today; the access checks made sure it is there before a route runs. */
  rateLimiter?: RateLimiter;
  /** Requests per minute of each tier, as the usage answer states it. */
  tierLimits: Readonly<Record<ApiKeyTier, number>>;
}

/**
 * The keyed partner API: every route authenticates the key, checks its scope, then counts against its tier limit
 * before doing anything (see PartnerAccess). Answers are JSON with Cache-Control private. The public document and
 * page (partner-docs.routes.ts) are mounted before this router.
 */
export function createPartnerRouter(deps: PartnerRoutesDeps): Router {
  const { access } = deps;
  const router = Router();
  router.use(access.authenticate);

  router.get('/products', access.guard(ApiKeyScopes.catalogRead), async (req, res) => {
    const query = parseOrThrow(partnerProductListQuerySchema, req.query, 'query');
    const page = await deps.partnerCatalog.productPage({ ...query, limit: query.limit ?? PartnerPageLimits.default });
    res.json(page);
  });

  router.get('/products/:id', access.guard(ApiKeyScopes.catalogRead), async (req, res) => {
    const { id } = parseOrThrow(productIdParamsSchema, req.params, 'params');
    const representation = await deps.productQueries.readPublicProduct(id);
    if (!representation) throw new AppError('not_found', `No active product ${id}`);
    res.setHeader('ETag', representation.etag);
    if (ifNoneMatchHits(req.headers['if-none-match'], representation.etag)) {
      res.status(304).end();
      return;
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(representation.body);
  });

  router.get('/products/:id/history', access.guard(ApiKeyScopes.insightsRead), async (req, res) => {
    const { id } = parseOrThrow(productIdParamsSchema, req.params, 'params');
    const query = parseOrThrow(productHistoryQuerySchema, req.query, 'query');
    if (!deps.productHistory) throw new AppError('unavailable', 'Product history is not available on this server', { retryAfterSeconds: 30 });
    const history = await deps.productHistory.historyOf(id.toLowerCase(), { from: new Date(query.from), to: new Date(query.to), interval: query.interval ?? 'day' });
    if (!history) throw new AppError('not_found', `No product ${id}`);
    res.json(history);
  });

  router.get('/usage', access.guard(), async (_req, res) => {
    const key = access.keyOf(res);
    const usage = await deps.rateLimiter!.usageToday(`partner:${key.keyId}`);
    res.json({
      keyId: key.keyId,
      tier: key.tier,
      limitPerMinute: deps.tierLimits[key.tier],
      day: usage.day,
      requestsToday: usage.accepted,
      rejectedToday: usage.rejected,
    } satisfies PartnerUsage);
  });

  // A keyed request for a path the API does not have still counts, and says so with the limit headers.
  router.use(access.guard(), () => {
    throw new AppError('not_found', 'The partner API has no such route');
  });

  return router;
}
