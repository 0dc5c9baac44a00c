import { z } from 'zod';
import {
  DefaultTierLimitsPerMinute,
  partnerProductListQuerySchema,
  partnerProductPageSchema,
  partnerProductSchema,
  partnerUsageSchema,
  productHistoryQuerySchema,
  productHistorySchema,
} from '@shop/contracts';
import type { ApiOperation } from '../api-operation';
import { pathParameters, uuidParameter } from '../path-parameters';
import { emptyResponse, jsonResponse } from '../responses';

/** Where the partner API is served (catalog, behind the gateway's `/api/partner` prefix). */
export const partnerApiBasePath = '/api/partner/v1';

const productId = pathParameters({ id: uuidParameter('The product id') });

const tierLimits = `free ${DefaultTierLimitsPerMinute.free}, standard ${DefaultTierLimitsPerMinute.standard}, premium ${DefaultTierLimitsPerMinute.premium} by default`;

/** The headers of every answer to a valid key; the 429 carries them too, with Retry-After. */
const rateLimitHeaders = z.object({
  'RateLimit-Limit': z.number().int().meta({ description: `Requests per minute of the key's tier (${tierLimits})` }),
  'RateLimit-Remaining': z.number().int().meta({ description: 'Requests the sliding window of the last minute still admits' }),
  'RateLimit-Reset': z.number().int().meta({ description: 'Seconds until the window has room for one more request' }),
  'Cache-Control': z.string().meta({ description: 'private: an answer to a key is never kept by a shared cache' }),
});

const missingScope = (scope: string) => ({ status: 403, description: `The key does not have the ${scope} scope` });

/** The partner API: products with price and availability, their history, and the key's own usage. */
export const partnerOperations: readonly ApiOperation[] = [
  {
    operationId: 'listPartnerProducts',
    method: 'get',
    path: `${partnerApiBasePath}/products`,
    summary: 'Page through the active products, oldest change first',
    description:
      'Keyset pages ordered by the time of the last change, then id: follow nextCursor until it is null to read every active product once. Poll with updatedSince (the updatedAt of the last product you read) to get what changed since. Needs the catalog:read scope.',
    access: 'partner-key',
    request: { query: partnerProductListQuerySchema },
    responses: { 200: jsonResponse('A page of products', partnerProductPageSchema, rateLimitHeaders) },
    problems: [400, missingScope('catalog:read')],
  },
  {
    operationId: 'getPartnerProduct',
    method: 'get',
    path: `${partnerApiBasePath}/products/{id}`,
    summary: 'One active product, with its price and availability',
    description: 'Revalidate with If-None-Match: the answer is 304 while the product is unchanged (a 304 counts against the limit too). Needs the catalog:read scope.',
    access: 'partner-key',
    request: {
      params: productId,
      headers: z.object({ 'If-None-Match': z.string().optional().meta({ description: 'The ETag of a copy the client holds' }) }),
    },
    responses: {
      200: jsonResponse('The product', partnerProductSchema, rateLimitHeaders.extend({ ETag: z.string().meta({ description: "The representation's entity tag" }) })),
      304: emptyResponse('The copy the client holds (If-None-Match) is current', rateLimitHeaders),
    },
    problems: [400, missingScope('catalog:read'), { status: 404, description: 'No active product has this id' }],
  },
  {
    operationId: 'getPartnerProductHistory',
    method: 'get',
    path: `${partnerApiBasePath}/products/{id}/history`,
    summary: 'Price and available stock of a product over time, bucketed by hour or day (UTC)',
    description: 'Only buckets with changes are listed; `initial` is the state before `from`. Needs the insights:read scope.',
    access: 'partner-key',
    request: { params: productId, query: productHistoryQuerySchema },
    responses: { 200: jsonResponse('The bucketed history', productHistorySchema, rateLimitHeaders) },
    problems: [400, missingScope('insights:read'), { status: 404, description: 'No product has this id' }],
  },
  {
    operationId: 'getPartnerUsage',
    method: 'get',
    path: `${partnerApiBasePath}/usage`,
    summary: "The calling key's requests and rejections today (UTC), its tier and limit",
    description: 'Any valid key may ask; this request counts too.',
    access: 'partner-key',
    responses: { 200: jsonResponse("The key's usage today", partnerUsageSchema, rateLimitHeaders) },
    problems: [],
  },
];
