import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiTags } from './api-operation';
import { generateOpenApiDocument, type OpenApiDocument } from './openapi-document';
import { partnerApiBasePath, partnerOperations } from './paths/partner.paths';

/** Where catalog serves the partner API's document and the page that renders it (public, no key, not rate limited). */
export const PartnerApiDocsPaths = {
  document: `${partnerApiBasePath}/openapi.json`,
  page: `${partnerApiBasePath}/docs`,
} as const;

/** The partner API's version, which its document carries as `info.version` (the `v1` of its paths is the major). */
const partnerApiVersion = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

/** The partner API's OpenAPI 3.1 document: only the partner operations, from the same contract schemas the routes validate with. */
export function generatePartnerOpenApiDocument(options: { version?: string } = {}): OpenApiDocument {
  return generateOpenApiDocument(partnerOperations, {
    version: options.version ?? partnerApiVersion,
    title: 'Shop partner API',
    description:
      'Read the catalog (products with price and availability) and the price and stock history of products, with an API key an admin issued you. Send it as `X-API-Key: shp_…` or `Authorization: Bearer shp_…`. Each key has a tier whose requests per minute are enforced with a sliding window; every answer says how many remain (`RateLimit-*` headers), and a 429 says when to retry (`Retry-After`). Errors are RFC 9457 problem documents (application/problem+json).',
    servers: [{ url: '/', description: 'The shop\'s public address (npm start: http://localhost:8080)' }],
    tags: [{ name: ApiTags.partner, description: 'Products, their history and your key\'s usage.' }],
  });
}

let partnerDocument: OpenApiDocument | undefined;

/** The partner API's document: generated on first use, then kept (it is fixed for the life of the process). */
export function partnerOpenApiDocument(): OpenApiDocument {
  partnerDocument ??= generatePartnerOpenApiDocument();
  return partnerDocument;
}

const partnerPageDir = join(__dirname, '..', 'static', 'partner');
const swaggerUiDir = dirname(require.resolve('swagger-ui-dist/package.json'));

/** The partner docs page (Swagger UI on the partner document), served at PartnerApiDocsPaths.page. */
export const partnerDocsPageFile = join(partnerPageDir, 'index.html');

/** The files the partner page loads, by the name it loads them by (under PartnerApiDocsPaths.page). */
export const partnerDocsPageAssets: ReadonlyMap<string, string> = new Map([
  ['swagger-initializer.js', join(partnerPageDir, 'swagger-initializer.js')],
  ...['swagger-ui.css', 'swagger-ui-bundle.js', 'index.css', 'favicon-32x32.png', 'favicon-16x16.png'].map((name): [string, string] => [name, join(swaggerUiDir, name)]),
]);
