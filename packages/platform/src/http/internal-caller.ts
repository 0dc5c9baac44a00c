import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '@shop/kernel';

/** The header that carries the app API token: Dapr's sidecar adds it to every call it forwards to the app. */
export const appApiTokenHeader = 'dapr-api-token';

/**
 * Guards service-to-service routes (`/internal/...`, never routed by the gateway or the ingress). With an app API
 * token configured (Dapr's APP_API_TOKEN, from Key Vault) the caller must present it in `dapr-api-token`; without
 * one (the embedded default, services on loopback only) the routes are open to whoever reaches the port.
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
