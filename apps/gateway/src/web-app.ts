import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import express, { type Express, type RequestHandler } from 'express';

/**
 * Content-Security-Policy of the web app's pages: scripts only from this origin (so no injected script can read the
 * session the app keeps in localStorage), API calls to this origin, product images from any https host.
 * Inline style attributes are allowed because React sets some (placeholder colours, chart sizes).
 */
export const webAppContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' https: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Hashed build output: a changed file gets a new name, so a year of caching (and `immutable`) is safe. */
export const hashedAssetCacheControl = 'public, max-age=31536000, immutable';
/** index.html names the current hashed files: caches keep it but must revalidate (a cheap 304) on every use. */
export const documentCacheControl = 'no-cache';
/** Unhashed files beside index.html (icons, robots.txt): an hour. */
const otherFileCacheControl = 'public, max-age=3600';

/** Whether `dir` holds a built web app (the launcher warns instead of serving nothing). */
export function isWebAppBuilt(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

/** index.html with its ETag, read again only when the file changes (a rebuild while the platform runs). */
function cachedDocument(indexFile: string): () => Promise<{ body: Buffer; etag: string }> {
  let cached: { mtimeMs: number; body: Buffer; etag: string } | undefined;
  return async () => {
    const { mtimeMs } = await stat(indexFile);
    if (cached?.mtimeMs !== mtimeMs) {
      const body = await readFile(indexFile);
      cached = { mtimeMs, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    }
    return cached;
  };
}

/**
 * Serves the built storefront (apps/storefront/dist) at `/`, mounted as the gateway's fallback (after the API and the
 * platform endpoints): files with the cache policy Front Door needs, and index.html for every other GET that asks for
 * a page (client-side routes such as /products/123 or /admin/orders), so a shared link or a reload works. A missing
 * hashed asset is a 404, never index.html (a browser would otherwise try to run HTML as a script).
 */
export function mountWebApp(app: Express, dir: string): void {
  const root = resolve(dir);
  const indexFile = join(root, 'index.html');
  const document = cachedDocument(indexFile);
  app.use(
    express.static(root, {
      index: false,
      redirect: false,
      fallthrough: true,
      setHeaders: (res, filePath) => {
        const relative = filePath.slice(root.length).replace(/\\/g, '/');
        res.setHeader('Cache-Control', relative.startsWith('/assets/') ? hashedAssetCacheControl : filePath === indexFile ? documentCacheControl : otherFileCacheControl);
        if (filePath.endsWith('.html')) res.setHeader('Content-Security-Policy', webAppContentSecurityPolicy);
      },
    }),
  );
  const serveDocument: RequestHandler = (req, res, next) => {
    // Only page navigations get the page; an asset, a script or a JSON request for an unknown path gets a real 404.
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/assets/') || !req.accepts('html') || req.accepts(['json', 'html']) === 'json') {
      next();
      return;
    }
    document().then(({ body, etag }) => {
      // The platform's apps turn Express's ETags off (services set their own): this page gets a content hash.
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', documentCacheControl);
      res.setHeader('Content-Security-Policy', webAppContentSecurityPolicy);
      if (req.fresh) {
        res.status(304).end();
        return;
      }
      res.type('html').send(body);
    }, next);
  };
  app.use(serveDocument);
}
