import express, { type RequestHandler } from 'express';
import { AppError } from '@shop/kernel';

const jsonMediaTypes = ['application/json', 'application/*+json'];
const methodsWithBody = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The platform's JSON body handling (createHttpApp's `bodyParsing: 'json'`): JSON bodies of at most 1 MiB parsed,
 * any other body on a write refused with 415. The catalog mounts it itself, after the image upload route, which
 * streams its multipart body and must reach its handler unread; everything after it sees what it saw before.
 */
export function jsonBodies(limit: string | number = '1mb'): RequestHandler {
  const parseJson = express.json({ limit, type: jsonMediaTypes, strict: true });
  return (req, res, next) => {
    if (!methodsWithBody.has(req.method)) return next();
    const length = req.headers['content-length'];
    const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is(jsonMediaTypes)) {
      return next(new AppError('unsupported_media_type', `Expected a JSON body (Content-Type: application/json), got ${req.headers['content-type'] ?? 'no Content-Type'}`));
    }
    parseJson(req, res, next);
  };
}
