import { createHash } from 'node:crypto';
import { Router, type RequestHandler, type Response } from 'express';
import { ApiDocsPaths, apiDocsPageAssets, apiDocsPageFile, platformOpenApiDocument, type OpenApiDocument } from '@shop/api-docs';
import { webAppContentSecurityPolicy } from './web-app';

/**
 * The document and the page change with every build (a contract, a route or swagger-ui-dist changed): caches may
 * keep them but must revalidate on every use, which the ETag makes a cheap 304.
 */
export const apiDocsCacheControl = 'no-cache';

/** What the API docs routes serve; tests pass another document. */
export interface ApiDocsRoutesOptions {
  /** Default: the platform's document (@shop/api-docs), generated on the first request. */
  document?: () => OpenApiDocument;
}

/** The document's bytes and their content hash, computed once: the document is fixed for the life of the process. */
function serializedDocument(document: () => OpenApiDocument): () => { body: string; etag: string } {
  let serialized: { body: string; etag: string } | undefined;
  return () => {
    if (!serialized) {
      const body = JSON.stringify(document());
      serialized = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    return serialized;
  };
}

/** Sends a file of the page with the docs' cache policy (send's ETag and Last-Modified answer conditional GETs). */
function sendPageFile(res: Response, file: string, next: (error?: unknown) => void, headers: Record<string, string> = {}): void {
  res.sendFile(file, { cacheControl: false, dotfiles: 'deny', headers: { 'Cache-Control': apiDocsCacheControl, ...headers } }, (error) => {
    if (error) next(error);
  });
}

/**
 * The OpenAPI document at /api/openapi.json and the page that renders it (Swagger UI) at /api/docs, with the files
 * the page loads under /api/docs/. Mounted before the proxy: no service owns these paths.
 */
export function createApiDocsRouter(options: ApiDocsRoutesOptions = {}): Router {
  const document = serializedDocument(options.document ?? platformOpenApiDocument);
  const router = Router();

  const serveDocument: RequestHandler = (req, res) => {
    const { body, etag } = document();
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', apiDocsCacheControl);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(body);
  };
  router.get(ApiDocsPaths.document, serveDocument);

  // Also answers /api/docs/ (Express routes are not strict about a trailing slash); the page names its files by absolute paths.
  router.get(ApiDocsPaths.page, (_req, res, next) => {
    sendPageFile(res, apiDocsPageFile, next, { 'Content-Security-Policy': webAppContentSecurityPolicy });
  });

  router.get(`${ApiDocsPaths.page}/:file`, (req, res, next) => {
    const file = apiDocsPageAssets.get(req.params.file);
    if (!file) {
      next();
      return;
    }
    sendPageFile(res, file, next);
  });

  return router;
}
