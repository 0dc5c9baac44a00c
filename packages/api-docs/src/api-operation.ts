import type { ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { RoutePrefixes, problemDocumentSchema } from '@shop/contracts';
import { defaultProblemResponse, problemMediaType, problemResponse, problemStatusMeanings } from './responses';
import { SecuritySchemeNames } from './security-schemes';

/**
 * Who may call an operation. It decides the operation's security requirement and the 401/403 it can answer, so a
 * path description states it once instead of repeating schemes and statuses.
 */
export type ApiAccess =
  /** No credentials. */
  | 'anyone'
  /** A valid bearer token, any role. */
  | 'signed-in'
  /** A bearer token with the admin role. */
  | 'admin'
  /** The cart's owner: a bearer token (the user's cart), a guest cart id (header or cookie), or neither (a new guest cart). */
  | 'cart-owner'
  /** Another service of the platform, through Dapr service invocation: the app API token. */
  | 'service'
  /** A partner API key (`Authorization: Bearer shp_…` or `X-API-Key`), rate limited by the key's tier. */
  | 'partner-key';

/** HTTP methods the platform's routes use. */
export type ApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One operation of the API, as a context's path descriptions declare it. */
export interface ApiOperation {
  /** Unique in the document; Swagger UI links to it. */
  operationId: string;
  method: ApiMethod;
  /** The full path as the service serves it, with OpenAPI `{param}` templates: `/api/orders/{id}/cancel`. */
  path: string;
  summary: string;
  description?: string;
  access: ApiAccess;
  request?: RouteConfig['request'];
  /** The answers that are not problems (2xx, 304), by status. */
  responses: Record<number, ResponseConfig>;
  /**
   * The problem statuses this route answers, besides those its access and its body imply (401 and 403 come from
   * the access, 413 and 415 from a JSON body) and the `default` (500, and the gateway's 502 and 504). A status
   * alone answers the plain problem document; a problem with extension members names its own schema (several of
   * one status become alternatives).
   */
  problems: Array<number | ApiProblem>;
}

/** A problem answer with its own meaning, or whose document has extension members (the out-of-stock lines of a 409...). */
export interface ApiProblem {
  status: number;
  /** A problem document schema (the contract's `problemDocumentSchema` extended); default the plain problem document. */
  schema?: z.ZodType;
  /** What this problem means on this route; default the meaning of its status. */
  description?: string;
}

/** Tags of the document: one per context of the public API, and one for every service-to-service route. */
export const ApiTags = {
  auth: 'auth',
  catalog: 'catalog',
  cart: 'cart',
  orders: 'orders',
  internal: 'internal',
  partner: 'partner',
  admin: 'admin',
} as const;

/** The tag of a path: `internal` for `/internal/...`, else the context its gateway prefix routes to. */
export function tagOfPath(path: string): string {
  if (path.startsWith('/internal/')) return ApiTags.internal;
  const route = RoutePrefixes.find(({ prefix }) => path === prefix || path.startsWith(`${prefix}/`));
  if (!route) throw new Error(`${path} is neither under a gateway prefix (${RoutePrefixes.map((r) => r.prefix).join(', ')}) nor under /internal`);
  // The cross-context admin APIs (partner keys, their usage, the audit log) are one tag, whoever serves them.
  if (route.prefix.startsWith('/api/admin/')) return ApiTags.admin;
  return route.prefix.slice('/api/'.length);
}

const bearer = { [SecuritySchemeNames.bearer]: [] };

/** The security requirement of each kind of access (alternatives: any one of them is enough). */
const securityOf: Record<ApiAccess, RouteConfig['security']> = {
  anyone: undefined,
  'signed-in': [bearer],
  admin: [bearer],
  'cart-owner': [
    {},
    bearer,
    { [SecuritySchemeNames.guestCartHeader]: [] },
    { [SecuritySchemeNames.guestCartCookie]: [] },
    { ...bearer, [SecuritySchemeNames.guestCartHeader]: [] },
    { ...bearer, [SecuritySchemeNames.guestCartCookie]: [] },
  ],
  service: [{ [SecuritySchemeNames.appApiToken]: [] }],
  'partner-key': [{ [SecuritySchemeNames.partnerApiKey]: [] }, { [SecuritySchemeNames.partnerBearer]: [] }],
};

/** What the access adds to the description, so a reader of the page sees it next to the summary. */
const accessNote: Record<ApiAccess, string | undefined> = {
  anyone: undefined,
  'signed-in': 'Needs a bearer token.',
  admin: 'Admin only: a bearer token with the admin role.',
  'cart-owner': 'A bearer token selects the user\'s cart (and merges a guest cart sent with it); without one, the guest cart of X-Cart-Id or the cart_id cookie, or a new guest cart on the first write.',
  service: 'Service-to-service (never routed by the gateway): called through Dapr service invocation of the owning app.',
  'partner-key':
    'Needs a partner API key (X-API-Key, or Authorization: Bearer). Limited per key to the requests per minute of its tier (sliding window): every answer to a valid key carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset, and a request beyond the limit is a 429 with Retry-After that does nothing.',
};

/** The problem statuses an operation answers because of who may call it and what it sends. */
function impliedProblems(operation: ApiOperation): number[] {
  const implied: number[] = [];
  if (operation.access === 'signed-in' || operation.access === 'admin' || operation.access === 'service' || operation.access === 'cart-owner') implied.push(401);
  if (operation.access === 'admin') implied.push(403);
  // The limiter refuses (429) or cannot be asked (503); a scope's 403 is listed by the routes that need one.
  if (operation.access === 'partner-key') implied.push(401, 429, 503);
  if (operation.request?.body) implied.push(413, 415);
  return implied;
}

/** The problem responses of an operation by status: the plain problem document, or the alternatives it names. */
function problemResponsesOf(operation: ApiOperation): Record<number, ResponseConfig> {
  const byStatus = new Map<number, ApiProblem[]>();
  for (const problem of [...operation.problems, ...impliedProblems(operation)]) {
    const status = typeof problem === 'number' ? problem : problem.status;
    const specific = byStatus.get(status) ?? [];
    if (typeof problem !== 'number') specific.push(problem);
    byStatus.set(status, specific);
  }
  const statuses = [...byStatus.keys()].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => {
      const specific = byStatus.get(status)!;
      if (specific.length === 0) return [status, problemResponse(status)];
      const schemas = [...new Set(specific.map((problem) => problem.schema ?? problemDocumentSchema))];
      const schema = schemas.length === 1 ? schemas[0] : z.union(schemas);
      const meanings = specific.map((problem) => problem.description ?? problemStatusMeanings[status]);
      const description = meanings.length === 1 ? meanings[0] : `One of:\n${meanings.map((meaning) => `- ${meaning}`).join('\n')}`;
      return [status, { description, content: { [problemMediaType]: { schema } } }];
    }),
  );
}

/** The zod-to-openapi route of an operation: tag, security, and every response (problems included). */
export function toRouteConfig(operation: ApiOperation): RouteConfig {
  const { problems: _problems, access, responses, description, ...route } = operation;
  for (const status of Object.keys(responses).map(Number)) {
    if (status >= 400) throw new Error(`${operation.operationId}: list ${status} in problems, not in responses`);
  }
  const security = securityOf[access];
  const note = accessNote[access];
  return {
    ...route,
    tags: [tagOfPath(operation.path)],
    ...(description || note ? { description: [description, note].filter(Boolean).join('\n\n') } : {}),
    ...(security ? { security } : {}),
    responses: {
      ...responses,
      ...problemResponsesOf(operation),
      default: defaultProblemResponse,
    },
  };
}

/** A required JSON request body of `schema`. */
export function jsonRequestBody(schema: z.ZodType): NonNullable<NonNullable<RouteConfig['request']>['body']> {
  return { required: true, content: { 'application/json': { schema } } };
}
