import { pipeline } from 'node:stream/promises';
import type { RequestHandler } from 'express';
import { MEDIA_CACHE_CONTROL } from '@shop/contracts';
import { AppError, type Logger } from '@shop/kernel';
import { isMediaObjectName, type MediaStore } from '@shop/media-store';
import { ifNoneMatchHits } from '../domain/entity-tag';

/** A media object's entity tag: its name, which never changes its bytes (content-addressed). */
export function mediaEntityTag(name: string): string {
  return `"${name.replaceAll('/', '-')}"`;
}

/**
 * Serves media objects at `/media/<name>` (GET and HEAD) from the media store, with their stored Content-Type and
 * Cache-Control and a name-based ETag. In Azure, Front Door serves the same paths from the blob container and this
 * is only reached locally and through the gateway. A name the store would refuse (`..`, upper case, anything
 * percent-encoded...) is a 404 like a missing object, so probing tells nothing. A middleware rather than a route: the path
 * is free-form, and the OpenAPI document describes the JSON API only.
 */
export function createMediaHandler(deps: { media: MediaStore; logger: Logger }): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // Names need no percent-encoding, so the raw path is the name: an encoded dot or slash never becomes one.
    const name = req.path.replace(/^\//, '');
    if (!isMediaObjectName(name)) return next(new AppError('not_found', 'No such media object'));
    const etag = mediaEntityTag(name);
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) {
      // Only the name decides the tag, so a hit needs no look at the store.
      res.setHeader('ETag', etag);
      res.setHeader('Cache-Control', MEDIA_CACHE_CONTROL);
      res.status(304).end();
      return;
    }
    const object = await deps.media.get(name);
    if (!object) return next(new AppError('not_found', 'No such media object'));
    res.setHeader('Content-Type', object.contentType);
    res.setHeader('Cache-Control', object.cacheControl ?? MEDIA_CACHE_CONTROL);
    res.setHeader('Content-Length', String(object.size));
    res.setHeader('ETag', etag);
    if (req.method === 'HEAD') {
      object.body.destroy();
      res.end();
      return;
    }
    try {
      await pipeline(object.body, res);
    } catch (error) {
      // The status line is gone; the client sees a cut-off body, which its length tells it.
      deps.logger.warn({ err: error, name }, 'media object stream failed');
    }
  };
}
