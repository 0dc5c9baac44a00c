// The OpenAPI document of the platform's APIs and the page that renders it (the gateway serves both).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateOpenApiDocument, type OpenApiDocument } from './openapi-document';
import { platformOperations } from './platform-operations';

export { ApiDocsPaths, generateOpenApiDocument, type OpenApiDocument, type OpenApiDocumentOptions } from './openapi-document';
export { ApiTags, tagOfPath, type ApiAccess, type ApiMethod, type ApiOperation } from './api-operation';
export { SecuritySchemeNames } from './security-schemes';
export { platformOperations } from './platform-operations';
export { apiDocsPageAssets, apiDocsPageFile } from './docs-page';
export { PartnerApiDocsPaths, generatePartnerOpenApiDocument, partnerDocsPageAssets, partnerDocsPageFile, partnerOpenApiDocument } from './partner-document';
export { partnerApiBasePath, partnerOperations } from './paths/partner.paths';

/** The platform's version, which the document carries as `info.version`. */
const platformVersion = (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

let platformDocument: OpenApiDocument | undefined;

/** The platform's OpenAPI 3.1 document: generated from the contract schemas on first use, then kept. */
export function platformOpenApiDocument(): OpenApiDocument {
  platformDocument ??= generateOpenApiDocument(platformOperations, { version: platformVersion });
  return platformDocument;
}
