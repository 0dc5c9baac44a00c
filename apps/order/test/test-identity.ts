import { AccessTokenSigner, StaticJwks, TokenVerifier, generateSigningKey } from '@shop/auth-tokens';
import { createLogger } from '@shop/platform';

// Apart from order-platform.ts, so that suites of the order service alone do not load catalog and cart.

/** Test logs are silent unless TEST_LOG_LEVEL says otherwise. */
export const testLogger = createLogger({ service: 'order-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

// One signing key per test process: RSA key generation takes a while.
const signer = new AccessTokenSigner({ keys: [generateSigningKey()] });
/** Catalog, cart and order all trust the test signer, as they trust auth's keys in production. */
export const testVerifier = new TokenVerifier({ jwks: new StaticJwks(signer.jwks()) });

/** A customer's Authorization header. */
export function bearerFor(userId: string): string {
  return `Bearer ${signer.sign({ userId, email: `${userId}@example.com`, roles: ['customer'] })}`;
}

/** The admin's Authorization header. */
export const adminBearer = `Bearer ${signer.sign({ userId: 'admin-1', email: 'admin@example.com', roles: ['admin'] })}`;
