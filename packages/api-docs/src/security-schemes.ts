import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

/** Names of the document's security schemes (the keys of `components.securitySchemes`). */
export const SecuritySchemeNames = {
  /** The access token of POST /api/auth/login, as `Authorization: Bearer <jwt>`. */
  bearer: 'bearerAuth',
  /** A guest cart's id, as the cart API handed it out in `X-Cart-Id`. */
  guestCartHeader: 'guestCartId',
  /** The same id in the `cart_id` cookie the cart API sets for browsers. */
  guestCartCookie: 'guestCartCookie',
  /** Dapr's app API token, which the sidecar adds to every service-to-service call it forwards. */
  appApiToken: 'appApiToken',
  /** A partner API key (`shp_…`, issued by an admin) in `X-API-Key`. */
  partnerApiKey: 'partnerApiKey',
  /** The same key as `Authorization: Bearer shp_…`. */
  partnerBearer: 'partnerBearer',
} as const;

/** Adds the security schemes every operation's `security` names. */
export function registerSecuritySchemes(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', SecuritySchemeNames.bearer, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The access token from POST /api/auth/login or /api/auth/session/refresh (RS256, verified against GET /api/auth/.well-known/jwks.json).',
  });
  registry.registerComponent('securitySchemes', SecuritySchemeNames.guestCartHeader, {
    type: 'apiKey',
    in: 'header',
    name: 'X-Cart-Id',
    description: 'A guest cart: the id the cart API answered in X-Cart-Id. Sent together with a bearer token, that guest cart is merged into the user\'s cart.',
  });
  registry.registerComponent('securitySchemes', SecuritySchemeNames.guestCartCookie, {
    type: 'apiKey',
    in: 'cookie',
    name: 'cart_id',
    description: 'A guest cart in a browser: the HttpOnly cookie the cart API sets (used when no X-Cart-Id header is sent).',
  });
  registry.registerComponent('securitySchemes', SecuritySchemeNames.appApiToken, {
    type: 'apiKey',
    in: 'header',
    name: 'dapr-api-token',
    description:
      'Service-to-service calls only: Dapr\'s app API token (APP_API_TOKEN, from Key Vault), which the sidecar adds to the calls it forwards. Without one configured (the embedded defaults, services on loopback) the internal routes are open to whoever reaches the port.',
  });
  registry.registerComponent('securitySchemes', SecuritySchemeNames.partnerApiKey, {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'A partner API key (shp_ followed by 43 characters), issued once by an admin (POST /api/admin/api-keys). Never a user\'s access token.',
  });
  registry.registerComponent('securitySchemes', SecuritySchemeNames.partnerBearer, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'shp_ API key',
    description: 'The same partner API key as Authorization: Bearer shp_…',
  });
}
