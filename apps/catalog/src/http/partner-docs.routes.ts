import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { PartnerApiDocsPaths, partnerDocsPageAssets, partnerDocsPageFile, partnerOpenApiDocument, type OpenApiDocument } from '@shop/api-docs';

/** The document and the page change with each release: caches may keep them but revalidate (the ETag makes it a 304). */
const docsCacheControl = 'no-cache';

/** The page's Content-Security-Policy: its scripts and styles come from this origin only (Swagger UI needs inline styles). */
const docsPageContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The partner API's OpenAPI document and its human page (Swagger UI), public: no key, not rate limited, not audited.
 * Mounted at the root, before the keyed partner router. Routes are absolute (PartnerApiDocsPaths).
 */
export function createPartnerDocsRouter(options: { document?: () => OpenApiDocument } = {}): Router {
  const documentOf = options.document ?? partnerOpenApiDocument;
  let serialized: { body: string; etag: string } | undefined;
  const router = Router();

  router.get(PartnerApiDocsPaths.document, (req, res) => {
    if (!serialized) {
      const body = JSON.stringify(documentOf());
      serialized = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    res.setHeader('ETag', serialized.etag);
    res.setHeader('Cache-Control', docsCacheControl);
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(serialized.body);
  });

  router.get(PartnerApiDocsPaths.page, (_req, res, next) => {
    sendPageFile(res, partnerDocsPageFile, next, { 'Content-Security-Policy': docsPageContentSecurityPolicy });
  });

  router.get(`${PartnerApiDocsPaths.page}/:file`, (req, res, next) => {
    const file = partnerDocsPageAssets.get(req.params.file);
    if (!file) {
      next();
      return;
    }
    sendPageFile(res, file, next);
  });

  return router;
}

function sendPageFile(res: Response, file: string, next: (error?: unknown) => void, headers: Record<string, string> = {}): void {
  res.sendFile(file, { cacheControl: false, dotfiles: 'deny', headers: { 'Cache-Control': docsCacheControl, ...headers } }, (error) => {
    if (error) next(error);
  });
}
