import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '@shop/kernel';

/** The header that carries the app API token: Dapr's sidecar adds it to every call it forwards to the app. */
export const appApiTokenHeader = 'dapr-api-token';

/**
 * Guards service-to-service routes (`/internal/...`, never routed by the gateway or the ingress): the caller must
 * present the app API token (APP_API_TOKEN: Dapr's, from Key Vault, or the shared token of separate processes) in
 * `dapr-api-token`, else 401. A service's configuration refuses to start without a token unless it runs embedded
 * (one process, in-memory building blocks, loopback only, not production): only there are the routes open.
 */
export function requireInternalCaller(options: { appApiToken?: string }): RequestHandler {
  const expected = options.appApiToken ? Buffer.from(options.appApiToken) : undefined;
  return (req, _res, next) => {
    if (!expected) return next();
    const presented = Buffer.from(req.header(appApiTokenHeader) ?? '');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new AppError('unauthorized', 'This route is for the platform\'s services only');
    }
    next();
  };
}
