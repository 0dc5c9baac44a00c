import { z } from 'zod';
import {
  marketIdSchema,
  marketListSchema,
  adminProductListQuerySchema,
  adminProductPageSchema,
  adminProductViewSchema,
  categoryTreeSchema,
  productInputSchema,
  productInventoryBodySchema,
  productListQuerySchema,
  productPageSchema,
  productPatchSchema,
  productReadQuerySchema,
  productViewSchema,
} from '@shop/contracts';
import { jsonRequestBody, type ApiOperation } from '../api-operation';
import { pathParameters, textParameter, uuidParameter } from '../path-parameters';
import { emptyResponse, jsonResponse } from '../responses';

const productId = pathParameters({ id: uuidParameter('The product id') });

/** Admin writes apply to the version the admin read: without If-Match 428, with an older version 412. */
const ifMatch = z.object({
  'If-Match': z.string().meta({ description: 'The ETag of the product as last read (GET /api/catalog/admin/products/{id}, or the answer to the last write)' }),
});

const productEtag = z.object({
  ETag: z.string().meta({ description: 'Names the product version: send it as If-Match with the next write' }),
  'Cache-Control': z.literal('no-store'),
});
const adminProduct = (description: string) => jsonResponse(description, adminProductViewSchema, productEtag);

/** The problems of a write that names a version: a missing If-Match, an older one. */
const versionedWriteProblems = [404, 412, 428];

