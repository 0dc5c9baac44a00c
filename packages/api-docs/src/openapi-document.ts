import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { ApiTags, toRouteConfig, type ApiOperation } from './api-operation';
import { correctGeneratedDocument, describeJsonValues } from './generator-corrections';
import { registerSecuritySchemes } from './security-schemes';

/** Where the gateway serves the document, and the page that renders it. */
export const ApiDocsPaths = {
  document: '/api/openapi.json',
  page: '/api/docs',
} as const;

/** An OpenAPI 3.1 document (the generator's type, without naming its openapi3-ts dependency). */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

/** What the document says about itself. */
export interface OpenApiDocumentOptions {
  /** `info.version`: the platform's version. */
  version: string;
  /** `info.title`; default the platform's. */
  title?: string;
  /** `info.description`; default the platform's. */
  description?: string;
  /** The tags and their descriptions; default the platform's contexts. */
  tags?: Array<{ name: string; description: string }>;
  /** `servers`; default the gateway. */
  servers?: Array<{ url: string; description?: string }>;
}

const tagDescriptions: Array<{ name: string; description: string }> = [
  { name: ApiTags.auth, description: 'Accounts, sign-in with access and refresh tokens, the JWKS; account administration (admin).' },
  { name: ApiTags.catalog, description: 'Products and categories for everyone; product administration, stock and sync runs (admin).' },
  { name: ApiTags.cart, description: 'The shopper\'s cart: a guest cart by id, or the signed-in user\'s cart.' },
  { name: ApiTags.orders, description: 'Checkout and the shopper\'s orders; order search, fulfilment and daily reports (admin).' },
  { name: ApiTags.partner, description: 'The partner API: products, their price and stock history and the key\'s usage, read with an API key and rate limited per tier.' },
  { name: ApiTags.admin, description: 'Partner API keys, partner usage and the audit log (admin; kept by auth).' },
  {
    name: ApiTags.internal,
    description:
      'Service-to-service routes under /internal: never routed by the gateway or the ingress. Reached through Dapr service invocation of the owning app (`/v1.0/invoke/<app>/method/internal/...`), which adds the app API token.',
  },
];

/**
 * The OpenAPI 3.1 document of the platform's HTTP APIs: every operation of `operations` (the contexts' path
 * descriptions), with the request and response schemas of @shop/contracts, problem+json errors and the security
 * schemes. Generated on each call; callers keep the result.
 */
export function generateOpenApiDocument(operations: readonly ApiOperation[], options: OpenApiDocumentOptions): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registerSecuritySchemes(registry);
  const seen = new Set<string>();
  for (const operation of operations) {
    const key = `${operation.method.toUpperCase()} ${operation.path}`;
    if (seen.has(key)) throw new Error(`${key} is described twice`);
    seen.add(key);
    registry.registerPath(toRouteConfig(operation));
  }
  describeJsonValues(registry.definitions);
  const document = new OpenApiGeneratorV31(registry.definitions, { sortComponents: 'alphabetically' }).generateDocument({
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'Shop platform API',
      version: options.version,
      description:
        options.description ??
        'The shoppers\', admins\' and internal HTTP APIs of the shop platform, generated from the zod schemas of @shop/contracts that the services validate with. Errors are RFC 9457 problem documents (application/problem+json). Every response carries X-Request-Id; send one (or a W3C traceparent) to correlate your logs.',
    },
    servers: options.servers ?? [{ url: '/', description: 'The gateway (npm start: http://localhost:8080); internal routes are served by each service, not by the gateway' }],
    tags: options.tags ?? tagDescriptions,
  });
  // The generator writes empty sections; an OpenAPI reader does not need them.
  if (document.webhooks && Object.keys(document.webhooks).length === 0) delete document.webhooks;
  if (document.components?.parameters && Object.keys(document.components.parameters).length === 0) delete document.components.parameters;
  dropUnusedSecuritySchemes(document);
  return correctGeneratedDocument(document);
}

/** Every scheme is registered; a document lists only those its operations name (the partner API has no JWTs). */
function dropUnusedSecuritySchemes(document: OpenApiDocument): void {
  const schemes = document.components?.securitySchemes;
  if (!schemes) return;
  const used = new Set<string>();
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(pathItem) as Array<{ security?: Array<Record<string, unknown>> } | undefined>) {
      for (const requirement of (typeof operation === 'object' && operation?.security) || []) for (const name of Object.keys(requirement)) used.add(name);
    }
  }
  for (const name of Object.keys(schemes)) if (!used.has(name)) delete schemes[name];
}