/** Catalog's public reads and its product administration (sync runs: catalog-sync.paths.ts). */
export const catalogOperations: readonly ApiOperation[] = [
  {
    operationId: 'searchProducts',
    method: 'get',
    path: '/api/catalog/products',
    summary: 'Search and list active products',
    description: 'Shared caches may keep a page for 15 seconds when the URL names the market and the language (?market=, ?lang=); otherwise the answer is private.',
    access: 'anyone',
    request: { query: productListQuerySchema },
    responses: { 200: jsonResponse('A page of products', productPageSchema) },
    problems: [400],
  },
  {
    operationId: 'getProduct',
    method: 'get',
    path: '/api/catalog/products/{ref}',
    summary: 'One active product, by id or SKU',
    description:
      'Revalidate with If-None-Match: the answer is 304 while the product is unchanged. Shared caches may keep it for 30 seconds when the URL names the market and the language (availability can lag by that much; checkout reserves against the database). Name and description are in the requested language when the product has a translation in it, else in the base language (the answer says which).',
    access: 'anyone',
    request: {
      params: pathParameters({ ref: textParameter('The product id (UUID) or its SKU') }),
      query: productReadQuerySchema,
      headers: z.object({ 'If-None-Match': z.string().optional().meta({ description: 'The ETag of a copy the client holds' }) }),
    },
    responses: {
      200: jsonResponse('The product', productViewSchema, z.object({ ETag: z.string().meta({ description: 'The representation\'s entity tag' }) })),
      304: emptyResponse('The copy the client holds (If-None-Match) is current'),
    },
    problems: [400, 404],
  },
  {
    operationId: 'getCategoryTree',
    method: 'get',
    path: '/api/catalog/categories',
    summary: 'The category tree',
    access: 'anyone',
    responses: { 200: jsonResponse('Every category, roots first, children sorted by name', categoryTreeSchema) },
    problems: [],
  },
  {
    operationId: 'listMarkets',
    method: 'get',
    path: '/api/catalog/markets',
    summary: "The shop's markets and the market this request resolves to",
    description:
      'The market is chosen by ?market=, else the shop_market cookie, else the X-Client-Country header Front Door sets from the client country, else Accept-Language, else the default; the answer varies by those headers (Vary).',
    access: 'anyone',
    request: { query: z.strictObject({ market: marketIdSchema.optional().meta({ description: 'An explicit market; one that does not exist is a 400' }) }) },
    responses: { 200: jsonResponse('The markets, the default, and the current market with how it was chosen', marketListSchema) },
    problems: [400],
  },
  {
    operationId: 'createProduct',
    method: 'post',
    path: '/api/catalog/products',
    summary: 'Create a product',
    access: 'admin',
    request: { body: jsonRequestBody(productInputSchema) },
    responses: {
      201: jsonResponse('The new product (version 1, no stock yet)', adminProductViewSchema, productEtag.extend({ Location: z.string().meta({ description: '/api/catalog/products/{id}' }) })),
    },
    problems: [400, { status: 409, description: 'A product with this SKU exists' }, { status: 422, description: 'The category does not exist' }],
  },
  {
    operationId: 'replaceProduct',
    method: 'put',
    path: '/api/catalog/products/{id}',
    summary: 'Replace the writable fields of a product',
    access: 'admin',
    request: { params: productId, headers: ifMatch, body: jsonRequestBody(productInputSchema) },
    responses: { 200: adminProduct('The product at its new version') },
    problems: [400, ...versionedWriteProblems, 409, 422],
  },
  {
    operationId: 'patchProduct',
    method: 'patch',
    path: '/api/catalog/products/{id}',
    summary: 'Change some fields of a product (JSON merge-patch, RFC 7396)',
    description: '`null` removes a member (optional fields go back to their defaults), objects merge (price, attributes), arrays replace; the merged product is validated as a whole.',
    access: 'admin',
    request: {
      params: productId,
      headers: ifMatch,
      body: { required: true, content: { 'application/merge-patch+json': { schema: productPatchSchema }, 'application/json': { schema: productPatchSchema } } },
    },
    responses: { 200: adminProduct('The product at its new version') },
    problems: [400, ...versionedWriteProblems, 409, 422],
  },
  {
    operationId: 'archiveProduct',
    method: 'post',
    path: '/api/catalog/products/{id}/archive',
    summary: 'Archive a product (it leaves the public catalog, its orders keep it)',
    access: 'admin',
    request: { params: productId, headers: ifMatch },
    responses: { 200: adminProduct('The archived product') },
    problems: versionedWriteProblems,
  },
  {
    operationId: 'deleteProduct',
    method: 'delete',
    path: '/api/catalog/products/{id}',
    summary: 'Delete a product',
    description:
      'Refused (409) while orders hold reservations of it: archive it instead. It cannot be undone, so the admin role is confirmed in auth\'s database, not only read from the token: an admin demoted since the token was issued gets 403; when auth cannot answer, 503 with Retry-After.',
    access: 'admin',
    request: { params: productId, headers: ifMatch },
    responses: { 204: emptyResponse('Deleted') },
    problems: [...versionedWriteProblems, 409, 503],
  },
  {
    operationId: 'setProductInventory',
    method: 'put',
    path: '/api/catalog/products/{id}/inventory',
    summary: 'Set the stock on hand',
    description: 'On hand cannot go below the reserved units (409).',
    access: 'admin',
    request: { params: productId, headers: ifMatch, body: jsonRequestBody(productInventoryBodySchema) },
    responses: { 200: adminProduct('The product with its new stock') },
    problems: [400, ...versionedWriteProblems, 409],
  },
  {
    operationId: 'searchAdminProducts',
    method: 'get',
    path: '/api/catalog/admin/products',
    summary: 'Search products of every status',
    access: 'admin',
    request: { query: adminProductListQuerySchema },
    responses: { 200: jsonResponse('A page of products with their stock figures', adminProductPageSchema, z.object({ 'Cache-Control': z.literal('no-store') })) },
    problems: [400],
  },
  {
    operationId: 'getAdminProduct',
    method: 'get',
    path: '/api/catalog/admin/products/{id}',
    summary: 'One product of any status, with its stock figures',
    access: 'admin',
    request: { params: productId },
    responses: { 200: adminProduct('The product (its ETag is what If-Match of a write names)') },
    problems: [404],
  },
];
